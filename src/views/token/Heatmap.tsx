import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import * as d3 from 'd3';
import type { VindexDescription } from '../../format/types';
import { colourScale, paintGrid } from './heatmapPaint';
import { HeatmapAxes } from './HeatmapAxes';
import { HoverCard } from './HoverCard';
import { useWidth } from '../common/useWidth';
import { formatScore } from '../common/format';

interface Props {
  grid: (Float32Array | null)[];
  problems: (string | null)[];
  description: VindexDescription;
  vindexKey: string;
  /** What is scored, for the accessible name: e.g. 'cos scores for "Paris"'. */
  title: string;
  onOpen(layer: number, feature: number): void;
  /** Exposes the canvas for PNG/SVG export. */
  canvasRef?: React.RefObject<HTMLCanvasElement | null>;
  /** Colour scale bound shared with other heatmaps (compare mode); the grid's own max |score| when absent. */
  colourMax?: number;
  /** MoE: features are expert-major in groups of `size`; boundaries are drawn between them. */
  groups?: { size: number; count: number };
  /** Shows only features [start, end) (e.g. one expert). */
  window?: [number, number];
  /** What a column is: "feature" (default) or "direction" (SVD vindexes). */
  unit?: string;
}

const LEFT = 64;
const BOTTOM = 30;
const TOP = 6;

/** The layer × feature heatmap: canvas cells, d3 scales/axes/zoom, hover, keyboard cursor. */
export function Heatmap({ grid, problems, description, vindexKey, title, onOpen, canvasRef, colourMax, groups, window: win, unit = 'feature' }: Props) {
  const [wrapRef, outer] = useWidth<HTMLDivElement>();
  const ownCanvas = useRef<HTMLCanvasElement | null>(null);
  const canvas = canvasRef ?? ownCanvas;
  const maxF = Math.max(1, ...description.layers.map((l) => l.numFeatures));
  const [lo, hi] = win ?? [0, maxF];
  const L = description.numLayers;
  const width = Math.max(200, Math.floor(outer - LEFT - 16));
  const rowH = Math.max(6, Math.min(22, Math.floor(440 / Math.max(1, L))));
  const height = rowH * L;
  const [transform, setTransform] = useState<d3.ZoomTransform>(d3.zoomIdentity);
  const [cursor, setCursor] = useState<{ layer: number; feature: number } | null>(null);
  const [hover, setHover] = useState<{ layer: number; feature: number; x: number; y: number } | null>(null);

  const x = useMemo(() => transform.rescaleX(d3.scaleLinear().domain([lo, hi]).range([0, width])), [transform, lo, hi, width]);
  const view: [number, number] = [Math.max(lo, x.invert(0)), Math.min(hi, x.invert(width))];
  const colour = useMemo(() => colourScale(grid, colourMax), [grid, colourMax]);
  const painted = useMemo(() => paintGrid(grid, width, view, colour), [grid, width, view[0], view[1], colour]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const ctx = c.getContext('2d')!;
    const off = new OffscreenCanvas(painted.image.width, painted.image.height);
    off.getContext('2d')!.putImageData(painted.image, 0, 0);
    ctx.imageSmoothingEnabled = false; // one ImageData pixel per layer, stretched to the row height
    ctx.clearRect(0, 0, c.width, c.height);
    ctx.drawImage(off, 0, 0, painted.image.width, painted.image.height, 0, 0, width, height);
    if (cursor) {
      const x0 = x(cursor.feature);
      const x1 = x(cursor.feature + 1);
      ctx.strokeStyle = '#111';
      ctx.lineWidth = 2;
      ctx.strokeRect(Math.max(0, x0) - 1, cursor.layer * rowH - 1, Math.max(3, x1 - x0) + 2, rowH + 2);
    }
  }, [painted, width, height, cursor, x, rowH, canvas]);

  // d3-zoom does the maths of wheel/drag gestures along the feature axis; React renders the result.
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const maxZoom = Math.max(1, ((hi - lo) / width) * 24);
    const zoom = d3
      .zoom<HTMLCanvasElement, unknown>()
      .scaleExtent([1, maxZoom])
      .translateExtent([[0, 0], [width, height]])
      .extent([[0, 0], [width, height]])
      .on('zoom', (e: d3.D3ZoomEvent<HTMLCanvasElement, unknown>) => setTransform(e.transform));
    const sel = d3.select(c);
    sel.call(zoom).on('dblclick.zoom', null);
    return () => void sel.on('.zoom', null);
  }, [canvas, lo, hi, width, height]);

  const cellAt = (e: MouseEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    const px = Math.floor(e.clientX - rect.left);
    const layer = Math.floor((e.clientY - rect.top) / rowH);
    if (layer < 0 || layer >= L || px < 0 || px >= width) return null;
    const feature = painted.columns[layer][px];
    if (feature < 0) return null;
    return { layer, feature, x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const onKey = (e: KeyboardEvent<HTMLCanvasElement>) => {
    const c = cursor ?? { layer: 0, feature: lo };
    const nf = (l: number) => Math.min(hi, description.layers[l]?.numFeatures ?? 0);
    const step = e.shiftKey ? Math.max(1, Math.round(maxF / 20)) : 1;
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
    setCursor(next);
  };

  const cursorScore = cursor ? grid[cursor.layer]?.[cursor.feature] : undefined;
  return (
    <div className="heatmap-wrap" ref={wrapRef}>
      <div style={{ position: 'relative', paddingLeft: LEFT, paddingTop: TOP, paddingBottom: BOTTOM }}>
        <canvas
          ref={canvas}
          width={width}
          height={height}
          tabIndex={0}
          role="img"
          aria-label={`Heatmap of ${title}: ${L} layers × ${win ? `${unit}s ${lo}–${hi - 1}` : `${maxF} ${unit}s`}. Arrow keys move the cursor, Enter opens the ${unit}; wheel zooms the ${unit} axis.`}
          onMouseMove={(e) => setHover(cellAt(e))}
          onMouseLeave={() => setHover(null)}
          onClick={(e) => {
            const c = cellAt(e);
            if (c) onOpen(c.layer, c.feature);
          }}
          onKeyDown={onKey}
          style={{ cursor: 'crosshair' }}
        />
        <HeatmapAxes x={x} width={width} height={height} rowH={rowH} left={LEFT} top={TOP} description={description} problems={problems} colour={colour}
          groups={groups} unit={unit} />
        {hover && (
          <HoverCard vindexKey={vindexKey} layer={hover.layer} feature={hover.feature} score={grid[hover.layer]?.[hover.feature]}
            style={{ left: LEFT + hover.x + 12, top: TOP + hover.y + 12 }} />
        )}
        <p className="muted" aria-live="polite" style={{ margin: `${BOTTOM + 4}px 0 0` }}>
          {cursor
            ? `Cursor: L${cursor.layer} F${cursor.feature}, score ${cursorScore === undefined ? 'not scored' : formatScore(cursorScore)} (Enter opens it)`
            : `Click a cell, or focus the heatmap and use the arrow keys, to open a ${unit}.`}
        </p>
      </div>
    </div>
  );
}
