/**
 * Top-k selection over score grids and vectors with a bounded heap (O(n log k) time, O(k) memory).
 *
 * Ranking rules (shared by every caller):
 * - `'signed'`: larger value is better.
 * - `'abs'`: larger |value| is better (so +Infinity and -Infinity tie); the reported score keeps
 *   its sign.
 * - NaN and ±Infinity rank after every finite value in both modes (as "NaN or ±inf … ranked last").
 * - Ties (equal keys, NaN included) are broken by lower layer, then lower feature.
 */

export type Rank = 'signed' | 'abs';

/** One selected cell of a layer × feature grid. */
export interface TopKHit {
  layer: number;
  feature: number;
  /** The signed score of the cell. */
  score: number;
}

/** True when cell a ranks strictly before cell b. Keys are already |score| for 'abs'. */
function better(ka: number, la: number, fa: number, kb: number, lb: number, fb: number): boolean {
  if (ka > kb) return true;
  if (ka < kb) return false;
  const aNaN = ka !== ka;
  const bNaN = kb !== kb;
  if (aNaN !== bNaN) return bNaN; // exactly one is NaN: the other one wins
  // equal keys or both NaN: lower position wins
  return la < lb || (la === lb && fa < fb);
}

/**
 * A bounded best-k collector. Offer cells in any order (blocks may arrive out of order);
 * `result()` is independent of the order of offers.
 */
export class TopKSelector {
  readonly k: number;
  readonly rank: Rank;
  private n = 0;
  // min-heap on "goodness": the root is the worst kept cell
  private readonly keys: Float64Array;
  private readonly scores: Float64Array;
  private readonly layers: Int32Array;
  private readonly features: Float64Array;

  /** `k` is floored; k ≤ 0 (or NaN) keeps nothing. `capacityHint` caps the allocation (e.g. total cells). */
  constructor(k: number, rank: Rank, capacityHint: number = Infinity) {
    const kk = Number.isNaN(k) ? 0 : Math.max(0, Math.floor(k));
    this.k = kk;
    this.rank = rank;
    const cap = Math.min(kk, Math.max(0, Math.floor(capacityHint)));
    if (!Number.isFinite(cap)) throw new RangeError('TopKSelector needs a finite k or capacityHint');
    const alloc = cap;
    this.keys = new Float64Array(alloc);
    this.scores = new Float64Array(alloc);
    this.layers = new Int32Array(alloc);
    this.features = new Float64Array(alloc);
  }

  /** Number of cells kept so far. */
  get size(): number {
    return this.n;
  }

  private get cap(): number {
    return this.keys.length;
  }

  /** Offer one cell. */
  offer(score: number, layer: number, feature: number): void {
    // Non-finite scores (NaN, ±inf) rank last: they are data faults, shown as such, never top hits.
    const key = !Number.isFinite(score) ? NaN : this.rank === 'abs' ? Math.abs(score) : score;
    if (this.n < this.cap) {
      this.insert(key, score, layer, feature);
    } else if (this.n > 0 && better(key, layer, feature, this.keys[0], this.layers[0], this.features[0])) {
      this.replaceRoot(key, score, layer, feature);
    }
  }

  /** Offer `values[i]` as cell (layer, featureOffset + i) for every i (the hot loop). */
  offerArray(values: ArrayLike<number>, layer: number, featureOffset = 0): void {
    const cap = this.cap;
    if (cap === 0) return;
    const abs = this.rank === 'abs';
    const len = values.length;
    const keys = this.keys;
    let i = 0;
    for (; i < len && this.n < cap; i++) {
      const v = values[i];
      this.insert(!Number.isFinite(v) ? NaN : abs ? Math.abs(v) : v, v, layer, featureOffset + i);
    }
    for (; i < len; i++) {
      const v = values[i];
      const key = !Number.isFinite(v) ? NaN : abs ? Math.abs(v) : v;
      const rk = keys[0];
      if (key > rk) {
        this.replaceRoot(key, v, layer, featureOffset + i);
      } else if (key < rk) {
        continue;
      } else if (better(key, layer, featureOffset + i, rk, this.layers[0], this.features[0])) {
        // rare: equal keys or a NaN on either side
        this.replaceRoot(key, v, layer, featureOffset + i);
      }
    }
  }

  /** The kept cells, best first. Does not consume the selector. */
  result(): TopKHit[] {
    const idx: number[] = [];
    for (let i = 0; i < this.n; i++) idx.push(i);
    const { keys, layers, features } = this;
    idx.sort((a, b) => {
      if (better(keys[a], layers[a], features[a], keys[b], layers[b], features[b])) return -1;
      if (better(keys[b], layers[b], features[b], keys[a], layers[a], features[a])) return 1;
      return 0;
    });
    return idx.map((i) => ({ layer: layers[i], feature: features[i], score: this.scores[i] }));
  }

  /** True when slot i is worse than slot j. */
  private worse(i: number, j: number): boolean {
    return better(this.keys[j], this.layers[j], this.features[j], this.keys[i], this.layers[i], this.features[i]);
  }

  private swap(i: number, j: number): void {
    const { keys, scores, layers, features } = this;
    let t = keys[i]; keys[i] = keys[j]; keys[j] = t;
    t = scores[i]; scores[i] = scores[j]; scores[j] = t;
    t = layers[i]; layers[i] = layers[j]; layers[j] = t;
    t = features[i]; features[i] = features[j]; features[j] = t;
  }

  private insert(key: number, score: number, layer: number, feature: number): void {
    let i = this.n++;
    this.keys[i] = key;
    this.scores[i] = score;
    this.layers[i] = layer;
    this.features[i] = feature;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.worse(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  private replaceRoot(key: number, score: number, layer: number, feature: number): void {
    this.keys[0] = key;
    this.scores[0] = score;
    this.layers[0] = layer;
    this.features[0] = feature;
    const n = this.n;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const w = r < n && this.worse(r, l) ? r : l;
      if (!this.worse(w, i)) break;
      this.swap(i, w);
      i = w;
    }
  }
}

/**
 * The best k cells of a layer × feature grid (`grid[layer]` is that layer's scores, or null for a
 * layer without features), best first. k larger than the number of cells returns all of them.
 */
export function topK(grid: ReadonlyArray<ArrayLike<number> | null | undefined>, k: number, rank: Rank): TopKHit[] {
  let total = 0;
  for (const row of grid) if (row) total += row.length;
  const sel = new TopKSelector(k, rank, total);
  for (let l = 0; l < grid.length; l++) {
    const row = grid[l];
    if (row) sel.offerArray(row, l);
  }
  return sel.result();
}

/** Indices of the best k entries of `values`, best first (same rules as {@link topK}). */
export function topKVector(values: ArrayLike<number>, k: number, rank: Rank): number[] {
  const sel = new TopKSelector(k, rank, values.length);
  sel.offerArray(values, 0);
  return sel.result().map((h) => h.feature);
}
