/**
 * Per-layer score statistics: what a score means relative to its own layer. A layer's gate rows have
 * their own scale (norms differ from layer to layer), so a raw 0.19 in one layer may be ordinary and
 * in another the single highest score; z-scores and percentiles within the layer make layers comparable.
 *
 * Only finite scores count (NaN and ±inf are excluded from every statistic and map to NaN/±inf unchanged).
 * 'abs' ranking measures |score| instead of the signed score.
 */
import type { Rank } from './topK';

/** How scores are shown and ranked: raw, z-score within the layer, or percentile within the layer. */
export type Norm = 'raw' | 'z' | 'pct';

/** Summary of one layer's finite scores. */
export interface LayerSummary {
  /** Number of finite scores. */
  n: number;
  mean: number;
  /** Population standard deviation. */
  std: number;
  /** The finite keys (score, or |score| for 'abs') in ascending order. */
  sorted: Float64Array;
}

const summaries = new WeakMap<ArrayLike<number>, Map<Rank, LayerSummary>>();

/** Mean, standard deviation and the sorted keys of a layer's finite scores (memoised per row). */
export function layerSummary(row: ArrayLike<number>, rank: Rank): LayerSummary {
  let byRank = summaries.get(row);
  const hit = byRank?.get(rank);
  if (hit) return hit;
  const keys: number[] = [];
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (Number.isFinite(v)) keys.push(rank === 'abs' ? Math.abs(v) : v);
  }
  const sorted = Float64Array.from(keys).sort();
  let sum = 0;
  for (const k of sorted) sum += k;
  const n = sorted.length;
  const mean = n ? sum / n : NaN;
  let ss = 0;
  for (const k of sorted) ss += (k - mean) * (k - mean);
  const s: LayerSummary = { n, mean, std: n ? Math.sqrt(ss / n) : NaN, sorted };
  if (!byRank) summaries.set(row, (byRank = new Map()));
  byRank.set(rank, s);
  return s;
}

/** Number of sorted values strictly below x (binary search). */
function below(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Number of sorted values ≤ x. */
function atMost(sorted: Float64Array, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The share of the layer's finite scores that rank at or above `v` (1/n for the layer's best, 1 for
 * its worst): "top 0.1% of layer 7". NaN for a non-finite v or an empty layer.
 */
export function topShare(row: ArrayLike<number>, v: number, rank: Rank): number {
  if (!Number.isFinite(v)) return NaN;
  const s = layerSummary(row, rank);
  if (s.n === 0) return NaN;
  const key = rank === 'abs' ? Math.abs(v) : v;
  return (s.n - below(s.sorted, key)) / s.n;
}

const normalised = new WeakMap<ArrayLike<number>, Map<string, Float32Array>>();

/**
 * A layer's scores normalised within the layer: 'z' = (key − mean) / std (0 when std is 0), 'pct' =
 * 100 · (share of finite keys ≤ key). Keys are signed scores, or |score| for 'abs', so normalised
 * values rank by their signed value (the |·| is already applied). Non-finite scores pass through
 * unchanged. Memoised per row.
 */
export function normaliseRow(row: Float32Array, norm: Norm, rank: Rank): Float32Array {
  if (norm === 'raw') return row;
  const tag = `${norm}:${rank}`;
  let byTag = normalised.get(row);
  const hit = byTag?.get(tag);
  if (hit) return hit;
  const s = layerSummary(row, rank);
  const out = new Float32Array(row.length);
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    const key = rank === 'abs' ? Math.abs(v) : v;
    if (norm === 'z') out[i] = s.std > 0 ? (key - s.mean) / s.std : 0;
    else out[i] = (100 * atMost(s.sorted, key)) / s.n;
  }
  if (!byTag) normalised.set(row, (byTag = new Map()));
  byTag.set(tag, out);
  return out;
}

/** A whole grid normalised layer by layer (null layers stay null). */
export function normaliseGrid(grid: (Float32Array | null)[], norm: Norm, rank: Rank): (Float32Array | null)[] {
  return norm === 'raw' ? grid : grid.map((row) => (row ? normaliseRow(row, norm, rank) : null));
}

/** Equal-width histogram of a layer's finite scores: `bins` counts over [lo, hi]. */
export function histogram(row: ArrayLike<number>, bins: number): { lo: number; hi: number; counts: number[] } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (lo > hi) return { lo: NaN, hi: NaN, counts };
  const w = hi - lo;
  for (let i = 0; i < row.length; i++) {
    const v = row[i];
    if (!Number.isFinite(v)) continue;
    counts[w > 0 ? Math.min(bins - 1, Math.floor(((v - lo) / w) * bins)) : 0]++;
  }
  return { lo, hi, counts };
}

/**
 * Per layer: the best score and its feature under a ranking: the largest signed score, or for 'abs'
 * the score of largest |value| (sign kept, first on ties). NaN and -1 for empty or all-non-finite rows.
 */
export function layerBest(grid: ReadonlyArray<ArrayLike<number> | null>, rank: Rank): { best: number; feature: number }[] {
  return grid.map((row) => {
    let best = NaN;
    let feature = -1;
    let bestKey = -Infinity;
    if (row) {
      for (let i = 0; i < row.length; i++) {
        const v = row[i];
        if (!Number.isFinite(v)) continue;
        const k = rank === 'abs' ? Math.abs(v) : v;
        if (feature < 0 || k > bestKey) {
          bestKey = k;
          best = v;
          feature = i;
        }
      }
    }
    return { best, feature };
  });
}
