import * as d3 from 'd3';
import type { LayerBands } from '../../format/types';
import type { ExportMeta } from './exporters';
import { EMPTY_RGB, NAN_RGB } from './heatmapPaint';
import { formatScore } from '../common/format';

/** What a paper-ready heatmap figure shows. */
export interface FigureInput {
  /** The values the colours encode (raw or per-layer normalised), one row per layer. */
  grid: (Float32Array | null)[];
  /** Features per layer (a narrower layer leaves the rest of its row empty). */
  featuresPerLayer: number[];
  bands: LayerBands | null;
  /** Visible feature range [start, end). */
  view: [number, number];
  colour: d3.ScaleDiverging<string>;
  /** The colour bar's unit, e.g. "cos score", "z-score within layer", "percentile within layer". */
  scaleLabel: string;
  /** First title line, e.g. 'cos scores for “Paris”'. */
  title: string;
  meta: ExportMeta;
}

/** Above this many cells an SVG figure embeds the cells as one image (axes stay vector). */
export const MAX_VECTOR_CELLS = 50_000;

const PLOT_W = 720;
const M = { left: 78, top: 54, right: 110, bottom: 44 };
const BAND_FILL = { syntax: '#e7eefb', knowledge: '#fbf0dc', output: '#e5f4e8' } as const;

/** Geometry of the figure: plot box, row height, visible columns. */
export function figureLayout(input: FigureInput) {
  const L = input.grid.length;
  const rowH = L > 480 ? 480 / L : Math.max(1, Math.min(18, Math.floor(480 / Math.max(1, L))));
  const plotH = rowH * L;
  const first = Math.max(0, Math.floor(input.view[0]));
  const last = Math.ceil(input.view[1]); // exclusive
  const cols = Math.max(0, last - first);
  return { L, rowH, plotW: PLOT_W, plotH, first, last, cols, width: M.left + PLOT_W + M.right, height: M.top + plotH + M.bottom };
}

