/**
 * Row similarity of two matrices of the same shape: cos(A[f], B[f]) for every row f, their mean, and
 * the rows that moved most. Rows are decoded one at a time (f16 through the shared table) and every
 * sum is accumulated in f64.
 */
import type { DType } from '../format/types';
import type { RowData } from './matVec';
import { COSINE_EPSILON } from './matVec';
import { f16Table } from './f16table';

/** Per-row results of a paired comparison. */
export interface PairedRows {
  /** cos(A[f], B[f]) = A·B / (‖A‖·‖B‖ + 1e-8); NaN when a row holds NaN or ±inf. */
  cos: Float64Array;
  normA: Float64Array;
  normB: Float64Array;
  /** ‖B[f] − A[f]‖ / ‖A[f]‖ (Infinity when A[f] is zero and B[f] is not, 0 when both are zero). */
  relChange: Float64Array;
  /** Mean of the finite cosines (NaN when there are none). */
  mean: number;
  /** Rows left out of the mean for a non-finite cosine. */
  skipped: number;
}

function decodeRow(m: RowData, t: Float32Array | null, start: number, H: number, out: Float64Array): void {
  if (t) for (let h = 0; h < H; h++) out[h] = t[m[start + h]];
  else for (let h = 0; h < H; h++) out[h] = m[start + h];
}

/** Compares rows [0, rows) of A and B pairwise. */
export function pairedRows(A: RowData, dtA: DType, B: RowData, dtB: DType, rows: number, H: number): PairedRows {
  if (A.length < rows * H || B.length < rows * H) throw new RangeError(`pairedRows: ${rows}×${H} needs ${rows * H} values, got ${A.length} and ${B.length}`);
  const ta = dtA === 'f16' ? f16Table() : null;
  const tb = dtB === 'f16' ? f16Table() : null;
  const a = new Float64Array(H);
  const b = new Float64Array(H);
  const out: PairedRows = {
    cos: new Float64Array(rows), normA: new Float64Array(rows), normB: new Float64Array(rows), relChange: new Float64Array(rows),
    mean: NaN, skipped: 0,
  };
  let sum = 0;
  let n = 0;
  for (let r = 0; r < rows; r++) {
    decodeRow(A, ta, r * H, H, a);
    decodeRow(B, tb, r * H, H, b);
    let dot = 0, na = 0, nb = 0;
    for (let h = 0; h < H; h++) {
      const x = a[h], y = b[h];
      dot += x * y;
      na += x * x;
      nb += y * y;
    }
    const normA = Math.sqrt(na), normB = Math.sqrt(nb);
    const c = dot / (normA * normB + COSINE_EPSILON);
    out.cos[r] = c;
    out.normA[r] = normA;
    out.normB[r] = normB;
    const diff2 = Math.max(0, na + nb - 2 * dot);
    out.relChange[r] = normA > 0 ? Math.sqrt(diff2) / normA : diff2 > 0 ? Infinity : 0;
    if (Number.isFinite(c)) {
      sum += c;
      n++;
    }
  }
  out.mean = n > 0 ? sum / n : NaN;
  out.skipped = rows - n;
  return out;
}

/** The `k` rows with the lowest cosine (moved most), lowest first; NaN rows last, ties by lower row. */
export function mostMoved(cos: Float64Array, k: number): number[] {
  const idx = Array.from({ length: cos.length }, (_, i) => i);
  const key = (i: number) => (Number.isNaN(cos[i]) ? Infinity : cos[i]);
  // A full sort is fine here: one layer holds at most tens of thousands of rows.
  idx.sort((x, y) => key(x) - key(y) || x - y);
  return idx.slice(0, Math.max(0, k));
}
