/**
 * Score kernels over a row-major `rows × H` matrix kept in its storage dtype.
 *
 * - `'f16'` matrices are passed as a `Uint16Array` of raw half bits, `'f32'` as a `Float32Array`
 *   (use {@link viewRows} to get either from fetched bytes). Halves are decoded inside the inner
 *   loop through a 256 KiB lookup table ({@link f16Table}); a matrix is never decoded to f32 as a
 *   whole.
 * - Arithmetic: each product of two f32 values is exact in a JS double, and the sum is accumulated
 *   in a double, then rounded once to f32 when stored. So results are the exact f32-input dot
 *   product to within ~H·2⁻⁵³ relative to Σ|mᵢqᵢ| before the final f32 rounding — more accurate
 *   than f32 accumulation and no slower in V8 (which has no f32 arithmetic anyway).
 * - Speed: the kernels score 6 rows per pass so each `q[h]` load and loop iteration is shared
 *   (measured on a 10240×2560 f16 matrix, one thread: 1 row/pass with 4 accumulators ~2.6 GB/s,
 *   4 rows ~3.7 GB/s, 6 rows ~4.2 GB/s, 8 rows ~4.1 GB/s; reading through a `Float16Array` view
 *   instead of the table measured the same ~4.3 GB/s in Chromium, so the table is used everywhere).
 *   f16 and f32 have separate, monomorphic kernels.
 * - NaN and ±Infinity in the data or the query propagate by IEEE rules; nothing throws on them.
 *
 * Only shape errors throw (RangeError / TypeError).
 */
import type { DType } from '../format/types';
import { f16Table } from './f16table';

/** A matrix (or block of rows) in its storage dtype: raw half bits, or f32 values. */
export type RowData = Uint16Array | Float32Array;

/** Added to ‖row‖·‖q‖ in every cosine, exactly as LarQL's compact recipe does. */
export const COSINE_EPSILON = 1e-8;

/**
 * A typed view of little-endian tensor bytes (every browser and Node platform is little-endian).
 * No copy when the bytes are suitably aligned; a copy of just these bytes otherwise.
 */
export function viewRows(bytes: ArrayBuffer | ArrayBufferView, dtype: DType): RowData {
  const width = dtype === 'f16' ? 2 : 4;
  const buffer = bytes instanceof ArrayBuffer ? bytes : bytes.buffer;
  let offset = bytes instanceof ArrayBuffer ? 0 : bytes.byteOffset;
  const length = bytes.byteLength;
  if (length % width !== 0) {
    throw new RangeError(`${length} bytes is not a whole number of ${dtype} values`);
  }
  let buf: ArrayBufferLike = buffer;
  if (offset % width !== 0) {
    buf = new Uint8Array(buffer, offset, length).slice().buffer;
    offset = 0;
  }
  return dtype === 'f16'
    ? new Uint16Array(buf, offset, length / 2)
    : new Float32Array(buf, offset, length / 4);
}

/** Throws a RangeError/TypeError when the matrix, query or outputs do not fit `rows × H` in `dtype` (shared with ./matVecMulti.ts). */
export function check(mat: RowData, dtype: DType, rows: number, H: number, q: Float32Array | null, outs: Float32Array[]): void {
  if (dtype === 'f16' ? !(mat instanceof Uint16Array) : !(mat instanceof Float32Array)) {
    throw new TypeError(`dtype ${dtype} needs a ${dtype === 'f16' ? 'Uint16Array' : 'Float32Array'} matrix`);
  }
  if (!Number.isInteger(rows) || !Number.isInteger(H) || rows < 0 || H < 0) {
    throw new RangeError(`bad shape ${rows}×${H}`);
  }
  if (mat.length < rows * H) throw new RangeError(`matrix has ${mat.length} values, ${rows}×${H} needs ${rows * H}`);
  if (q !== null && q.length < H) throw new RangeError(`query has ${q.length} values, needs ${H}`);
  for (const o of outs) if (o.length < rows) throw new RangeError(`output has ${o.length} slots, needs ${rows}`);
}

/** ‖q‖ over the first H values, accumulated in a double. */
export function vectorNorm(q: Float32Array, H: number = q.length): number {
  let s = 0;
  for (let h = 0; h < H; h++) s += q[h] * q[h];
  return Math.sqrt(s);
}

// ---------------------------------------------------------------------------------------------
// dot

function dotF16(m: Uint16Array, rows: number, H: number, q: Float32Array, out: Float32Array): void {
  const t = f16Table();
  let r = 0;
  for (; r + 5 < rows; r += 6) {
    const b0 = r * H, b1 = b0 + H, b2 = b1 + H, b3 = b2 + H, b4 = b3 + H, b5 = b4 + H;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
    for (let h = 0; h < H; h++) {
      const qh = q[h];
      s0 += t[m[b0 + h]] * qh;
      s1 += t[m[b1 + h]] * qh;
      s2 += t[m[b2 + h]] * qh;
      s3 += t[m[b3 + h]] * qh;
      s4 += t[m[b4 + h]] * qh;
      s5 += t[m[b5 + h]] * qh;
    }
    out[r] = s0; out[r + 1] = s1; out[r + 2] = s2; out[r + 3] = s3; out[r + 4] = s4; out[r + 5] = s5;
  }
  for (; r < rows; r++) {
    const b = r * H;
    let s = 0;
    for (let h = 0; h < H; h++) s += t[m[b + h]] * q[h];
    out[r] = s;
  }
}

