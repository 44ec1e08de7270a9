import { transfer, type Remote } from 'comlink';
import type { BlockStore } from './persistentBlocks';
import { opfsReadBlock } from './opfsBlockStore';

/** The API of the block-writer worker (workers/blockWriter.worker.ts). */
export interface BlockWriterApi {
  put(key: string, block: number, bytes: Uint8Array, limitBytes: number): Promise<void>;
  usage(): Promise<{ bytes: number; blocks: number }>;
  clear(): Promise<void>;
}

/** Most bytes handed to the writer and not yet written; past it new blocks are simply not cached. */
const MAX_PENDING = 64 * 1024 * 1024;

/**
 * A BlockStore whose writes run in another worker. Why: OPFS writes on the scoring worker's thread
 * doubled the time of a first Gemma-size heatmap; here the scoring worker only hands over each block
 * (transferred, not copied) and reads stored blocks without locks. Writes beyond MAX_PENDING in flight
 * are dropped rather than queued, so a slow disk never makes memory grow.
 */
export function offThreadBlockStore(writer: Remote<BlockWriterApi>, limitBytes: () => number): BlockStore {
  let pending = 0;
  return {
    get: (key, block) => opfsReadBlock(key, block),
    async put(key, block, bytes) {
      if (limitBytes() <= 0 || pending + bytes.byteLength > MAX_PENDING) return;
      pending += bytes.byteLength;
      const n = bytes.byteLength;
      try {
        await writer.put(key, block, transfer(bytes, [bytes.buffer]), limitBytes());
      } finally {
        pending -= n;
      }
    },
    usage: () => writer.usage(),
    clear: () => writer.clear(),
  };
}
