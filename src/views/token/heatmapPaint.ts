import * as d3 from 'd3';
import { extremeDownsample } from '../../compute/downsample';

/** Colour of NaN cells and unavailable layers. */
export const NAN_RGB: [number, number, number] = [150, 150, 150];
const EMPTY_RGB: [number, number, number] = [236, 238, 241];

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
 * The diverging colour scale centred on zero, symmetric over the largest finite |score|, or over
 * `sharedMax` when several heatmaps share one scale.
 */
export function colourScale(grid: (Float32Array | null)[], sharedMax?: number): d3.ScaleDiverging<string> {
  let m = sharedMax !== undefined && sharedMax > 0 ? sharedMax : maxAbsFinite(grid);
  if (m === 0) m = 1;
  // RdBu reversed: positive scores red, negative blue, zero white.
  return d3.scaleDiverging((t) => d3.interpolateRdBu(1 - t)).domain([-m, 0, m]);
}

/**
 * Paints one pixel per (layer, screen column) into an ImageData. When a feature cell is narrower than
 * a pixel, each pixel shows the extreme (largest |score|) of the features it covers, so peaks survive.
 * Returns, per layer, the feature each pixel column shows (for hover and keyboard).
 */
export function paintGrid(
  grid: (Float32Array | null)[], width: number, view: [number, number], colour: (v: number) => string,
): { image: ImageData; columns: Int32Array[] } {
  const L = grid.length;
  const image = new ImageData(Math.max(1, width), Math.max(1, L));
  const columns: Int32Array[] = [];
  for (let l = 0; l < L; l++) {
    const row = grid[l];
    const idx = new Int32Array(width).fill(-1);
    columns.push(idx);
    const values = row ? extremeDownsample(row, view[0], view[1], width, idx) : null;
    const span = view[1] - view[0];
    for (let x = 0; x < width; x++) {
      const o = (l * width + x) * 4;
      // A pixel whose covered cells are all NaN gets no index from the downsampler: point it at its first cell.
      const first = Math.floor(view[0] + (span * x) / width);
      if (row && idx[x] < 0 && first < row.length) idx[x] = first;
      let rgb: [number, number, number];
      if (!values || idx[x] < 0) rgb = EMPTY_RGB;
      else if (Number.isNaN(values[x])) rgb = NAN_RGB;
      else {
        const c = d3.rgb(colour(values[x]));
        rgb = [c.r, c.g, c.b];
      }
      image.data[o] = rgb[0];
      image.data[o + 1] = rgb[1];
      image.data[o + 2] = rgb[2];
      image.data[o + 3] = 255;
    }
  }
  return { image, columns };
}
