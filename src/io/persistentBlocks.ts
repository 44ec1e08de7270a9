import { abortError, ioError, type ByteSource } from './ByteSource';

/** Where persistent blocks live: OPFS in the browser, memory in tests. Keys are opaque strings. */
export interface BlockStore {
  get(file: string, block: number): Promise<Uint8Array | null>;
  put(file: string, block: number, bytes: Uint8Array): Promise<void>;
  /** Bytes stored and the number of blocks. */
  usage(): Promise<{ bytes: number; blocks: number }>;
  clear(): Promise<void>;
}

/** Counters of one persistent source. */
export interface PersistentStats {
  hits: number;
  misses: number;
  /** Why writing stopped (e.g. quota exceeded), or null. */
  writeProblem: string | null;
}

/**
 * A ByteSource adapter that keeps aligned blocks of `source` in a persistent BlockStore, so a reload or a
 * second projection reads the embeddings from disk instead of the network. Reads are split into blocks
 * of `blockSize`; stored ones are served from the store, runs of missing ones are read from `source` in
 * one request and written back. A failed write (quota) is remembered and reported, never thrown: the
 * read still completes.
 */
export function persistentBlocks(
  source: ByteSource, store: BlockStore, storeKey: string, blockSize = 1 << 20,
): ByteSource & { stats(): PersistentStats } {
  const stats: PersistentStats = { hits: 0, misses: 0, writeProblem: null };
  const size = source.size;
  const blockEnd = (i: number) => Math.min((i + 1) * blockSize, size);

  async function readBlocks(first: number, last: number, signal?: AbortSignal): Promise<Uint8Array[]> {
    const stored = await Promise.all(
      Array.from({ length: last - first + 1 }, (_, k) => store.get(storeKey, first + k).catch(() => null)),
    );
    const out: Uint8Array[] = new Array(stored.length);
    let k = 0;
    while (k < stored.length) {
      const hit = stored[k];
      if (hit && hit.byteLength === blockEnd(first + k) - (first + k) * blockSize) {
        stats.hits++;
        out[k] = hit;
        k++;
        continue;
      }
      let j = k;
      while (j + 1 < stored.length && !stored[j + 1]) j++;
      const start = (first + k) * blockSize;
      const bytes = await source.read(start, blockEnd(first + j), signal);
      for (let b = k; b <= j; b++) {
        const block = bytes.subarray((first + b) * blockSize - start, blockEnd(first + b) - start);
        out[b] = block;
        stats.misses++;
        if (!stats.writeProblem) {
          store.put(storeKey, first + b, block.slice()).catch((e: unknown) => {
            // why: OPFS quota is per origin and can run out; caching stops, reading goes on
            stats.writeProblem = `persistent cache: ${(e as Error)?.name === 'QuotaExceededError' ? 'storage quota exceeded' : (e as Error)?.message ?? String(e)}; further blocks are not cached`;
          });
        }
      }
      k = j + 1;
    }
    return out;
  }

  return {
    key: `persistent:${storeKey}`,
    size,
    stats: () => ({ ...stats }),
    async read(start, end, signal) {
      if (signal?.aborted) throw abortError(signal);
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= size)) {
        throw ioError('OutOfRangeError', `${storeKey}: cannot read bytes ${start}–${end} of a ${size}-byte file`);
      }
      if (start === end) return new Uint8Array(0);
      const first = Math.floor(start / blockSize);
      const last = Math.floor((end - 1) / blockSize);
      const blocks = await readBlocks(first, last, signal);
      const out = new Uint8Array(end - start);
      blocks.forEach((b, k) => {
        const blockStart = (first + k) * blockSize;
        const from = Math.max(start, blockStart);
        const to = Math.min(end, blockStart + b.byteLength);
        out.set(b.subarray(from - blockStart, to - blockStart), from - start);
      });
      return out;
    },
  };
}

/** An in-memory BlockStore (tests, and browsers without OPFS). */
export function memoryBlockStore(limitBytes = Infinity): BlockStore {
  const map = new Map<string, Uint8Array>();
  let bytes = 0;
  return {
    async get(file, block) {
      return map.get(`${file}#${block}`) ?? null;
    },
    async put(file, block, data) {
      if (bytes + data.byteLength > limitBytes) throw Object.assign(new Error('quota'), { name: 'QuotaExceededError' });
      const k = `${file}#${block}`;
      bytes += data.byteLength - (map.get(k)?.byteLength ?? 0);
      map.set(k, data);
    },
    async usage() {
      return { bytes, blocks: map.size };
    },
    async clear() {
      map.clear();
      bytes = 0;
    },
  };
}
