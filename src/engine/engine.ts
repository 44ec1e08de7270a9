import { transfer } from 'comlink';
import type { EngineApi, OpenRequest, ProgressCallback, LayerCallback } from './api';
import { Session } from './session';
import { MatrixStore } from './matrixStore';
import { resolveLocation } from './resolve';
import { scoreLayers } from './scoring';
import { encodeQuery, tokenRefs, suggestTokens } from './tokens';
import { clearTokenizerCache } from './tokenizerCache';
import { FeatureOps } from './featureOps';
import type { OpenedVindex } from './types';
import { opfsBlockStore } from '../io/opfsBlockStore';
import { offThreadBlockStore, type BlockWriterApi } from '../io/offThreadBlockStore';
import type { BlockStore } from '../io/persistentBlocks';
import { wrap } from 'comlink';
import { compareApi } from './compareApi';

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

interface Entry {
  session: Session;
  gates: MatrixStore;
  features: FeatureOps;
}

/**
 * The persistent block store: OPFS written by a block-writer worker when this worker can start one,
 * OPFS on this thread otherwise, and none outside browsers (Node: unit tests, benchmarks).
 */
function persistentStore(limit: () => number): BlockStore | null {
  if (typeof navigator === 'undefined' || typeof navigator.storage?.getDirectory !== 'function') return null;
  if (typeof Worker === 'undefined') return opfsBlockStore(limit);
  const writer = new Worker(new URL('../../workers/blockWriter.worker.ts', import.meta.url), { type: 'module', name: 'block-writer' });
  return offThreadBlockStore(wrap<BlockWriterApi>(writer), limit);
}

/** Creates the worker-side engine: opened sessions by key, cancellable operations by id. */
export function createEngine(): EngineApi {
  const sessions = new Map<string, Entry>();
  const ops = new Map<string, AbortController>();
  let gateBudget = 1024 * MiB;
  let cacheLimit = 2048 * MiB;
  const store = persistentStore(() => cacheLimit);

  const entry = (key: string): Entry => {
    const e = sessions.get(key);
    if (!e) throw new Error(`No open vindex with key ${key}; open it again`);
    return e;
  };

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
        const d = session.description;
        const gates = new MatrixStore(session.sources, 'gate_vectors.bin', d.hiddenSize, gateBudget);
        const downs = new MatrixStore(session.sources, 'down_features.bin', d.hiddenSize, 256 * MiB);
        sessions.set(session.location.key, { session, gates, features: new FeatureOps(session, gates, downs) });
        if (req.src && req.src !== session.location.key) sessions.set(req.src, sessions.get(session.location.key)!);
        return session.opened;
      });
    },

    async extras(key) {
      return entry(key).session.extras();
    },

    async readRange(key, file, start, end) {
      if (end - start > 4 * MiB) throw new Error(`${file}: at most 4 MiB per read (asked for ${end - start} bytes)`);
      // A copy: the bytes may be a view into a cached block, whose buffer must not be transferred away.
      const bytes = (await entry(key).session.sources.read(file, start, end)).slice();
      return transfer(bytes, [bytes.buffer]);
    },

    cancel(opId: string) {
      ops.get(opId)?.abort(new DOMException('Cancelled', 'AbortError'));
    },

    async encode(key, q) {
      return encodeQuery(entry(key).session, q);
    },

    async decode(key, ids) {
      return tokenRefs(entry(key).session, ids);
    },

    async tokenizer(key, opId, onProgress) {
      return run(opId, (signal) => entry(key).session.tokenizer.ensure(throttle(onProgress), signal));
    },

    async tokenizerInfo(key) {
      return entry(key).session.tokenizer.info();
    },

    async suggest(key, prefix, limit) {
      return suggestTokens(entry(key).session, prefix, limit);
    },

    async score(key, opId, req, onLayer: LayerCallback, onProgress) {
      const { session, gates } = entry(key);
      const progress = throttle(onProgress);
      return run(opId, async (signal) => {
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
        );
        return { bytesRead: session.sources.bytesRead - before };
      });
    },

    async cacheUsage() {
      return store ? { ...(await store.usage()), limit: cacheLimit, available: true } : { bytes: 0, blocks: 0, limit: 0, available: false };
    },

    async clearCache() {
      await Promise.all([store?.clear(), clearTokenizerCache()]);
    },

    setCacheLimit(bytes: number) {
      cacheLimit = bytes;
    },

    setGateBudget(bytes: number) {
      gateBudget = bytes;
      for (const e of sessions.values()) e.gates.budgetBytes = bytes;
    },

    async tokenOutputs(key, layer, features) {
      return entry(key).session.downMeta.outputs(layer, features);
    },

    async feature(key, layer, feature) {
      return entry(key).features.detail(layer, feature);
    },

    async projection(key, opId, req, onProgress) {
      return run(opId, (signal) => entry(key).features.projection(req, throttle(onProgress), signal));
    },

    async neighbours(key, opId, req, onProgress) {
      return run(opId, (signal) => entry(key).features.neighbours(req, throttle(onProgress), signal));
    },

    async sayers(key, opId, query, onProgress) {
      return run(opId, (signal) => entry(key).features.sayers(query, throttle(onProgress), signal));
    },

    async describe(key, opId, ids, opts, onProgress) {
      return run(opId, (signal) => entry(key).features.describe(ids, opts, throttle(onProgress), signal));
    },

    ...compareApi(entry, run, throttle),
  };
}
