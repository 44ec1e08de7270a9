import * as d3 from 'd3';
import { histogram, layerSummary, topShare } from '../../compute/layerStats';
import type { Rank } from '../../state/permalink';
import { formatScore, formatTopShare } from './format';

const W = 240;
const H = 64;
const BINS = 40;

/** "score 0.45 = top 0.1% of layer 7": where a score stands among its layer's finite scores. */
export function standingText(row: ArrayLike<number>, layer: number, score: number, rank: Rank): string {
  const share = topShare(row, score, rank);
  if (!Number.isFinite(share)) return `score ${formatScore(score)} (not ranked: not a finite score)`;
  return `score ${formatScore(score)} = top ${formatTopShare(share)} of layer ${layer}${rank === 'abs' ? ' by |score|' : ''}`;
}

/** A layer's score histogram (d3 scales, SVG bars) with an optional marker at one score. */
export function LayerHistogram(props: { row: ArrayLike<number>; layer: number; score?: number; rank: Rank; metric: string }) {
  const { row, layer, score, rank, metric } = props;
  const h = histogram(row, BINS);
  const s = layerSummary(row, 'signed');
  if (s.n === 0) return <p className="muted">Layer {layer} has no finite scores.</p>;
  const x = d3.scaleLinear().domain([h.lo, h.hi === h.lo ? h.lo + 1 : h.hi]).range([4, W - 4]);
  // square-root counts: a layer's tail (where the interesting features are) stays visible beside its bulk
  const y = d3.scaleSqrt().domain([0, Math.max(1, ...h.counts)]).range([0, H - 16]);
  const bw = (W - 8) / BINS;
  return (
    <figure className="histogram">
      <svg width={W} height={H} role="img" aria-label={`Score histogram of layer ${layer}: ${s.n} ${metric} scores from ${formatScore(h.lo)} to ${formatScore(h.hi)}`}>
        {h.counts.map((c, i) => (
          <rect key={i} x={4 + i * bw} y={H - 14 - y(c)} width={Math.max(1, bw - 0.5)} height={y(c)} fill="#8a96a3" />
        ))}
        {score !== undefined && Number.isFinite(score) && (
          <line x1={x(score)} x2={x(score)} y1={2} y2={H - 14} stroke="#b3261e" strokeWidth={2} />
        )}
        <text x={4} y={H - 2} className="tick">{formatScore(h.lo)}</text>
        <text x={W - 4} y={H - 2} className="tick" textAnchor="end">{formatScore(h.hi)}</text>
      </svg>
      <figcaption>
        Layer {layer}: {s.n.toLocaleString('en')} scores, mean {formatScore(s.mean)}, sd {formatScore(s.std)}
        {score !== undefined && <><br />{standingText(row, layer, score, rank)}</>}
      </figcaption>
    </figure>
  );
}
