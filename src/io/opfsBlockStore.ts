import type { BlockStore } from './persistentBlocks';

const ROOT = 'vindex-explorer-blocks-v1';

/** Minimal shape of a FileSystemSyncAccessHandle (dedicated workers only). */
interface SyncHandle {
  getSize(): number;
  read(buf: Uint8Array, opts: { at: number }): number;
  write(buf: Uint8Array, opts: { at: number }): number;
  truncate(n: number): void;
  flush(): void;
  close(): void;
}

/**
 * A sync access handle when this context offers one. Why: in a dedicated worker it writes a block in
 * place, while createWritable() writes a swap file and renames it per block, which made caching the
 * 1.78 GB gate of a Gemma-size vindex cost more than fetching it.
 */
async function openSync(fh: FileSystemFileHandle): Promise<SyncHandle | null> {
  const open = (fh as unknown as { createSyncAccessHandle?: () => Promise<SyncHandle> }).createSyncAccessHandle;
  if (typeof open !== 'function') return null;
  try {
    return await open.call(fh);
  } catch {
    return null; // another handle holds the file (a concurrent read), or not a dedicated worker
  }
}

/** A filesystem-safe folder name for a store key (FNV-1a 64-bit hex plus a readable prefix). */
function folderName(key: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h1 = Math.imul(h1 ^ key.charCodeAt(i), 16777619) >>> 0;
    h2 = Math.imul(h2 ^ key.charCodeAt(i), 2246822519) >>> 0;
  }
  return `${key.replace(/[^\w.-]+/g, '_').slice(-48)}-${h1.toString(16)}${h2.toString(16)}`;
}

/** Reads one stored block without locking it (getFile), for a reader beside a writer in another worker. */
export async function opfsReadBlock(key: string, block: number): Promise<Uint8Array | null> {
  try {
    const root = await (await navigator.storage.getDirectory()).getDirectoryHandle(ROOT);
    const fh = await (await root.getDirectoryHandle(folderName(key))).getFileHandle(String(block));
    return new Uint8Array(await (await fh.getFile()).arrayBuffer());
  } catch {
    return null; // absent, or being written right now: read it from the network instead
  }
}

/**
 * Blocks in the Origin Private File System, one file per block under a folder per (source, file).
 * Why OPFS: the Cache API cannot store 206 responses, and OPFS handles gigabytes without IndexedDB's
 * transaction overhead. Over `limitBytes`, the least recently written blocks are deleted.
 */
export function opfsBlockStore(limitBytes: () => number): BlockStore {
  let root: Promise<FileSystemDirectoryHandle> | null = null;
  const getRoot = () => (root ??= navigator.storage.getDirectory().then((d) => d.getDirectoryHandle(ROOT, { create: true })));
  const dirs = new Map<string, Promise<FileSystemDirectoryHandle>>();
  const dir = (key: string) => {
    let d = dirs.get(key);
    if (!d) {
      d = getRoot().then((r) => r.getDirectoryHandle(folderName(key), { create: true }));
      dirs.set(key, d);
    }
    return d;
  };
  let written: { dir: string; name: string; bytes: number; at: number }[] | null = null;

  async function inventory() {
    if (written) return written;
    const list: { dir: string; name: string; bytes: number; at: number }[] = [];
    const r = await getRoot();
    for await (const [dname, handle] of r as unknown as AsyncIterable<[string, FileSystemHandle]>) {
      if (handle.kind !== 'directory') continue;
      for await (const [fname, fh] of handle as unknown as AsyncIterable<[string, FileSystemHandle]>) {
        if (fh.kind !== 'file') continue;
        const f = await (fh as FileSystemFileHandle).getFile();
        list.push({ dir: dname, name: fname, bytes: f.size, at: f.lastModified });
      }
    }
    written = list.sort((a, b) => a.at - b.at);
    return written;
  }

  async function evict(): Promise<void> {
    const list = await inventory();
    let total = list.reduce((a, e) => a + e.bytes, 0);
    const r = await getRoot();
    while (total > limitBytes() && list.length > 0) {
      const e = list.shift()!;
      total -= e.bytes;
      const d = await r.getDirectoryHandle(e.dir).catch(() => null);
      await d?.removeEntry(e.name).catch(() => undefined);
    }
  }

  return {
    async get(key, block) {
      try {
        const fh = await (await dir(key)).getFileHandle(String(block));
        const sync = await openSync(fh);
        if (sync) {
          try {
            const out = new Uint8Array(sync.getSize());
            sync.read(out, { at: 0 });
            return out;
          } finally {
            sync.close();
          }
        }
        return new Uint8Array(await (await fh.getFile()).arrayBuffer());
      } catch {
        return null; // absent (NotFoundError) or unreadable: read from the network instead
      }
    },
    async put(key, block, bytes) {
      if (limitBytes() <= 0) return;
      const list = await inventory(); // before writing, so the scan does not count this block twice
      const d = await dir(key);
      const fh = await d.getFileHandle(String(block), { create: true });
      const sync = await openSync(fh);
      if (sync) {
        try {
          sync.truncate(0);
          sync.write(bytes, { at: 0 });
          sync.flush();
        } finally {
          sync.close();
        }
        list.push({ dir: folderName(key), name: String(block), bytes: bytes.byteLength, at: Date.now() });
        await evict();
        return;
      }
      const w = await fh.createWritable();
      try {
        await w.write(bytes as Uint8Array<ArrayBuffer>);
        await w.close();
      } catch (e) {
        await w.abort().catch(() => undefined);
        await d.removeEntry(String(block)).catch(() => undefined);
        throw e;
      }
      list.push({ dir: folderName(key), name: String(block), bytes: bytes.byteLength, at: Date.now() });
      await evict();
    },
    async usage() {
      const list = await inventory();
      return { bytes: list.reduce((a, e) => a + e.bytes, 0), blocks: list.length };
    },
    async clear() {
      const r = await navigator.storage.getDirectory();
      await r.removeEntry(ROOT, { recursive: true }).catch(() => undefined);
      root = null;
      dirs.clear();
      written = [];
    },
  };
}
