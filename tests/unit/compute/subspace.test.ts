// Subspace and row similarity against float64 references written here: modified Gram–Schmidt with a
// second orthogonalisation pass on explicit rows, Q_A Q_Bᵀ formed element by element, and cosines
// summed in plain doubles. None of it shares code with src/compute.
import { describe, expect, test } from 'vitest';
import { subspaceSimilarity, subspaceSimilarityF64, leadingK, pivotedCholesky, gramProduct } from '../../../src/compute/subspace';
import { pairedRows, mostMoved } from '../../../src/compute/rowSimilarity';
import { halfToNumber } from '../engine/helpers';

function rng(seed: number) {
  let a = seed >>> 0;
  const u = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { u, n: () => Math.sqrt(-2 * Math.log(u() || 1e-12)) * Math.cos(2 * Math.PI * u()) };
}

/** k random rows of width H as number[][] (f32-representable, so a Float32Array holds them exactly). */
function randomRows(seed: number, k: number, H: number): number[][] {
  const r = rng(seed);
  return Array.from({ length: k }, () => Array.from({ length: H }, () => Math.fround(r.n())));
}
const f32 = (rows: number[][]) => Float32Array.from(rows.flat());

/** Reference: orthonormal basis of the rows by MGS, twice; rows whose residual is below 1e-6 of their norm are dropped. */
function mgsBasis(rows: number[][]): number[][] {
  const basis: number[][] = [];
  for (const row of rows) {
    if (row.some((x) => !Number.isFinite(x))) continue;
    const v = row.slice();
    const n0 = Math.hypot(...row);
    for (let pass = 0; pass < 2; pass++) {
      for (const q of basis) {
        let d = 0;
        for (let h = 0; h < v.length; h++) d += q[h] * v[h];
        for (let h = 0; h < v.length; h++) v[h] -= d * q[h];
      }
    }
    const n = Math.hypot(...v);
    if (n0 === 0 || n <= 1e-6 * n0) continue;
    basis.push(v.map((x) => x / n));
  }
  return basis;
}

/** Reference: ‖Q_A Q_Bᵀ‖_F² / min(rank A, rank B). */
function refSimilarity(a: number[][], b: number[][]): { value: number; rankA: number; rankB: number } {
  const qa = mgsBasis(a);
  const qb = mgsBasis(b);
  let s = 0;
  for (const x of qa) {
    for (const y of qb) {
      let d = 0;
      for (let h = 0; h < x.length; h++) d += x[h] * y[h];
      s += d * d;
    }
  }
  return { value: s / Math.min(qa.length, qb.length), rankA: qa.length, rankB: qb.length };
}

