import * as d3 from 'd3';
import type { VindexDescription } from '../../format/types';

interface Props {
  x: d3.ScaleLinear<number, number>;
  width: number;
  height: number;
  rowH: number;
  left: number;
  top: number;
  description: VindexDescription;
  problems: (string | null)[];
  /** Called with the layer whose label the pointer is over (null when it leaves). */
  onLayerHover?(layer: number | null): void;
  /** MoE: expert boundaries every `size` features. */
  groups?: { size: number; count: number };
  unit?: string;
}

/** Pixels between boundaries below which they are not drawn (they would fill the heatmap). */
const MIN_GROUP_PX = 4;

const BAND_FILL = { syntax: '#e7eefb', knowledge: '#fbf0dc', output: '#e5f4e8' } as const;

/** SVG axes over the heatmap canvas: layers with band shading on the left, features along the bottom. */
export function HeatmapAxes({ x, width, height, rowH, left, top, description, problems, onLayerHover, groups, unit = 'feature' }: Props) {
  const L = description.numLayers;
  const bands = description.bands;
  const every = Math.max(1, Math.ceil(12 / rowH));
  const ticks = x.ticks(Math.max(2, Math.floor(width / 80))).filter((t) => Number.isInteger(t));
  return (
    <svg
      className="axis"
      width={left + width + 4}
      height={top + height + 30}
      style={{ position: 'absolute', left: 0, top: 0, pointerEvents: 'none' }}
      aria-hidden="true"
    >
      {bands &&
        (['syntax', 'knowledge', 'output'] as const).map((b) => {
          const [a, z] = bands[b];
          return (
            <g key={b}>
              <rect x={0} y={top + a * rowH} width={14} height={(z - a + 1) * rowH} fill={BAND_FILL[b]} />
              {(z - a + 1) * rowH > 40 && (
                <text x={10} y={top + ((a + z + 1) / 2) * rowH} transform={`rotate(-90 10 ${top + ((a + z + 1) / 2) * rowH})`} textAnchor="middle">
                  {b}
                </text>
              )}
            </g>
          );
        })}
      {Array.from({ length: L }, (_, l) =>
        l % every === 0 ? (
          <text key={l} x={left - 6} y={top + l * rowH + rowH / 2 + 3} textAnchor="end">
            L{l}
          </text>
        ) : null,
      )}
      {onLayerHover && (
        // why: the svg ignores the pointer (clicks go to the canvas below); only the label gutter takes it
        <rect x={16} y={top} width={left - 18} height={height} fill="transparent" style={{ pointerEvents: 'all', cursor: 'help' }}
          onMouseMove={(e) => {
            const r = e.currentTarget.getBoundingClientRect();
            const l = Math.floor((e.clientY - r.top) / rowH);
            onLayerHover(l >= 0 && l < L ? l : null);
          }}
          onMouseLeave={() => onLayerHover(null)} />
      )}
      {problems.map((p, l) =>
        p ? (
          <text key={`p${l}`} x={left + 6} y={top + l * rowH + rowH / 2 + 3} fill="#b3261e">
            unavailable: {p.slice(0, 90)}
          </text>
        ) : null,
      )}
      {groups && <ExpertBoundaries x={x} width={width} height={height} left={left} top={top} groups={groups} />}
      <g transform={`translate(${left},${top + height})`}>
        <line x1={0} x2={width} stroke="#999" />
        {ticks.map((t) => (
          <g key={t} transform={`translate(${x(t) + Math.max(0, (x(t + 1) - x(t)) / 2)},0)`}>
            <line y2={4} stroke="#999" />
            <text y={15} textAnchor="middle">
              {t}
            </text>
          </g>
        ))}
        <text x={width} y={28} textAnchor="end">
          {unit} →
        </text>
      </g>
    </svg>
  );
}
/** Vertical lines between experts (features are expert-major), with expert numbers when there is room. */
function ExpertBoundaries({ x, width, height, left, top, groups }: { x: d3.ScaleLinear<number, number>; width: number; height: number; left: number; top: number; groups: { size: number; count: number } }) {
  const px = x(groups.size) - x(0);
  if (px < MIN_GROUP_PX) return null;
  const [d0, d1] = x.domain();
  const first = Math.max(0, Math.floor(d0 / groups.size));
  const last = Math.min(groups.count, Math.ceil(d1 / groups.size));
  const items = [];
  for (let e = first; e < last; e++) {
    const x0 = x(e * groups.size);
    if (e > 0 && x0 >= 0 && x0 <= width) items.push(<line key={`b${e}`} x1={left + x0} x2={left + x0} y1={top} y2={top + height} stroke="#111" strokeOpacity={0.55} />);
    const mid = (Math.max(0, x0) + Math.min(width, x(e * groups.size + groups.size))) / 2;
    if (px >= 24 && mid > 0 && mid < width) {
      items.push(<text key={`t${e}`} x={left + mid} y={top + 10} textAnchor="middle" stroke="#fff" strokeWidth={3} paintOrder="stroke">E{e}</text>);
    }
  }
  return <g className="expert-boundaries" data-experts={last - first}>{items}</g>;
}
