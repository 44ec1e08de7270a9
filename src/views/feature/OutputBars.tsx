import * as d3 from 'd3';
import { formatScore } from '../common/format';
import { visibleText, tokenTitle, type TokenLike } from '../common/TokenText';

/** A horizontal d3-scaled bar chart of token scores (logits or cosines), best first; labels mark spaces (␣), hover shows id and raw string. */
export function OutputBars({ items, label }: { items: { token: TokenLike; score: number }[]; label: string }) {
  const finite = items.map((i) => i.score).filter(Number.isFinite);
  const lo = Math.min(0, ...finite);
  const hi = Math.max(0, ...finite, 1e-12);
  const w = 360;
  const rowH = 16;
  const x = d3.scaleLinear().domain([lo, hi]).range([110, w - 60]).nice();
  return (
    <svg width={w} height={items.length * rowH + 4} className="bars" role="img" aria-label={label}>
      {items.map((it, i) => (
        <g key={i} transform={`translate(0,${i * rowH})`}>
          <text x={104} y={12} textAnchor="end" data-token-id={it.token.id}>
            <title>{tokenTitle(it.token)}</title>
            {Array.from(it.token.text === '' && it.token.raw ? it.token.raw : visibleText(it.token.text)).slice(0, 16).join('')}
          </text>
          {Number.isFinite(it.score) && (
            <rect x={Math.min(x(0), x(it.score))} y={3} height={rowH - 5} width={Math.abs(x(it.score) - x(0))} fill={it.score >= 0 ? '#d6604d' : '#4393c3'} />
          )}
          <text x={w - 56} y={12}>
            {formatScore(it.score)}
          </text>
        </g>
      ))}
    </svg>
  );
}
