/**
 * Downsampling a feature strip to pixel columns without losing peaks, and per-layer maxima.
 */

/**
 * Maps the view window [startCol, endCol) of `values` (cell i covers [i, i+1); fractional ends
 * allowed) onto `pixels` equal pixel columns and returns one value per pixel:
 *
 * - pixel narrower than a cell (window < pixels): the cell under the pixel's centre;
 * - otherwise: of every cell overlapping the pixel's span (positive overlap), the value with the
 *   largest |v| (first such cell on ties, e.g. -3 before 3 if -3 comes first), so a peak is never
 *   lost; NaN cells are skipped.
 *
 * A pixel gets NaN when every covered cell is NaN or it covers no cell (window beyond the data).
 * If `indexOut` is given, it receives the chosen cell per pixel (-1 for NaN pixels), for hovering.
 */
export function extremeDownsample(
  values: ArrayLike<number>, startCol: number, endCol: number, pixels: number, indexOut?: Int32Array,
): Float32Array {
  const P = Math.max(0, Math.floor(pixels));
  const out = new Float32Array(P).fill(NaN);
  if (indexOut) indexOut.fill(-1, 0, Math.min(P, indexOut.length));
  const n = values.length;
  const span = endCol - startCol;
  if (P === 0 || !(span > 0) || !Number.isFinite(span)) return out;
  const widthPerPixel = span / P;
  for (let p = 0; p < P; p++) {
    let lo: number;
    let hi: number; // inclusive cell range
    if (widthPerPixel < 1) {
      const c = Math.floor(startCol + (span * (p + 0.5)) / P);
      lo = c;
      hi = c;
    } else {
      const a = startCol + (span * p) / P;
      const b = startCol + (span * (p + 1)) / P;
      lo = Math.floor(a);
      hi = Math.ceil(b) - 1;
    }
    if (lo < 0) lo = 0;
    if (hi > n - 1) hi = n - 1;
    let best = NaN;
    let bestAbs = -1;
    let bestIdx = -1;
    for (let i = lo; i <= hi; i++) {
      const v = values[i];
      const av = Math.abs(v);
      if (av > bestAbs) {
        // NaN fails the comparison and is skipped
        bestAbs = av;
        best = v;
        bestIdx = i;
      }
    }
    out[p] = best;
    if (indexOut && p < indexOut.length) indexOut[p] = bestIdx;
  }
  return out;
}

export interface LayerMax {
  /** Largest signed value in the layer (NaN when the layer is null, empty or all NaN). */
  max: number;
  /** Its feature index (first on ties), or -1. */
  argmax: number;
}

/** Per layer: the largest signed value and where it is, skipping NaN. */
export function layerMaxArgmax(grid: ReadonlyArray<ArrayLike<number> | null | undefined>): LayerMax[] {
  const res: LayerMax[] = [];
  for (const row of grid) {
    let max = NaN;
    let argmax = -1;
    if (row) {
      for (let i = 0; i < row.length; i++) {
        const v = row[i];
        if (v > max || (argmax < 0 && v === v)) {
          max = v;
          argmax = i;
        }
      }
    }
    res.push({ max, argmax });
  }
  return res;
}
