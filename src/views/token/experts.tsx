// MoE layers on the heatmap: expert boundaries and an expert filter (features are expert-major).
import type { VindexDescription } from '../../format/types';
import type { TopKHit } from '../../compute/topK';
import { topK, type Rank } from '../../compute/topK';

/** Experts shared by every MoE layer (same count and width), or null when layers differ or none is MoE. */
export function expertGroups(d: VindexDescription): { size: number; count: number } | null {
  const moe = d.layers.filter((l) => l.numExperts && l.featuresPerExpert);
  if (moe.length === 0) return null;
  const { numExperts, featuresPerExpert } = moe[0];
  if (moe.some((l) => l.numExperts !== numExperts || l.featuresPerExpert !== featuresPerExpert)) return null;
  return { size: featuresPerExpert!, count: numExperts! };
}

/** The feature range [lo, hi) of expert e. */
export function expertWindow(groups: { size: number }, e: number): [number, number] {
  return [e * groups.size, (e + 1) * groups.size];
}

/** Top hits inside a feature window (one expert), with feature numbers of the whole layer. */
export function topKInWindow(grid: (Float32Array | null)[], k: number, rank: Rank, win: [number, number] | null): TopKHit[] {
  if (!win) return topK(grid, k, rank);
  const [lo, hi] = win;
  return topK(grid.map((r) => (r ? r.subarray(lo, Math.min(hi, r.length)) : null)), k, rank).map((h) => ({ ...h, feature: h.feature + lo }));
}

/** "Expert: all | 0 … E−1" select. */
export function ExpertFilter(props: { count: number; value: number | null; onChange(e: number | null): void }) {
  return (
    <label className="expert-filter">
      Expert{' '}
      <select aria-label="Expert" value={props.value ?? ''} onChange={(e) => props.onChange(e.target.value === '' ? null : Number(e.target.value))}>
        <option value="">all {props.count}</option>
        {Array.from({ length: props.count }, (_, i) => (
          <option key={i} value={i}>{i}</option>
        ))}
      </select>
    </label>
  );
}
