import { opfsBlockStore } from '../io/opfsBlockStore';
import type { BlockWriterApi } from '../io/offThreadBlockStore';

/** The block-writer worker's API: OPFS writes (sync access handles), usage and clearing, off the scoring thread. */
export function createBlockWriter(): BlockWriterApi {
  let limit = 0;
  const store = opfsBlockStore(() => limit);
  return {
    async put(key, block, bytes, limitBytes) {
      limit = limitBytes;
      await store.put(key, block, bytes);
    },
    usage: () => store.usage(),
    clear: () => store.clear(),
  };
}
