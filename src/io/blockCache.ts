import { abortError, ioError, type ByteSource } from './ByteSource';

/** Tuning of a block cache. */
export interface BlockCacheOptions {
  /** Block size in bytes; reads are widened to whole blocks. Default 1 MiB. */
  blockSize?: number;
  /** Largest single underlying read when adjacent missing blocks are merged. Default 32 MiB. */
  maxRequestBytes?: number;
  /** Underlying reads in flight at once. Default 3. */
  concurrency?: number;
  /** Bytes of resolved blocks kept (least recently used evicted first). Default 256 MiB. */
  budgetBytes?: number;
}

/** Counters of a block cache, for tests and the UI. */
export interface BlockCacheStats {
  cachedBytes: number;
  cachedBlocks: number;
  /** Underlying reads queued or in flight. */
  pendingReads: number;
  /** Underlying reads started so far, and their bytes. */
  underlyingReads: number;
  underlyingBytes: number;
}

/** A ByteSource that caches aligned blocks of another one. */
export interface BlockCache extends ByteSource {
  stats(): BlockCacheStats;
  /** Drops every resolved block (reads in flight finish but are not kept). */
  clear(): void;
}

/** One underlying read covering blocks [first, last]; aborted only when nobody waits on it. */
interface Req {
  first: number;
  last: number;
  ctrl: AbortController;
  waiters: number;
  settled: boolean;
}

interface Entry {
  promise: Promise<Uint8Array>;
  bytes: Uint8Array | null;
  req: Req | null;
}

interface Job {
  req: Req;
  resolve: (b: Uint8Array) => void;
  reject: (e: unknown) => void;
}

/**
 * Wraps `source` with an LRU cache of aligned blocks. Caches promises, not values, so concurrent
 * callers share one request (PMTiles' SharedPromiseCache, geotiff.js' BlockedSource); runs of adjacent
 * missing blocks become one underlying read, because Hugging Face rate limits count requests, not bytes.
 */
