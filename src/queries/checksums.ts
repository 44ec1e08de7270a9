import { wrap, proxy, type Remote } from 'comlink';
import type { OpenedVindex } from '../engine/types';
import type { ChecksumResult, HashApi } from '../engine/hashFiles';
import { useActivity } from '../state/activity';

let hasher: Remote<HashApi> | null = null;
let nextOp = 1;

/** Hashes every file with a known checksum in the hash worker (kept apart so scoring is not blocked). */
export async function verifyChecksums(vindex: OpenedVindex, signal: AbortSignal): Promise<ChecksumResult[]> {
  if (!hasher) {
    hasher = wrap<HashApi>(new Worker(new URL('../../workers/hash.worker.ts', import.meta.url), { type: 'module', name: 'hash' }));
  }
  const h = hasher;
  const opId = `hash${nextOp++}`;
  const act = useActivity.getState();
  const cancel = () => void h.cancel(opId);
  signal.addEventListener('abort', cancel, { once: true });
  act.start({ id: opId, label: 'Verifying checksums', unit: 'bytes', cancel });
  try {
    return await h.verify(
      vindex.location,
      vindex.description.checksums,
      opId,
      proxy((done: number, total: number, label: string) => act.update(opId, done, total, label)),
    );
  } finally {
    signal.removeEventListener('abort', cancel);
    act.finish(opId);
  }
}
