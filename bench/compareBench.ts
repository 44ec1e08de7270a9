/**
 * Vindex comparison maths benchmark (one thread, synthetic f16 data, no I/O): the subspace
 * similarity of one layer's k leading gate rows of two vindexes, as src/compute/subspace.ts computes
 * it (pivoted Cholesky on f64 Gram matrices), against the textbook baseline measured in the same run:
 * modified Gram–Schmidt with a second orthogonalisation pass on explicit f64 rows, then Q_A Q_Bᵀ.
 * Also the paired row cosines of one full layer (row similarity). Both results are checked against
 * each other, so a fast wrong answer cannot pass.
 *
 * Shapes: Qwen3-8B compact (k = 128, H = 4096) and a Gemma-3-4B layer (k = 256 of 10240 rows, H = 2560).
 */
import { subspaceSimilarity, finiteRowsF64 } from '../src/compute/subspace';
import { pairedRows } from '../src/compute/rowSimilarity';

export interface CompareBenchResult {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
}

function halfRows(n: number, seed: number): Uint16Array {
  let x = seed >>> 0 || 1;
  const out = new Uint16Array(n);
  for (let i = 0; i < n; i++) {
    x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    // sign, exponent 8..15 (values 2⁻⁷…1.99), random mantissa: weight-like magnitudes
    out[i] = (x & 0x8000) | ((8 + ((x >>> 16) & 7)) << 10) | ((x >>> 5) & 0x3ff);
  }
  return out;
}

/** Rows [0, k) of the f16 layer starting at byte `offset` of a file's bytes, decoded to f64 with our own table. */
export function decodeLayerF64(buf: Uint8Array, offset: number, k: number, H: number): Float64Array {
  const bits = new Uint16Array(buf.buffer.slice(buf.byteOffset + offset, buf.byteOffset + offset + k * H * 2));
  return finiteRowsF64(bits, 'f16', k, H).data;
}

/** Baseline: explicit MGS (two passes) on f64 rows, Q_A Q_Bᵀ, squared Frobenius norm / min rank. */
export function mgsSimilarity(A: Float64Array, B: Float64Array, k: number, H: number): number {
  const basis = (X: Float64Array) => {
    const Q = new Float64Array(k * H);
    let r = 0;
    for (let i = 0; i < k; i++) {
      const v = X.slice(i * H, (i + 1) * H);
      let n0 = 0;
      for (let h = 0; h < H; h++) n0 += v[h] * v[h];
      for (let pass = 0; pass < 2; pass++) {
        for (let j = 0; j < r; j++) {
          let d = 0;
          for (let h = 0; h < H; h++) d += Q[j * H + h] * v[h];
          for (let h = 0; h < H; h++) v[h] -= d * Q[j * H + h];
        }
      }
      let n = 0;
      for (let h = 0; h < H; h++) n += v[h] * v[h];
      if (n <= 1e-12 * n0) continue;
      const s = 1 / Math.sqrt(n);
      for (let h = 0; h < H; h++) Q[r * H + h] = v[h] * s;
      r++;
    }
    return { Q, r };
  };
  const a = basis(A);
  const b = basis(B);
  let sum = 0;
  for (let i = 0; i < a.r; i++) {
    for (let j = 0; j < b.r; j++) {
      let d = 0;
      for (let h = 0; h < H; h++) d += a.Q[i * H + h] * b.Q[j * H + h];
      sum += d * d;
    }
  }
  return sum / Math.min(a.r, b.r);
}

function median(xs: number[]): number {
  const s = xs.slice().sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)];
}

function time(fn: () => void, runs: number): number {
  fn(); // warm-up
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  return median(t);
}

/** Runs the cases; ~10 s on a 2-core machine. */
export function runCompareBench(): CompareBenchResult[] {
  const out: CompareBenchResult[] = [];
  for (const [label, k, H, runs] of [['Qwen3-8B compact', 128, 4096, 5], ['Gemma-3-4B', 256, 2560, 3]] as const) {
    const A = halfRows(k * H, 11);
    const B = halfRows(k * H, 29);
    let fast = 0;
    let slow = 0;
    const ms = time(() => {
      fast = subspaceSimilarity(A, 'f16', k, B, 'f16', k, H).similarity;
    }, runs);
    const base = time(() => {
      slow = mgsSimilarity(finiteRowsF64(A, 'f16', k, H).data, finiteRowsF64(B, 'f16', k, H).data, k, H);
    }, runs);
    if (!(Math.abs(fast - slow) < 1e-9)) throw new Error(`subspace similarity ${label}: ${fast} vs MGS ${slow}`);
    out.push({ name: `subspace similarity, one layer, k=${k} H=${H} (${label}), ms`, value: ms, unit: 'ms', baseline: base });
  }
  // Row similarity of a full Gemma-size layer (10240 × 2560 f16 on both sides).
  const F = 10240, H = 2560;
  const A = halfRows(F * H, 5);
  const B = halfRows(F * H, 7);
  const ms = time(() => void pairedRows(A, 'f16', B, 'f16', F, H), 3);
  const naive = time(() => {
    const a = finiteRowsF64(A, 'f16', F, H).data;
    const b = finiteRowsF64(B, 'f16', F, H).data;
    let s = 0;
    for (let f = 0; f < F; f++) {
      let d = 0, na = 0, nb = 0;
      for (let h = 0; h < H; h++) {
        const x = a[f * H + h], y = b[f * H + h];
        d += x * y; na += x * x; nb += y * y;
      }
      s += d / (Math.sqrt(na) * Math.sqrt(nb) + 1e-8);
    }
    if (!Number.isFinite(s)) throw new Error('row similarity baseline produced a non-finite mean');
  }, 3);
  out.push({ name: `row similarity, one layer ${F}×${H} f16 (Gemma-3-4B), ms`, value: ms, unit: 'ms', baseline: naive });
  return out;
}
