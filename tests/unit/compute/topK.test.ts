/**
 * topK / topKVector / TopKSelector against a brute-force reference: sort every cell with the
 * documented rules (key desc, NaN and ±inf last, ties by lower layer then lower feature) and cut at k.
 * Exact comparisons: selection does no arithmetic, so results must match bit for bit.
 */
import { describe, expect, it } from 'vitest';
import { TopKSelector, topK, topKVector, type Rank, type TopKHit } from '../../../src/compute/topK';

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

function reference(grid: (Float32Array | null)[], k: number, rank: Rank): TopKHit[] {
  const cells: TopKHit[] = [];
  grid.forEach((row, layer) => row?.forEach((score, feature) => cells.push({ layer, feature, score })));
  // non-finite scores (NaN, ±inf) rank last, like NaN
  const key = (s: number) => (!Number.isFinite(s) ? NaN : rank === 'abs' ? Math.abs(s) : s);
  cells.sort((a, b) => {
    const ka = key(a.score), kb = key(b.score);
    const an = Number.isNaN(ka), bn = Number.isNaN(kb);
    if (an !== bn) return an ? 1 : -1;
    if (!an && ka !== kb) return ka > kb ? -1 : 1;
    return a.layer - b.layer || a.feature - b.feature;
  });
  return cells.slice(0, Math.max(0, k));
}

/** Same hits (NaN scores compared as NaN). */
function expectSame(got: TopKHit[], want: TopKHit[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect([got[i].layer, got[i].feature]).toEqual([want[i].layer, want[i].feature]);
    expect(Object.is(got[i].score, want[i].score) || got[i].score === want[i].score).toBe(true);
  }
}

describe('topK over a layer × feature grid', () => {
  it('hand-worked: signed vs abs, ties, NaN and ±inf, null and empty layers', () => {
    const grid = [
      new Float32Array([3, -5, NaN]),
      null,
      new Float32Array([]),
      new Float32Array([-Infinity, 5, 3, Infinity]),
    ];
    expect(topK(grid, 10, 'signed')).toEqual([
      { layer: 3, feature: 1, score: 5 },
      { layer: 0, feature: 0, score: 3 }, // tie with L3 F2: lower layer first
      { layer: 3, feature: 2, score: 3 },
      { layer: 0, feature: 1, score: -5 },
      { layer: 0, feature: 2, score: NaN }, // non-finite last, in position order
      { layer: 3, feature: 0, score: -Infinity },
      { layer: 3, feature: 3, score: Infinity },
    ]);
    expect(topK(grid, 10, 'abs')).toEqual([
      { layer: 0, feature: 1, score: -5 }, // |-5| ties 5: lower layer first, sign kept
      { layer: 3, feature: 1, score: 5 },
      { layer: 0, feature: 0, score: 3 },
      { layer: 3, feature: 2, score: 3 },
      { layer: 0, feature: 2, score: NaN },
      { layer: 3, feature: 0, score: -Infinity },
      { layer: 3, feature: 3, score: Infinity },
    ]);
    expect(topK(grid, 2, 'abs').map((h) => h.score)).toEqual([-5, 5]);
    expect(topK(grid, 0, 'signed')).toEqual([]);
    expect(topK(grid, -3, 'signed')).toEqual([]);
    expect(topK([], 5, 'abs')).toEqual([]);
    expect(topK([null, null], 5, 'abs')).toEqual([]);
    expect(topK(grid, 2.9, 'signed').length).toBe(2); // k is floored
  });

  it('non-finite cells only fill the tail, in position order', () => {
    const grid = [new Float32Array([NaN, NaN, -Infinity, NaN, 1])];
    expect(topK(grid, 3, 'signed')).toEqual([
      { layer: 0, feature: 4, score: 1 },
      { layer: 0, feature: 0, score: NaN },
      { layer: 0, feature: 1, score: NaN },
    ]);
  });

  it('matches brute force on random grids with many ties, NaN, ±inf and null layers', () => {
    const rnd = mulberry32(2024);
    const palette = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2.5, -2.5];
    for (let trial = 0; trial < 60; trial++) {
      const layers = 1 + Math.floor(rnd() * 6);
      const grid: (Float32Array | null)[] = [];
      for (let l = 0; l < layers; l++) {
        if (rnd() < 0.2) { grid.push(null); continue; }
        const n = Math.floor(rnd() * 40);
        const row = new Float32Array(n);
        for (let f = 0; f < n; f++) {
          row[f] = rnd() < 0.5 ? palette[Math.floor(rnd() * palette.length)] : Math.round((rnd() - 0.5) * 20) / 4;
        }
        grid.push(row);
      }
      for (const rank of ['signed', 'abs'] as const) {
        for (const k of [1, 3, 17, 1000]) expectSame(topK(grid, k, rank), reference(grid, k, rank));
      }
    }
  });

  it('handles a full-size grid (34 × 10240) and k larger than the count', () => {
    const rnd = mulberry32(7);
    const grid: Float32Array[] = [];
    for (let l = 0; l < 34; l++) {
      const row = new Float32Array(10240);
      for (let f = 0; f < row.length; f++) row[f] = (rnd() - 0.5) * 40;
      grid.push(row);
    }
    for (const rank of ['signed', 'abs'] as const) expectSame(topK(grid, 50, rank), reference(grid, 50, rank));
    const small = [new Float32Array([1, 2]), null, new Float32Array([0.5])];
    expectSame(topK(small, 99, 'signed'), reference(small, 99, 'signed'));
    expect(topK(small, 99, 'signed').length).toBe(3);
  });
});

