/**
 * Vocabulary projection of a vector v over an embedding matrix E that arrives in blocks of rows:
 * logits `E_t·v` (unscaled E, no final norm — how down_meta was produced) and optionally cosine
 * `(E_t·v) / (‖E_t‖·‖v‖ + 1e-8)`, keeping only the top-k candidates of each.
 *
 * Memory is bounded: two k-sized heaps plus scratch for the largest block seen. Blocks may be
 * added in any order (e.g. as parallel fetches complete); each row must be added exactly once.
 * Ties rank the lower token id first; NaN ranks last (see topK.ts).
 */
import type { DType } from '../format/types';
import { dotNormRows, dotRows, vectorNorm, COSINE_EPSILON, type RowData } from './matVec';
import { dotNormRowsMulti } from './matVecMulti';
import { TopKSelector, type Rank } from './topK';

export interface ProjectionHit {
  /** Token id (row of E). */
  id: number;
  score: number;
}

export interface ProjectionResult {
  /** Top-k tokens by logit E_t·v, best first. */
  byDot: ProjectionHit[];
  /** Top-k tokens by cosine, best first; empty when the projection was created with cosine: false. */
  byCos: ProjectionHit[];
  /** Rows scored so far (sum of rowCount over added blocks). */
  rowsSeen: number;
  /** The k most negative tokens by logit, most negative first (empty unless `low` was asked for). */
  lowDot: ProjectionHit[];
  /** The k most negative tokens by cosine, most negative first (empty unless `low` and `cosine`). */
  lowCos: ProjectionHit[];
}

export interface ProjectionOptions {
  /** Also rank by cosine (costs ~1.5× the work per block). */
  cosine: boolean;
  /** Ranking of both lists; default 'signed' (largest logit first). */
  rank?: Rank;
  /** Also keep the k most negative tokens (what the vector suppresses), ties to the lower id. */
  low?: boolean;
}

export interface Projection {
  /**
   * Score rows `firstRow … firstRow + rowCount − 1` of E, given as the first rowCount·H values of
   * `rows` (raw half bits for 'f16', values for 'f32').
   */
  addBlock(rows: RowData, dtype: DType, firstRow: number, rowCount: number): void;
  /**
   * Offers rows already scored: `dot[r]` = E_r·v and `norm[r]` = ‖E_r‖ for the rows firstRow + r (what
   * addBlock computes itself; createProjectionSet computes them once for several vectors). Needs cosine;
   * `dot` is overwritten.
   */
  addScores(dot: Float32Array, norm: Float32Array, firstRow: number, rowCount: number): void;
  /** Current top-k lists (can be called between blocks for progressive display). */
  result(): ProjectionResult;
}

export function createProjection(v: Float32Array, H: number, k: number, options: ProjectionOptions): Projection {
  if (v.length < H) throw new RangeError(`vector has ${v.length} values, needs ${H}`);
  const rank = options.rank ?? 'signed';
  const kk = Math.max(0, Math.floor(Number.isNaN(k) ? 0 : k));
  if (!Number.isFinite(kk)) throw new RangeError('projection k must be finite');
  const vNorm = vectorNorm(v, H);
  const byDot = new TopKSelector(kk, rank);
  const byCos = options.cosine ? new TopKSelector(kk, rank) : null;
  // the most negative k are the best k of the negated scores
  const lowDot = options.low ? new TopKSelector(kk, 'signed') : null;
  const lowCos = options.low && options.cosine ? new TopKSelector(kk, 'signed') : null;
  let dot = new Float32Array(0);
  let norm = new Float32Array(0);
  let neg = new Float32Array(0);
  const offerLow = (sel: TopKSelector | null, d: Float32Array, firstRow: number) => {
    if (!sel) return;
    const m = neg.subarray(0, d.length);
    for (let r = 0; r < d.length; r++) m[r] = -d[r];
    sel.offerArray(m, 0, firstRow);
  };
  let rowsSeen = 0;

  const offerScores = (d: Float32Array, n: Float32Array, firstRow: number, rowCount: number) => {
    byDot.offerArray(d, 0, firstRow);
    offerLow(lowDot, d, firstRow);
    for (let r = 0; r < rowCount; r++) d[r] = d[r] / (n[r] * vNorm + COSINE_EPSILON);
    byCos!.offerArray(d, 0, firstRow);
    offerLow(lowCos, d, firstRow);
    rowsSeen += rowCount;
  };
  const grow = (rowCount: number) => {
    if (dot.length < rowCount) {
      dot = new Float32Array(rowCount);
      if (byCos) norm = new Float32Array(rowCount);
      if (lowDot) neg = new Float32Array(rowCount);
    }
  };

  return {
    addBlock(rows, dtype, firstRow, rowCount) {
      if (!Number.isInteger(firstRow) || firstRow < 0) throw new RangeError(`bad firstRow ${firstRow}`);
      if (rowCount === 0) return;
      grow(rowCount);
      const d = dot.subarray(0, rowCount);
      if (byCos) {
        const n = norm.subarray(0, rowCount);
        dotNormRows(rows, dtype, rowCount, H, v, d, n);
        offerScores(d, n, firstRow, rowCount);
      } else {
        dotRows(rows, dtype, rowCount, H, v, d);
        byDot.offerArray(d, 0, firstRow);
        offerLow(lowDot, d, firstRow);
        rowsSeen += rowCount;
      }
    },
    addScores(d, n, firstRow, rowCount) {
      if (!byCos) throw new Error('addScores needs a projection created with cosine: true');
      if (!Number.isInteger(firstRow) || firstRow < 0) throw new RangeError(`bad firstRow ${firstRow}`);
      if (rowCount === 0) return;
      if (d.length !== rowCount || n.length < rowCount) throw new RangeError(`addScores needs ${rowCount} dots and norms`);
      grow(rowCount);
      offerScores(d, n, firstRow, rowCount);
    },
    result() {
      const toHits = (s: TopKSelector): ProjectionHit[] => s.result().map((h) => ({ id: h.feature, score: h.score }));
      const toLow = (s: TopKSelector | null): ProjectionHit[] => (s ? s.result().map((h) => ({ id: h.feature, score: -h.score })) : []);
      return { byDot: toHits(byDot), byCos: byCos ? toHits(byCos) : [], rowsSeen, lowDot: toLow(lowDot), lowCos: toLow(lowCos) };
    },
  };
}

