import * as d3 from 'd3';
import { layerMaxArgmax } from '../../compute/downsample';
import { formatScore } from '../common/format';

/** Per-layer maximum score and its feature, as a small bar chart aligned with the heatmap rows. */
export function LayerMaxChart({ grid }: { grid: (Float32Array | null)[] }) {
  const stats = layerMaxArgmax(grid);
  const finite = stats.map((s) => s.max).filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = Math.max(0, ...finite, 1e-12);
  const w = 280;
  const rowH = 16;
  const x = d3.scaleLinear().domain([lo, hi]).range([40, w - 110]);
  return (
    <svg width={w} height={rowH * stats.length + 20} className="bars" role="img" aria-label="Per-layer maximum score and argmax">
      <text x={0} y={12} className="muted">max per layer</text>
      {stats.map((s, l) => (
        <g key={l} transform={`translate(0,${20 + l * rowH})`}>
          <text x={0} y={11}>L{l}</text>
          {Number.isFinite(s.max) && (
            <>
              <rect x={Math.min(x(0), x(s.max))} y={2} width={Math.abs(x(s.max) - x(0))} height={rowH - 5} fill={s.max >= 0 ? '#d6604d' : '#4393c3'} />
              <text x={w - 104} y={11}>
                {formatScore(s.max)} F{s.argmax}
              </text>
            </>
          )}
        </g>
      ))}
    </svg>
  );
}
