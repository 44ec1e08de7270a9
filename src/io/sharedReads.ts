import { abortError, type ByteSource } from './ByteSource';

interface Flight {
  start: number;
  end: number;
  ctrl: AbortController;
  waiters: number;
  joiners: { start: number; end: number; resolve(b: Uint8Array): void; reject(e: unknown): void }[];
}

/**
 * Shares reads in flight: a read inside a range already being fetched waits for that fetch instead of
 * fetching again (two projections over embeddings.bin at once, or the block cache asking for a block
 * a bulk read is fetching). The first caller gets the fetched buffer itself; later ones get copies of
 * their part, made before the first caller resumes (it may transfer its buffer away). The fetch is
 * aborted only when every caller waiting on it has gone.
 */
export function sharedReads(source: ByteSource): ByteSource {
  const flights = new Set<Flight>();

  function wait(f: Flight, p: Promise<Uint8Array>, signal?: AbortSignal): Promise<Uint8Array> {
    if (!signal) return p;
    return new Promise<Uint8Array>((resolve, reject) => {
      let left = false;
      const onAbort = () => {
        left = true;
        if (--f.waiters === 0) f.ctrl.abort(signal.reason);
        reject(abortError(signal));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      p.then(
        (b) => {
          signal.removeEventListener('abort', onAbort);
          if (!left) resolve(b);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', onAbort);
          if (!left) reject(e);
        },
      );
    });
  }

  return {
    key: source.key,
    size: source.size,
    async read(start, end, signal) {
      if (signal?.aborted) throw abortError(signal);
      for (const f of flights) {
        if (f.start <= start && end <= f.end && !f.ctrl.signal.aborted) {
          f.waiters++;
          const p = new Promise<Uint8Array>((resolve, reject) => f.joiners.push({ start, end, resolve, reject }));
          return wait(f, p, signal);
        }
      }
      const f: Flight = { start, end, ctrl: new AbortController(), waiters: 1, joiners: [] };
      flights.add(f);
      const p = source.read(start, end, f.ctrl.signal).then(
        (b) => {
          flights.delete(f);
          for (const j of f.joiners) j.resolve(b.slice(j.start - start, j.end - start));
          return b;
        },
        (e: unknown) => {
          flights.delete(f);
          for (const j of f.joiners) j.reject(e);
          throw e;
        },
      );
      return wait(f, p, signal);
    },
  };
}
