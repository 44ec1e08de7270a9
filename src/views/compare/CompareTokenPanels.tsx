import { useMemo } from 'react';
import type { OpenedVindex, EncodedQuery } from '../../engine/types';
import type { Metric, Rank } from '../../state/permalink';
import { QueryPanel, GridView, useQueryScores, tokenizerProvenance } from '../token/QueryPanel';
import { diffGrid } from '../token/DiffPanel';
import { maxAbsFinite } from '../token/heatmapPaint';
import { visibleText } from '../common/TokenText';
import { useTokenizerInfo } from '../../queries/tokenizer';
import { useCompareSettings } from './compareSettings';
import { sameGridShape, shapeText } from './shapes';

function tokenList(e: EncodedQuery): string {
  return `${e.tokens.length} token${e.tokens.length === 1 ? '' : 's'}: ${e.tokens.map((t) => `${visibleText(t.text)} (#${t.id})`).join(' ')}`;
}

/** Says when the two tokenizers turn the query into different tokens. */
function TokenNote({ q, a, b }: { q: string; a: EncodedQuery | undefined; b: EncodedQuery | undefined }) {
  if (!a || !b) return null;
  const texts = (e: EncodedQuery) => e.tokens.map((t) => t.text).join('\u0000');
  const ids = (e: EncodedQuery) => e.tokens.map((t) => t.id).join(',');
  if (texts(a) === texts(b) && ids(a) === ids(b)) {
    return <p className="muted">Both vindexes encode “{q}” to the same {a.tokens.length} token{a.tokens.length === 1 ? '' : 's'}.</p>;
  }
  const what = texts(a) === texts(b) ? 'into the same pieces with different ids' : 'differently';
  return (
    <p className="notice" role="note" aria-label="Token lists differ">
      The tokenizers split “{q}” {what}. A ({a.tokenizer}) → {tokenList(a)}. B ({b.tokenizer}) → {tokenList(b)}. Each heatmap scores its own
      tokens.
    </p>
  );
}

/**
 * One query on two vindexes: A's and B's heatmaps and Top features, each encoded with its own
 * tokenizer, on one shared colour scale (or one each), and B − A when the layer × feature shapes match.
 */
export function CompareTokenPanels(props: { a: OpenedVindex; b: OpenedVindex; q: string; metric: Metric; rank: Rank }) {
  const { a, b, q, metric, rank } = props;
  const scale = useCompareSettings((s) => s.scale);
  const setScale = useCompareSettings((s) => s.setScale);
  const A = useQueryScores(a, q, metric);
  const B = useQueryScores(b, q, metric);
  const infoA = useTokenizerInfo(a);
  const infoB = useTokenizerInfo(b);
  const gridA = A.scores.data;
  const gridB = B.scores.data;
  const shared = useMemo(
    () => (scale === 'shared' && gridA && gridB ? Math.max(maxAbsFinite(gridA.layers), maxAbsFinite(gridB.layers)) : undefined),
    [scale, gridA, gridB],
  );
  const sameShape = sameGridShape(a.description, b.description);
  const diff = useMemo(() => (sameShape && gridA && gridB ? { ...diffGrid(gridB, gridA), bytesRead: gridA.bytesRead + gridB.bytesRead } : null), [sameShape, gridA, gridB]);
  const src = (v: OpenedVindex) => v.location.src ?? v.location.label;
  return (
    <div className="compare-token">
      <div className="row" role="radiogroup" aria-label="Colour scale">
        <span className="muted">Colour scale:</span>
        <label>
          <input type="radio" name="compare-scale" checked={scale === 'shared'} onChange={() => setScale('shared')} /> shared by A and B
        </label>
        <label>
          <input type="radio" name="compare-scale" checked={scale === 'own'} onChange={() => setScale('own')} /> per vindex
        </label>
      </div>
      <TokenNote q={q} a={A.encoded.data} b={B.encoded.data} />
      <section className="compare-side" aria-label={`Vindex A: ${a.location.label}`}>
        <h3 className="side-title">A · {a.location.label}</h3>
        <QueryPanel vindex={a} q={q} metric={metric} rank={rank} tableName="Top features" colourMax={shared} />
      </section>
      <section className="compare-side" aria-label={`Vindex B: ${b.location.label}`}>
        <h3 className="side-title">B · {b.location.label}</h3>
        <QueryPanel vindex={b} q={q} metric={metric} rank={rank} tableName="Top features (vindex B)" colourMax={shared} />
      </section>
      {diff && A.ids && B.ids ? (
        <section className="panel compare-side" aria-label="Difference B − A">
          <h3 className="side-title">B − A</h3>
          <p className="muted">Each cell is B's score minus A's for the same layer and feature (B scores its own tokens); its own colour scale.</p>
          <GridView vindex={a} grid={diff} title={`${metric} score difference B − A for “${q}”`} rank={rank} tableName="Top features (vindex B − A)"
            meta={{
              source: `${src(b)} − ${src(a)}`, commit: `${b.location.hub?.sha ?? '-'} − ${a.location.hub?.sha ?? '-'}`, query: q, tokenIds: [...B.ids, ...A.ids],
              tokens: [...(B.tokens ?? []), ...(A.tokens ?? [])].map((t) => t.raw), tokenizer: `${tokenizerProvenance(q, infoB)} − ${tokenizerProvenance(q, infoA)}`, metric, rank,
            }}
            stem={`diff-b-minus-a-${metric}`} />
        </section>
      ) : (
        !sameShape && <p className="muted">No B − A heatmap: the layer × feature shapes differ (A {shapeText(a.description)}, B {shapeText(b.description)}).</p>
      )}
    </div>
  );
}
