import { describe, it, expect } from 'vitest';
import { sharedReads } from '../../../src/io/sharedReads';
import { countingSource, memorySource, patternBytes, sameBytes } from './countingSource';

describe('sharedReads', () => {
  it('a read inside a range in flight waits for it; each caller owns its buffer', async () => {
    const bytes = patternBytes(10_000);
    const inner = countingSource(memorySource(bytes, { delayMs: 10 }));
    const s = sharedReads(inner);
    const [a, b, c] = await Promise.all([s.read(0, 8000), s.read(100, 900), s.read(7000, 9000)]);
    expect(inner.reads).toEqual([[0, 8000], [7000, 9000]]); // the second was inside the first, the third was not
    expect(sameBytes(a, bytes.subarray(0, 8000))).toBe(true);
    expect(sameBytes(b, bytes.subarray(100, 900))).toBe(true);
    expect(sameBytes(c, bytes.subarray(7000, 9000))).toBe(true);
    expect([b.byteOffset, b.buffer.byteLength]).toEqual([0, 800]);
    expect(b.buffer).not.toBe(a.buffer);
  });

  it('the shared fetch is aborted only when every waiter has gone', async () => {
    const bytes = patternBytes(4000);
    const inner = countingSource(memorySource(bytes, { delayMs: 20 }));
    const s = sharedReads(inner);
    const c1 = new AbortController();
    const c2 = new AbortController();
    const p1 = s.read(0, 4000, c1.signal);
    const p2 = s.read(10, 20, c2.signal);
    c1.abort();
    await expect(p1).rejects.toMatchObject({ name: 'AbortError' });
    expect(sameBytes(await p2, bytes.subarray(10, 20))).toBe(true);
    expect(inner.aborted).toEqual([]);
    const c3 = new AbortController();
    const p3 = s.read(0, 100, c3.signal);
    c3.abort();
    await expect(p3).rejects.toMatchObject({ name: 'AbortError' });
    expect(inner.aborted).toEqual([[0, 100]]);
  });
});
