import * as d3 from 'd3';
import { layerBest } from '../../compute/layerStats';
import type { Rank } from '../../state/permalink';
import { formatScore } from '../common/format';

/**
 * Per-layer best score and its feature, as a bar chart whose rows line up with the heatmap's: same
 * row height, same top offset. In |score| mode it shows the score of largest magnitude (a −6.47 peak
 * is drawn, not hidden behind a smaller positive maximum).
 */
export function LayerMaxChart({ grid, rank, rowH, top }: { grid: (Float32Array | null)[]; rank: Rank; rowH: number; top: number }) {
  const stats = layerBest(grid, rank);
  const finite = stats.map((s) => s.best).filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = Math.max(0, ...finite, 1e-12);
  const w = 260;
  const x = d3.scaleLinear().domain([lo, hi]).range([34, w - 104]);
  const every = Math.max(1, Math.ceil(12 / rowH));
  const height = rowH * stats.length;
  const title = rank === 'abs' ? 'max |score| per layer' : 'max per layer';
  return (
    <svg width={w} height={top + height + 30} className="bars layer-chart" role="img" aria-label={`Per-layer ${rank === 'abs' ? 'maximum |score|' : 'maximum score'} and argmax`}>
      {stats.map((s, l) => (
        <g key={l} transform={`translate(0,${top + l * rowH})`}>
          {l % every === 0 && <text x={0} y={rowH / 2 + 4}>L{l}</text>}
          {Number.isFinite(s.best) && (
            <>
              <rect x={Math.min(x(0), x(s.best))} y={rowH > 4 ? 1 : 0} width={Math.abs(x(s.best) - x(0))} height={Math.max(1, rowH - (rowH > 4 ? 3 : 0))}
                fill={s.best >= 0 ? '#d6604d' : '#4393c3'} />
              {l % every === 0 && <text x={w - 100} y={rowH / 2 + 4}>{formatScore(s.best)} F{s.feature}</text>}
            </>
          )}
        </g>
      ))}
      <text x={34} y={top + height + 16} className="muted">{title}</text>
    </svg>
  );
}
