import { useMemo, useRef, useState } from 'react';
import type { OpenedVindex, TokenRef, TokenizerInfo } from '../../engine/types';
import type { Metric, Rank } from '../../state/permalink';
import { useApp } from '../../state/store';
import { useEncoded, useScores, type ScoreGrid } from '../../queries/scores';
import { errorText, isAbort } from '../../state/activity';
import { Heatmap } from './Heatmap';
import { Legend } from './Legend';
import { LayerMaxChart } from './LayerMaxChart';
import { TopFeatures } from './TopFeatures';
import { ExportMenu } from './ExportMenu';
import { colourScale } from './heatmapPaint';
import { formatBytes } from '../common/format';
import { TokenText } from '../common/TokenText';
import { useTokenizerInfo } from '../../queries/tokenizer';
import { parseQuery } from '../../format/queryText';
import type { ExportMeta } from './exporters';
import { ExpertFilter, expertGroups, expertWindow, topKInWindow } from './experts';
import { exportUnits, unitWord } from '../overview/semantics';

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

/** Shows one scored grid: heatmap, legend, per-layer chart, table and exports. */
export function GridView(props: {
  vindex: OpenedVindex; grid: ScoreGrid; title: string; rank: Rank; tableName: string; meta: ExportMeta; stem: string; colourMax?: number;
}) {
  const { vindex, grid, title, rank, tableName, meta, stem, colourMax } = props;
  const topN = useApp((s) => s.settings.topN);
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const groups = useMemo(() => expertGroups(vindex.description), [vindex.description]);
  const [expert, setExpert] = useState<number | null>(null);
  const win = groups && expert !== null ? expertWindow(groups, expert) : null;
  const hits = useMemo(() => topKInWindow(grid.layers, topN, rank, win), [grid.layers, topN, rank, win?.[0]]); // eslint-disable-line react-hooks/exhaustive-deps
  const shownMeta = win ? { ...meta, filter: `expert ${expert} (${unitWord(vindex.description, true)} ${win[0]}–${win[1] - 1})` } : meta;
  const colour = useMemo(() => colourScale(grid.layers, colourMax), [grid.layers, colourMax]);
  const open = (layer: number, feature: number) => useApp.getState().selectFeature(layer, feature);
  const maxF = Math.max(1, ...vindex.description.layers.map((l) => l.numFeatures));
  const L = vindex.description.numLayers;
  return (
    <>
      <p className="muted">
        {grid.complete ? 'Scored' : 'Scoring…'} {grid.scored} of {vindex.description.layers.filter((l) => l.numFeatures > 0).length} layers for “{meta.query}” ({meta.metric})
        {grid.complete ? ` · ${formatBytes(grid.bytesRead)} read` : ''}
        {grid.problems.some(Boolean) && ` · ${grid.problems.filter(Boolean).length} layer(s) unavailable`}
      </p>
      {grid.problems.some(Boolean) && (
        <div role="alert" className="alert">
          {grid.problems.filter(Boolean).length} layer(s) unavailable (
          {grid.problems.map((p, l) => (p ? `L${l}` : null)).filter(Boolean).join(', ')}): {grid.problems.find(Boolean)}
        </div>
      )}
      <Legend colour={colour} label={title} />
      {groups && (
        <p className="row">
          <ExpertFilter count={groups.count} value={expert} onChange={setExpert} />
          <span className="muted">
            {groups.count} experts × {groups.size} {unitWord(vindex.description, true)} per layer (expert-major); boundaries are drawn when zoomed in far enough.
          </span>
        </p>
      )}
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <div style={{ flex: 1, minWidth: 0 }}>
          <Heatmap key={win ? `e${expert}` : 'all'} grid={grid.layers} problems={grid.problems} description={vindex.description} vindexKey={vindex.location.key}
            title={title} onOpen={open} canvasRef={canvas} colourMax={colourMax} groups={groups ?? undefined} window={win ?? undefined} unit={unitWord(vindex.description)} />
        </div>
        {L <= 64 && <LayerMaxChart grid={grid.layers} />}
      </div>
      <ExportMenu canvas={canvas} grid={grid.layers} maxF={maxF} hits={hits} meta={shownMeta} stem={stem} />
      <h3>{tableName}</h3>
      <TopFeatures name={tableName} hits={hits} vindexKey={vindex.location.key} onOpen={open} />
    </>
  );
}

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
