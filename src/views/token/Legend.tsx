import * as d3 from 'd3';
import { formatScore } from '../common/format';

/** Diverging colour legend (centred on zero, or on 50 for percentiles), with NaN and "not scored" swatches. */
export function Legend({ colour, label }: { colour: d3.ScaleDiverging<string>; label: string }) {
  const [lo, mid, hi] = colour.domain();
  const stops = d3.range(0, 1.0001, 0.1);
  const w = 220;
  return (
    <svg width={w + 200} height={34} viewBox={`0 0 ${w + 200} 34`} className="axis" role="img" aria-label={`Colour legend: ${label} from ${formatScore(lo)} to ${formatScore(hi)}`}>
      <defs>
        <linearGradient id="legend-gradient">
          {stops.map((t) => (
            <stop key={t} offset={`${t * 100}%`} stopColor={colour(lo + t * (hi - lo))} />
          ))}
        </linearGradient>
      </defs>
      <rect x={0} y={4} width={w} height={10} fill="url(#legend-gradient)" stroke="#ccc" />
      <text x={0} y={28}>{formatScore(lo)}</text>
      <text x={w / 2} y={28} textAnchor="middle">{mid}</text>
      <text x={w} y={28} textAnchor="end">{formatScore(hi)}</text>
      <rect x={w + 16} y={4} width={10} height={10} fill="rgb(150,150,150)" />
      <text x={w + 30} y={13}>NaN</text>
      <rect x={w + 64} y={4} width={10} height={10} fill="rgb(236,238,241)" stroke="#ccc" />
      <text x={w + 78} y={13}>not scored / no feature</text>
    </svg>
  );
}