/** True when the cells are too many for one SVG rect each. */
export function needsRaster(input: FigureInput): boolean {
  const { L, cols } = figureLayout(input);
  return L * cols > MAX_VECTOR_CELLS;
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const rgb = (c: [number, number, number]) => `rgb(${c[0]},${c[1]},${c[2]})`;
const num = (x: number) => String(Math.round(x * 100) / 100);

/** The title's second line: source@commit, rank, normalisation and the visible feature range. */
export function figureSubtitle(input: FigureInput): string {
  const { meta, view } = input;
  const maxF = Math.max(1, ...input.featuresPerLayer);
  const at = meta.commit ? `@${meta.commit.slice(0, 12)}` : '';
  const range = view[0] <= 0 && view[1] >= maxF ? `all ${maxF} features` : `features ${num(view[0])}–${num(view[1])} of ${maxF}`;
  return `${meta.source}${at} · rank ${meta.rank} · ${meta.norm === 'raw' ? 'raw scores' : meta.norm === 'z' ? 'z-score within layer' : 'percentile within layer'} · ${range}`;
}

/**
 * The heatmap as a standalone SVG document: cells (one rect each, or `rasterHref` — an image of the
 * cells — when {@link needsRaster}), layer axis with band strip, feature axis, colour bar with its
 * scale, a two-line title, and the provenance in <metadata>. Built from the data, so no UI overlay
 * (keyboard cursor, hover) can end up in a figure.
 */
export function heatmapFigureSvg(input: FigureInput, rasterHref: string | null = null): string {
  const g = figureLayout(input);
  const { L, rowH, plotW, plotH, first, last } = g;
  const x = d3.scaleLinear().domain(input.view).range([0, plotW]);
  const out: string[] = [];
  const push = (s: string) => out.push(s);
  push(`<?xml version="1.0" encoding="UTF-8"?>`);
  push(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="${g.width}" height="${g.height}" viewBox="0 0 ${g.width} ${g.height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`);
  push(`<title>${esc(`Heatmap of ${input.title}`)}</title>`);
  push(`<metadata>${esc(JSON.stringify(input.meta))}</metadata>`);
  push(`<rect width="${g.width}" height="${g.height}" fill="#fff"/>`);
  push(`<text x="${M.left}" y="18" font-size="14" font-weight="bold">${esc(input.title)}</text>`);
  push(`<text x="${M.left}" y="36" fill="#444">${esc(figureSubtitle(input))}</text>`);
  // cells
  push(`<g transform="translate(${M.left},${M.top})">`);
  push(`<clipPath id="plot"><rect width="${plotW}" height="${num(plotH)}"/></clipPath>`);
  if (rasterHref) {
    push(`<image x="0" y="0" width="${plotW}" height="${num(plotH)}" preserveAspectRatio="none" style="image-rendering:pixelated" xlink:href="${rasterHref}"/>`);
  } else {
    push(`<g clip-path="url(#plot)" shape-rendering="crispEdges">`);
    push(`<rect width="${plotW}" height="${num(plotH)}" fill="${rgb(EMPTY_RGB)}"/>`);
    for (let l = 0; l < L; l++) {
      const row = input.grid[l];
      if (!row) continue;
      for (let f = first; f < Math.min(last, row.length); f++) {
        const v = row[f];
        const fill = Number.isNaN(v) ? rgb(NAN_RGB) : d3.rgb(input.colour(v)).formatHex();
        const x0 = x(f);
        push(`<rect x="${num(x0)}" y="${num(l * rowH)}" width="${num(x(f + 1) - x0)}" height="${num(rowH)}" fill="${fill}"/>`);
      }
    }
    push(`</g>`);
  }
  push(`<rect width="${plotW}" height="${num(plotH)}" fill="none" stroke="#333" stroke-width="0.5"/>`);
  push(`</g>`);
  // band strip and layer axis
  push(`<g transform="translate(0,${M.top})">`);
  if (input.bands) {
    for (const b of ['syntax', 'knowledge', 'output'] as const) {
      const [a, z] = input.bands[b];
      const h = (z - a + 1) * rowH;
      push(`<rect x="4" y="${num(a * rowH)}" width="14" height="${num(h)}" fill="${BAND_FILL[b]}" stroke="#999" stroke-width="0.3"/>`);
      if (h > 44) push(`<text transform="translate(14,${num((a + (z - a + 1) / 2) * rowH)}) rotate(-90)" text-anchor="middle" font-size="9">${b}</text>`);
    }
  }
  const every = Math.max(1, Math.ceil(12 / rowH));
  const step = every <= 1 ? 1 : d3.tickStep(0, L, Math.max(1, Math.floor(L / every))) || every;
  for (let l = 0; l < L; l += Math.max(1, Math.round(step))) {
    const y = (l + 0.5) * rowH;
    push(`<line x1="${M.left - 4}" x2="${M.left}" y1="${num(y)}" y2="${num(y)}" stroke="#333" stroke-width="0.5"/>`);
    push(`<text x="${M.left - 6}" y="${num(y + 3.5)}" text-anchor="end">L${l}</text>`);
  }
  push(`<text transform="translate(${M.left - 44},${num(plotH / 2)}) rotate(-90)" text-anchor="middle">layer</text>`);
  push(`</g>`);
  // feature axis: ticks at cell centres of integer features
  push(`<g transform="translate(${M.left},${num(M.top + plotH)})">`);
  const ticks = x.ticks(8).filter((t) => Number.isInteger(t) && t >= first && t < last);
  for (const t of ticks) {
    const cx = x(t) + Math.max(0, (x(t + 1) - x(t)) / 2);
    push(`<line x1="${num(cx)}" x2="${num(cx)}" y1="0" y2="4" stroke="#333" stroke-width="0.5"/>`);
    push(`<text x="${num(cx)}" y="16" text-anchor="middle">${t}</text>`);
  }
  push(`<text x="${plotW / 2}" y="34" text-anchor="middle">feature</text>`);
  push(`</g>`);
  // colour bar with its scale
  const [lo, , hi] = input.colour.domain();
  const barH = Math.max(60, Math.min(220, plotH));
  const cb = d3.scaleLinear().domain([lo, hi]).range([barH, 0]);
  push(`<g transform="translate(${M.left + plotW + 24},${M.top})">`);
  push(`<defs><linearGradient id="cbar" x1="0" y1="1" x2="0" y2="0">`);
  for (let i = 0; i <= 10; i++) push(`<stop offset="${i * 10}%" stop-color="${d3.rgb(input.colour(lo + ((hi - lo) * i) / 10)).formatHex()}"/>`);
  push(`</linearGradient></defs>`);
  push(`<rect width="12" height="${barH}" fill="url(#cbar)" stroke="#333" stroke-width="0.5"/>`);
  for (const t of cb.ticks(5)) {
    push(`<line x1="12" x2="16" y1="${num(cb(t))}" y2="${num(cb(t))}" stroke="#333" stroke-width="0.5"/>`);
    push(`<text x="18" y="${num(cb(t) + 3.5)}">${esc(formatTick(t))}</text>`);
  }
  push(`<text transform="translate(-6,${barH / 2}) rotate(-90)" text-anchor="middle">${esc(input.scaleLabel)}</text>`);
  push(`<rect y="${barH + 10}" width="12" height="8" fill="${rgb(NAN_RGB)}"/><text x="18" y="${barH + 18}">NaN</text>`);
  push(`</g>`);
  push(`</svg>`);
  return out.join('\n') + '\n';
}

/** Colour-bar tick text: short for round numbers, at least 4 significant digits otherwise. */
function formatTick(t: number): string {
  return Number.isInteger(t) || String(t).length <= 6 ? String(t) : formatScore(t);
}
