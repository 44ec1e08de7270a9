/**
 * Several queries over the same rows in one pass (projections asked for together share one pass over
 * the embeddings): the same arithmetic conventions as ./matVec.ts, whose single-query kernels these
 * match bit for bit. f16 and f32 have separate, monomorphic kernels, as there.
 */
import type { DType } from '../format/types';
import { f16Table } from './f16table';
import { check, dotNormRows, type RowData } from './matVec';

function dotNormPairF16(
  m: Uint16Array, rows: number, H: number, p: Float32Array, q: Float32Array, dp: Float32Array, dq: Float32Array, norm: Float32Array,
): void {
  const t = f16Table();
  let r = 0;
  // each accumulator sums the same products in the same order as dotNormF16, so the results are the same bits
  for (; r + 2 < rows; r += 3) {
    const b0 = r * H, b1 = b0 + H, b2 = b1 + H;
    let s0 = 0, s1 = 0, s2 = 0, u0 = 0, u1 = 0, u2 = 0, n0 = 0, n1 = 0, n2 = 0;
    for (let h = 0; h < H; h++) {
      const ph = p[h], qh = q[h];
      const x0 = t[m[b0 + h]], x1 = t[m[b1 + h]], x2 = t[m[b2 + h]];
      s0 += x0 * ph; s1 += x1 * ph; s2 += x2 * ph;
      u0 += x0 * qh; u1 += x1 * qh; u2 += x2 * qh;
      n0 += x0 * x0; n1 += x1 * x1; n2 += x2 * x2;
    }
    dp[r] = s0; dp[r + 1] = s1; dp[r + 2] = s2;
    dq[r] = u0; dq[r + 1] = u1; dq[r + 2] = u2;
    norm[r] = Math.sqrt(n0); norm[r + 1] = Math.sqrt(n1); norm[r + 2] = Math.sqrt(n2);
  }
  for (; r < rows; r++) {
    const b = r * H;
    let s = 0, u = 0, n = 0;
    for (let h = 0; h < H; h++) {
      const x = t[m[b + h]];
      s += x * p[h];
      u += x * q[h];
      n += x * x;
    }
    dp[r] = s;
    dq[r] = u;
    norm[r] = Math.sqrt(n);
  }
}

function dotNormPairF32(
  m: Float32Array, rows: number, H: number, p: Float32Array, q: Float32Array, dp: Float32Array, dq: Float32Array, norm: Float32Array,
): void {
  let r = 0;
  for (; r + 2 < rows; r += 3) {
    const b0 = r * H, b1 = b0 + H, b2 = b1 + H;
    let s0 = 0, s1 = 0, s2 = 0, u0 = 0, u1 = 0, u2 = 0, n0 = 0, n1 = 0, n2 = 0;
    for (let h = 0; h < H; h++) {
      const ph = p[h], qh = q[h];
      const x0 = m[b0 + h], x1 = m[b1 + h], x2 = m[b2 + h];
      s0 += x0 * ph; s1 += x1 * ph; s2 += x2 * ph;
      u0 += x0 * qh; u1 += x1 * qh; u2 += x2 * qh;
      n0 += x0 * x0; n1 += x1 * x1; n2 += x2 * x2;
    }
    dp[r] = s0; dp[r + 1] = s1; dp[r + 2] = s2;
    dq[r] = u0; dq[r + 1] = u1; dq[r + 2] = u2;
    norm[r] = Math.sqrt(n0); norm[r + 1] = Math.sqrt(n1); norm[r + 2] = Math.sqrt(n2);
  }
  for (; r < rows; r++) {
    const b = r * H;
    let s = 0, u = 0, n = 0;
    for (let h = 0; h < H; h++) {
      const x = m[b + h];
      s += x * p[h];
      u += x * q[h];
      n += x * x;
    }
    dp[r] = s;
    dq[r] = u;
    norm[r] = Math.sqrt(n);
  }
}

/**
 * `dotOuts[j][r] = mat[r]·qs[j]` for every query and `normOut[r] = ‖mat[r]‖`, each row decoded once for
 * two queries at a time: the same bits as {@link dotNormRows} per query (same products, same order).
 * Why: the feature view projects its down and gate rows together over the whole embedding matrix, and
 * decoding and norming every row twice was half the work. Queries are taken in pairs (3 rows × 2 queries
 * + 3 norms is 9 accumulators); an odd last query runs alone.
 */
export function dotNormRowsMulti(
  mat: RowData, dtype: DType, rows: number, H: number, qs: Float32Array[], dotOuts: Float32Array[], normOut: Float32Array,
): void {
  if (qs.length !== dotOuts.length) throw new RangeError(`${qs.length} queries but ${dotOuts.length} outputs`);
  for (const q of qs) check(mat, dtype, rows, H, q, [normOut]);
  for (const d of dotOuts) check(mat, dtype, rows, H, null, [d]);
  let j = 0;
  for (; j + 1 < qs.length; j += 2) {
    if (dtype === 'f16') dotNormPairF16(mat as Uint16Array, rows, H, qs[j], qs[j + 1], dotOuts[j], dotOuts[j + 1], normOut);
    else dotNormPairF32(mat as Float32Array, rows, H, qs[j], qs[j + 1], dotOuts[j], dotOuts[j + 1], normOut);
  }
  if (j < qs.length) dotNormRows(mat, dtype, rows, H, qs[j], dotOuts[j], normOut);
}
