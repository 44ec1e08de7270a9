import { wrap, proxy, type Remote } from 'comlink';
import type { EngineApi, ProgressCallback } from '../engine/api';
import { useActivity } from '../state/activity';

let remote: Remote<EngineApi> | null = null;

/** The one vindex worker, created on first use. */
export function engine(): Remote<EngineApi> {
  if (!remote) {
    const worker = new Worker(new URL('../../workers/vindex.worker.ts', import.meta.url), { type: 'module', name: 'vindex' });
    remote = wrap<EngineApi>(worker);
  }
  return remote;
}

let nextOp = 1;

/** Runs one cancellable engine operation with a progress bar; TanStack's signal cancels it in the worker. */
export async function withActivity<T>(
  label: string,
  unit: 'bytes' | 'items',
  signal: AbortSignal | undefined,
  run: (opId: string, onProgress: ProgressCallback) => Promise<T>,
): Promise<T> {
  const opId = `op${nextOp++}`;
  const act = useActivity.getState();
  const cancel = () => void engine().cancel(opId);
  signal?.addEventListener('abort', cancel, { once: true });
  act.start({ id: opId, label, unit, cancel });
  try {
    // the worker's step ("Projecting over embeddings.bin") is added to, not put in place of, what the operation is
    return await run(opId, proxy((done: number, total: number, l: string) => act.update(opId, done, total, l && l !== label ? `${label} · ${l}` : label)));
  } finally {
    signal?.removeEventListener('abort', cancel);
    act.finish(opId);
  }
}
