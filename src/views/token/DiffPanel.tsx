import { useMemo } from 'react';
import type { OpenedVindex } from '../../engine/types';
import type { Metric, Rank } from '../../state/permalink';
import type { ScoreGrid } from '../../queries/scores';
import { useQueryScores, exportMeta, tokenizerProvenance } from './QueryPanel';
import { GridView } from './GridView';
import { useTokenizerInfo } from '../../queries/tokenizer';

/** Element-wise A − B of two score grids (a layer is present only when both are). */
export function diffGrid(a: ScoreGrid, b: ScoreGrid): ScoreGrid {
  const layers = a.layers.map((ra, l) => {
    const rb = b.layers[l];
    if (!ra || !rb) return null;
    const out = new Float32Array(ra.length);
    for (let i = 0; i < ra.length; i++) out[i] = ra[i] - rb[i];
    return out;
  });
  return {
    layers,
    problems: a.problems.map((p, l) => p ?? b.problems[l]),
    scored: layers.filter(Boolean).length,
    complete: a.complete && b.complete,
    bytesRead: 0,
  };
}

/** The compare panel: the difference of two queries' scores, with its own heatmap and top features. */
export function DiffPanel(props: { vindex: OpenedVindex; a: string; b: string; metric: Metric; rank: Rank }) {
  const { vindex, a, b, metric, rank } = props;
  const A = useQueryScores(vindex, a, metric);
  const B = useQueryScores(vindex, b, metric);
  const info = useTokenizerInfo(vindex);
  const grid = useMemo(() => (A.scores.data && B.scores.data ? diffGrid(A.scores.data, B.scores.data) : null), [A.scores.data, B.scores.data]);
  if (!grid || !A.tokens || !B.tokens) return null;
  const q = `${a} − ${b}`;
  return (
    <section className="panel" aria-label="Difference A − B" style={{ marginTop: 16 }}>
      <h3>
        Difference: “{a}” − “{b}”
      </h3>
      <GridView vindex={vindex} grid={grid} title={`${metric} score difference ${q}`} rank={rank} tableName="Top features (A − B)"
        meta={exportMeta(vindex, q, [...A.tokens, ...B.tokens], metric, rank, `${tokenizerProvenance(a, info)} / ${tokenizerProvenance(b, info)}`)} stem={`diff-${metric}`} />
    </section>
  );
}
