/**
 * Subspace similarity of two row sets: ‖Q_Aᵀ Q_B‖_F² / min(rank A, rank B), where Q_A and Q_B are
 * orthonormal bases of the spans of the rows. 1 = the same subspace, ≈ k/H for random k-dim ones.
 *
 * How the bases are found: Gram–Schmidt with pivoting, carried out on the f64 Gram matrices
 * (pivoted Cholesky: R Rᵀ = P A Aᵀ Pᵀ, so Q = R⁻¹ P A). It is the same arithmetic as modified
 * Gram–Schmidt expressed through inner products, and Q is never formed: Q_A Q_Bᵀ = R_A⁻¹ (A Bᵀ) R_B⁻ᵀ.
 * Why not explicit Gram–Schmidt on the rows: it costs about 4·k²·H flops per matrix (with the second
 * orthogonalisation pass it needs in f64) plus k²·H for Q_A Q_Bᵀ; the Gram route needs A Aᵀ, B Bᵀ
 * (half each, symmetric) and A Bᵀ, i.e. 2·k²·H multiply-adds in all, then O(k³) on k × k matrices.
 * `npm run bench` measures both. The price is conditioning: Gram matrices square it, so a row whose
 * residual is below 1e-6 of its own norm (1e-12 in squared terms, still 10⁴ above f64 rounding) is
 * treated as dependent and left out; that is what makes duplicated or collinear rows safe.
 *
 * Rows with a NaN or ±inf are left out too (they span nothing meaningful); the caller is told how many.
 */
import type { DType } from '../format/types';
import type { RowData } from './matVec';
import { f16Table } from './f16table';

/** Squared relative residual below which a row counts as linearly dependent on the rows before it. */
export const DEPENDENT_RESIDUAL2 = 1e-12;

/** Decodes rows [0, rows) of a stored matrix to f64, dropping rows with a non-finite value. */
export function finiteRowsF64(m: RowData, dtype: DType, rows: number, H: number): { data: Float64Array; rows: number; skipped: number } {
  if (m.length < rows * H) throw new RangeError(`matrix has ${m.length} values, ${rows}×${H} needs ${rows * H}`);
  const out = new Float64Array(rows * H);
  const t = dtype === 'f16' ? f16Table() : null;
  let kept = 0;
  for (let r = 0; r < rows; r++) {
    const src = r * H;
    const dst = kept * H;
    let finite = true;
    for (let h = 0; h < H; h++) {
      const v = t ? t[m[src + h]] : m[src + h];
      out[dst + h] = v;
      if (!Number.isFinite(v)) finite = false;
    }
    if (finite) kept++;
  }
  return { data: out.subarray(0, kept * H), rows: kept, skipped: rows - kept };
}

/** Dot products of rows x0, x1 of X with rows j..j+3 of Y, added into G (2 × 4 register block). */
function block2x4(X: Float64Array, x0: number, x1: number, Y: Float64Array, j: number, H: number, G: Float64Array, g0: number, g1: number): void {
  const y0 = j * H, y1 = y0 + H, y2 = y1 + H, y3 = y2 + H;
  let a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  for (let h = 0; h < H; h++) {
    const p = X[x0 + h], q = X[x1 + h];
    const u0 = Y[y0 + h], u1 = Y[y1 + h], u2 = Y[y2 + h], u3 = Y[y3 + h];
    a0 += p * u0; a1 += p * u1; a2 += p * u2; a3 += p * u3;
    b0 += q * u0; b1 += q * u1; b2 += q * u2; b3 += q * u3;
  }
  G[g0 + j] = a0; G[g0 + j + 1] = a1; G[g0 + j + 2] = a2; G[g0 + j + 3] = a3;
  G[g1 + j] = b0; G[g1 + j + 1] = b1; G[g1 + j + 2] = b2; G[g1 + j + 3] = b3;
}

function dotRow(X: Float64Array, xi: number, Y: Float64Array, yj: number, H: number): number {
  let s = 0;
  for (let h = 0; h < H; h++) s += X[xi + h] * Y[yj + h];
  return s;
}

