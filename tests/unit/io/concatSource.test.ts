import { describe, expect, it } from 'vitest';
import { concatSource } from '../../../src/io/concatSource';
import type { ByteSource } from '../../../src/io/ByteSource';
import { countingSource, patternBytes } from './countingSource';

/** An in-memory source. */
function mem(bytes: Uint8Array, key: string): ByteSource {
  return { key, size: bytes.length, read: async (s, e) => bytes.slice(s, e) };
}

describe('concatSource', () => {
  const a = countingSource(mem(patternBytes(100, 1), 'a'));
  const b = countingSource(mem(patternBytes(50, 2), 'b'));
  const c = countingSource(mem(patternBytes(70, 3), 'c'));
  // virtual = a[10, 100) + b[0, 50) + c[5, 25)  → 90 + 50 + 20 = 160 bytes
  const v = concatSource('virtual', [{ source: a, start: 10, end: 100 }, { source: b, start: 0, end: 50 }, { source: c, start: 5, end: 25 }]);
  const expected = new Uint8Array([...patternBytes(100, 1).slice(10), ...patternBytes(50, 2), ...patternBytes(70, 3).slice(5, 25)]);

  it('has the pieces’ total size and reads any range as the concatenation', async () => {
    expect(v.size).toBe(160);
    for (const [s, e] of [[0, 160], [0, 1], [89, 91], [85, 145], [139, 141], [140, 160], [30, 30]]) {
      expect(Array.from(await v.read(s, e)), `${s}–${e}`).toEqual(Array.from(expected.slice(s, e)));
    }
  });

  it('reads from each piece only the bytes asked for', async () => {
    a.reads.length = b.reads.length = c.reads.length = 0;
    await v.read(85, 145);
    expect(a.reads).toEqual([[95, 100]]);
    expect(b.reads).toEqual([[0, 50]]);
    expect(c.reads).toEqual([[5, 10]]);
  });

  it('refuses ranges outside the file and pieces outside their source', async () => {
    await expect(v.read(150, 161)).rejects.toMatchObject({ name: 'OutOfRangeError', message: 'virtual: bytes 150–161 are outside the file (160 bytes)' });
    expect(() => concatSource('bad', [{ source: b, start: 40, end: 60 }])).toThrow('bad: piece 40–60 lies outside b (50 bytes)');
  });

  it('honours an aborted signal', async () => {
    const ctl = new AbortController();
    ctl.abort();
    await expect(v.read(0, 10, ctl.signal)).rejects.toMatchObject({ name: 'AbortError' });
  });
});