/** Projections of several vectors fed the same blocks (see createProjectionSet). */
export interface ProjectionSet {
  addBlock(rows: RowData, dtype: DType, firstRow: number, rowCount: number): void;
  /** One result per vector, in the order given. */
  results(): ProjectionResult[];
}

/**
 * Projections of several vectors (top-k by dot and cosine, both ends, each with its own k) over the
 * same rows in one pass: each block's rows are decoded and normed once for all of them
 * (dotNormRowsMulti), and every vector's lists get the same bits as its own createProjection would give.
 */
export function createProjectionSet(vs: Float32Array[], H: number, ks: number[]): ProjectionSet {
  if (vs.length !== ks.length) throw new RangeError(`${vs.length} vectors but ${ks.length} k`);
  const ps = vs.map((v, j) => createProjection(v, H, ks[j], { cosine: true, low: true }));
  let dots: Float32Array[] = [];
  let norm = new Float32Array(0);
  return {
    addBlock(rows, dtype, firstRow, rowCount) {
      if (vs.length === 1) return ps[0].addBlock(rows, dtype, firstRow, rowCount);
      if (rowCount === 0) return;
      if (norm.length < rowCount) {
        dots = vs.map(() => new Float32Array(rowCount));
        norm = new Float32Array(rowCount);
      }
      const ds = dots.map((d) => d.subarray(0, rowCount));
      const n = norm.subarray(0, rowCount);
      dotNormRowsMulti(rows, dtype, rowCount, H, vs, ds, n);
      for (let j = 0; j < ps.length; j++) ps[j].addScores(ds[j], n, firstRow, rowCount);
    },
    results: () => ps.map((p) => p.result()),
  };
}

/**
 * Merges projections of disjoint row sets (blocks split across workers) into the projection of their
 * union. Exact: every member of the global top-k is in the top-k of its own part (the ranking is a total
 * order: score, then lower id, NaN and ±inf last), so the best k of the parts' lists are the global best k.
 */
export function mergeProjections(parts: ProjectionResult[], k: number, rank: Rank = 'signed'): ProjectionResult {
  const kk = Math.max(0, Math.floor(Number.isNaN(k) ? 0 : k));
  const pick = (lists: ProjectionHit[][], r: Rank, negate: boolean): ProjectionHit[] => {
    const sel = new TopKSelector(kk, r);
    for (const list of lists) for (const h of list) sel.offer(negate ? -h.score : h.score, 0, h.id);
    return sel.result().map((h) => ({ id: h.feature, score: negate ? -h.score : h.score }));
  };
  return {
    byDot: pick(parts.map((p) => p.byDot), rank, false),
    byCos: pick(parts.map((p) => p.byCos), rank, false),
    // the low lists are the best k of the negated scores, as createProjection keeps them
    lowDot: pick(parts.map((p) => p.lowDot), 'signed', true),
    lowCos: pick(parts.map((p) => p.lowCos), 'signed', true),
    rowsSeen: parts.reduce((a, p) => a + p.rowsSeen, 0),
  };
}
