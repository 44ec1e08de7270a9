import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { blockCache } from '../../../src/io/blockCache';
import { httpSource } from '../../../src/io/httpSource';
import { startVindexServer, type VindexServer } from '../../server/vindexServer.mjs';
import { countingSource, memorySource, patternBytes, sameBytes } from './countingSource';
import { makeFixtureDir, GATE_SIZE, type FixtureDir } from './fixtureDir';

const BS = 1000;
const data = patternBytes(10 * BS + 250); // 11 blocks, the last one partial

function setup(opts: Parameters<typeof blockCache>[1] = {}, mem: Parameters<typeof memorySource>[1] = {}) {
  const src = countingSource(memorySource(data, mem));
  const cache = blockCache(src, { blockSize: BS, budgetBytes: 100 * BS, ...opts });
  return { src, cache };
}

async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected a rejection');
}

describe('blockCache over a counting source', () => {
  it('widens a read to its aligned block and serves repeats from cache', async () => {
    const { src, cache } = setup();
    expect(await cache.read(1100, 1200)).toEqual(data.slice(1100, 1200));
    expect(await cache.read(1000, 2000)).toEqual(data.slice(1000, 2000));
    expect(src.reads).toEqual([[1000, 2000]]);
    expect(cache.key).toBe(src.key);
    expect(cache.size).toBe(data.length);
  });

  it('merges adjacent missing blocks into one read and skips cached ones', async () => {
    const { src, cache } = setup();
    await cache.read(2500, 2600); // block 2
    expect(sameBytes(await cache.read(10, 4990), data.slice(10, 4990))).toBe(true);
    expect(src.reads).toEqual([[2000, 3000], [0, 2000], [3000, 5000]]);
  });

  it('caps a merged read at maxRequestBytes', async () => {
    const { src, cache } = setup({ maxRequestBytes: 2 * BS });
    expect(sameBytes(await cache.read(0, 5000), data.slice(0, 5000))).toBe(true);
    expect(src.reads).toEqual([[0, 2000], [2000, 4000], [4000, 5000]]);
  });

  it('reads the partial last block exactly', async () => {
    const { src, cache } = setup();
    expect(await cache.read(data.length - 3, data.length)).toEqual(data.slice(-3));
    expect(src.reads).toEqual([[10000, 10250]]);
    expect(await cache.read(0, 0)).toEqual(new Uint8Array(0));
    expect((await rejection(cache.read(0, data.length + 1))).name).toBe('OutOfRangeError');
  });

  it('shares one underlying read between concurrent callers', async () => {
    const { src, cache } = setup();
    const [a, b, c] = await Promise.all([cache.read(0, 1500), cache.read(500, 1800), cache.read(1999, 2000)]);
    expect(a).toEqual(data.slice(0, 1500));
    expect(b).toEqual(data.slice(500, 1800));
    expect(c).toEqual(data.slice(1999, 2000));
    expect(src.reads).toEqual([[0, 2000]]);
  });

  it('bounds the underlying reads in flight', async () => {
    const { src, cache } = setup({ concurrency: 2 }, { delayMs: 20 });
    await Promise.all([0, 2, 4, 6, 8, 10].map((i) => cache.read(i * BS, i * BS + 1)));
    expect(src.reads.length).toBe(6);
    expect(src.maxInFlight).toBe(2);
    expect(cache.stats().pendingReads).toBe(0);
  });

  it('evicts least recently used blocks beyond the byte budget', async () => {
    const { src, cache } = setup({ budgetBytes: 2 * BS });
    await cache.read(0, 1);
    await cache.read(BS, BS + 1);
    await cache.read(0, 1); // touch block 0: block 1 is now the oldest
    await cache.read(2 * BS, 2 * BS + 1); // evicts block 1
    expect(cache.stats()).toMatchObject({ cachedBytes: 2 * BS, cachedBlocks: 2 });
    await cache.read(0, 1);
    await cache.read(2 * BS, 2 * BS + 1);
    expect(src.reads.length).toBe(3);
    await cache.read(BS, BS + 1);
    expect(src.reads.map((r) => r[0])).toEqual([0, BS, 2 * BS, BS]);
    cache.clear();
    expect(cache.stats().cachedBytes).toBe(0);
  });

  it('keeps a shared read alive while another caller waits, and aborts it when none is left', async () => {
    const { src, cache } = setup({}, { delayMs: 40 });
    const ca = new AbortController();
    const a = cache.read(0, 100, ca.signal);
    const b = cache.read(50, 150);
    ca.abort();
    expect((await rejection(a)).name).toBe('AbortError');
    expect(await b).toEqual(data.slice(50, 150));
    expect(src.aborted).toEqual([]);

    const cc = new AbortController();
    const c = cache.read(3000, 3100, cc.signal);
    await new Promise((r) => setTimeout(r, 5));
    cc.abort();
    expect((await rejection(c)).name).toBe('AbortError');
    expect(src.aborted).toEqual([[3000, 4000]]);
    // the aborted block was forgotten, so it is read again
    expect(await cache.read(3000, 3100)).toEqual(data.slice(3000, 3100));
    expect(src.reads).toEqual([[0, 1000], [3000, 4000], [3000, 4000]]);
  });

  it('drops a queued read whose only caller aborted, without reading it', async () => {
    const { src, cache } = setup({ concurrency: 1 }, { delayMs: 30 });
    const first = cache.read(0, 1);
    const ctrl = new AbortController();
    const second = rejection(cache.read(5000, 5001, ctrl.signal));
    ctrl.abort();
    await first;
    expect((await second).name).toBe('AbortError');
    expect(src.reads).toEqual([[0, 1000]]);
  });

  it('forgets a failed block so the next read retries it', async () => {
    const { src, cache } = setup({}, { failures: 1 });
    const e = await rejection(cache.read(0, 10));
    expect(e.message).toContain('injected failure');
    expect(await cache.read(0, 10)).toEqual(data.slice(0, 10));
    expect(src.reads).toEqual([[0, 1000], [0, 1000]]);
  });

  it('rejects at once when the signal is already aborted', async () => {
    const { src, cache } = setup();
    expect((await rejection(cache.read(0, 10, AbortSignal.abort()))).name).toBe('AbortError');
    expect(src.reads).toEqual([]);
  });
});