describe('topKVector', () => {
  it('returns indices under the same rules', () => {
    const v = new Float32Array([0.5, -3, NaN, 3, -Infinity, 0.5]);
    expect(topKVector(v, 10, 'signed')).toEqual([3, 0, 5, 1, 2, 4]);
    expect(topKVector(v, 10, 'abs')).toEqual([1, 3, 0, 5, 2, 4]);
    expect(topKVector(v, 2, 'abs')).toEqual([1, 3]);
    expect(topKVector(new Float32Array(0), 5, 'abs')).toEqual([]);
  });

  it('matches brute force on random vectors', () => {
    const rnd = mulberry32(99);
    for (let trial = 0; trial < 30; trial++) {
      const v = new Float32Array(1 + Math.floor(rnd() * 500));
      for (let i = 0; i < v.length; i++) v[i] = rnd() < 0.05 ? NaN : Math.round((rnd() - 0.5) * 100) / 8;
      for (const rank of ['signed', 'abs'] as const) {
        const k = 1 + Math.floor(rnd() * 60);
        expect(topKVector(v, k, rank)).toEqual(reference([v], k, rank).map((h) => h.feature));
      }
    }
  });
});

describe('TopKSelector', () => {
  it('gives the same result whatever the order of offers', () => {
    const rnd = mulberry32(3);
    const cells: [number, number, number][] = [];
    for (let i = 0; i < 400; i++) cells.push([rnd() < 0.1 ? NaN : Math.round(rnd() * 10), Math.floor(i / 100), i % 100]);
    const a = new TopKSelector(30, 'signed');
    for (const [s, l, f] of cells) a.offer(s, l, f);
    const shuffled = cells.slice();
    for (let i = shuffled.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [shuffled[i], shuffled[j]] = [shuffled[j], shuffled[i]];
    }
    const b = new TopKSelector(30, 'signed');
    for (const [s, l, f] of shuffled) b.offer(s, l, f);
    expect(b.result()).toEqual(a.result());
    const grid = [0, 1, 2, 3].map((l) => new Float32Array(cells.filter((c) => c[1] === l).map((c) => c[0])));
    expectSame(a.result(), reference(grid, 30, 'signed'));
  });
});
