import { useMemo, useState } from 'react';
import type { OpenedVindex } from '../../engine/types';
import type { Rank } from '../../state/permalink';
import { useApp } from '../../state/store';
import type { ScoreGrid } from '../../queries/scores';
import { ExpertFilter, expertGroups, expertWindow, topKInWindow } from './experts';
import { unitWord } from '../overview/semantics';
import { normaliseGrid } from '../../compute/layerStats';
import { Heatmap, rowHeight, HEATMAP_TOP } from './Heatmap';
import { Legend } from './Legend';
import { LayerMaxChart } from './LayerMaxChart';
import { TopFeatures, type RankedHit } from './TopFeatures';
import { ExportMenu } from './ExportMenu';
import { colourScale } from './heatmapPaint';
import type { FigureInput } from './figureSvg';
import { formatBytes } from '../common/format';
import type { ExportMeta } from './exporters';

/** What the colours encode, for the legend, the colour bar and the table. */
export function scaleLabel(metric: string, norm: 'raw' | 'z' | 'pct', rank: Rank): string {
  const of = rank === 'abs' ? `|${metric}|` : metric;
  return norm === 'z' ? `z-score of ${of} within layer` : norm === 'pct' ? `percentile of ${of} within layer` : `${metric} score`;
}

/** Shows one scored grid: heatmap, legend, per-layer chart, table and exports. */
export function GridView(props: {
  vindex: OpenedVindex; grid: ScoreGrid; title: string; rank: Rank; tableName: string; meta: ExportMeta; stem: string;
  /** Colour scale bound shared with other heatmaps (compare mode); the grid's own max |score| when absent. */
  colourMax?: number;
}) {
  const { vindex, grid, title, rank, tableName, stem, colourMax } = props;
  const topN = useApp((s) => s.settings.topN);
  const norm = useApp((s) => s.norm);
  const storeZoom = useApp((s) => s.zoom);
  const d = vindex.description;
  const maxF = Math.max(1, ...d.layers.map((l) => l.numFeatures));
  const zoom: [number, number] | null = storeZoom && storeZoom[0] < maxF ? [storeZoom[0], Math.min(maxF, storeZoom[1])] : null;
  const display = useMemo(() => normaliseGrid(grid.layers, norm, rank), [grid.layers, norm, rank]);
  const colour = useMemo(() => colourScale(display, norm, colourMax, !grid.complete), [display, norm, colourMax, grid.complete]);
  const groups = useMemo(() => expertGroups(d), [d]);
  const [expert, setExpert] = useState<number | null>(null);
  const win = groups && expert !== null ? expertWindow(groups, expert) : null;
  // Normalised values already fold |·| in for 'abs', so they rank by signed value; the table keeps raw scores.
  const hits = useMemo((): RankedHit[] => {
    if (norm === 'raw') return topKInWindow(grid.layers, topN, rank, win);
    return topKInWindow(display, topN, 'signed', win).map((h) => ({ ...h, score: grid.layers[h.layer]![h.feature], normalised: h.score }));
  }, [grid.layers, display, topN, rank, norm, win?.[0]]); // eslint-disable-line react-hooks/exhaustive-deps
  const open = (layer: number, feature: number) => useApp.getState().selectFeature(layer, feature);
  const L = d.numLayers;
  const label = scaleLabel(props.meta.metric, norm, rank);
  const view: [number, number] = win ?? zoom ?? [0, maxF];
  const zoomText = win || zoom ? `${Math.round(view[0] * 100) / 100}–${Math.round(view[1] * 100) / 100}` : null;
  const unit = unitWord(d);
  const meta: ExportMeta = {
    ...props.meta, norm, zoom: zoomText, ...(win ? { filter: `expert ${expert} (${unitWord(d, true)} ${win[0]}–${win[1] - 1})` } : {}),
  };
  const figure: FigureInput = {
    grid: display, featuresPerLayer: d.layers.map((l) => l.numFeatures), bands: d.bands, view, colour, scaleLabel: label, title, meta,
  };
  const layers = d.layers.filter((l) => l.numFeatures > 0).length;
  return (
    <>
      <p className="muted">
        {grid.complete ? 'Scored' : grid.cancelled ? 'Stopped at' : 'Scoring…'} {grid.scored} of {layers} layers for “{meta.query}” ({meta.metric})
        {grid.complete && grid.bytesRead > 0 ? ` · ${formatBytes(grid.bytesRead)} read` : ''}
        {grid.problems.some(Boolean) && ` · ${grid.problems.filter(Boolean).length} layer(s) unavailable`}
      </p>
      {grid.cancelled && (
        <p className="notice" role="status">
          Cancelled — Score to retry.{grid.scored > 0 ? ` The ${grid.scored} layer(s) scored before the cancel are shown.` : ''}
        </p>
      )}
      {grid.problems.some(Boolean) && (
        <div role="alert" className="alert">
          {grid.problems.filter(Boolean).length} layer(s) unavailable (
          {grid.problems.map((p, l) => (p ? `L${l}` : null)).filter(Boolean).join(', ')}): {grid.problems.find(Boolean)}
        </div>
      )}
      <div className="row">
        <Legend colour={colour} label={label} />
        <span className="muted">{zoom ? `Features ${zoomText} of ${maxF}` : `All ${maxF} features`}</span>
        <button type="button" disabled={!zoom} onClick={() => useApp.getState().setZoom(null)}>
          Reset zoom
        </button>
      </div>
      {groups && (
        <p className="row">
          <ExpertFilter count={groups.count} value={expert} onChange={setExpert} />
          <span className="muted">
            {groups.count} experts × {groups.size} {unitWord(d, true)} per layer (expert-major); boundaries are drawn when zoomed in far enough.
          </span>
        </p>
      )}
      <div className="grid-row">
        <div className="grid-main">
          <Heatmap key={win ? `e${expert}` : 'all'} grid={grid.layers} display={display} colour={colour} problems={grid.problems} description={d} vindexKey={vindex.location.key}
            title={title} rank={rank} metric={meta.metric} onOpen={open} zoom={zoom} onZoom={(z) => useApp.getState().setZoom(z)}
            groups={groups ?? undefined} window={win ?? undefined} unit={unit} />
        </div>
        {L <= 64 && <LayerMaxChart grid={grid.layers} rank={rank} rowH={rowHeight(L)} top={HEATMAP_TOP} />}
      </div>
      <ExportMenu figure={figure} grid={grid.layers} maxF={maxF} hits={hits} meta={meta} stem={stem} />
      <h3>{tableName}</h3>
      <TopFeatures name={tableName} hits={hits} norm={norm} vindexKey={vindex.location.key} onOpen={open} />
    </>
  );
}
