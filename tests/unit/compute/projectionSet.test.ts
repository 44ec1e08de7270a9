import { describe, it, expect } from 'vitest';
import { createProjection, createProjectionSet } from '../../../src/compute/projection';
import { dotNormRows } from '../../../src/compute/matVec';
import { dotNormRowsMulti } from '../../../src/compute/matVecMulti';

/** A deterministic pseudo-random generator (no Math.random: failures must reproduce). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** Half bits of a value exact in f16 (this test's values: quarters in [−1, 1], 0, NaN, ±inf). */
function f32ToF16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a === 0) return sign;
  const e = Math.floor(Math.log2(a));
  return sign | ((e + 15) << 10) | ((a / 2 ** e - 1) * 1024);
}

const bits = (a: Float32Array) => Array.from(new Uint32Array(a.slice().buffer));

/** Random rows: coarse f32 values (many exact ties), or f16 bits of the same values, with NaN and ±inf rows. */
function matrix(rows: number, H: number, dtype: 'f16' | 'f32', seed: number) {
  const rnd = lcg(seed);
  const f = new Float32Array(rows * H).map(() => Math.round((rnd() - 0.5) * 8) / 4);
  if (rows > 12) {
    f.fill(0, 3 * H, 4 * H); // zero row: cosine 0
    f[7 * H] = NaN;
    f[9 * H + 1] = Infinity;
    f[11 * H] = -Infinity;
  }
  return dtype === 'f32' ? f : Uint16Array.from(f, f32ToF16Bits);
}

const vectors = (n: number, H: number, seed: number) => {
  const rnd = lcg(seed);
  return Array.from({ length: n }, () => new Float32Array(H).map(() => Math.round((rnd() - 0.5) * 8) / 4));
};

describe('dotNormRowsMulti', () => {
  it.each(['f16', 'f32'] as const)('%s: every query gets the bits of its own dotNormRows (1–5 queries, rows not a multiple of 3)', (dtype) => {
    const H = 13;
    for (const rows of [0, 1, 2, 4, 17]) {
      const m = matrix(rows, H, dtype, rows + 1);
      for (let n = 1; n <= 5; n++) {
        const qs = vectors(n, H, 100 + n);
        const dots = qs.map(() => new Float32Array(rows));
        const norm = new Float32Array(rows);
        dotNormRowsMulti(m, dtype, rows, H, qs, dots, norm);
        qs.forEach((q, j) => {
          const d = new Float32Array(rows);
          const nn = new Float32Array(rows);
          dotNormRows(m, dtype, rows, H, q, d, nn);
          expect(bits(dots[j]), `${rows} rows, query ${j} of ${n}`).toEqual(bits(d));
          expect(bits(norm)).toEqual(bits(nn));
        });
      }
    }
  });

  it('dots are the exact products of the values (float64 reference on values exact in f32)', () => {
    const H = 5;
    const m = new Float32Array([1, 2, 3, 4, 5, -1, 0.5, 0, 2, -3, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1]);
    const qs = [new Float32Array([1, 0, 0, 0, 0]), new Float32Array([0.5, 0.25, -1, 2, 4])];
    const dots = qs.map(() => new Float32Array(4));
    const norm = new Float32Array(4);
    dotNormRowsMulti(m, 'f32', 4, H, qs, dots, norm);
    // hand-worked: row·q for each row
    expect(Array.from(dots[0])).toEqual([1, -1, 0, 1]);
    expect(Array.from(dots[1])).toEqual([0.5 + 0.5 - 3 + 8 + 20, -0.5 + 0.125 + 0 + 4 - 12, 0, 0.5 + 0.25 - 1 + 2 + 4]);
    expect(Array.from(norm)).toEqual([Math.fround(Math.sqrt(55)), Math.fround(Math.sqrt(14.25)), 0, Math.fround(Math.sqrt(5))]);
  });

  it('rejects mismatched queries and outputs', () => {
    const m = new Float32Array(6);
    expect(() => dotNormRowsMulti(m, 'f32', 2, 3, [new Float32Array(3)], [], new Float32Array(2))).toThrow(RangeError);
    expect(() => dotNormRowsMulti(m, 'f32', 2, 3, [new Float32Array(2)], [new Float32Array(2)], new Float32Array(2))).toThrow(RangeError);
  });
});

describe('createProjectionSet', () => {
  it.each(['f16', 'f32'] as const)('%s: one pass gives each vector exactly its own createProjection lists (ties, NaN, ±inf, blocks in any order)', (dtype) => {
    const H = 11;
    const V = 151;
    const E = matrix(V, H, dtype, 3);
    const vs = vectors(3, H, 9);
    vs.push(vs[0]); // the same vector twice (Says and Hears of a feature whose rows coincide)
    const ks = [5, 0, 40, 1];
    const set = createProjectionSet(vs, H, ks);
    const singles = vs.map((v, j) => createProjection(v, H, ks[j], { cosine: true, low: true }));
    // blocks of 8 rows, fed last first
    const starts: number[] = [];
    for (let first = 0; first < V; first += 8) starts.push(first);
    for (const first of starts.reverse()) {
      const n = Math.min(8, V - first);
      const block = E.subarray(first * H, (first + n) * H);
      set.addBlock(block, dtype, first, n);
      for (const p of singles) p.addBlock(block, dtype, first, n);
    }
    const got = set.results();
    expect(got).toEqual(singles.map((p) => p.result()));
    // independent check of the dot order: these values make every dot exact in f32
    const vals = dtype === 'f32' ? (E as Float32Array) : matrix(V, H, 'f32', 3);
    vs.forEach((v, j) => {
      const d = Array.from({ length: V }, (_, r) => {
        let s = 0;
        for (let h = 0; h < H; h++) s += vals[r * H + h] * v[h];
        return s;
      });
      const key = (x: number) => (Number.isNaN(x) ? -Infinity : x);
      const order = d.map((_, i) => i).filter((i) => !Number.isNaN(d[i]) && Number.isFinite(d[i]))
        .sort((a, b) => key(d[b]) - key(d[a]) || a - b);
      const want = order.slice(0, ks[j]);
      // NaN and ±inf rank last, so with k ≤ finite rows the lists are the finite order
      expect(got[j].byDot.map((h) => h.id), `vector ${j}`).toEqual(want);
      expect(got[j].rowsSeen).toBe(V);
    });
  });

  it('one vector is the plain projection', () => {
    const H = 4;
    const E = matrix(20, H, 'f32', 5);
    const [v] = vectors(1, H, 6);
    const set = createProjectionSet([v], H, [3]);
    const p = createProjection(v, H, 3, { cosine: true, low: true });
    set.addBlock(E, 'f32', 0, 20);
    p.addBlock(E, 'f32', 0, 20);
    expect(set.results()).toEqual([p.result()]);
  });
});
