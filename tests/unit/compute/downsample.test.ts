/**
 * extremeDownsample / layerMaxArgmax: hand-worked examples plus two properties checked on random
 * data (every output is a value of the window; no covered cell's |v| exceeds all pixels' |v|).
 */
import { describe, expect, it } from 'vitest';
import { extremeDownsample, layerMaxArgmax } from '../../../src/compute/downsample';

const arr = (x: Float32Array) => Array.from(x);

describe('extremeDownsample', () => {
  const values = new Float32Array([0, 1, -5, 2, 0, 0, 3, NaN]);

  it('keeps the largest |v| (signed) per pixel when cells are narrower than pixels', () => {
    // 8 cells → 4 pixels: {0,1} {-5,2} {0,0} {3,NaN}
    expect(arr(extremeDownsample(values, 0, 8, 4))).toEqual([1, -5, 0, 3]);
    // 8 cells → 2 pixels: {0,1,-5,2} {0,0,3,NaN}
    expect(arr(extremeDownsample(values, 0, 8, 2))).toEqual([-5, 3]);
    // one pixel sees everything
    expect(arr(extremeDownsample(values, 0, 8, 1))).toEqual([-5]);
    // the peak survives 10240 → 300 whichever cell it sits in
    for (const at of [0, 1, 33, 5000, 10239]) {
      const big = new Float32Array(10240).fill(0.25);
      big[at] = -9;
      const out = extremeDownsample(big, 0, 10240, 300);
      expect(out.filter((x) => x === -9).length).toBeGreaterThanOrEqual(1);
    }
  });

  it('gives NaN only where every covered cell is NaN', () => {
    const v = new Float32Array([NaN, NaN, 1, NaN, NaN, -2]);
    expect(arr(extremeDownsample(v, 0, 6, 3))).toEqual([NaN, 1, -2]);
  });

  it('handles fractional windows by positive overlap', () => {
    // [0.5, 2.5) into 2 pixels: [0.5,1.5) overlaps cells 0,1; [1.5,2.5) overlaps cells 1,2
    const v = new Float32Array([7, 1, -2, 100]);
    expect(arr(extremeDownsample(v, 0.5, 2.5, 2))).toEqual([7, -2]);
    // [1, 3) exactly: cells 1 and 2 only (cell 3 starts at the right edge: no overlap)
    expect(arr(extremeDownsample(v, 1, 3, 1))).toEqual([-2]);
  });

  it('maps each pixel to the covering cell when cells are wider than pixels', () => {
    const v = new Float32Array([1, 2, 3]);
    // 3 cells over 6 pixels: centres 0.25, 0.75, 1.25, 1.75, 2.25, 2.75
    expect(arr(extremeDownsample(v, 0, 3, 6))).toEqual([1, 1, 2, 2, 3, 3]);
    // zoomed into [1.2, 2.2) over 5 pixels: centres 1.3 1.5 1.7 1.9 2.1
    const idx = new Int32Array(5);
    expect(arr(extremeDownsample(v, 1.2, 2.2, 5, idx))).toEqual([2, 2, 2, 2, 3]);
    expect(Array.from(idx)).toEqual([1, 1, 1, 1, 2]);
    // a pixel straddling two wide cells takes the cell under its centre, not the larger one:
    // [0, 3) over 4 pixels of width 0.75, centres 0.375 1.125 1.875 2.625
    expect(arr(extremeDownsample(new Float32Array([5, 1, 3]), 0, 3, 4))).toEqual([5, 1, 1, 3]);
  });

  it('gives NaN (index -1) outside the data and for degenerate windows', () => {
    const v = new Float32Array([4, -6, 1, 2]);
    const idx = new Int32Array(4);
    expect(arr(extremeDownsample(v, 2, 6, 4, idx))).toEqual([1, 2, NaN, NaN]);
    expect(Array.from(idx)).toEqual([2, 3, -1, -1]);
    expect(arr(extremeDownsample(v, -2, 2, 2))).toEqual([NaN, -6]);
    expect(arr(extremeDownsample(v, 3, 3, 2))).toEqual([NaN, NaN]);
    expect(extremeDownsample(v, 0, 4, 0).length).toBe(0);
  });

  it('never loses a peak and only reports values from the window (random windows)', () => {
    let seed = 12345;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 4294967296);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 300);
      const v = new Float32Array(n);
      for (let i = 0; i < n; i++) v[i] = rnd() < 0.1 ? NaN : (rnd() - 0.5) * 100;
      const start = rnd() * n * 0.5;
      const end = start + rnd() * n + 0.01;
      const pixels = 1 + Math.floor(rnd() * 400);
      const idx = new Int32Array(pixels);
      const out = extremeDownsample(v, start, end, pixels, idx);
      for (let p = 0; p < pixels; p++) {
        if (Number.isNaN(out[p])) expect(idx[p]).toBe(-1);
        else {
          expect(v[idx[p]]).toBe(out[p]);
          // the chosen cell overlaps the window
          expect(idx[p] + 1).toBeGreaterThan(start);
          expect(idx[p]).toBeLessThan(end);
        }
      }
      const w = (end - start) / pixels;
      for (let i = Math.max(0, Math.floor(start)); i < Math.min(n, Math.ceil(end)); i++) {
        if (Number.isNaN(v[i])) continue;
        // some pixel whose span overlaps cell i (or, for wide cells, whose centre lies in it) is at least as extreme
        let found = false;
        for (let p = 0; p < pixels; p++) {
          const a = start + p * w, b = start + (p + 1) * w;
          if (b > i && a < i + 1 && Math.abs(out[p]) >= Math.abs(v[i])) found = true;
        }
        if (i + 1 > start + w / 2 && i < end - w / 2) expect(found).toBe(true);
      }
    }
  });
});

describe('layerMaxArgmax', () => {
  it('per layer max by signed value, NaN skipped, first index on ties', () => {
    const grid = [
      new Float32Array([1, 3, NaN, 3]),
      null,
      new Float32Array([NaN, NaN]),
      new Float32Array([-Infinity, -2]),
      new Float32Array(0),
      new Float32Array([NaN, -1, Infinity]),
      new Float32Array([-7]),
    ];
    expect(layerMaxArgmax(grid)).toEqual([
      { max: 3, argmax: 1 },
      { max: NaN, argmax: -1 },
      { max: NaN, argmax: -1 },
      { max: -2, argmax: 1 },
      { max: NaN, argmax: -1 },
      { max: Infinity, argmax: 2 },
      { max: -7, argmax: 0 },
    ]);
  });
});