describe('blockCache over HTTP', () => {
  let fx: FixtureDir;
  let server: VindexServer;
  beforeAll(async () => {
    fx = makeFixtureDir();
    server = await startVindexServer({ root: fx.dir });
  });
  afterAll(async () => {
    await server.close();
    fx.cleanup();
  });

  it('turns scattered and concurrent reads into few aligned Range requests', async () => {
    const MiB = 1 << 20;
    const cache = blockCache(httpSource(`${server.url}gate_vectors.bin`, { size: GATE_SIZE }), { blockSize: MiB });
    const gate = fx.files['gate_vectors.bin'];
    const [x, y] = await Promise.all([cache.read(10, 2 * MiB + 5), cache.read(MiB, MiB + 10)]);
    expect(sameBytes(x, gate.slice(10, 2 * MiB + 5))).toBe(true);
    expect(sameBytes(y, gate.slice(MiB, MiB + 10))).toBe(true);
    expect(sameBytes(await cache.read(GATE_SIZE - 100, GATE_SIZE), gate.slice(GATE_SIZE - 100))).toBe(true);
    expect(server.requests.map((r) => [r.range, r.status, r.bytes])).toEqual([
      [`bytes=0-${3 * MiB - 1}`, 206, 3 * MiB],
      [`bytes=${3 * MiB}-${GATE_SIZE - 1}`, 206, GATE_SIZE - 3 * MiB],
    ]);
  });
});
