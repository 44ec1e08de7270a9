import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import * as d3 from 'd3';
import type { VindexDescription } from '../../format/types';
import type { Rank } from '../../state/permalink';
import { GridPainter } from './heatmapPaint';
import { HeatmapAxes } from './HeatmapAxes';
import { HoverCard } from './HoverCard';
import { LayerHistogram, standingText } from '../common/LayerHistogram';
import { useWidth } from '../common/useWidth';

interface Props {
  /** Raw scores (hover, cursor and histograms). */
  grid: (Float32Array | null)[];
  /** What the colours show: the raw or per-layer normalised scores. */
  display: (Float32Array | null)[];
  colour: d3.ScaleDiverging<string>;
  problems: (string | null)[];
  description: VindexDescription;
  vindexKey: string;
  /** What is scored, for the accessible name: e.g. 'cos scores for "Paris"'. */
  title: string;
  rank: Rank;
  metric: string;
  onOpen(layer: number, feature: number): void;
  /** Visible feature range (null = all), shared by every heatmap of the view and kept in the permalink. */
  zoom: [number, number] | null;
  onZoom(zoom: [number, number] | null): void;
  /** MoE: features are expert-major in groups of `size`; boundaries are drawn between them. */
  groups?: { size: number; count: number };
  /** Shows only features [start, end) (e.g. one expert); the shared zoom does not apply then. */
  window?: [number, number];
  /** What a column is: "feature" (default) or "direction" (SVD vindexes). */
  unit?: string;
}

/** Layout of the heatmap: label gutter, axis heights, and the row height for L layers. */
export const HEATMAP_LEFT = 64;
export const HEATMAP_TOP = 6;
const BOTTOM = 30;
/** How long a click on a zoomed heatmap waits for a second click (a double-click resets the zoom). */
const DOUBLE_CLICK_MS = 300;

/** Row height in pixels: 22 for few layers, down to 6, and 1 for very deep models (so 4,096 layers stay 4,096 px). */
export function rowHeight(L: number): number {
  if (L > 440) return 1;
  return Math.max(6, Math.min(22, Math.floor(440 / Math.max(1, L))));
}

/** The zoom transform that shows features [a, b) of the base range [lo, hi) across `width` pixels. */
function transformOf(zoom: [number, number] | null, lo: number, hi: number, width: number): d3.ZoomTransform {
  if (!zoom) return d3.zoomIdentity;
  const k = (hi - lo) / (zoom[1] - zoom[0]);
  return d3.zoomIdentity.translate((-(zoom[0] - lo) * width * k) / (hi - lo), 0).scale(k);
}

