import { PersistentStore, type FileIdentity } from '../io/persistentStore';
import { opfsBackend } from '../io/opfsBackend';
import { defaultLocks } from '../io/storeBackend';
import { storeWriter } from '../io/storeWriter';

/** The API of the block-writer worker (workers/blockWriter.worker.ts). */
export interface BlockWriterApi {
  write(id: FileIdentity, bytes: Uint8Array, at: number): Promise<string | null>;
  setLimit(bytes: number | null): void;
}

/** The block-writer worker: writes fetched bytes into the persistent store off the scoring thread. */
export function createBlockWriter(): BlockWriterApi {
  const store = new PersistentStore(opfsBackend(), defaultLocks());
  const writer = storeWriter(store);
  return {
    write: (id, bytes, at) => writer.write(id, bytes, at),
    setLimit: (bytes) => store.setLimit(bytes),
  };
}
