import { describe, it, expect } from 'vitest';
import { PersistentStore, storeName } from '../../../src/io/persistentStore';
import { memoryBackend, memoryLocks, type StoreLocks } from '../../../src/io/storeBackend';
import { storedSource } from '../../../src/io/storedSource';
import { decodeIndex } from '../../../src/io/storeIndex';
import { countingSource, memorySource, patternBytes, sameBytes } from './countingSource';

const KiB = 1024;
const V = 'hf:tester/demo@abc';
const NAME = 'gate_vectors.bin';

type Backend = ReturnType<typeof memoryBackend>;

/** One "page": a store over a shared backend and lock table, and a counted network source of `bytes`. */
async function session(backend: Backend, locks: StoreLocks, bytes: Uint8Array, identity = 'etag:"1"', vindex = V, name = NAME) {
  const store = new PersistentStore(backend, locks);
  const net = countingSource(memorySource(bytes, { delayMs: 1 }));
  const { file, notice } = await store.file({ vindex, name, size: bytes.byteLength, identity });
  return { store, net, file, notice, src: storedSource(net, file) };
}

/** Checks every byte the index claims against the source, byte for byte; returns the bytes claimed. */
function checkStored(backend: Backend, bytes: Uint8Array, vindex = V, name = NAME): number {
  const sn = storeName(vindex, name);
  const ix = decodeIndex(backend.indexes.get(sn) ?? null);
  if (!ix) return 0;
  const data = backend.files.get(sn) ?? new Uint8Array(0);
  let n = 0;
  for (const [s, e] of ix.extents) {
    expect(e).toBeLessThanOrEqual(data.byteLength);
    expect(sameBytes(data.subarray(s, e), bytes.subarray(s, e)), `stored bytes ${s}–${e}`).toBe(true);
    n += e - s;
  }
  return n;
}

/** The engine's contract: the caller owns the buffer (offset 0, exactly the range). */
function owned(b: Uint8Array, n: number) {
  expect(b.byteOffset).toBe(0);
  expect(b.buffer.byteLength).toBe(n);
}

