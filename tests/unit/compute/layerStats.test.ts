import { describe, it, expect } from 'vitest';
import { layerSummary, topShare, normaliseRow, histogram, layerBest } from '../../../src/compute/layerStats';

// A hand-worked layer: finite values 1, 2, 3, 4, -6 (mean 0.8, population variance
// (0.04 + 1.44 + 4.84 + 10.24 + 46.24) / 5 = 12.56), plus a NaN and a +inf that no statistic counts.
const row = new Float32Array([1, 2, NaN, 3, 4, -6, Infinity]);

describe('per-layer statistics', () => {
  it('summarises only finite scores', () => {
    const s = layerSummary(row, 'signed');
    expect(s.n).toBe(5);
    expect(s.mean).toBeCloseTo(0.8, 12);
    expect(s.std).toBeCloseTo(Math.sqrt(12.56), 12);
    expect(Array.from(s.sorted)).toEqual([-6, 1, 2, 3, 4]);
    // by |score|: 1, 2, 3, 4, 6 → mean 3.2
    expect(layerSummary(row, 'abs').mean).toBeCloseTo(3.2, 12);
  });

  it('says where a score stands: the best is the top 1/n, the worst the top n/n', () => {
    expect(topShare(row, 4, 'signed')).toBe(1 / 5);
    expect(topShare(row, 3, 'signed')).toBe(2 / 5);
    expect(topShare(row, -6, 'signed')).toBe(1);
    expect(topShare(row, -6, 'abs')).toBe(1 / 5); // |−6| is the largest magnitude
    expect(topShare(row, NaN, 'signed')).toBeNaN();
  });

  it('normalises to z-scores and percentiles within the layer', () => {
    const z = normaliseRow(row, 'z', 'signed');
    expect(z[0]).toBeCloseTo((1 - 0.8) / Math.sqrt(12.56), 6);
    expect(z[5]).toBeCloseTo((-6 - 0.8) / Math.sqrt(12.56), 6);
    expect(z[2]).toBeNaN();
    expect(z[6]).toBe(Infinity);
    const p = normaliseRow(row, 'pct', 'signed');
    expect(Array.from(p.subarray(0, 2))).toEqual([40, 60]); // 1 is ≥ 2 of 5 values, 2 is ≥ 3 of 5
    expect(p[4]).toBe(100);
    expect(p[5]).toBe(20);
    const pa = normaliseRow(row, 'pct', 'abs');
    expect(pa[5]).toBe(100); // |−6| is the layer's largest magnitude
    expect(pa[0]).toBe(20);
    // a constant layer has no spread: z is 0, not NaN
    expect(Array.from(normaliseRow(new Float32Array([2, 2, 2]), 'z', 'signed'))).toEqual([0, 0, 0]);
  });

  it('bins finite scores into equal-width bins', () => {
    const h = histogram(row, 5); // over [-6, 4], width 2: -6 | (none) | (none) | 1 | 2 3 4 (4 is the top edge)
    expect(h.lo).toBe(-6);
    expect(h.hi).toBe(4);
    expect(h.counts).toEqual([1, 0, 0, 1, 3]);
  });
});

describe('layerBest', () => {
  it('takes the largest signed score, or the largest |score| keeping its sign', () => {
    const g = [new Float32Array([0.5, -6.47, 2, NaN]), null, new Float32Array([NaN])];
    expect(layerBest(g, 'signed')).toEqual([{ best: 2, feature: 2 }, { best: NaN, feature: -1 }, { best: NaN, feature: -1 }]);
    expect(layerBest(g, 'abs')[0].feature).toBe(1);
    expect(layerBest(g, 'abs')[0].best).toBeCloseTo(-6.47, 5);
  });
});
