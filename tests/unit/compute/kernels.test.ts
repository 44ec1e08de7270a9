/**
 * matVec / projection / meanVector / similarity against a float64 reference written here.
 *
 * Test data: a seeded PRNG (mulberry32), f16 matrices encoded by the round-to-nearest-even encoder
 * below and decoded by the independent decoder below; expected values are plain Float64 loops over
 * the decoded values. Nothing expected comes from the code under test.
 *
 * Tolerances. The kernels document that they accumulate each dot product in a double (products of
 * two f32 values are exact in a double) and round once to f32 on store. So
 *   |got − ref| ≤ 2⁻²⁴·|ref|  (final f32 rounding)  +  H·2⁻⁵³·Σ|mᵢqᵢ|  (double accumulation).
 * We allow 2⁻²³·|ref| + 1e-12·Σ|mᵢqᵢ| (twice the rounding term, and the accumulation term with
 * H ≤ 4096 is < 5e-13·Σ). A cosine is a quotient of an f32-rounded dot and an f32-rounded norm,
 * divided and rounded again: ≤ 3 roundings of 2⁻²⁴ relative each, so we allow 2⁻²¹·|ref| plus the
 * accumulation term divided by the denominator. Norms: one f32 rounding of a sqrt of a
 * double-accumulated sum, 2⁻²³ relative. If a kernel ever switches to f32 accumulation these bounds
 * must widen to the classic γ_H ≈ H·2⁻²⁴·Σ|mᵢqᵢ|.
 */
import { describe, expect, it } from 'vitest';
import { cosineRows, dotNormRows, dotRows, normsRows, viewRows, vectorNorm } from '../../../src/compute/matVec';
import { createProjection } from '../../../src/compute/projection';
import { meanOfRows } from '../../../src/compute/meanVector';
import { cosineAgainstRows, nearestRows } from '../../../src/compute/similarity';
import { halfBitsToNumber } from '../../../src/compute/f16table';

// ------------------------------------------------------------------------------------------ helpers

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Roughly normal N(0, sd) from the PRNG (Irwin–Hall with 4 terms). */
function gauss(rnd: () => number, sd: number): number {
  return (rnd() + rnd() + rnd() + rnd() - 2) * sd * Math.sqrt(3);
}

function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** number → IEEE binary16 bits, round to nearest even (test-local, independent of src). */
function toHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  let a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundHalfEven(a * 2 ** 24); // subnormal (1024 → smallest normal)
  let e = 0;
  while (a >= 2) { a /= 2; e++; }
  while (a < 1) { a *= 2; e--; }
  let m = roundHalfEven((a - 1) * 1024);
  if (m === 1024) { m = 0; e++; }
  if (e + 15 >= 31) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}

/** IEEE binary16 bits → number (test-local). */
function fromHalf(b: number): number {
  const s = b & 0x8000 ? -1 : 1;
  const e = (b >> 10) & 31;
  const m = b & 1023;
  if (e === 31) return m ? NaN : s * Infinity;
  if (e === 0) return s * m * Math.pow(2, -24);
  return s * Math.pow(2, e - 15) * (1 + m / 1024);
}

interface Mat {
  f16: Uint16Array;
  f32: Float32Array;
  /** the exact values the f16 matrix holds */
  v16: Float64Array;
  /** the exact values the f32 matrix holds */
  v32: Float64Array;
}

function randomMatrix(rnd: () => number, rows: number, H: number, sd = 0.05): Mat {
  const n = rows * H;
  const f16 = new Uint16Array(n);
  const f32 = new Float32Array(n);
  const v16 = new Float64Array(n);
  const v32 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = gauss(rnd, sd);
    f16[i] = toHalf(x);
    v16[i] = fromHalf(f16[i]);
    f32[i] = x;
    v32[i] = f32[i];
  }
  return { f16, f32, v16, v32 };
}

function randomVector(rnd: () => number, H: number, sd = 1): Float32Array {
  const q = new Float32Array(H);
  for (let h = 0; h < H; h++) q[h] = gauss(rnd, sd);
  return q;
}

/** float64 reference: dot, Σ|m q|, norm per row. */
function refRows(vals: Float64Array, rows: number, H: number, q: Float32Array) {
  const dot: number[] = [];
  const absSum: number[] = [];
  const norm: number[] = [];
  for (let r = 0; r < rows; r++) {
    let d = 0, a = 0, n = 0;
    for (let h = 0; h < H; h++) {
      const x = vals[r * H + h];
      d += x * q[h];
      a += Math.abs(x * q[h]);
      n += x * x;
    }
    dot.push(d);
    absSum.push(a);
    norm.push(Math.sqrt(n));
  }
  return { dot, absSum, norm };
}