function dotF32(m: Float32Array, rows: number, H: number, q: Float32Array, out: Float32Array): void {
  let r = 0;
  for (; r + 5 < rows; r += 6) {
    const b0 = r * H, b1 = b0 + H, b2 = b1 + H, b3 = b2 + H, b4 = b3 + H, b5 = b4 + H;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
    for (let h = 0; h < H; h++) {
      const qh = q[h];
      s0 += m[b0 + h] * qh;
      s1 += m[b1 + h] * qh;
      s2 += m[b2 + h] * qh;
      s3 += m[b3 + h] * qh;
      s4 += m[b4 + h] * qh;
      s5 += m[b5 + h] * qh;
    }
    out[r] = s0; out[r + 1] = s1; out[r + 2] = s2; out[r + 3] = s3; out[r + 4] = s4; out[r + 5] = s5;
  }
  for (; r < rows; r++) {
    const b = r * H;
    let s = 0;
    for (let h = 0; h < H; h++) s += m[b + h] * q[h];
    out[r] = s;
  }
}

/** `out[r] = Σ_h mat[r,h]·q[h]` for r < rows (the raw signed dot product of LarQL's gate KNN). */
export function dotRows(mat: RowData, dtype: DType, rows: number, H: number, q: Float32Array, out: Float32Array): void {
  check(mat, dtype, rows, H, q, [out]);
  if (dtype === 'f16') dotF16(mat as Uint16Array, rows, H, q, out);
  else dotF32(mat as Float32Array, rows, H, q, out);
}

// ---------------------------------------------------------------------------------------------
// norms

function normsF16(m: Uint16Array, rows: number, H: number, out: Float32Array): void {
  const t = f16Table();
  let r = 0;
  for (; r + 5 < rows; r += 6) {
    const b0 = r * H, b1 = b0 + H, b2 = b1 + H, b3 = b2 + H, b4 = b3 + H, b5 = b4 + H;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
    for (let h = 0; h < H; h++) {
      const x0 = t[m[b0 + h]], x1 = t[m[b1 + h]], x2 = t[m[b2 + h]];
      const x3 = t[m[b3 + h]], x4 = t[m[b4 + h]], x5 = t[m[b5 + h]];
      s0 += x0 * x0; s1 += x1 * x1; s2 += x2 * x2; s3 += x3 * x3; s4 += x4 * x4; s5 += x5 * x5;
    }
    out[r] = Math.sqrt(s0); out[r + 1] = Math.sqrt(s1); out[r + 2] = Math.sqrt(s2);
    out[r + 3] = Math.sqrt(s3); out[r + 4] = Math.sqrt(s4); out[r + 5] = Math.sqrt(s5);
  }
  for (; r < rows; r++) {
    const b = r * H;
    let s = 0;
    for (let h = 0; h < H; h++) {
      const x = t[m[b + h]];
      s += x * x;
    }
    out[r] = Math.sqrt(s);
  }
}

function normsF32(m: Float32Array, rows: number, H: number, out: Float32Array): void {
  let r = 0;
  for (; r + 5 < rows; r += 6) {
    const b0 = r * H, b1 = b0 + H, b2 = b1 + H, b3 = b2 + H, b4 = b3 + H, b5 = b4 + H;
    let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0;
    for (let h = 0; h < H; h++) {
      const x0 = m[b0 + h], x1 = m[b1 + h], x2 = m[b2 + h];
      const x3 = m[b3 + h], x4 = m[b4 + h], x5 = m[b5 + h];
      s0 += x0 * x0; s1 += x1 * x1; s2 += x2 * x2; s3 += x3 * x3; s4 += x4 * x4; s5 += x5 * x5;
    }
    out[r] = Math.sqrt(s0); out[r + 1] = Math.sqrt(s1); out[r + 2] = Math.sqrt(s2);
    out[r + 3] = Math.sqrt(s3); out[r + 4] = Math.sqrt(s4); out[r + 5] = Math.sqrt(s5);
  }
  for (; r < rows; r++) {
    const b = r * H;
    let s = 0;
    for (let h = 0; h < H; h++) {
      const x = m[b + h];
      s += x * x;
    }
    out[r] = Math.sqrt(s);
  }
}

/** `out[r] = ‖mat[r]‖` (Euclidean), so cosine can reuse row norms across queries. */
export function normsRows(mat: RowData, dtype: DType, rows: number, H: number, out: Float32Array): void {
  check(mat, dtype, rows, H, null, [out]);
  if (dtype === 'f16') normsF16(mat as Uint16Array, rows, H, out);
  else normsF32(mat as Float32Array, rows, H, out);
}

