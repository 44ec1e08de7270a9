import * as d3 from 'd3';
import { extremeDownsample } from '../../compute/downsample';
import type { Norm } from '../../compute/layerStats';

/** Colour of NaN cells and unavailable layers. */
export const NAN_RGB: [number, number, number] = [150, 150, 150];
/** Colour of cells not scored yet, and of positions past a narrower layer's last feature. */
export const EMPTY_RGB: [number, number, number] = [236, 238, 241];

const STEPS = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10];

/**
 * The smallest "round" number ≥ m (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8 × 10^k). The colour domain
 * snaps to these, so while layers stream in it changes a few times, not once per layer: each
 * change repaints every row, which on a 4,096-layer vindex was the whole cost.
 */
export function niceCeil(m: number): number {
  if (!(m > 0) || !Number.isFinite(m)) return 1;
  const p = 10 ** Math.floor(Math.log10(m));
  for (const s of STEPS) if (s * p >= m * (1 - 1e-12)) return s * p;
  return 10 * p;
}

/** The largest finite |score| of a grid (0 when there is none). */
export function maxAbsFinite(grid: (Float32Array | null)[]): number {
  let m = 0;
  for (const row of grid) {
    if (!row) continue;
    for (let i = 0; i < row.length; i++) {
      const a = Math.abs(row[i]);
      if (Number.isFinite(a) && a > m) m = a;
    }
  }
  return m;
}

/**
 * The diverging colour scale: centred on zero and symmetric over the largest finite |value| (or over
 * `sharedMax` when several heatmaps share one scale) for raw scores and z-scores; 0–50–100 for
 * percentiles. While layers still stream in (`streaming`), the bound is rounded up by
 * {@link niceCeil}, so it changes a few times rather than once per layer; the complete grid gets its
 * exact bound (one more repaint).
 */
export function colourScale(grid: (Float32Array | null)[], norm: Norm = 'raw', sharedMax?: number, streaming = false): d3.ScaleDiverging<string> {
  // RdBu reversed: positive scores red, negative blue, zero white.
  const scale = d3.scaleDiverging((t) => d3.interpolateRdBu(1 - t));
  if (norm === 'pct') return scale.domain([0, 50, 100]);
  let m = norm === 'raw' && sharedMax !== undefined && sharedMax > 0 ? sharedMax : maxAbsFinite(grid);
  if (!(m > 0)) m = 1;
  const top = streaming ? niceCeil(m) : m;
  return scale.domain([-top, 0, top]);
}

/** 256 colours sampled from a scale over its domain, as packed RGB (painting a cell is then a lookup). */
function lut(colour: d3.ScaleDiverging<string>): Uint8Array {
  const [lo, , hi] = colour.domain();
  const out = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = d3.rgb(colour(lo + ((hi - lo) * i) / 255));
    out.set([c.r, c.g, c.b], i * 3);
  }
  return out;
}

/**
 * Paints a layer × feature grid into an ImageData of one pixel per (layer, screen column), keeping
 * what it painted: `update` repaints only rows whose data changed, unless the width, the visible
 * feature range or the colour domain changed. When a feature cell is narrower than a pixel, the pixel
 * shows the extreme (largest |value|) of the cells it covers, so peaks survive. `columns[l][x]` is the
 * feature a pixel shows (for hover and keyboard), -1 where there is none.
 */
export class GridPainter {
  image = new ImageData(1, 1);
  columns: Int32Array[] = [];
  /** Rows painted since creation, and how many times everything was repainted (for tests). */
  rowsPainted = 0;
  fullRepaints = 0;
  private rows: (Float32Array | null)[] = [];
  private key = '';
  private colours: Uint8Array = new Uint8Array(0);
  private domain: [number, number] = [0, 1];

  /** Brings the image up to date; returns the layers repainted. */
  update(grid: (Float32Array | null)[], width: number, view: [number, number], colour: d3.ScaleDiverging<string>): number[] {
    const w = Math.max(1, width);
    const L = grid.length;
    const d = colour.domain();
    const key = `${w}|${L}|${view[0]}|${view[1]}|${d.join(',')}`;
    let dirty: number[];
    if (key !== this.key) {
      this.key = key;
      this.image = new ImageData(w, Math.max(1, L));
      this.columns = Array.from({ length: L }, () => new Int32Array(w).fill(-1));
      this.rows = new Array(L).fill(null);
      this.colours = lut(colour);
      this.domain = [d[0], d[d.length - 1]];
      this.fullRepaints++;
      dirty = grid.map((_, l) => l);
    } else {
      dirty = [];
      for (let l = 0; l < L; l++) if (grid[l] !== this.rows[l]) dirty.push(l);
    }
    for (const l of dirty) this.paintRow(l, grid[l], w, view);
    return dirty;
  }

  private paintRow(l: number, row: Float32Array | null, w: number, view: [number, number]): void {
    this.rows[l] = row;
    this.rowsPainted++;
    const idx = this.columns[l];
    const values = row ? extremeDownsample(row, view[0], view[1], w, idx) : null;
    const span = view[1] - view[0];
    const [lo, hi] = this.domain;
    const data = this.image.data;
    for (let x = 0; x < w; x++) {
      const o = (l * w + x) * 4;
      // A pixel whose covered cells are all NaN gets no index from the downsampler: point it at its first cell.
      const first = Math.floor(view[0] + (span * x) / w);
      if (row && idx[x] < 0 && first < row.length) idx[x] = first;
      if (!values || idx[x] < 0) data.set(EMPTY_RGB, o);
      else if (Number.isNaN(values[x])) data.set(NAN_RGB, o);
      else {
        const t = Math.round(((values[x] - lo) / (hi - lo)) * 255);
        const i = (t < 0 ? 0 : t > 255 ? 255 : t) * 3;
        data[o] = this.colours[i];
        data[o + 1] = this.colours[i + 1];
        data[o + 2] = this.colours[i + 2];
      }
      data[o + 3] = 255;
    }
  }
}
