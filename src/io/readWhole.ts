import { abortError, type ByteSource, type ProgressFn } from './ByteSource';

/**
 * Reads a whole (medium-sized) source in chunks, a few in flight, reporting bytes as each chunk
 * arrives: a 33 MB tokenizer.json on a slow link then shows progress and can be cancelled between
 * chunks. Why 256 KiB: at 150 KB/s a chunk still lands every couple of seconds; after the Hub's
 * first redirect the reads go straight to the CDN, so many small requests cost no rate limit.
 */
export async function readWhole(
  source: ByteSource, progress: ProgressFn, signal?: AbortSignal, chunk = 256 * 1024, inFlight = 3,
): Promise<Uint8Array> {
  const size = source.size;
  const out = new Uint8Array(size);
  let next = 0;
  let done = 0;
  progress(0, size);
  const worker = async () => {
    while (next < size) {
      if (signal?.aborted) throw abortError(signal);
      const start = next;
      const end = Math.min(size, start + chunk);
      next = end;
      out.set(await source.read(start, end, signal), start);
      done += end - start;
      progress(done, size);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(inFlight, Math.ceil(size / chunk))) }, worker));
  return out;
}
