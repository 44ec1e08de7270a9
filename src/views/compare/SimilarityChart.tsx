import * as d3 from 'd3';
import type { LayerSimilarity } from '../../engine/compareTypes';
import { useWidth } from '../common/useWidth';

const SERIES = [
  { key: 'row', label: 'Row similarity', colour: '#b2182b', dash: '' },
  { key: 'gate', label: 'Subspace similarity (gate)', colour: '#2166ac', dash: '6 3' },
  { key: 'down', label: 'Subspace similarity (down)', colour: '#1b7837', dash: '2 3' },
  { key: 'baseline', label: 'Random baseline k/H', colour: '#888', dash: '1 4' },
] as const;

const M = { top: 10, right: 16, bottom: 30, left: 44 };

/**
 * The layer similarity as a d3 line chart: one line per measure across layers, the random baseline
 * dotted; gaps where a layer has no value. d3 computes scales, ticks and paths; React draws the SVG.
 */
export function SimilarityChart({ layers, total }: { layers: LayerSimilarity[]; total: number }) {
  const [ref, outer] = useWidth<HTMLDivElement>(720);
  const width = Math.max(320, Math.min(900, outer)) - M.left - M.right;
  const height = 200;
  const values = layers.flatMap((l) => [l.row, l.gate, l.down, l.baseline]).filter((v): v is number => v !== null && Number.isFinite(v));
  const lo = Math.min(0, ...values);
  const x = d3.scaleLinear().domain([0, Math.max(1, total - 1)]).range([0, width]);
  const y = d3.scaleLinear().domain([lo, 1]).range([height, 0]).nice();
  const path = (key: (typeof SERIES)[number]['key']) =>
    d3
      .line<LayerSimilarity>()
      .defined((l) => l[key] !== null && Number.isFinite(l[key] as number))
      .x((l) => x(l.layer))
      .y((l) => y(l[key] as number))(layers) ?? '';
  const mean = (key: 'row' | 'gate' | 'down') => {
    const v = layers.map((l) => l[key]).filter((x): x is number => x !== null && Number.isFinite(x));
    return v.length ? (v.reduce((s, x) => s + x, 0) / v.length).toFixed(3) : 'none';
  };
  const xTicks = x.ticks(Math.min(total, 12)).filter(Number.isInteger);
  return (
    <div ref={ref} className="similarity-chart">
      <svg
        width={width + M.left + M.right}
        height={height + M.top + M.bottom}
        role="img"
        aria-label={`Layer similarity chart over ${total} layers: mean row similarity ${mean('row')}, mean gate subspace similarity ${mean('gate')}, mean down subspace similarity ${mean('down')}`}
      >
        <g transform={`translate(${M.left},${M.top})`} className="axis">
          {y.ticks(5).map((t) => (
            <g key={t} transform={`translate(0,${y(t)})`}>
              <line x2={width} stroke="#eceef1" />
              <text x={-6} dy="0.32em" textAnchor="end">{t}</text>
            </g>
          ))}
          {xTicks.map((t) => (
            <text key={t} x={x(t)} y={height + 16} textAnchor="middle">L{t}</text>
          ))}
          {SERIES.map((s) => (
            <path key={s.key} d={path(s.key)} fill="none" stroke={s.colour} strokeWidth={2} strokeDasharray={s.dash} />
          ))}
          {layers.map((l) =>
            SERIES.slice(0, 3).map((s) =>
              l[s.key] !== null && Number.isFinite(l[s.key] as number) ? (
                <circle key={`${s.key}${l.layer}`} cx={x(l.layer)} cy={y(l[s.key] as number)} r={2.5} fill={s.colour}>
                  <title>{`${s.label}, layer ${l.layer}: ${(l[s.key] as number).toFixed(4)}`}</title>
                </circle>
              ) : null,
            ),
          )}
        </g>
      </svg>
      <div className="row legend">
        {SERIES.map((s) => (
          <span key={s.key} className="row">
            <svg width={24} height={8} aria-hidden="true">
              <line x2={24} y1={4} y2={4} stroke={s.colour} strokeWidth={2} strokeDasharray={s.dash} />
            </svg>
            <span className="muted">{s.label}</span>
          </span>
        ))}
      </div>
    </div>
  );
}
