import { describe, it, expect } from 'vitest';
import { persistentBlocks, memoryBlockStore } from '../../../src/io/persistentBlocks';
import { countingSource, memorySource, patternBytes } from './countingSource';

const BS = 1024;

describe('persistentBlocks', () => {
  it('reads exact bytes across block boundaries and reads stored blocks from the store the second time', async () => {
    const bytes = patternBytes(5 * BS + 100);
    const inner = countingSource(memorySource(bytes));
    const store = memoryBlockStore();
    const src = persistentBlocks(inner, store, 'k', BS);
    const got = await src.read(BS - 10, 3 * BS + 5);
    expect(Array.from(got)).toEqual(Array.from(bytes.subarray(BS - 10, 3 * BS + 5)));
    // one merged underlying read covering blocks 0..3, aligned to blocks
    expect(inner.reads).toEqual([[0, 4 * BS]]);
    await new Promise((r) => setTimeout(r, 0)); // writes are asynchronous
    expect((await store.usage()).blocks).toBe(4);

    // a new adapter over the same store (a reload) reads blocks 1..2 from the store, only block 4.. from the source
    const inner2 = countingSource(memorySource(bytes));
    const src2 = persistentBlocks(inner2, store, 'k', BS);
    const got2 = await src2.read(BS, 5 * BS + 100);
    expect(Array.from(got2)).toEqual(Array.from(bytes.subarray(BS, 5 * BS + 100)));
    expect(inner2.reads).toEqual([[4 * BS, 5 * BS + 100]]);
    expect(src2.stats()).toMatchObject({ hits: 3, misses: 2 });
  });

  it('keeps sources apart by store key', async () => {
    const store = memoryBlockStore();
    const a = persistentBlocks(memorySource(patternBytes(2 * BS, 1)), store, 'a', BS);
    const b = countingSource(memorySource(patternBytes(2 * BS, 2)));
    await a.read(0, 2 * BS);
    await new Promise((r) => setTimeout(r, 0));
    const got = await persistentBlocks(b, store, 'b', BS).read(0, 2 * BS);
    expect(Array.from(got)).toEqual(Array.from(patternBytes(2 * BS, 2)));
    expect(b.reads.length).toBe(1);
  });

  it('completes reads when the store runs out of quota, and says so', async () => {
    const bytes = patternBytes(4 * BS);
    const store = memoryBlockStore(BS * 2);
    const src = persistentBlocks(memorySource(bytes), store, 'k', BS);
    const got = await src.read(0, 4 * BS);
    expect(Array.from(got)).toEqual(Array.from(bytes));
    await new Promise((r) => setTimeout(r, 0));
    expect(src.stats().writeProblem).toMatch(/quota/);
    expect((await store.usage()).blocks).toBe(2);
  });

  it('rejects reads outside the file naming the numbers', async () => {
    const src = persistentBlocks(memorySource(patternBytes(10)), memoryBlockStore(), 'emb', BS);
    await expect(src.read(5, 11)).rejects.toThrow(/5–11 of a 10-byte file/);
  });
});
