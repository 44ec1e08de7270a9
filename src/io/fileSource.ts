import { abortError, ioError, isAbortError, type ByteSource } from './ByteSource';

/** A Blob with the optional identity fields a `File` carries. */
export type NamedBlob = Blob & { name?: string; lastModified?: number };

/**
 * A ByteSource over a local File/Blob. `Blob.slice()` gives random access to a multi-GB file without
 * reading it whole; only the sliced bytes are read by `arrayBuffer()`.
 */
export function fileSource(file: NamedBlob, key?: string): ByteSource {
  const name = file.name || 'file';
  const size = file.size;
  const sourceKey = key ?? `file:${name}:${size}:${file.lastModified ?? 0}`;
  return {
    key: sourceKey,
    size,
    async read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array> {
      if (signal?.aborted) throw abortError(signal);
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= size)) {
        throw ioError('OutOfRangeError', `${name}: cannot read bytes ${start}–${end} of a ${size}-byte file`);
      }
      if (start === end) return new Uint8Array(0);
      let buf: ArrayBuffer;
      try {
        // Blob reads cannot be cancelled; racing with the signal lets the caller move on at once.
        buf = await raceAbort(file.slice(start, end).arrayBuffer(), signal);
      } catch (e) {
        if (isAbortError(e)) throw e;
        // Why: a File is a snapshot; when the file on disk is modified or deleted after it was picked,
        // Chromium and Firefox reject reads with NotReadableError (Safari with a generic error).
        const what = (e as { name?: string })?.name ?? 'Error';
        throw ioError(
          'FileChangedError',
          `${name}: file changed while reading (the file on disk was modified or removed since it was chosen; ${what}). Choose the folder again.`,
        );
      }
      if (buf.byteLength !== end - start) {
        throw ioError(
          'FileChangedError',
          `${name}: file changed while reading: asked for ${end - start} bytes (bytes ${start}–${end - 1}), got ${buf.byteLength}`,
        );
      }
      return new Uint8Array(buf);
    },
  };
}

/** Resolves/rejects with `p`, or rejects with an AbortError as soon as `signal` aborts. */
function raceAbort<T>(p: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}