/**
 * X Yᵀ (rx × ry, row-major) with f64 accumulation; with `symmetric` (Y = X) only the lower triangle
 * is computed and mirrored. The kernel takes two rows of X against four of Y per pass, so each value
 * loaded serves two or four products (measured ~1.5× faster than one row of X per pass at k = 128,
 * H = 4096; tiling over H did not help, the loop is bound by arithmetic, not memory).
 */
export function gramProduct(X: Float64Array, rx: number, Y: Float64Array, ry: number, H: number, symmetric = false): Float64Array {
  const G = new Float64Array(rx * ry);
  let i = 0;
  for (; i + 1 < rx; i += 2) {
    const x0 = i * H, x1 = x0 + H;
    const g0 = i * ry, g1 = g0 + ry;
    const jEnd = symmetric ? i + 2 : ry; // rows i and i+1 need columns 0..i+1
    let j = 0;
    for (; j + 3 < jEnd; j += 4) block2x4(X, x0, x1, Y, j, H, G, g0, g1);
    for (; j < jEnd; j++) {
      G[g0 + j] = dotRow(X, x0, Y, j * H, H);
      G[g1 + j] = dotRow(X, x1, Y, j * H, H);
    }
  }
  for (; i < rx; i++) {
    const jEnd = symmetric ? i + 1 : ry;
    for (let j = 0; j < jEnd; j++) G[i * ry + j] = dotRow(X, i * H, Y, j * H, H);
  }
  if (symmetric) for (let a = 0; a < rx; a++) for (let b = a + 1; b < rx; b++) G[a * rx + b] = G[b * rx + a];
  return G;
}

/** A pivoted Cholesky factor: rows `order` (in pivot order) of the matrix, and R (rank × rank, lower, row-major). */
export interface PivotedFactor {
  rank: number;
  order: Int32Array;
  R: Float64Array;
}

/**
 * Pivoted Cholesky of an n × n Gram matrix: Gram–Schmidt on the rows through their inner products,
 * always taking next the row with the largest residual relative to its own norm, and stopping when
 * every remaining row is dependent (relative squared residual ≤ `tol`) or zero.
 */
export function pivotedCholesky(G: Float64Array, n: number, tol = DEPENDENT_RESIDUAL2): PivotedFactor {
  const diag = new Float64Array(n);
  const resid = new Float64Array(n);
  for (let i = 0; i < n; i++) diag[i] = resid[i] = G[i * n + i];
  const used = new Uint8Array(n);
  const L = new Float64Array(n * n); // L[i·n + s]: row i's coefficient on the s-th basis vector
  const order: number[] = [];
  for (let step = 0; step < n; step++) {
    let p = -1;
    let best = tol;
    for (let i = 0; i < n; i++) {
      if (used[i] || !(diag[i] > 0)) continue;
      const rel = resid[i] / diag[i];
      if (rel > best) {
        best = rel;
        p = i;
      }
    }
    if (p < 0) break;
    used[p] = 1;
    order.push(p);
    const piv = Math.sqrt(resid[p]);
    L[p * n + step] = piv;
    for (let i = 0; i < n; i++) {
      if (used[i]) continue;
      let s = G[i * n + p];
      for (let c = 0; c < step; c++) s -= L[i * n + c] * L[p * n + c];
      const l = s / piv;
      L[i * n + step] = l;
      resid[i] -= l * l;
    }
  }
  const rank = order.length;
  const R = new Float64Array(rank * rank);
  for (let a = 0; a < rank; a++) for (let b = 0; b <= a; b++) R[a * rank + b] = L[order[a] * n + b];
  return { rank, order: Int32Array.from(order), R };
}

/** Solves R x = b in place (R lower triangular, rank × rank, row-major). */
function forwardSolve(R: Float64Array, rank: number, b: Float64Array): void {
  for (let a = 0; a < rank; a++) {
    let s = b[a];
    for (let c = 0; c < a; c++) s -= R[a * rank + c] * b[c];
    b[a] = s / R[a * rank + a];
  }
}