function refNorm(q: Float32Array): number {
  let s = 0;
  for (const x of q) s += x * x;
  return Math.sqrt(s);
}

const U = 2 ** -24;

// ------------------------------------------------------------------------------------------ tests

describe('f16 encoder/decoder sanity (test helpers against known bit patterns)', () => {
  it('round trips known values and rounds half to even', () => {
    expect(toHalf(1)).toBe(0x3c00);
    expect(toHalf(-2)).toBe(0xc000);
    expect(toHalf(65504)).toBe(0x7bff);
    expect(toHalf(65520)).toBe(0x7c00); // halfway to 2^16 rounds up to inf
    expect(toHalf(2 ** -24)).toBe(0x0001);
    expect(toHalf(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and 1+2^-10: even is 1
    expect(toHalf(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway between 1+2^-10 and 1+2^-9: even
    expect(fromHalf(0x3555)).toBeCloseTo(0.33325195, 7);
    for (let b = 0; b < 65536; b += 7) {
      const x = fromHalf(b);
      if (!Number.isNaN(x)) expect(toHalf(x)).toBe(b === 0x8000 ? 0x8000 : b);
    }
  });

  it('the kernel table decoder agrees with the test decoder on all 65536 patterns', () => {
    for (let b = 0; b < 65536; b++) {
      const a = halfBitsToNumber(b);
      const e = fromHalf(b);
      if (Number.isNaN(e)) expect(a).toBeNaN();
      else expect(Object.is(a, e) || a === e).toBe(true);
    }
  });
});

describe('dotRows / normsRows / cosineRows', () => {
  // odd sizes exercise the 6-row (and 3-row) blocking tails
  const shapes: [number, number][] = [[1, 1], [5, 7], [6, 16], [13, 64], [37, 257], [12, 2560]];
  for (const [rows, H] of shapes) {
    for (const dtype of ['f16', 'f32'] as const) {
      it(`${dtype} ${rows}×${H} matches the float64 reference`, () => {
        const rnd = mulberry32(rows * 1000 + H + (dtype === 'f16' ? 1 : 2));
        const m = randomMatrix(rnd, rows, H);
        const q = randomVector(rnd, H);
        const data = dtype === 'f16' ? m.f16 : m.f32;
        const vals = dtype === 'f16' ? m.v16 : m.v32;
        const ref = refRows(vals, rows, H, q);
        const qn = refNorm(q);

        const dot = new Float32Array(rows);
        dotRows(data, dtype, rows, H, q, dot);
        const norms = new Float32Array(rows);
        normsRows(data, dtype, rows, H, norms);
        const cos = new Float32Array(rows);
        cosineRows(data, dtype, rows, H, q, cos);
        const cos2 = new Float32Array(rows);
        cosineRows(data, dtype, rows, H, q, cos2, norms);
        const d2 = new Float32Array(rows);
        const n2 = new Float32Array(rows);
        dotNormRows(data, dtype, rows, H, q, d2, n2);

        for (let r = 0; r < rows; r++) {
          const tolDot = 2 * U * Math.abs(ref.dot[r]) + 1e-12 * ref.absSum[r];
          expect(Math.abs(dot[r] - ref.dot[r])).toBeLessThanOrEqual(tolDot);
          expect(Math.abs(d2[r] - ref.dot[r])).toBeLessThanOrEqual(tolDot);
          expect(Math.abs(norms[r] - ref.norm[r])).toBeLessThanOrEqual(2 * U * ref.norm[r]);
          expect(n2[r]).toBe(norms[r]);
          const den = ref.norm[r] * qn + 1e-8;
          const refCos = ref.dot[r] / den;
          const tolCos = 8 * U * Math.abs(refCos) + (1e-12 * ref.absSum[r]) / den;
          expect(Math.abs(cos[r] - refCos)).toBeLessThanOrEqual(tolCos);
          expect(Math.abs(cos2[r] - refCos)).toBeLessThanOrEqual(tolCos);
        }
      });
    }
  }

  it('places the cosine epsilon exactly: dot / (‖row‖·‖q‖ + 1e-8)', () => {
    // row = [1e-4], q = [1e-4]: ‖row‖‖q‖ ≈ 1e-8, so cos ≈ 1e-8 / 2e-8 = 0.5, not 1
    const row = new Float32Array([1e-4, 0]);
    const q = new Float32Array([1e-4, 0]);
    const out = new Float32Array(1);
    cosineRows(row, 'f32', 1, 2, q, out);
    const x = row[0] * q[0]; // both f32-exact values, product in double
    expect(out[0]).toBeCloseTo(x / (x + 1e-8), 6);
    expect(out[0]).toBeCloseTo(0.5, 3);
    // same with precomputed row norms
    const rn = new Float32Array(1);
    normsRows(row, 'f32', 1, 2, rn);
    cosineRows(row, 'f32', 1, 2, q, out, rn);
    expect(out[0]).toBeCloseTo(x / (x + 1e-8), 6);
    // and through a projection's cosine list
    const p = createProjection(q, 2, 1, { cosine: true });
    p.addBlock(row, 'f32', 0, 1);
    expect(p.result().byCos[0].score).toBeCloseTo(x / (x + 1e-8), 6);
    // zero row → 0, not NaN
    cosineRows(new Float32Array(2), 'f32', 1, 2, q, out);
    expect(out[0]).toBe(0);
  });

  it('NaN and Infinity flow through as NaN / Infinity', () => {
    const H = 8;
    const bits = new Uint16Array(4 * H); // rows all +0
    for (let h = 0; h < H; h++) bits[h] = toHalf(1); // row 0: ones
    bits[H + 3] = 0x7e00; // row 1: a NaN
    bits[2 * H + 5] = 0x7c00; // row 2: +inf
    bits[3 * H + 1] = 0xfc00; // row 3: -inf
    const q = new Float32Array(H).fill(0.5);
    const dot = new Float32Array(4);
    dotRows(bits, 'f16', 4, H, q, dot);
    expect(dot[0]).toBe(4);
    expect(dot[1]).toBeNaN();
    expect(dot[2]).toBe(Infinity);
    expect(dot[3]).toBe(-Infinity);
    const norms = new Float32Array(4);
    normsRows(bits, 'f16', 4, H, norms);
    expect(norms[1]).toBeNaN();
    expect(norms[2]).toBe(Infinity);
    const cos = new Float32Array(4);
    cosineRows(bits, 'f16', 4, H, q, cos);
    expect(cos[0]).toBeCloseTo(1, 6);
    expect(cos[1]).toBeNaN();
    expect(cos[2]).toBeNaN(); // inf / inf
    // inf × 0 in the query → NaN
    const q0 = new Float32Array(H).fill(0.5);
    q0[5] = 0;
    dotRows(bits, 'f16', 4, H, q0, dot);
    expect(dot[2]).toBeNaN();
    // NaN in the query poisons every row
    const qn = new Float32Array(H).fill(1);
    qn[0] = NaN;
    dotRows(bits, 'f16', 4, H, qn, dot);
    for (const x of dot) expect(x).toBeNaN();
  });

  it('rejects mismatched dtype and short buffers', () => {
    const q = new Float32Array(4);
    expect(() => dotRows(new Float32Array(8), 'f16', 2, 4, q, new Float32Array(2))).toThrow(TypeError);
    expect(() => dotRows(new Uint16Array(7), 'f16', 2, 4, q, new Float32Array(2))).toThrow(RangeError);
    expect(() => dotRows(new Uint16Array(8), 'f16', 2, 4, q, new Float32Array(1))).toThrow(RangeError);
    expect(() => dotRows(new Uint16Array(8), 'f16', 2, 4, new Float32Array(3), new Float32Array(2))).toThrow(RangeError);
  });

  it('viewRows reads little-endian bytes, copying only when misaligned', () => {
    const buf = new ArrayBuffer(11);
    const u8 = new Uint8Array(buf);
    // f16 1.0 = 0x3c00 at byte offset 1 (misaligned) and 2.0 = 0x4000
    u8.set([0x00, 0x3c, 0x00, 0x40], 1);
    const v = viewRows(new Uint8Array(buf, 1, 4), 'f16') as Uint16Array;
    expect(Array.from(v)).toEqual([0x3c00, 0x4000]);
    const aligned = viewRows(new Uint8Array(buf, 2, 4), 'f16');
    expect(aligned.buffer).toBe(buf);
    const f = new Float32Array([1.5, -2]);
    const fv = viewRows(new Uint8Array(f.buffer), 'f32');
    expect(Array.from(fv)).toEqual([1.5, -2]);
    expect(() => viewRows(new Uint8Array(6), 'f32')).toThrow(RangeError);
  });

  it('vectorNorm matches the reference', () => {
    const q = randomVector(mulberry32(9), 1000);
    expect(Math.abs(vectorNorm(q) - refNorm(q))).toBeLessThanOrEqual(1e-12 * refNorm(q));
  });
});

// ------------------------------------------------------------------------------------------ projection

interface Ranked { id: number; score: number }

/** Reference top-k: descending score, lower id on ties, NaN last. */
function refTop(scores: number[], k: number): Ranked[] {
  const all = scores.map((score, id) => ({ id, score }));
  all.sort((a, b) => {
    const an = Number.isNaN(a.score), bn = Number.isNaN(b.score);
    if (an !== bn) return an ? 1 : -1;
    if (!an && a.score !== b.score) return b.score - a.score;
    return a.id - b.id;
  });
  return all.slice(0, k);
}

describe('createProjection', () => {
  for (const dtype of ['f16', 'f32'] as const) {
    it(`${dtype}: shuffled irregular blocks equal the one-shot float64 reference`, () => {
      const rnd = mulberry32(dtype === 'f16' ? 77 : 78);
      const V = 1500, H = 96, k = 25;
      const m = randomMatrix(rnd, V, H);
      const data = dtype === 'f16' ? m.f16 : m.f32;
      const vals = dtype === 'f16' ? m.v16 : m.v32;
      const v = randomVector(rnd, H);
      const ref = refRows(vals, V, H, v);
      const vn = refNorm(v);
      const refCos = ref.dot.map((d, t) => d / (ref.norm[t] * vn + 1e-8));
      const topDot = refTop(ref.dot, k);
      const topCos = refTop(refCos, k);
      // precondition: reference ranks are separated by more than the kernels' error, so the
      // expected order is unambiguous (k+1 to include the boundary)
      for (const [scores, top] of [[ref.dot, refTop(ref.dot, k + 1)], [refCos, refTop(refCos, k + 1)]] as const) {
        for (let i = 1; i < top.length; i++) expect(top[i - 1].score - top[i].score).toBeGreaterThan(1e-5);
        expect(scores.length).toBe(V);
      }

      // irregular block sizes, delivered out of order
      const blocks: [number, number][] = [];
      const sizes = [1, 7, 300, 13, 6, 5, 128, 511];
      for (let first = 0, i = 0; first < V; i++) {
        const n = Math.min(sizes[i % sizes.length], V - first);
        blocks.push([first, n]);
        first += n;
      }
      for (let i = blocks.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [blocks[i], blocks[j]] = [blocks[j], blocks[i]];
      }
      const p = createProjection(v, H, k, { cosine: true });
      for (const [first, n] of blocks) {
        // each block is its own buffer, as a fetch would deliver it
        const block = data.slice(first * H, (first + n) * H);
        p.addBlock(block, dtype, first, n);
      }
      const res = p.result();
      expect(res.rowsSeen).toBe(V);
      expect(res.byDot.map((h) => h.id)).toEqual(topDot.map((h) => h.id));
      expect(res.byCos.map((h) => h.id)).toEqual(topCos.map((h) => h.id));
      for (let i = 0; i < k; i++) {
        const t = topDot[i].id;
        expect(Math.abs(res.byDot[i].score - ref.dot[t])).toBeLessThanOrEqual(2 * U * Math.abs(ref.dot[t]) + 1e-12 * ref.absSum[t]);
        const c = topCos[i].id;
        expect(Math.abs(res.byCos[i].score - refCos[c])).toBeLessThanOrEqual(8 * U * Math.abs(refCos[c]) + 1e-9);
      }

      // one block with everything gives bit-identical results (row results do not depend on blocking)
      const one = createProjection(v, H, k, { cosine: true });
      one.addBlock(data, dtype, 0, V);
      expect(one.result()).toEqual(res);
    });
  }

  it('without cosine returns an empty byCos; k larger than the vocabulary returns all rows', () => {
    const rnd = mulberry32(5);
    const V = 10, H = 4;
    const m = randomMatrix(rnd, V, H);
    const v = randomVector(rnd, H);
    const p = createProjection(v, H, 100, { cosine: false });
    p.addBlock(m.f32.subarray(0, 4 * H), 'f32', 0, 4);
    p.addBlock(m.f32.subarray(4 * H), 'f32', 4, 6);
    const r = p.result();
    expect(r.byCos).toEqual([]);
    expect(r.byDot.map((h) => h.id)).toEqual(refTop(refRows(m.v32, V, H, v).dot, 100).map((h) => h.id));
    expect(r.byDot.length).toBe(V);
  });

  it('ties rank the lower token id first, NaN rows last, across blocks in any order', () => {
    const H = 2;
    // rows: 0:[1,0] 1:[2,0] 2:[NaN,0] 3:[2,0] 4:[1,0] 5:[2,0]; v = [1, 0]
    const rows = new Float32Array([1, 0, 2, 0, NaN, 0, 2, 0, 1, 0, 2, 0]);
    const v = new Float32Array([1, 0]);
    const p = createProjection(v, H, 6, { cosine: true });
    p.addBlock(rows.slice(6), 'f32', 3, 3);
    p.addBlock(rows.slice(0, 6), 'f32', 0, 3);
    const r = p.result();
    expect(r.byDot.map((h) => h.id)).toEqual([1, 3, 5, 0, 4, 2]);
    expect(r.byDot[5].score).toBeNaN();
    // all finite rows have cosine ≈ 1: equal in f32, so plain id order, NaN last
    expect(r.byCos.map((h) => h.id)).toEqual([0, 1, 3, 4, 5, 2]);
  });
});

// ------------------------------------------------------------------------------------------ mean

describe('meanOfRows', () => {
  for (const dtype of ['f16', 'f32'] as const) {
    it(`${dtype}: mean of scale·row with duplicates counted`, () => {
      const rnd = mulberry32(dtype === 'f16' ? 11 : 12);
      const H = 2560;
      const m = randomMatrix(rnd, 3, H);
      const data = dtype === 'f16' ? m.f16 : m.f32;
      const vals = dtype === 'f16' ? m.v16 : m.v32;
      const row = (r: number) => data.subarray(r * H, (r + 1) * H);
      const scale = Math.sqrt(2560);
      // "the cat the": row 0 twice
      const q = meanOfRows([row(0), row(1), row(0)], dtype, H, scale);
      for (let h = 0; h < H; h++) {
        const ref = (scale * (2 * vals[h] + vals[H + h])) / 3;
        // one f32 rounding of a double computation of 4 operations
        expect(Math.abs(q[h] - ref)).toBeLessThanOrEqual(2 * U * Math.abs(ref) + 1e-15);
      }
    });
  }

  it('no rows gives the zero vector; NaN flows', () => {
    expect(Array.from(meanOfRows([], 'f32', 3, 2))).toEqual([0, 0, 0]);
    const q = meanOfRows([new Uint16Array([0x3c00, 0x7e00])], 'f16', 2, 2);
    expect(q[0]).toBe(2);
    expect(q[1]).toBeNaN();
  });
});

// ------------------------------------------------------------------------------------------ similarity

describe('cosineAgainstRows / nearestRows', () => {
  it('cosine of every row against one vector, and the nearest k excluding itself', () => {
    const rnd = mulberry32(31);
    const rows = 200, H = 48;
    const m = randomMatrix(rnd, rows, H);
    const self = 17;
    const v = new Float32Array(m.v16.subarray(self * H, (self + 1) * H)); // f16 values are f32-exact
    const ref = refRows(m.v16, rows, H, v);
    const vn = refNorm(v);
    const refCos = ref.dot.map((d, r) => d / (ref.norm[r] * vn + 1e-8));
    const cos = cosineAgainstRows(m.f16, 'f16', rows, H, v);
    for (let r = 0; r < rows; r++) {
      expect(Math.abs(cos[r] - refCos[r])).toBeLessThanOrEqual(8 * U * Math.abs(refCos[r]) + 1e-9);
    }
    expect(cos[self]).toBeCloseTo(1, 6);
    const norms = new Float32Array(rows);
    normsRows(m.f16, 'f16', rows, H, norms);
    const near = nearestRows(m.f16, 'f16', rows, H, v, 5, { exclude: self, rowNorms: norms });
    const expected = refTop(refCos.map((c, r) => (r === self ? NaN : c)), 5);
    expect(near.map((n) => n.feature)).toEqual(expected.map((e) => e.id));
    expect(near.length).toBe(5);
  });
});