export function blockCache(source: ByteSource, opts: BlockCacheOptions = {}): BlockCache {
  const bs = opts.blockSize ?? 1 << 20;
  if (!(Number.isInteger(bs) && bs > 0)) throw new RangeError(`blockCache: blockSize must be a positive integer, got ${bs}`);
  const maxBlocks = Math.max(1, Math.floor((opts.maxRequestBytes ?? 32 << 20) / bs));
  const concurrency = Math.max(1, opts.concurrency ?? 3);
  const budget = opts.budgetBytes ?? 256 << 20;
  const size = source.size;
  /** Insertion order is recency order: a hit is deleted and re-inserted at the end. */
  const entries = new Map<number, Entry>();
  const queue: Job[] = [];
  let active = 0;
  let cachedBytes = 0;
  let underlyingReads = 0;
  let underlyingBytes = 0;

  const blockEnd = (i: number) => Math.min((i + 1) * bs, size);

  function pump(): void {
    while (active < concurrency && queue.length > 0) {
      const job = queue.shift()!;
      const { req } = job;
      // A request whose callers all left while it was queued is dropped without using a slot.
      if (req.ctrl.signal.aborted) {
        job.reject(abortError(req.ctrl.signal));
        continue;
      }
      const start = req.first * bs;
      const end = blockEnd(req.last);
      active++;
      underlyingReads++;
      underlyingBytes += end - start;
      source.read(start, end, req.ctrl.signal).then(
        (b) => {
          active--;
          pump();
          if (b.byteLength !== end - start) {
            job.reject(ioError('ShortReadError', `${source.key}: asked for bytes ${start}–${end - 1} (${end - start} bytes), got ${b.byteLength}`));
          } else job.resolve(b);
        },
        (e: unknown) => {
          active--;
          pump();
          job.reject(e);
        },
      );
    }
  }

  function evict(): void {
    if (cachedBytes <= budget) return;
    for (const [i, e] of entries) {
      if (cachedBytes <= budget) break;
      if (!e.bytes) continue; // pending blocks are not resident yet
      entries.delete(i);
      cachedBytes -= e.bytes.byteLength;
    }
  }

  function startRequest(first: number, last: number): void {
    const req: Req = { first, last, ctrl: new AbortController(), waiters: 0, settled: false };
    const whole = new Promise<Uint8Array>((resolve, reject) => queue.push({ req, resolve, reject }));
    whole.then(
      () => (req.settled = true),
      () => (req.settled = true),
    );
    for (let i = first; i <= last; i++) {
      const a = (i - first) * bs;
      const len = blockEnd(i) - i * bs;
      // Copy each block out of a merged read so evicting one block really frees its bytes.
      const promise = whole.then((b) => (first === last && b.byteOffset === 0 && b.buffer.byteLength === len ? b : b.slice(a, a + len)));
      const entry: Entry = { promise, bytes: null, req };
      entries.set(i, entry);
      promise.then(
        (b) => {
          if (entries.get(i) !== entry) return; // evicted/cleared/aborted meanwhile
          entry.bytes = b;
          entry.req = null;
          cachedBytes += b.byteLength;
          evict();
        },
        () => {
          // An aborted or failed block is forgotten so that the next read retries it.
          if (entries.get(i) === entry) entries.delete(i);
        },
      );
    }
  }

  function abortReq(req: Req): void {
    // Remove its blocks synchronously, so a caller arriving now starts a fresh read instead of
    // joining one that is about to reject.
    for (let i = req.first; i <= req.last; i++) if (entries.get(i)?.req === req) entries.delete(i);
    req.ctrl.abort();
    pump();
  }

  async function read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
    if (signal?.aborted) throw abortError(signal);
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= size)) {
      throw ioError('OutOfRangeError', `${source.key}: cannot read bytes ${start}–${end} of a ${size}-byte source`);
    }
    if (start === end) return new Uint8Array(0);
    const first = Math.floor(start / bs);
    const last = Math.floor((end - 1) / bs);
    // Plan: runs of adjacent missing blocks, each split at maxRequestBytes, become one read each.
    let runStart = -1;
    for (let i = first; i <= last + 1; i++) {
      const missing = i <= last && !entries.has(i);
      if (missing && runStart < 0) runStart = i;
      if (runStart >= 0 && (!missing || i - runStart + 1 > maxBlocks)) {
        startRequest(runStart, i - 1);
        runStart = missing ? i : -1;
      }
    }
    pump();
    const parts: Promise<Uint8Array>[] = [];
    const reqs = new Set<Req>();
    for (let i = first; i <= last; i++) {
      const e = entries.get(i)!;
      entries.delete(i); // touch: move to the most recently used end
      entries.set(i, e);
      parts.push(e.promise);
      if (e.req && !e.req.settled) reqs.add(e.req);
    }
    for (const r of reqs) r.waiters++;
    let released = false;
    const release = (aborting: boolean) => {
      if (released) return;
      released = true;
      for (const r of reqs) {
        r.waiters--;
        if (aborting && r.waiters === 0 && !r.settled) abortReq(r);
      }
    };
    const assembled = Promise.all(parts).then((blocks) => {
      const out = new Uint8Array(end - start);
      for (let k = 0; k < blocks.length; k++) {
        const b0 = (first + k) * bs;
        const from = Math.max(start, b0) - b0;
        const to = Math.min(end, b0 + blocks[k].byteLength) - b0;
        out.set(blocks[k].subarray(from, to), b0 + from - start);
      }
      return out; // always a copy: callers may transfer it to another thread
    });
    return new Promise<Uint8Array>((resolve, reject) => {
      const onAbort = () => {
        release(true);
        reject(abortError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      assembled.then(
        (v) => {
          signal?.removeEventListener('abort', onAbort);
          release(false);
          resolve(v);
        },
        (e: unknown) => {
          signal?.removeEventListener('abort', onAbort);
          release(false);
          reject(e);
        },
      );
    });
  }

  return {
    key: source.key,
    size,
    read,
    stats: () => ({
      cachedBytes,
      cachedBlocks: [...entries.values()].filter((e) => e.bytes).length,
      pendingReads: queue.length + active,
      underlyingReads,
      underlyingBytes,
    }),
    clear() {
      for (const [i, e] of entries) if (e.bytes) entries.delete(i);
      cachedBytes = 0;
    },
  };
}
