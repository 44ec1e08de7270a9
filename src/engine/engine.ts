import { transfer } from 'comlink';
import type { EngineApi, OpenRequest, ProgressCallback, LayerCallback } from './api';
import { Session } from './session';
import { MatrixStore } from './matrixStore';
import { resolveLocation } from './resolve';
import { scoreLayers, type GatePool } from './scoring';
import { RemoteGates } from './remoteGates';
import { browserScorerPool, type ScorerPool } from './scorerPool';
import { encodeQuery, tokenRefs, suggestTokens } from './tokens';
import { clearTokenizerCache } from './tokenizerCache';
import { FeatureOps } from './featureOps';
import type { OpenedVindex } from './types';
import { PersistentStore } from '../io/persistentStore';
import { opfsBackend } from '../io/opfsBackend';
import { defaultLocks } from '../io/storeBackend';
import { compareApi } from './compareApi';
import { SessionTable } from './sessionTable';

const MiB = 1024 * 1024;

/** Calls `fn` at most every `ms`, always passing the latest values, and always the final one. */
function throttle(fn: ProgressCallback, ms = 100): ProgressCallback {
  let last = 0;
  return (done, total, label) => {
    const now = Date.now();
    if (now - last >= ms || done >= total) {
      last = now;
      void Promise.resolve(fn(done, total, label)).catch(() => undefined);
    }
  };
}

const MAX_OPEN_SESSIONS = 3;

interface Entry {
  session: Session;
  gates: MatrixStore;
  downs: MatrixStore;
  /** Gate layers scored in the scorer workers (null: all in the engine). */
  gatePool: GatePool | null;
  features: FeatureOps;
  close(): void;
  releaseMemory(): void;
}

/** Each scoring thread (the engine and every scorer) keeps resident gate layers within an equal share of the budget. */
function gateShare(gateBudget: number, pool: ScorerPool | null): number {
  return Math.floor(gateBudget / ((pool?.size ?? 0) + 1));
}

function makeEntry(session: Session, gateBudget: number, pool: ScorerPool | null): Entry {
  const d = session.description;
  const share = gateShare(gateBudget, pool);
  const gates = new MatrixStore(session.sources, 'gate_vectors.bin', d.hiddenSize, share);
  const downs = new MatrixStore(session.sources, 'down_features.bin', d.hiddenSize, 256 * MiB);
  const remote = pool ? new RemoteGates(pool, session.sources, 'gate_vectors.bin', d.hiddenSize, share) : null;
  return {
    session, gates, downs,
    gatePool: pool && remote ? { slots: pool.size, gates: remote } : null,
    features: new FeatureOps(session, gates, downs, pool),
    releaseMemory() {
      gates.release();
      downs.release();
      remote?.release();
    },
    close() {
      gates.close();
      downs.close();
      remote?.close();
      session.dispose();
      // Releases the session's OPFS sync handles and block caches.
      void session.sources.close().catch(() => undefined);
    },
  };
}

/**
 * The persistent store (OPFS through sync access handles, which exist only in dedicated workers), or
 * null elsewhere (Node: unit tests, benchmarks). Writes happen on the thread that fetched the bytes:
 * see src/io/storedFile.ts for why and what it costs.
 */
export function persistentStore(): PersistentStore | null {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return null;
  if (typeof (globalThis as { FileSystemSyncAccessHandle?: unknown }).FileSystemSyncAccessHandle === 'undefined') return null;
  return new PersistentStore(opfsBackend(), defaultLocks());
}

/**
 * Creates the worker-side engine: opened sessions by key, cancellable operations by id. `scorers` are
 * the workers that share the scoring (default: the browser's pool; none in Node, the reference path).
 */
