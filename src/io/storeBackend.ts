/**
 * What the persistent store needs from a file system: a small interface so the store runs over OPFS in
 * the browser (src/io/opfsBackend.ts) and over memory in unit tests, with faults injected there.
 */

/** An open data file, the shape of OPFS's FileSystemSyncAccessHandle (synchronous, positioned). */
export interface StoreFile {
  /** Reads into `dest` at byte `at`; returns the bytes read (fewer at end of file). */
  read(dest: Uint8Array, at: number): number;
  /** Writes `src` at byte `at` (extending the file, sparse, when needed); returns the bytes written. */
  write(src: Uint8Array, at: number): number;
  getSize(): number;
  truncate(size: number): void;
  flush(): void;
  close(): void;
}

/** A folder of data files and their index records. */
export interface StoreBackend {
  /** Opens (creating when absent) the data file `name`; rejects when it cannot be opened here. */
  open(name: string): Promise<StoreFile>;
  /** Names of the index records present. */
  listIndexes(): Promise<string[]>;
  /** The index record `name`, or null when absent. */
  loadIndex(name: string): Promise<string | null>;
  saveIndex(name: string, text: string): Promise<void>;
  /** Deletes a data file and its index record (a data file still open elsewhere is emptied instead). */
  remove(name: string): Promise<void>;
  /** Quota and usage of the origin when the platform tells (navigator.storage.estimate()). */
  estimate(): Promise<{ quota: number; usage: number } | null>;
}

/** Mutual exclusion between every context that writes one stored file (tabs, workers): the Web Locks shape. */
export interface StoreLocks {
  /**
   * Runs `fn` holding lock `name`. With ifAvailable, `fn` gets null at once when another holder has it.
   */
  request<T>(name: string, opts: { ifAvailable?: boolean }, fn: (lock: object | null) => Promise<T> | T): Promise<T>;
}

/** navigator.locks when present; a lock table local to this context otherwise (enough for one context). */
export function defaultLocks(): StoreLocks {
  const nav = (globalThis as { navigator?: { locks?: StoreLocks } }).navigator;
  if (nav?.locks && typeof nav.locks.request === 'function') {
    return { request: (name, opts, fn) => nav.locks!.request(name, opts, fn) };
  }
  return memoryLocks();
}

/** A lock table in memory; two stores sharing one behave like two tabs of one origin. */
export function memoryLocks(): StoreLocks {
  const held = new Map<string, Promise<void>>();
  return {
    async request(name, opts, fn) {
      if (opts.ifAvailable && held.has(name)) return fn(null);
      while (held.has(name)) await held.get(name);
      let release!: () => void;
      held.set(name, new Promise<void>((r) => (release = r)));
      try {
        return await fn({});
      } finally {
        held.delete(name);
        release();
      }
    },
  };
}

/** Faults a memory backend can simulate. */
export interface MemoryFaults {
  /** Total data bytes accepted; a write past it stores what fits, then throws QuotaExceededError. */
  quotaBytes?: number;
  /** When true, every operation throws NotFoundError (the browser cleared the origin's storage). */
  cleared?: boolean;
}

/** An in-memory backend: files grow sparse (zero-filled) like OPFS files; faults are switchable. */
export function memoryBackend(faults: MemoryFaults = {}): StoreBackend & {
  files: Map<string, Uint8Array>; indexes: Map<string, string>; faults: MemoryFaults;
} {
  const files = new Map<string, Uint8Array>();
  const indexes = new Map<string, string>();
  const gone = () => {
    if (faults.cleared) throw Object.assign(new Error('A requested file or directory could not be found'), { name: 'NotFoundError' });
  };
  const used = () => [...files.values()].reduce((a, f) => a + f.byteLength, 0);
  return {
    files,
    indexes,
    faults,
    async open(name) {
      gone();
      if (!files.has(name)) files.set(name, new Uint8Array(0));
      let closed = false;
      const live = () => {
        gone();
        if (closed) throw Object.assign(new Error('handle closed'), { name: 'InvalidStateError' });
        return files.get(name) ?? new Uint8Array(0);
      };
      return {
        read(dest, at) {
          const f = live();
          const n = Math.max(0, Math.min(dest.byteLength, f.byteLength - at));
          dest.set(f.subarray(at, at + n));
          return n;
        },
        write(src, at) {
          let f = live();
          const room = (faults.quotaBytes ?? Infinity) - (used() - f.byteLength);
          const end = Math.min(at + src.byteLength, Math.max(f.byteLength, room));
          if (end > f.byteLength) {
            const g = new Uint8Array(end);
            g.set(f);
            f = g;
            files.set(name, f);
          }
          const n = Math.max(0, end - at);
          f.set(src.subarray(0, n), at);
          if (n < src.byteLength) throw Object.assign(new Error('quota exceeded'), { name: 'QuotaExceededError' });
          return n;
        },
        getSize: () => live().byteLength,
        truncate(size) {
          const f = live();
          const g = new Uint8Array(size);
          g.set(f.subarray(0, Math.min(size, f.byteLength)));
          files.set(name, g);
        },
        flush: () => void live(),
        close() {
          closed = true;
        },
      };
    },
    async listIndexes() {
      gone();
      return [...indexes.keys()];
    },
    async loadIndex(name) {
      gone();
      return indexes.get(name) ?? null;
    },
    async saveIndex(name, text) {
      gone();
      indexes.set(name, text);
    },
    async remove(name) {
      gone();
      files.delete(name);
      indexes.delete(name);
    },
    async estimate() {
      return faults.quotaBytes === undefined ? null : { quota: faults.quotaBytes, usage: used() };
    },
  };
}
