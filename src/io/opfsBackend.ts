import type { StoreBackend, StoreFile } from './storeBackend';

/** OPFS folder of the store (v1 kept one file per block under vindex-explorer-blocks-v1; it is deleted). */
export const OPFS_ROOT = 'vindex-store-v2';
const OLD_ROOT = 'vindex-explorer-blocks-v1';

type SyncOpen = (opts?: { mode?: string }) => Promise<StoreFile>;

/**
 * Opens a sync access handle, in Chromium's 'readwrite-unsafe' mode when it exists so that several
 * workers (a scoring pool, another tab) can hold one file at once; the store serialises writers itself
 * (Web Locks). Where the mode is unknown the default exclusive mode is used: a second holder then fails
 * to open and reads from the network instead.
 */
async function openSync(fh: FileSystemFileHandle): Promise<StoreFile> {
  const open = (fh as unknown as { createSyncAccessHandle?: SyncOpen }).createSyncAccessHandle;
  if (typeof open !== 'function') throw Object.assign(new Error('OPFS sync access handles need a dedicated worker'), { name: 'NotSupportedError' });
  try {
    const h = await open.call(fh, { mode: 'readwrite-unsafe' });
    return wrap(h);
  } catch (e) {
    if ((e as Error)?.name !== 'TypeError') throw e; // an unknown mode value: try the default below
    return wrap(await open.call(fh));
  }
}

/** Adapts the handle's `{ at }` option form to StoreFile's positional form. */
function wrap(h: StoreFile): StoreFile {
  const raw = h as unknown as {
    read(b: Uint8Array, o: { at: number }): number; write(b: Uint8Array, o: { at: number }): number;
    getSize(): number; truncate(n: number): void; flush(): void; close(): void;
  };
  return {
    read: (dest, at) => raw.read(dest, { at }),
    write: (src, at) => raw.write(src, { at }),
    getSize: () => raw.getSize(),
    truncate: (n) => raw.truncate(n),
    flush: () => raw.flush(),
    close: () => raw.close(),
  };
}

/**
 * The store over the Origin Private File System: `<name>.bin` holds the sparse copy of one remote file,
 * `<name>.idx` its index record. Index records are small and written through a sync handle opened per
 * call (read-modify-write happens under the file's Web Lock, so handles need not outlive a call).
 */
export function opfsBackend(): StoreBackend {
  let root: Promise<FileSystemDirectoryHandle> | null = null;
  const dir = () =>
    (root ??= navigator.storage.getDirectory().then(async (top) => {
      // the v1 store (one file per 1 MiB block) is never read again: free its space once
      void top.removeEntry(OLD_ROOT, { recursive: true }).catch(() => undefined);
      return top.getDirectoryHandle(OPFS_ROOT, { create: true });
    }));
  // A cleared origin invalidates the cached folder handle: forget it so the next call starts afresh.
  const fresh = async <T>(fn: (d: FileSystemDirectoryHandle) => Promise<T>): Promise<T> => {
    try {
      return await fn(await dir());
    } catch (e) {
      root = null;
      throw e;
    }
  };
  const withIndex = async <T>(name: string, create: boolean, fn: (h: StoreFile) => T): Promise<T | null> =>
    fresh(async (d) => {
      let fh: FileSystemFileHandle;
      try {
        fh = await d.getFileHandle(`${name}.idx`, { create });
      } catch (e) {
        if ((e as Error)?.name === 'NotFoundError' && !create) return null;
        throw e;
      }
      const h = await openSync(fh);
      try {
        return fn(h);
      } finally {
        h.close();
      }
    });

  return {
    open: (name) => fresh(async (d) => openSync(await d.getFileHandle(`${name}.bin`, { create: true }))),
    listIndexes: () =>
      fresh(async (d) => {
        const names: string[] = [];
        for await (const key of (d as unknown as { keys(): AsyncIterable<string> }).keys()) {
          if (key.endsWith('.idx')) names.push(key.slice(0, -4));
        }
        return names;
      }),
    loadIndex: (name) =>
      withIndex(name, false, (h) => {
        const buf = new Uint8Array(h.getSize());
        h.read(buf, 0);
        return new TextDecoder().decode(buf);
      }).catch(async (e: unknown) => {
        // Why: without 'readwrite-unsafe', a sync handle is exclusive; a record being saved by another
        // worker right now is still readable as a File snapshot.
        if ((e as Error)?.name !== 'NoModificationAllowedError') throw e;
        return fresh(async (d) => (await (await d.getFileHandle(`${name}.idx`)).getFile()).text());
      }),
    async saveIndex(name, text) {
      const bytes = new TextEncoder().encode(text);
      await withIndex(name, true, (h) => {
        h.truncate(0);
        h.write(bytes, 0);
        h.flush();
      });
    },
    remove: (name) =>
      fresh(async (d) => {
        await d.removeEntry(`${name}.idx`).catch(() => undefined);
        try {
          await d.removeEntry(`${name}.bin`);
        } catch (e) {
          if ((e as Error)?.name === 'NotFoundError') return;
          // still open in another worker or tab: empty it instead (its reader then sees a short file)
          const h = await openSync(await d.getFileHandle(`${name}.bin`));
          try {
            h.truncate(0);
            h.flush();
          } finally {
            h.close();
          }
        }
      }),
    async estimate() {
      const e = await navigator.storage.estimate?.().catch(() => null);
      return e && typeof e.quota === 'number' ? { quota: e.quota, usage: e.usage ?? 0 } : null;
    },
  };
}