export function createEngine(options: { scorers?: ScorerPool | null } = {}): EngineApi {
  const pool = options.scorers === undefined ? browserScorerPool() : options.scorers;
  const sessions = new SessionTable<Entry>(MAX_OPEN_SESSIONS);
  const ops = new Map<string, AbortController>();
  let gateBudget = 512 * MiB; // the page's default (src/state/store.ts says why), until it sets its own
  const store = persistentStore();

  /** Runs `work` with the vindex of `key` held open (an evicted key fails with "No open vindex …; open it again"). */
  const withVindex = <T>(key: string, work: (e: Entry) => T | Promise<T>): Promise<T> => sessions.hold([key], async ([e]) => work(e));

  async function run<T>(opId: string, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const ctl = new AbortController();
    ops.set(opId, ctl);
    try {
      return await work(ctl.signal);
    } finally {
      ops.delete(opId);
    }
  }

  return {
    async open(req: OpenRequest, opId: string, onProgress: ProgressCallback): Promise<OpenedVindex> {
      const progress = throttle(onProgress);
      return run(opId, async (signal) => {
        const steps = 6;
        let step = 0;
        progress(step, steps, 'Finding the vindex files');
        const location = await resolveLocation(req, signal);
        const session = await Session.open(location, signal, (label) => progress(++step, steps, label), store, req.tokenizer ?? null);
        progress(steps, steps, 'Opened');
        const keys = [session.location.key];
        if (req.src && req.src !== session.location.key) keys.push(req.src);
        sessions.add(keys, makeEntry(session, gateBudget, pool));
        return session.opened;
      });
    },

    async extras(key) {
      return withVindex(key, (e) => e.session.extras());
    },

    async readRange(key, file, start, end) {
      if (end - start > 4 * MiB) throw new Error(`${file}: at most 4 MiB per read (asked for ${end - start} bytes)`);
      // A copy: the bytes may be a view into a cached block, whose buffer must not be transferred away.
      const bytes = (await withVindex(key, (e) => e.session.sources.read(file, start, end))).slice();
      return transfer(bytes, [bytes.buffer]);
    },

    cancel(opId: string) {
      ops.get(opId)?.abort(new DOMException('Cancelled', 'AbortError'));
    },

    async encode(key, q) {
      return withVindex(key, (e) => encodeQuery(e.session, q));
    },

    async decode(key, ids) {
      return withVindex(key, (e) => tokenRefs(e.session, ids));
    },

    async tokenizer(key, opId, onProgress) {
      return run(opId, (signal) => withVindex(key, (e) => e.session.tokenizer.ensure(throttle(onProgress), signal)));
    },

    async tokenizerInfo(key) {
      return withVindex(key, (e) => e.session.tokenizer.info());
    },

    async suggest(key, prefix, limit) {
      return withVindex(key, (e) => suggestTokens(e.session, prefix, limit));
    },

    async score(key, opId, req, onLayer: LayerCallback, onProgress) {
      const progress = throttle(onProgress);
      return run(opId, (signal) => withVindex(key, async ({ session, gates, gatePool }) => {
        const before = session.sources.bytesRead;
        await scoreLayers(
          session, gates, req.ids, req.metric,
          {
            // awaited so that every layer has reached the page before score() resolves
            layer: async (layer, scores, problem) => {
              await onLayer(layer, scores ? transfer(scores, [scores.buffer]) : null, problem);
            },
            progress,
          },
          signal,
          gatePool,
        );
        return { bytesRead: session.sources.bytesRead - before };
      }));
    },

    async cacheUsage() {
      if (!store) return { bytes: 0, files: 0, limit: 0, automatic: true, available: false, vindexes: [] };
      const [u, limit] = await Promise.all([store.usage(), store.limit()]);
      return { ...u, limit, automatic: store.limitIsAutomatic(), available: true };
    },

    async clearCache(vindex?: string) {
      await Promise.all([store?.clear(vindex), vindex === undefined ? clearTokenizerCache() : undefined]);
    },

    setCacheLimit(bytes: number | null) {
      store?.setLimit(bytes);
    },

    setGateBudget(bytes: number) {
      gateBudget = bytes;
      sessions.forEach((e) => {
        e.gates.budgetBytes = gateShare(bytes, pool);
        if (e.gatePool) e.gatePool.gates.budgetBytes = gateShare(bytes, pool);
      });
    },

    async tokenOutputs(key, layer, features) {
      return withVindex(key, (e) => e.session.downMeta.outputs(layer, features));
    },

    async feature(key, layer, feature) {
      return withVindex(key, (e) => e.features.detail(layer, feature));
    },

    async projection(key, opId, req, onProgress) {
      return run(opId, (signal) => withVindex(key, (e) => e.features.projection(req, throttle(onProgress), signal)));
    },

    async neighbours(key, opId, req, onProgress) {
      return run(opId, (signal) => withVindex(key, (e) => e.features.neighbours(req, throttle(onProgress), signal)));
    },

    async sayers(key, opId, query, onProgress) {
      return run(opId, (signal) => withVindex(key, (e) => e.features.sayers(query, throttle(onProgress), signal)));
    },

    async describe(key, opId, ids, opts, onProgress) {
      return run(opId, (signal) => withVindex(key, (e) => e.features.describe(ids, opts, throttle(onProgress), signal)));
    },

    shown(keys: string[]) {
      sessions.shown(keys);
      // The page switched vindexes: restart the scorers so that the layers just released leave memory now
      // rather than at their next garbage collection (in `npm run bench` the PSS 8 s after switching from
      // the Gemma-size heatmap to the demo was 0.39 GiB in one run and 1.68 GiB in the next without this).
      // Shown vindexes resend their layers on their next query. Never under a running operation.
      if (pool && sessions.idle()) pool.terminate();
    },

    ...compareApi((a, b, work) => sessions.hold([a, b], ([A, B]) => work(A, B)), run, throttle),
  };
}