describe('subspace similarity', () => {
  test('matches the MGS reference on unrelated random rows, and averages to k/H', () => {
    const H = 64, k = 8;
    let mean = 0;
    const seeds = 24;
    for (let s = 0; s < seeds; s++) {
      const a = randomRows(100 + s, k, H);
      const b = randomRows(500 + s, k, H);
      const got = subspaceSimilarity(f32(a), 'f32', k, f32(b), 'f32', k, H);
      const want = refSimilarity(a, b);
      expect(got.similarity).toBeCloseTo(want.value, 10);
      expect([got.rankA, got.rankB]).toEqual([k, k]);
      mean += got.similarity / seeds;
    }
    // E‖Q_AᵀQ_B‖²/k = k/H exactly for random subspaces; 24 draws keep the mean within a few hundredths.
    expect(Math.abs(mean - k / H)).toBeLessThan(0.04);
  });

  test('is 1 for the same rows, for rows permuted with flipped signs, and for any invertible mix of them', () => {
    const H = 40, k = 12;
    const a = randomRows(7, k, H);
    const perm = [5, 0, 11, 3, 8, 1, 10, 2, 7, 4, 9, 6];
    const flipped = perm.map((p, i) => a[p].map((x) => (i % 3 === 0 ? -x : x)));
    const r = rng(9);
    const mixed = a.map(() => {
      const w = a.map(() => r.n());
      return Array.from({ length: H }, (_, h) => Math.fround(w.reduce((s, wi, i) => s + wi * a[i][h], 0)));
    });
    expect(subspaceSimilarity(f32(a), 'f32', k, f32(a), 'f32', k, H).similarity).toBeCloseTo(1, 12);
    expect(subspaceSimilarity(f32(a), 'f32', k, f32(flipped), 'f32', k, H).similarity).toBeCloseTo(1, 12);
    // f32 rounding of the mixed rows moves the span by ~1e-7
    expect(subspaceSimilarity(f32(a), 'f32', k, f32(mixed), 'f32', k, H).similarity).toBeCloseTo(1, 5);
  });

  test('partial overlap, different row counts, and f16 against f32 match the reference', () => {
    const H = 48;
    const shared = randomRows(21, 5, H);
    const a = [...shared, ...randomRows(22, 5, H)];
    const b = [...randomRows(23, 3, H), ...shared];
    const got = subspaceSimilarity(f32(a), 'f32', 10, f32(b), 'f32', 8, H);
    const want = refSimilarity(a, b);
    expect(got.similarity).toBeCloseTo(want.value, 10);
    expect(want.value).toBeGreaterThan(0.6); // 5 shared directions out of min(10, 8)
    // f16 rows: random normal half bit patterns, decoded by the tests' own decoder for the reference
    const r = rng(31);
    const bits = Uint16Array.from({ length: 6 * H }, () => ((r.u() < 0.5 ? 0x8000 : 0) | ((10 + Math.floor(r.u() * 8)) << 10) | Math.floor(r.u() * 1024)));
    const halfRows = Array.from({ length: 6 }, (_, i) => Array.from(bits.subarray(i * H, (i + 1) * H), halfToNumber));
    const mixed = subspaceSimilarity(bits, 'f16', 6, f32(a), 'f32', 10, H);
    expect(mixed.similarity).toBeCloseTo(refSimilarity(halfRows, a).value, 10);
  });

  test('dependent, zero and non-finite rows are left out of the basis', () => {
    const H = 16;
    const base = randomRows(41, 4, H);
    const zero = new Array(H).fill(0);
    const nan = base[0].map((x, i) => (i === 3 ? NaN : x));
    const a = [base[0], base[1], base[0].map((x) => 2 * x), zero, base[2], base[3], nan];
    const got = subspaceSimilarity(f32(a), 'f32', a.length, f32(base), 'f32', 4, H);
    expect(got.rankA).toBe(4);
    expect(got.skippedA).toBe(1);
    expect(got.similarity).toBeCloseTo(1, 10);
    expect(refSimilarity(a, base).rankA).toBe(4);
    expect(subspaceSimilarity(f32([zero]), 'f32', 1, f32(base), 'f32', 4, H).similarity).toBeNaN();
  });

  test('the pivoted Cholesky factor reproduces the Gram matrix of the pivot rows', () => {
    const H = 20, k = 7;
    const a = randomRows(51, k, H);
    const X = Float64Array.from(a.flat());
    const G = gramProduct(X, k, X, k, H, true);
    const { rank, order, R } = pivotedCholesky(G, k);
    expect(rank).toBe(k);
    for (let i = 0; i < k; i++) {
      for (let j = 0; j < k; j++) {
        let s = 0;
        for (let c = 0; c < k; c++) s += R[i * k + c] * R[j * k + c];
        let g = 0;
        for (let h = 0; h < H; h++) g += a[order[i]][h] * a[order[j]][h];
        expect(s).toBeCloseTo(g, 9);
      }
    }
    expect(subspaceSimilarityF64(X, k, X, k, H).similarity).toBeCloseTo(1, 12);
  });

  test('k = min(F_A, F_B, ⌊H/2⌋, 256)', () => {
    expect(leadingK(128, 128, 4096)).toBe(128); // Qwen3-8B compact
    expect(leadingK(10240, 10240, 2560)).toBe(256); // Gemma-3-4B neurons
    expect(leadingK(8, 8, 32)).toBe(8);
    expect(leadingK(24, 30, 32)).toBe(16);
    expect(leadingK(0, 8, 32)).toBe(0);
  });
});

describe('row similarity', () => {
  test('mean cosine, norms and relative change match a float64 reference; NaN rows are skipped', () => {
    const H = 24, F = 10;
    const a = randomRows(61, F, H);
    const r = rng(62);
    const b = a.map((row, f) => row.map((x) => Math.fround(f === 4 ? r.n() : f === 7 ? -x : x + 0.1 * r.n())));
    b[9][2] = NaN;
    const got = pairedRows(f32(a), 'f32', f32(b), 'f32', F, H);
    let sum = 0;
    for (let f = 0; f < F; f++) {
      let d = 0, na = 0, nb = 0, diff = 0;
      for (let h = 0; h < H; h++) {
        d += a[f][h] * b[f][h];
        na += a[f][h] ** 2;
        nb += b[f][h] ** 2;
        diff += (b[f][h] - a[f][h]) ** 2;
      }
      const c = d / (Math.sqrt(na) * Math.sqrt(nb) + 1e-8);
      if (f === 9) {
        expect(got.cos[f]).toBeNaN();
        continue;
      }
      expect(got.cos[f]).toBeCloseTo(c, 12);
      expect(got.normA[f]).toBeCloseTo(Math.sqrt(na), 12);
      expect(got.relChange[f]).toBeCloseTo(Math.sqrt(diff) / Math.sqrt(na), 9);
      sum += c;
    }
    expect(got.skipped).toBe(1);
    expect(got.mean).toBeCloseTo(sum / 9, 12);
    expect(got.cos[7]).toBeCloseTo(-1, 8); // the 1e-8 epsilon of every cosine
    // moved most: the sign-flipped row, then the replaced one; the NaN row last
    const moved = mostMoved(got.cos, F);
    expect(moved.slice(0, 2)).toEqual([7, 4]);
    expect(moved[F - 1]).toBe(9);
  });

  test('identical f16 and f32 copies of the same values have similarity 1', () => {
    const H = 8;
    const bits = Uint16Array.from([0x3c00, 0x4000, 0xbc00, 0x3800, 0x0001, 0x7bff, 0x3555, 0xc200, 0x3c00, 0, 0, 0, 0, 0, 0, 0x8001]);
    const vals = Float32Array.from(bits, halfToNumber);
    const got = pairedRows(bits, 'f16', vals, 'f32', 2, H);
    expect(got.cos[0]).toBeCloseTo(1, 12);
    expect(got.cos[1]).toBeCloseTo(1, 6); // subnormal magnitudes: the 1e-8 epsilon is visible
    expect(got.relChange[0]).toBe(0);
  });
});
