import type { FileIdentity, PersistentStore, StoreWriter } from './persistentStore';
import type { StoredFile } from './storedFile';
import { storeName } from './persistentStore';

/**
 * The writing side of a persistent store, run in a worker of its own: keeps one StoredFile per remote
 * file (its own sync handle, 'readwrite-unsafe' beside the readers') and writes what it is given under
 * the file's Web Lock, exactly as a reader would write in place.
 */
export function storeWriter(store: PersistentStore): StoreWriter & { closeAll(): Promise<void> } {
  const files = new Map<string, Promise<StoredFile>>();
  return {
    async write(id: FileIdentity, bytes: Uint8Array, at: number) {
      const key = `${storeName(id.vindex, id.name)}|${id.identity}|${id.size}`;
      let f = files.get(key);
      if (!f) {
        f = store.file(id).then((x) => x.file);
        files.set(key, f);
      }
      const file = await f;
      await file.persist(bytes, at);
      return file.problem;
    },
    async closeAll() {
      const all = await Promise.all(files.values());
      files.clear();
      await Promise.all(all.map((f) => f.close()));
    },
  };
}
