/** One random-access stream of bytes; every adapter (file, HTTP, cache, counting) implements it. */
export interface ByteSource {
  /** Stable identity of the bytes (URL + revision/ETag, or file name + size + mtime). */
  readonly key: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Bytes [start, end) — end exclusive. Rejects with an AbortError when `signal` aborts. */
  read(start: number, end: number, signal?: AbortSignal): Promise<Uint8Array>;
}

/** Progress of a long read: bytes done of bytes total. */
export type ProgressFn = (done: number, total: number) => void;

/** A file of an opened vindex, serialisable to a worker (structured clone keeps `File`). */
export interface FileEntry {
  /** Path inside the vindex folder: "gate_vectors.bin", or "layers/layer_00.weights" in a sub-folder. */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Absolute URL to read it by Range, for remote sources. */
  url?: string;
  /** The local file, for dropped or picked folders. */
  file?: File;
  /** SHA-256 (lowercase hex) from the Hub's LFS listing, when known. */
  lfsSha256?: string;
  /** A static host's ETag and Last-Modified for the file when it was listed (the persistent store's identity). */
  etag?: string | null;
  lastModified?: string | null;
}

/** Where an opened vindex's bytes come from: everything a worker needs to open its own sources. */
export interface VindexLocation {
  /** Cache identity: "demo", "hf:owner/name@sha", "https://host/folder/", "local:<name>:<hash>". */
  key: string;
  /** What the permalink `src` parameter holds (null for local folders). */
  src: string | null;
  /** Human label for the header. */
  label: string;
  kind: 'demo' | 'http' | 'hub' | 'local';
  /** Hub details, when kind is 'hub'. */
  hub?: { endpoint: string; repo: string; repoType: 'model' | 'dataset'; revision: string; sha: string };
  files: FileEntry[];
  /** Problems met while listing that did not stop the folder from opening (an optional file that failed). */
  notices?: string[];
}

/**
 * The `name`s io errors carry. Comlink copies only name/message/stack of an Error across the worker
 * boundary (classes are lost), so callers branch on `error.name`, never on `instanceof`.
 */
export type IoErrorName =
  | 'AbortError' // the caller's AbortSignal fired
  | 'HttpError' // a status we do not retry (401/403/404/…), or retries exhausted (429/5xx)
  | 'NetworkError' // fetch itself failed (offline, DNS, blocked by CORS) after retries
  | 'RangeNotSupportedError' // the server ignored or mangled `Range` on a file too big to fetch whole
  | 'CorsError' // the server answered but hid a header we need (Access-Control-Expose-Headers)
  | 'ShortReadError' // fewer bytes arrived than were asked for
  | 'FileChangedError' // the bytes changed under us (ETag/size/416, or a local file edited)
  | 'OutOfRangeError' // a read outside [0, size)
  | 'NotFoundError' // a Hub repository/revision that does not exist
  | 'InvalidRefError' // a malformed hf:/Hub URL reference
  | 'NotVindexError' // a folder without index.json
  | 'DuplicateFileError'; // two chosen files with the same name

/** An io error: an `Error` whose `name` is one of IoErrorName, plus the HTTP status when there was one. */
export type IoError = Error & { name: IoErrorName; status?: number };

/** Builds an IoError (a plain Error with `name` and optional `status`, so it survives structured clone). */
export function ioError(name: IoErrorName, message: string, status?: number): IoError {
  const e = new Error(message) as IoError;
  e.name = name;
  if (status !== undefined) e.status = status;
  return e;
}

/** True for any abort (DOMException or Error) whatever realm created it. */
export function isAbortError(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'AbortError';
}

/** The error a read rejects with when `signal` aborts: the signal's own reason if it is an AbortError. */
export function abortError(signal?: AbortSignal): Error {
  const r: unknown = signal?.reason;
  if (isAbortError(r) && r instanceof Error) return r;
  return ioError('AbortError', 'the operation was aborted');
}

/** The last path segment of a URL or path, for error messages ("…/gate_vectors.bin" → "gate_vectors.bin"). */
export function fileLabel(urlOrName: string): string {
  const noQuery = urlOrName.split(/[?#]/)[0].replace(/\/+$/, '');
  const seg = noQuery.slice(noQuery.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(seg) || urlOrName;
  } catch {
    return seg || urlOrName;
  }
}

/** Human byte count: "812 B", "3.4 MB", "1.2 GB" (decimal units, as Hugging Face shows sizes). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ${units[u]}`;
}