/** What a subspace comparison found. */
export interface SubspaceResult {
  /** ‖Q_Aᵀ Q_B‖_F² / min(rankA, rankB), clamped to [0, 1] (it can exceed 1 only by rounding); NaN when a rank is 0. */
  similarity: number;
  rankA: number;
  rankB: number;
  /** Rows left out for holding NaN or ±inf. */
  skippedA: number;
  skippedB: number;
}

/** Similarity of the spans of rows [0, kA) of A and [0, kB) of B (both H wide). */
export function subspaceSimilarity(A: RowData, dtA: DType, kA: number, B: RowData, dtB: DType, kB: number, H: number): SubspaceResult {
  const a = finiteRowsF64(A, dtA, kA, H);
  const b = finiteRowsF64(B, dtB, kB, H);
  return subspaceSimilarityF64(a.data, a.rows, b.data, b.rows, H, a.skipped, b.skipped);
}

/** The same for rows already decoded to f64 (all finite). */
export function subspaceSimilarityF64(
  A: Float64Array, ra: number, B: Float64Array, rb: number, H: number, skippedA = 0, skippedB = 0,
): SubspaceResult {
  const fa = pivotedCholesky(gramProduct(A, ra, A, ra, H, true), ra);
  const fb = pivotedCholesky(gramProduct(B, rb, B, rb, H, true), rb);
  const base = { rankA: fa.rank, rankB: fb.rank, skippedA, skippedB };
  if (fa.rank === 0 || fb.rank === 0) return { similarity: NaN, ...base };
  // Only the pivot rows matter: C = A_sel B_selᵀ.
  const selA = new Float64Array(fa.rank * H);
  fa.order.forEach((r, i) => selA.set(A.subarray(r * H, (r + 1) * H), i * H));
  const selB = new Float64Array(fb.rank * H);
  fb.order.forEach((r, i) => selB.set(B.subarray(r * H, (r + 1) * H), i * H));
  const C = gramProduct(selA, fa.rank, selB, fb.rank, H);
  // X = R_A⁻¹ C, column by column; then each row x of X gives a row of M = X R_B⁻ᵀ as R_B⁻¹ xᵀ.
  const col = new Float64Array(fa.rank);
  for (let j = 0; j < fb.rank; j++) {
    for (let i = 0; i < fa.rank; i++) col[i] = C[i * fb.rank + j];
    forwardSolve(fa.R, fa.rank, col);
    for (let i = 0; i < fa.rank; i++) C[i * fb.rank + j] = col[i];
  }
  let sum = 0;
  for (let i = 0; i < fa.rank; i++) {
    const row = C.subarray(i * fb.rank, (i + 1) * fb.rank);
    forwardSolve(fb.R, fb.rank, row);
    for (let j = 0; j < fb.rank; j++) sum += row[j] * row[j];
  }
  const similarity = Math.min(1, Math.max(0, sum / Math.min(fa.rank, fb.rank)));
  return { similarity, ...base };
}

/** Largest k the comparison uses, whatever the widths (keeps a Gemma-size layer to ~0.5 s of maths). */
export const SUBSPACE_K_CAP = 256;

/**
 * How many leading rows of each layer the subspace similarity compares: min(F_A, F_B, ⌊H/2⌋, 256).
 * Why ⌊H/2⌋: at k ≥ H any k generic rows span the whole space, so the similarity would be 1 by
 * construction; at k ≤ H/2 the random baseline k/H stays at most 0.5 and the number carries
 * information. Why 256: the cost grows as k²·H, and for SVD vindexes (rows sorted by singular value)
 * the leading directions are the ones that matter. For neuron vindexes (LarQL's), whose row order is
 * arbitrary, the first k rows are a fixed sample of the layer: compare like with like.
 */
export function leadingK(rowsA: number, rowsB: number, H: number): number {
  return Math.max(0, Math.min(rowsA, rowsB, Math.floor(H / 2), SUBSPACE_K_CAP));
}
