import type { ProgressCallback } from './api';
import type { FeatureOps } from './featureOps';
import { compareLayers, type CompareSide } from './compareLayers';
import { dmetDiff } from './dmetDiff';
import { matchFeature } from './featureMatch';
import type { CompareSummary, DmetDiff, FeatureMatch, LayerSimilarityCallback } from './compareTypes';

/** The engine's two-vindex operations (A and B are keys of vindexes opened in this worker). */
export interface CompareApi {
  /** Layer similarity of B against A, streamed one layer at a time. */
  compareLayers(keyA: string, keyB: string, opId: string, onLayer: LayerSimilarityCallback, onProgress: ProgressCallback): Promise<CompareSummary>;
  /** LarQL DIFF of the two down_meta files (at most `limit` rows listed; counts cover every feature). */
  dmetDiff(keyA: string, keyB: string, opId: string, limit: number, onProgress: ProgressCallback): Promise<DmetDiff>;
  /** B's counterpart of A's feature: same index, and best |cos| in the same layer. */
  matchFeature(
    keyA: string, keyB: string, opId: string, req: { layer: number; feature: number; vector: 'gate' | 'down'; k: number },
  ): Promise<FeatureMatch>;
}

/** An opened vindex as the engine keeps it. */
export type CompareEntry = CompareSide & { features: FeatureOps };

/** Builds the compare operations over the engine's sessions (both held open while they run), cancellable through `run`'s op ids. */
export function compareApi(
  both: <T>(keyA: string, keyB: string, work: (A: CompareEntry, B: CompareEntry) => Promise<T>) => Promise<T>,
  run: <T>(opId: string, work: (signal: AbortSignal) => Promise<T>) => Promise<T>,
  throttle: (fn: ProgressCallback) => ProgressCallback,
): CompareApi {
  return {
    async compareLayers(keyA, keyB, opId, onLayer, onProgress) {
      const progress = throttle(onProgress);
      return run(opId, (signal) => both(keyA, keyB, (A, B) => compareLayers(A, B, { layer: onLayer, progress }, signal)));
    },
    async dmetDiff(keyA, keyB, opId, limit, onProgress) {
      return run(opId, (signal) => both(keyA, keyB, (A, B) => dmetDiff(A.session, B.session, limit, throttle(onProgress), signal)));
    },
    async matchFeature(keyA, keyB, opId, req) {
      return run(opId, (signal) => both(keyA, keyB, (A, B) => matchFeature(A.features, B, A.session.description.hiddenSize, req, signal)));
    },
  };
}
