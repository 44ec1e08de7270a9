import { createSHA256 } from 'hash-wasm';
import type { VindexLocation } from '../io/ByteSource';
import { parseSha256Sums, collectExpectedChecksums } from '../format/checksums';
import { sourceFor } from './sources';
import type { ProgressCallback } from './api';

/** Verification outcome of one file. */
export interface ChecksumResult {
  name: string;
  status: 'pass' | 'fail' | 'unknown' | 'error';
  expected: string;
  actual: string | null;
  from: string;
  error?: string;
}

/** The hash worker's API. */
export interface HashApi {
  verify(location: VindexLocation, indexChecksums: Record<string, string>, opId: string, onProgress: ProgressCallback): Promise<ChecksumResult[]>;
  cancel(opId: string): void;
}

const CHUNK = 8 * 1024 * 1024;

/** Creates the hash worker's API: streaming SHA-256 (hash-wasm; SubtleCrypto cannot hash a stream). */
export function createHasher(): HashApi {
  const ops = new Map<string, AbortController>();
  return {
    cancel(opId) {
      ops.get(opId)?.abort(new DOMException('Cancelled', 'AbortError'));
    },
    async verify(location, indexChecksums, opId, onProgress) {
      const ctl = new AbortController();
      ops.set(opId, ctl);
      const signal = ctl.signal;
      try {
        const byName = new Map(location.files.map((f) => [f.name, f]));
        let sums = null;
        const sumsEntry = byName.get('SHA256SUMS');
        if (sumsEntry) {
          const bytes = await sourceFor(sumsEntry).read(0, sumsEntry.size, signal);
          sums = parseSha256Sums(new TextDecoder().decode(bytes));
        }
        const lfs = Object.fromEntries(location.files.filter((f) => f.lfsSha256).map((f) => [f.name, f.lfsSha256!]));
        const expected = collectExpectedChecksums({ indexChecksums, sha256sums: sums?.sums ?? {}, lfs });
        const todo = location.files.filter((f) => expected[f.name]);
        const total = todo.reduce((a, f) => a + f.size, 0);
        let done = 0;
        let last = 0;
        const results: ChecksumResult[] = location.files
          .filter((f) => !expected[f.name])
          .map((f) => ({ name: f.name, status: 'unknown', expected: '', actual: null, from: '' }));
        for (const f of todo) {
          const exp = expected[f.name];
          try {
            const src = sourceFor(f);
            const h = await createSHA256();
            for (let pos = 0; pos < f.size; pos += CHUNK) {
              signal.throwIfAborted();
              const bytes = await src.read(pos, Math.min(f.size, pos + CHUNK), signal);
              h.update(bytes);
              done += bytes.byteLength;
              if (Date.now() - last > 100) {
                last = Date.now();
                void onProgress(done, total, `Verifying ${f.name}`);
              }
            }
            const actual = h.digest('hex');
            results.push({ name: f.name, status: actual === exp.expected ? 'pass' : 'fail', expected: exp.expected, actual, from: exp.from });
          } catch (e) {
            if (signal.aborted) throw e;
            results.push({ name: f.name, status: 'error', expected: exp.expected, actual: null, from: exp.from, error: (e as Error).message });
          }
        }
        void onProgress(total, total, 'Verified');
        return results.sort((a, b) => a.name.localeCompare(b.name));
      } finally {
        ops.delete(opId);
      }
    },
  };
}