describe('PersistentStore', () => {
  it('keeps fetched ranges at their offsets; a reload reads them from the store with no network bytes', async () => {
    const bytes = patternBytes(300 * KiB + 7);
    const backend = memoryBackend();
    const locks = memoryLocks();
    const a = await session(backend, locks, bytes);
    const r1 = await a.src.read(1000, 101_000); // not aligned to anything
    expect(sameBytes(r1, bytes.subarray(1000, 101_000))).toBe(true);
    owned(r1, 100_000);
    const r2 = await a.src.read(101_000, bytes.byteLength);
    expect(sameBytes(r2, bytes.subarray(101_000))).toBe(true);
    expect(a.net.reads).toEqual([[1000, 101_000], [101_000, bytes.byteLength]]);
    await a.file.close();
    expect(checkStored(backend, bytes)).toBe(bytes.byteLength - 1000);

    const b = await session(backend, locks, bytes);
    const all = await b.src.read(0, bytes.byteLength);
    expect(sameBytes(all, bytes)).toBe(true);
    owned(all, bytes.byteLength);
    expect(b.net.reads).toEqual([[0, 1000]]); // only the gap
    const inner = await b.src.read(5000, 9000);
    expect(sameBytes(inner, bytes.subarray(5000, 9000))).toBe(true);
    expect(b.net.reads.length).toBe(1);
    expect(checkStored(backend, bytes)).toBe(bytes.byteLength);
  });

  it('quota exceeded mid-write: reading goes on, caching stops with a reason, stored bytes stay exact', async () => {
    const bytes = patternBytes(200 * KiB);
    const backend = memoryBackend({ quotaBytes: 150 * KiB });
    backend.estimate = async () => null; // the quota is used up by others: the store's own limit does not see it coming
    const a = await session(backend, memoryLocks(), bytes);
    for (let at = 0; at < bytes.byteLength; at += 64 * KiB) {
      const end = Math.min(at + 64 * KiB, bytes.byteLength);
      expect(sameBytes(await a.src.read(at, end), bytes.subarray(at, end))).toBe(true);
    }
    expect(a.file.problem).toMatch(/quota exceeded/);
    expect(backend.files.get(storeName(V, NAME))!.byteLength).toBe(150 * KiB); // the partial write reached the quota
    expect(checkStored(backend, bytes)).toBe(128 * KiB); // only whole writes are claimed
    // a later read still returns the right bytes (stored part from disk, the rest from the network)
    expect(sameBytes(await a.src.read(0, bytes.byteLength), bytes)).toBe(true);
  });

  it('an index that claims more than the data file holds: the missing bytes are fetched, never served', async () => {
    const bytes = patternBytes(100 * KiB);
    const backend = memoryBackend();
    const locks = memoryLocks();
    const a = await session(backend, locks, bytes);
    await a.src.read(0, bytes.byteLength);
    await a.file.close();
    const sn = storeName(V, NAME);
    backend.files.set(sn, backend.files.get(sn)!.slice(0, 60 * KiB)); // the data file lost its tail
    const b = await session(backend, locks, bytes);
    const got = await b.src.read(10 * KiB, 100 * KiB);
    expect(sameBytes(got, bytes.subarray(10 * KiB))).toBe(true);
    expect(b.net.reads).toEqual([[60 * KiB, 100 * KiB]]);
    expect(checkStored(backend, bytes)).toBe(100 * KiB); // rewritten
  });

  it('a bulk write into a file shorter than its record does not pre-size it (the zeros would read as data)', async () => {
    const MiB = 1024 * KiB;
    const bytes = patternBytes(4 * MiB);
    const backend = memoryBackend();
    const locks = memoryLocks();
    const a = await session(backend, locks, bytes);
    await a.src.read(0, 4 * MiB); // a bulk write: the data file is pre-sized, then filled
    await a.file.close();
    const sn = storeName(V, NAME);
    backend.files.set(sn, backend.files.get(sn)!.slice(0, MiB)); // the data file lost its last 3 MiB
    const [b, c] = await Promise.all([session(backend, locks, bytes), session(backend, locks, bytes)]); // both hold the old record
    expect(sameBytes(await b.src.read(MiB, 2 * MiB), bytes.subarray(MiB, 2 * MiB))).toBe(true); // refetched and written
    // another holder of the old record (it claims 3–4 MiB) reads right after: a short read, fetched, not zeros
    expect(sameBytes(await c.src.read(3 * MiB, 4 * MiB), bytes.subarray(3 * MiB))).toBe(true);
    expect(b.net.reads).toEqual([[MiB, 2 * MiB]]);
    expect(c.net.reads).toEqual([[3 * MiB, 4 * MiB]]);
    await Promise.all([b.file.close(), c.file.close()]);
    checkStored(backend, bytes);
  });

  it('two tabs writing one file at once: both read right, the store holds exactly the source', async () => {
    const bytes = patternBytes(256 * KiB);
    const backend = memoryBackend();
    const locks = memoryLocks();
    const [a, b] = await Promise.all([session(backend, locks, bytes), session(backend, locks, bytes)]);
    const ranges = Array.from({ length: 16 }, (_, i) => [i * 16 * KiB, (i + 1) * 16 * KiB] as const);
    const results = await Promise.all(ranges.flatMap(([s, e]) => [a.src.read(s, e), b.src.read(e - 8 * KiB < s ? s : s + 3, e)]));
    ranges.forEach(([s, e], i) => {
      expect(sameBytes(results[2 * i], bytes.subarray(s, e))).toBe(true);
      expect(sameBytes(results[2 * i + 1], bytes.subarray(s + 3, e))).toBe(true);
    });
    await Promise.all([a.file.close(), b.file.close()]);
    expect(checkStored(backend, bytes)).toBe(256 * KiB); // both tabs' writes were kept (one directly, one queued)
    expect(a.file.problem ?? b.file.problem).toBeNull();
  });

  it('storage cleared by the browser during a session: reads fall back to the network and say so', async () => {
    const bytes = patternBytes(64 * KiB);
    const backend = memoryBackend();
    const a = await session(backend, memoryLocks(), bytes);
    await a.src.read(0, 32 * KiB);
    backend.faults.cleared = true;
    const got = await a.src.read(0, 64 * KiB);
    expect(sameBytes(got, bytes)).toBe(true);
    // after the first read, everything came from the network again (a stored part that fails to read is refetched)
    expect(a.net.reads.slice(1).reduce((n, [s, e]) => n + e - s, 0)).toBe(64 * KiB);
    expect(a.file.problem).toMatch(/browser removed the stored files/);
    await a.file.close();
  });

  it('a static file whose ETag changed since it was cached: its bytes are discarded and a notice names it', async () => {
    const old = patternBytes(80 * KiB, 1);
    const now = patternBytes(80 * KiB, 2); // same size, new content
    const backend = memoryBackend();
    const locks = memoryLocks();
    const a = await session(backend, locks, old, 'etag:"old"');
    await a.src.read(0, old.byteLength);
    await a.file.close();
    const b = await session(backend, locks, now, 'etag:"new"');
    expect(b.notice).toMatch(/^gate_vectors\.bin: changed on the server since it was cached \(etag:"old" → etag:"new"\)/);
    const got = await b.src.read(0, now.byteLength);
    expect(sameBytes(got, now)).toBe(true);
    expect(b.net.reads).toEqual([[0, now.byteLength]]);
    await b.file.close();
    expect(checkStored(backend, now)).toBe(now.byteLength);
    // the old page, still open, must not write old bytes over the new version
    const c = await session(backend, locks, old, 'etag:"old"');
    expect(c.notice).toMatch(/etag:"new" → etag:"old"/);
  });

  it('evicts the least recently used vindex to stay under the limit; a limit of 0 writes nothing', async () => {
    const bytes = patternBytes(40 * KiB);
    const backend = memoryBackend();
    const locks = memoryLocks();
    const x = await session(backend, locks, bytes, 'e', 'vx');
    x.store.setLimit(100 * KiB);
    await x.src.read(0, bytes.byteLength);
    await x.file.close();
    await new Promise((r) => setTimeout(r, 5));
    const y = await session(backend, locks, bytes, 'e', 'vy');
    y.store.setLimit(100 * KiB);
    await y.src.read(0, bytes.byteLength);
    await y.file.close();
    await new Promise((r) => setTimeout(r, 5));
    const z = await session(backend, locks, bytes, 'e', 'vz');
    z.store.setLimit(100 * KiB);
    await z.src.read(0, bytes.byteLength);
    const u = await z.store.usage();
    expect(u.vindexes.map((v) => v.vindex)).toEqual(['vz', 'vy']); // vx, used longest ago, went
    expect(u.bytes).toBe(80 * KiB);
    await z.store.clear('vy');
    expect((await z.store.usage()).vindexes.map((v) => v.vindex)).toEqual(['vz']);

    const off = await session(memoryBackend(), locks, bytes);
    off.store.setLimit(0);
    expect(sameBytes(await off.src.read(0, bytes.byteLength), bytes)).toBe(true);
    expect(off.file.problem).toMatch(/cache is full/);
    expect((await off.store.usage()).bytes).toBe(0);
  });
});
