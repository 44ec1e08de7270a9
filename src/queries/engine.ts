import { wrap, proxy, type Remote } from 'comlink';
import type { EngineApi, OpenRequest, ProgressCallback } from '../engine/api';
import type { OpenedVindex } from '../engine/types';
import { useActivity } from '../state/activity';
import { useApp, type AppState } from '../state/store';

let remote: Remote<EngineApi> | null = null;

/** The one vindex worker, created on first use. */
export function engine(): Remote<EngineApi> {
  if (!remote) {
    const worker = new Worker(new URL('../../workers/vindex.worker.ts', import.meta.url), { type: 'module', name: 'vindex' });
    remote = reopening(wrap<EngineApi>(worker));
    tellShown(remote);
  }
  return remote;
}

/** The keys of the vindexes on screen: A, and B when one is chosen (the engine's sessions are known by either key). */
function shownKeys(s: AppState): string[] {
  return [s.location?.key ?? s.src, s.location2?.key ?? s.src2].filter((k): k is string => !!k);
}

/** Keeps the worker told which vindexes are shown: the others release their memory (issue 12.2). */
function tellShown(r: Remote<EngineApi>): void {
  let last = '';
  const send = (s: AppState) => {
    const keys = shownKeys(s);
    if (keys.join('\n') === last) return;
    last = keys.join('\n');
    void Promise.resolve(r.shown(keys)).catch(() => undefined);
  };
  send(useApp.getState());
  useApp.subscribe(send);
}

const CLOSED = /^No open vindex with key (.*); open it again$/;

/**
 * The worker keeps only a few vindexes open (least recently used ones are closed). A call on one it
 * closed fails with "No open vindex with key …"; this wrapper opens it again with the request that
 * opened it and repeats the call once, so the page never sees the eviction.
 */
export function reopening(r: Remote<EngineApi>): Remote<EngineApi> {
  const requests = new Map<string, OpenRequest>();
  let reopenId = 0;
  return new Proxy(r, {
    get(target, prop) {
      const method = (target as unknown as Record<PropertyKey, (...args: unknown[]) => Promise<unknown>>)[prop];
      if (prop === 'open') {
        return async (req: OpenRequest, opId: string, onProgress: ProgressCallback) => {
          const opened = (await method(req, opId, onProgress)) as OpenedVindex;
          requests.set(opened.location.key, req);
          if (req.src) requests.set(req.src, req);
          return opened;
        };
      }
      if (typeof prop !== 'string' || prop === 'cancel' || prop === 'shown' || prop === 'then') return method;
      return async (...args: unknown[]) => {
        try {
          return await method(...args);
        } catch (e) {
          const key = CLOSED.exec((e as Error)?.message ?? '')?.[1];
          const req = key === undefined ? undefined : requests.get(key);
          if (!req) throw e;
          await target.open(req, `reopen${++reopenId}`, proxy(() => undefined));
          return method(...args);
        }
      };
    },
  });
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
