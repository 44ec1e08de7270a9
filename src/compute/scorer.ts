/**
 * The scoring kernels of one worker: gate layers kept resident (decoded rows and their norms) and
 * scored against query vectors, and vocabulary projections fed block by block. The engine's own
 * (single-thread) path and the scorer workers share `scoreLayerRows`, so a layer scores to the same
 * bits wherever it runs.
 */
import type { DType } from '../format/types';
import { dotRows, normsRows, viewRows, COSINE_EPSILON, type RowData } from './matVec';
import { createProjectionSet, type ProjectionSet, type ProjectionResult } from './projection';

/**
 * Scores of q against every row: dot `G·q`, or cosine `(G·q)/(‖G_r‖·‖q‖ + 1e-8)` with the rows' norms
 * and ‖q‖ given (computed once per layer and per query).
 */
export function scoreLayerRows(
  data: RowData, dtype: DType, rows: number, hidden: number, norms: Float32Array, q: Float32Array, qNorm: number,
  metric: 'cos' | 'dot', out: Float32Array,
): void {
  dotRows(data, dtype, rows, hidden, q, out);
  if (metric === 'cos') for (let r = 0; r < rows; r++) out[r] = out[r] / (norms[r] * qNorm + COSINE_EPSILON);
}

interface Resident {
  data: RowData;
  dtype: DType;
  rows: number;
  hidden: number;
  norms: Float32Array;
}

/** What a scorer worker does (the engine decides what is resident; the scorer only keeps it). */
export interface Scorer {
  /** Keeps a layer (raw little-endian rows, the buffer now owned by the scorer); returns its resident bytes. */
  putLayer(store: string, layer: number, bytes: Uint8Array, rows: number, hidden: number, dtype: DType): number;
  /** Scores a resident layer against q (see scoreLayerRows). */
  scoreLayer(store: string, layer: number, q: Float32Array, qNorm: number, metric: 'cos' | 'dot'): Float32Array;
  dropLayer(store: string, layer: number): void;
  dropStore(store: string): void;
  /** Bytes of every resident layer. */
  residentBytes(): number;
  /**
   * Starts projections of the vectors vs (top-k by dot and cosine, both ends, k = ks[j]) fed by projBlock;
   * each row of a block is decoded and normed once for all of them.
   */
  projStart(job: string, vs: Float32Array[], hidden: number, ks: number[]): void;
  projBlock(job: string, bytes: Uint8Array, dtype: DType, firstRow: number, rowCount: number): void;
  /** The projections (one per vector, in order) of the blocks fed so far; the job ends. */
  projFinish(job: string): ProjectionResult[];
  /** Ends a job without a result (cancelled); later blocks of it are ignored. */
  projCancel(job: string): void;
}

export function createScorer(): Scorer {
  const stores = new Map<string, Map<number, Resident>>();
  const jobs = new Map<string, ProjectionSet>();
  const ended = new Set<string>();
  const layerOf = (store: string, layer: number): Resident => {
    const m = stores.get(store)?.get(layer);
    if (!m) throw new Error(`scorer: layer ${layer} of ${store} is not resident`);
    return m;
  };
  return {
    putLayer(store, layer, bytes, rows, hidden, dtype) {
      const expected = rows * hidden * (dtype === 'f16' ? 2 : 4);
      if (bytes.byteLength !== expected) throw new Error(`scorer: layer ${layer} needs ${expected} bytes, got ${bytes.byteLength}`);
      const data = viewRows(bytes, dtype);
      const norms = new Float32Array(rows);
      normsRows(data, dtype, rows, hidden, norms);
      let s = stores.get(store);
      if (!s) stores.set(store, (s = new Map()));
      s.set(layer, { data, dtype, rows, hidden, norms });
      return bytes.byteLength + norms.byteLength;
    },
    scoreLayer(store, layer, q, qNorm, metric) {
      const m = layerOf(store, layer);
      const out = new Float32Array(m.rows);
      scoreLayerRows(m.data, m.dtype, m.rows, m.hidden, m.norms, q, qNorm, metric, out);
      return out;
    },
    dropLayer(store, layer) {
      stores.get(store)?.delete(layer);
    },
    dropStore(store) {
      stores.delete(store);
    },
    residentBytes() {
      let n = 0;
      for (const s of stores.values()) for (const m of s.values()) n += m.data.byteLength + m.norms.byteLength;
      return n;
    },
    projStart(job, vs, hidden, ks) {
      if (ended.has(job)) return;
      jobs.set(job, createProjectionSet(vs, hidden, ks));
    },
    projBlock(job, bytes, dtype, firstRow, rowCount) {
      const p = jobs.get(job);
      if (!p) {
        if (ended.has(job)) return; // cancelled: blocks already on their way are dropped
        throw new Error(`scorer: no projection ${job}`);
      }
      p.addBlock(viewRows(bytes, dtype), dtype, firstRow, rowCount);
    },
    projFinish(job) {
      const p = jobs.get(job);
      if (!p) throw new Error(`scorer: no projection ${job}`);
      jobs.delete(job);
      return p.results();
    },
    projCancel(job) {
      jobs.delete(job);
      ended.add(job);
    },
  };
}
