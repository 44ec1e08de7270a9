/**
 * Neighbours: cosine of every row of one layer's matrix against one vector (e.g. a feature's own
 * gate row against all gate rows of a layer), and the best k of them.
 */
import type { DType } from '../format/types';
import { cosineRows, type RowData } from './matVec';
import { topKVector, type Rank } from './topK';

/**
 * `out[r] = (mat[r]·v) / (‖mat[r]‖·‖v‖ + 1e-8)` for r < rows; returns `out` (allocated when
 * omitted). Pass cached `rowNorms` of the layer to skip recomputing them.
 */
export function cosineAgainstRows(
  mat: RowData, dtype: DType, rows: number, H: number, v: Float32Array,
  out?: Float32Array, rowNorms?: Float32Array | null,
): Float32Array {
  const o = out ?? new Float32Array(rows);
  cosineRows(mat, dtype, rows, H, v, o, rowNorms);
  return o;
}

export interface Neighbour {
  feature: number;
  score: number;
}

/**
 * The k rows most cosine-similar to v, best first (signed cosine by default; NaN last; ties by
 * lower row). `exclude` drops one row (typically the feature itself).
 */
export function nearestRows(
  mat: RowData, dtype: DType, rows: number, H: number, v: Float32Array, k: number,
  options: { exclude?: number; rowNorms?: Float32Array | null; rank?: Rank } = {},
): Neighbour[] {
  const scores = cosineAgainstRows(mat, dtype, rows, H, v, undefined, options.rowNorms);
  const ex = options.exclude;
  const want = ex !== undefined && ex >= 0 && ex < rows ? k + 1 : k;
  const res: Neighbour[] = [];
  for (const f of topKVector(scores, want, options.rank ?? 'signed')) {
    if (f === ex) continue;
    if (res.length >= k) break;
    res.push({ feature: f, score: scores[f] });
  }
  return res;
}