/** The layer × feature heatmap: canvas cells, d3 scales/axes/zoom, hover, keyboard cursor. */
export function Heatmap(props: Props) {
  const { grid, display, colour, problems, description, vindexKey, title, rank, metric, onOpen, onZoom, groups, window: win, unit = 'feature' } = props;
  const zoom = win ? null : props.zoom;
  const [wrapRef, outer] = useWidth<HTMLDivElement>();
  const canvas = useRef<HTMLCanvasElement | null>(null);
  const painter = useRef(new GridPainter());
  const backing = useRef<OffscreenCanvas | null>(null);
  const maxF = Math.max(1, ...description.layers.map((l) => l.numFeatures));
  const [lo, hi] = win ?? [0, maxF];
  const L = description.numLayers;
  const width = Math.max(120, Math.floor(outer - HEATMAP_LEFT - 8));
  const rowH = rowHeight(L);
  const height = rowH * L;
  const transform = useMemo(() => transformOf(zoom, lo, hi, width), [zoom?.[0], zoom?.[1], lo, hi, width]); // eslint-disable-line react-hooks/exhaustive-deps
  const [cursor, setCursor] = useState<{ layer: number; feature: number } | null>(null);
  const [hover, setHover] = useState<{ layer: number; feature: number; x: number; y: number } | null>(null);
  const [labelLayer, setLabelLayer] = useState<number | null>(null);
  const pendingOpen = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => () => void (pendingOpen.current && clearTimeout(pendingOpen.current)), []);

  const x = useMemo(() => transform.rescaleX(d3.scaleLinear().domain([lo, hi]).range([0, width])), [transform, lo, hi, width]);
  const view: [number, number] = [Math.max(lo, x.invert(0)), Math.min(hi, x.invert(width))];

  // Paint only the rows whose data changed (a streaming layer is one row), then blit the backing canvas.
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const p = painter.current;
    const dirty = p.update(display, width, view, colour);
    const img = p.image;
    if (!backing.current || backing.current.width !== img.width || backing.current.height !== img.height) {
      backing.current = new OffscreenCanvas(img.width, img.height);
      dirty.length = 0;
      for (let l = 0; l < L; l++) dirty.push(l);
    }
    const bctx = backing.current.getContext('2d')!;
    // runs of adjacent dirty rows go in one putImageData (the dirty rectangle), a full repaint in one call
    for (let i = 0; i < dirty.length; ) {
      let j = i;
      while (j + 1 < dirty.length && dirty[j + 1] === dirty[j] + 1) j++;
      bctx.putImageData(img, 0, 0, 0, dirty[i], img.width, dirty[j] - dirty[i] + 1);
      i = j + 1;
    }
    c.dataset.rowsPainted = String(p.rowsPainted);
    c.dataset.fullRepaints = String(p.fullRepaints);
    const ctx = c.getContext('2d')!;
    ctx.imageSmoothingEnabled = false; // one ImageData pixel per layer, stretched to the row height
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.drawImage(backing.current, 0, 0, img.width, img.height, 0, 0, width, height);
    if (cursor) {
      const x0 = x(cursor.feature);
      const x1 = x(cursor.feature + 1);
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 2;
      ctx.strokeRect(Math.max(0, x0) - 1, cursor.layer * rowH - 1, Math.max(3, x1 - x0) + 2, rowH + 2);
    }
  }, [display, width, height, view[0], view[1], colour, cursor, x, rowH, L]); // eslint-disable-line react-hooks/exhaustive-deps

  // d3-zoom does the maths of wheel/drag gestures along the feature axis; the store holds the result.
  const zoomRef = useRef<d3.ZoomBehavior<HTMLCanvasElement, unknown> | null>(null);
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const maxZoom = Math.max(1, ((hi - lo) / width) * 24);
    const behaviour = d3
      .zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, maxZoom])
      .translateExtent([[0, 0], [width, height]])
      .extent([[0, 0], [width, height]])
      .on('zoom', (e: d3.D3ZoomEvent<HTMLCanvasElement, unknown>) => {
        if (!e.sourceEvent) return; // programmatic (syncing from the store): nothing to report
        const t = e.transform;
        if (win) return; // a window (one expert) zooms locally only
        const d = t.rescaleX(d3.scaleLinear().domain([lo, hi]).range([0, width])).domain();
        onZoomRef.current(t.k <= 1.0001 ? null : [Math.max(lo, d[0]), Math.min(hi, d[1])]);
      });
    zoomRef.current = behaviour;
    const sel = d3.select(c);
    sel.call(behaviour).on('dblclick.zoom', null);
    return () => void sel.on('.zoom', null);
  }, [lo, hi, width, height, win]);
  const onZoomRef = useRef(onZoom);
  onZoomRef.current = onZoom;
  // Keep d3's own transform in step with the store (another heatmap, a permalink, Back, Reset zoom).
  useEffect(() => {
    const c = canvas.current;
    if (!c || !zoomRef.current) return;
    const cur = d3.zoomTransform(c);
    if (cur.k !== transform.k || cur.x !== transform.x) d3.select(c).call(zoomRef.current.transform, transform);
  }, [transform]);

  const cellAt = (e: MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const px = Math.floor(e.clientX - rect.left);
    const layer = Math.floor((e.clientY - rect.top) / rowH);
    if (layer < 0 || layer >= L || px < 0 || px >= width) return null;
    const feature = painter.current.columns[layer]?.[px] ?? -1;
    if (feature < 0) return null;
    return { layer, feature, x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  /** Moves the keyboard cursor and pans a zoomed view so the cursor stays visible. */
  const moveCursor = (next: { layer: number; feature: number }) => {
    setCursor(next);
    if (!zoom) return;
    const span = zoom[1] - zoom[0];
    let a = zoom[0];
    if (next.feature < zoom[0]) a = next.feature;
    else if (next.feature + 1 > zoom[1]) a = next.feature + 1 - span;
    a = Math.max(lo, Math.min(hi - span, a));
    if (a !== zoom[0]) onZoom([a, a + span]);
  };

  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const c = cursor ?? { layer: 0, feature: Math.floor(view[0]) };
    const nf = (l: number) => Math.min(hi, description.layers[l]?.numFeatures ?? 0);
    const step = e.shiftKey ? Math.max(1, Math.round((view[1] - view[0]) / 20)) : 1;
    let next = c;
    if (e.key === 'ArrowRight') next = { ...c, feature: Math.min(nf(c.layer) - 1, c.feature + step) };
    else if (e.key === 'ArrowLeft') next = { ...c, feature: Math.max(lo, c.feature - step) };
    else if (e.key === 'ArrowDown') next = { layer: Math.min(L - 1, c.layer + 1), feature: Math.min(c.feature, Math.max(0, nf(c.layer + 1) - 1)) };
    else if (e.key === 'ArrowUp') next = { layer: Math.max(0, c.layer - 1), feature: Math.min(c.feature, Math.max(0, nf(c.layer - 1) - 1)) };
    else if (e.key === 'Enter' && cursor) {
      onOpen(cursor.layer, cursor.feature);
      return;
    } else return;
    e.preventDefault();
    moveCursor(next);
  };

  const cursorRow = cursor ? grid[cursor.layer] : null;
  const cursorScore = cursor ? cursorRow?.[cursor.feature] : undefined;
  const labelRow = labelLayer !== null ? grid[labelLayer] : null;
  return (
    <div className="heatmap-wrap" ref={wrapRef}>
      <div style={{ position: 'relative', paddingLeft: HEATMAP_LEFT, paddingTop: HEATMAP_TOP, paddingBottom: BOTTOM }}>
        <canvas
          ref={canvas}
          width={width}
          height={height}
          tabIndex={0}
          role="img"
          aria-label={`Heatmap of ${title}: ${L} layers × ${win ? `${unit}s ${lo}–${hi - 1}` : `${maxF} ${unit}s`}. Arrow keys move the cursor, Enter opens the ${unit}; wheel zooms the ${unit} axis, double-click resets it.`}
          onMouseMove={(e) => setHover(cellAt(e))}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            if (pendingOpen.current) clearTimeout(pendingOpen.current);
            pendingOpen.current = null;
            // Zoomed, a double-click resets the zoom, so a single click waits out the double-click
            // interval before it opens the cell; unzoomed, there is nothing to reset and it opens at once.
            if (zoom && e.detail >= 2) return void onZoom(null);
            const c = cellAt(e);
            if (!c) return;
            if (!zoom) onOpen(c.layer, c.feature);
            else pendingOpen.current = setTimeout(() => onOpen(c.layer, c.feature), DOUBLE_CLICK_MS);
          }}
          onKeyDown={onKey}
          style={{ cursor: 'crosshair' }}
        />
        <HeatmapAxes x={x} width={width} height={height} rowH={rowH} left={HEATMAP_LEFT} top={HEATMAP_TOP} description={description}
          problems={problems} onLayerHover={setLabelLayer} groups={groups} unit={unit} />
        {hover && (
          <HoverCard vindexKey={vindexKey} layer={hover.layer} feature={hover.feature} score={grid[hover.layer]?.[hover.feature]}
            style={{ left: HEATMAP_LEFT + hover.x + 12, top: HEATMAP_TOP + hover.y + 12 }} />
        )}
        {labelLayer !== null && labelRow && (
          <div className="tooltip light" style={{ left: HEATMAP_LEFT + 4, top: HEATMAP_TOP + Math.min(labelLayer * rowH, Math.max(0, height - 90)) }}>
            <LayerHistogram row={labelRow} layer={labelLayer} rank={rank} metric={metric} />
          </div>
        )}
        <p className="muted" aria-live="polite" style={{ margin: `${BOTTOM + 4}px 0 0` }}>
          {cursor
            ? `Cursor: L${cursor.layer} F${cursor.feature}, ${cursorScore === undefined || !cursorRow ? 'not scored' : standingText(cursorRow, cursor.layer, cursorScore, rank)} (Enter opens it)`
            : `Click a cell, or focus the heatmap and use the arrow keys, to open a ${unit}. Hover a layer label for its score histogram.`}
        </p>
      </div>
    </div>
  );
}
