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

/** X Yᵀ (rx × ry, row-major) with f64 accumulation; with `symmetric` (Y = X) only half is computed and mirrored. */
export function gramProduct(X: Float64Array, rx: number, Y: Float64Array, ry: number, H: number, symmetric = false): Float64Array {
  const G = new Float64Array(rx * ry);
  for (let i = 0; i < rx; i++) {
    const xi = i * H;
    const jEnd = symmetric ? i + 1 : ry;
    let j = 0;
    // four rows of Y per pass share each load of X[i, h]
    for (; j + 3 < jEnd; j += 4) {
      const y0 = j * H, y1 = y0 + H, y2 = y1 + H, y3 = y2 + H;
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      for (let h = 0; h < H; h++) {
        const x = X[xi + h];
        s0 += x * Y[y0 + h];
        s1 += x * Y[y1 + h];
        s2 += x * Y[y2 + h];
        s3 += x * Y[y3 + h];
      }
      G[i * ry + j] = s0; G[i * ry + j + 1] = s1; G[i * ry + j + 2] = s2; G[i * ry + j + 3] = s3;
    }
    for (; j < jEnd; j++) {
      const yj = j * H;
      let s = 0;
      for (let h = 0; h < H; h++) s += X[xi + h] * Y[yj + h];
      G[i * ry + j] = s;
    }
  }
  if (symmetric) for (let i = 0; i < rx; i++) for (let j = i + 1; j < rx; j++) G[i * rx + j] = G[j * rx + i];
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
