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
  /** Bare file name, no folders: "gate_vectors.bin". */
  name: string;
  /** Size in bytes. */
  size: number;
  /** Absolute URL to read it by Range, for remote sources. */
  url?: string;
  /** The local file, for dropped or picked folders. */
  file?: File;
  /** SHA-256 (lowercase hex) from the Hub's LFS listing, when known. */
  lfsSha256?: string;
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
}