// ---------------------------------------------------------------------------------------------
// fused dot + norm (one pass over the data; 3 rows per pass measured fastest for 6 accumulators)

function dotNormF16(m: Uint16Array, rows: number, H: number, q: Float32Array, dot: Float32Array, norm: Float32Array): void {
  const t = f16Table();
  let r = 0;
  for (; r + 2 < rows; r += 3) {
    const b0 = r * H, b1 = b0 + H, b2 = b1 + H;
    let s0 = 0, s1 = 0, s2 = 0, n0 = 0, n1 = 0, n2 = 0;
    for (let h = 0; h < H; h++) {
      const qh = q[h];
      const x0 = t[m[b0 + h]], x1 = t[m[b1 + h]], x2 = t[m[b2 + h]];
      s0 += x0 * qh; s1 += x1 * qh; s2 += x2 * qh;
      n0 += x0 * x0; n1 += x1 * x1; n2 += x2 * x2;
    }
    dot[r] = s0; dot[r + 1] = s1; dot[r + 2] = s2;
    norm[r] = Math.sqrt(n0); norm[r + 1] = Math.sqrt(n1); norm[r + 2] = Math.sqrt(n2);
  }
  for (; r < rows; r++) {
    const b = r * H;
    let s = 0, n = 0;
    for (let h = 0; h < H; h++) {
      const x = t[m[b + h]];
      s += x * q[h];
      n += x * x;
    }
    dot[r] = s;
    norm[r] = Math.sqrt(n);
  }
}

function dotNormF32(m: Float32Array, rows: number, H: number, q: Float32Array, dot: Float32Array, norm: Float32Array): void {
  let r = 0;
  for (; r + 2 < rows; r += 3) {
    const b0 = r * H, b1 = b0 + H, b2 = b1 + H;
    let s0 = 0, s1 = 0, s2 = 0, n0 = 0, n1 = 0, n2 = 0;
    for (let h = 0; h < H; h++) {
      const qh = q[h];
      const x0 = m[b0 + h], x1 = m[b1 + h], x2 = m[b2 + h];
      s0 += x0 * qh; s1 += x1 * qh; s2 += x2 * qh;
      n0 += x0 * x0; n1 += x1 * x1; n2 += x2 * x2;
    }
    dot[r] = s0; dot[r + 1] = s1; dot[r + 2] = s2;
    norm[r] = Math.sqrt(n0); norm[r + 1] = Math.sqrt(n1); norm[r + 2] = Math.sqrt(n2);
  }
  for (; r < rows; r++) {
    const b = r * H;
    let s = 0, n = 0;
    for (let h = 0; h < H; h++) {
      const x = m[b + h];
      s += x * q[h];
      n += x * x;
    }
    dot[r] = s;
    norm[r] = Math.sqrt(n);
  }
}

/**
 * One pass computing both `dotOut[r] = mat[r]·q` and `normOut[r] = ‖mat[r]‖` (~1.5× faster than
 * {@link dotRows} + {@link normsRows}). `dotOut` and `normOut` must be different arrays.
 */
export function dotNormRows(
  mat: RowData, dtype: DType, rows: number, H: number, q: Float32Array, dotOut: Float32Array, normOut: Float32Array,
): void {
  check(mat, dtype, rows, H, q, [dotOut, normOut]);
  if (dtype === 'f16') dotNormF16(mat as Uint16Array, rows, H, q, dotOut, normOut);
  else dotNormF32(mat as Float32Array, rows, H, q, dotOut, normOut);
}

// ---------------------------------------------------------------------------------------------
// cosine

/**
 * `out[r] = (mat[r]·q) / (‖mat[r]‖·‖q‖ + 1e-8)`.
 *
 * Pass `rowNorms` (from {@link normsRows}) to skip recomputing row norms; otherwise they are
 * computed in the same pass as the dot products (a temporary `rows`-long array is allocated).
 * `qNorm` may be passed too (defaults to ‖q‖ over its first H values).
 */
export function cosineRows(
  mat: RowData, dtype: DType, rows: number, H: number, q: Float32Array, out: Float32Array,
  rowNorms?: Float32Array | null, qNorm?: number,
): void {
  const qn = qNorm ?? vectorNorm(q, H);
  if (rowNorms) {
    if (rowNorms.length < rows) throw new RangeError(`rowNorms has ${rowNorms.length} values, needs ${rows}`);
    dotRows(mat, dtype, rows, H, q, out);
    for (let r = 0; r < rows; r++) out[r] = out[r] / (rowNorms[r] * qn + COSINE_EPSILON);
    return;
  }
  const norms = new Float32Array(rows);
  dotNormRows(mat, dtype, rows, H, q, out, norms);
  for (let r = 0; r < rows; r++) out[r] = out[r] / (norms[r] * qn + COSINE_EPSILON);
}
