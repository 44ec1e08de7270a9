import { abortError, type ByteSource } from '../../../src/io/ByteSource';

/** A ByteSource wrapper that records every read, so tests can assert exactly which ranges were read. */
export interface CountingSource extends ByteSource {
  reads: Array<[number, number]>;
  /** Reads whose signal fired before they finished. */
  aborted: Array<[number, number]>;
  /** Most reads in flight at once. */
  maxInFlight: number;
}

/** Wraps `inner`, recording reads (start, end) in call order. */
export function countingSource(inner: ByteSource): CountingSource {
  let inFlight = 0;
  const self: CountingSource = {
    key: inner.key,
    size: inner.size,
    reads: [],
    aborted: [],
    maxInFlight: 0,
    async read(start, end, signal) {
      self.reads.push([start, end]);
      inFlight++;
      self.maxInFlight = Math.max(self.maxInFlight, inFlight);
      const onAbort = () => self.aborted.push([start, end]);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await inner.read(start, end, signal);
      } finally {
        inFlight--;
        signal?.removeEventListener('abort', onAbort);
      }
    },
  };
  return self;
}

/** Deterministic test bytes: byte i of every fixture file. */
export function patternByte(i: number, seed = 0): number {
  return (i * 31 + (i >>> 8) * 7 + (i >>> 16) + seed) & 255;
}

/** `n` pattern bytes. */
export function patternBytes(n: number, seed = 0): Uint8Array<ArrayBuffer> {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = patternByte(i, seed);
  return b;
}

/** An in-memory ByteSource whose reads take `delayMs` and honour abort (optionally failing the first `failures` reads). */
export function memorySource(bytes: Uint8Array, opts: { delayMs?: number; failures?: number; key?: string } = {}): ByteSource {
  let failures = opts.failures ?? 0;
  return {
    key: opts.key ?? 'memory',
    size: bytes.byteLength,
    read(start, end, signal) {
      return new Promise((resolve, reject) => {
        if (signal?.aborted) return reject(abortError(signal));
        const t = setTimeout(() => {
          signal?.removeEventListener('abort', onAbort);
          if (failures > 0) {
            failures--;
            reject(Object.assign(new Error(`memory: injected failure for bytes ${start}–${end}`), { name: 'HttpError' }));
          } else resolve(bytes.slice(start, end));
        }, opts.delayMs ?? 5);
        const onAbort = () => {
          clearTimeout(t);
          reject(abortError(signal));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    },
  };
}

/** Fast byte equality for tests (vitest's toEqual walks typed arrays element by element). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
