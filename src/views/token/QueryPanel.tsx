import type { OpenedVindex, TokenRef, TokenizerInfo } from '../../engine/types';
import type { Metric, Rank } from '../../state/permalink';
import { useEncoded, useScores } from '../../queries/scores';
import { errorText, isAbort } from '../../state/activity';
import { TokenText } from '../common/TokenText';
import { useTokenizerInfo } from '../../queries/tokenizer';
import { parseQuery } from '../../format/queryText';
import { GridView } from './GridView';
import type { ExportMeta } from './exporters';
import { exportUnits } from '../overview/semantics';

/** Scores of a query, streamed: the tokens, heatmap, per-layer max, top features and exports. */
export function useQueryScores(vindex: OpenedVindex, q: string, metric: Metric) {
  const encoded = useEncoded(vindex, q);
  const tokens = encoded.data ? encoded.data.tokens : null;
  const ids = tokens ? tokens.map((t) => t.id) : null;
  const scores = useScores(vindex, ids && ids.length ? ids : null, metric, `Scoring “${q}” (${metric})`);
  return { encoded, ids, tokens, scores };
}

/** Export provenance for a query: source and commit, the query, its token ids and raw strings, the tokenizer, and units. */
export function exportMeta(vindex: OpenedVindex, q: string, tokens: TokenRef[], metric: Metric, rank: Rank, tokenizer: string): ExportMeta {
  return {
    source: vindex.location.src ?? vindex.location.label, commit: vindex.location.hub?.sha ?? null, query: q,
    tokenIds: tokens.map((t) => t.id), tokens: tokens.map((t) => t.raw), tokenizer, metric, rank, units: exportUnits(vindex.description),
  };
}

/** What exports record as tokenizer=: the tokenizer's provenance, or "ids" for an id query. */
export function tokenizerProvenance(q: string, info: TokenizerInfo | null): string {
  return parseQuery(q).kind === 'ids' ? 'ids (no tokenizer needed)' : info?.provenance ?? 'unknown';
}

// GridView lives in its own file; re-exported here for the views that import it from the query panel.
export { GridView };

/** One query's panel. */
export function QueryPanel(props: { vindex: OpenedVindex; q: string; metric: Metric; rank: Rank; tableName: string; colourMax?: number }) {
  const { vindex, q, metric, rank, tableName, colourMax } = props;
  const { encoded, ids, tokens, scores } = useQueryScores(vindex, q, metric);
  const info = useTokenizerInfo(vindex);
  const err = encoded.error ?? scores.error;
  const errMsg = err && !isAbort(err) ? errorText(err) : null;
  return (
    <section className="panel" aria-label={`Query ${q}`}>
      <div className="tokens" aria-label="Query tokens">
        Tokens:{' '}
        {encoded.data?.tokens.map((t, i) => (
          <span className="token-chip" key={i}>
            <TokenText token={t} showId />
          </span>
        ))}
        {encoded.data && <span className="muted">({encoded.data.tokenizer})</span>}
        {encoded.error && isAbort(encoded.error) && <span>Cancelled: press Score to try again.</span>}
        {encoded.data && encoded.data.skipped.length > 0 && (
          <span role="alert">ids ≥ vocabulary size {vindex.description.vocabSize} skipped: {encoded.data.skipped.map((i) => `#${i}`).join(', ')}</span>
        )}
      </div>
      {errMsg && <div role="alert" className="alert">{errMsg}</div>}
      {scores.data && ids && tokens && (
        <GridView vindex={vindex} grid={scores.data} title={`${metric} scores for “${q}”`} rank={rank} tableName={tableName}
          meta={exportMeta(vindex, q, tokens, metric, rank, tokenizerProvenance(q, info))} stem={`${q.replace(/[^\w-]+/g, '_').slice(0, 40) || 'query'}-${metric}`} colourMax={colourMax} />
      )}
    </section>
  );
}
