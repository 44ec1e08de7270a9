import { abortError, ioError, type ByteSource } from './ByteSource';
import type { StoredFile } from './storedFile';

/**
 * A ByteSource that reads the stored parts of a range from the persistent store and fetches only the
 * gaps from `net`, writing them to the store at their offsets. Zero-copy where it can be: a range with
 * nothing stored returns the network's own buffer (written to the store first, then handed over); a
 * range stored whole is one positioned read into a fresh buffer; a mix fills one buffer in place.
 * The result is always a buffer the caller owns (byteOffset 0, exactly the range), safe to transfer.
 */
export function storedSource(net: ByteSource, file: StoredFile): ByteSource {
  const size = net.size;
  return {
    key: `stored:${net.key}`,
    size,
    async read(start, end, signal) {
      if (signal?.aborted) throw abortError(signal);
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= size)) {
        throw ioError('OutOfRangeError', `${file.id.name}: cannot read bytes ${start}–${end} of a ${size}-byte file`);
      }
      if (start === end) return new Uint8Array(0);
      const { present, gaps } = await file.plan(start, end);
      if (present.length === 0) {
        const bytes = await net.read(start, end, signal);
        await file.persist(bytes, start);
        return bytes;
      }
      const dest = new Uint8Array(end - start);
      const missed = file.fill(dest, start, present);
      await Promise.all(
        [...gaps, ...missed].map(async ([a, b]) => {
          const bytes = await net.read(a, b, signal);
          dest.set(bytes, a - start);
          await file.persist(bytes, a);
        }),
      );
      return dest;
    },
  };
}
