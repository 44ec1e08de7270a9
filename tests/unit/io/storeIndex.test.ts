import { describe, it, expect } from 'vitest';
import { addExtent, clipExtents, decodeIndex, encodeIndex, presentBytes, splitRange, unionExtents, type StoreIndex } from '../../../src/io/storeIndex';

describe('storeIndex extents', () => {
  it('merges overlapping and touching ranges and keeps disjoint ones apart, sorted', () => {
    let x = addExtent([], 10, 20);
    x = addExtent(x, 30, 40);
    expect(x).toEqual([[10, 20], [30, 40]]);
    expect(addExtent(x, 20, 30)).toEqual([[10, 40]]); // touching both
    expect(addExtent(x, 0, 5)).toEqual([[0, 5], [10, 20], [30, 40]]);
    expect(addExtent(x, 15, 35)).toEqual([[10, 40]]);
    expect(addExtent(x, 50, 60)).toEqual([[10, 20], [30, 40], [50, 60]]);
    expect(addExtent(x, 5, 5)).toEqual(x); // empty range
    expect(unionExtents([[0, 4]], [[4, 8], [10, 12]])).toEqual([[0, 8], [10, 12]]);
    expect(presentBytes({ extents: [[0, 8], [10, 12]] })).toBe(10);
  });

  it('splits a range into stored parts and gaps, in order', () => {
    const ext: [number, number][] = [[10, 20], [30, 40]];
    expect(splitRange(ext, 0, 50)).toEqual({ present: [[10, 20], [30, 40]], gaps: [[0, 10], [20, 30], [40, 50]] });
    expect(splitRange(ext, 12, 18)).toEqual({ present: [[12, 18]], gaps: [] });
    expect(splitRange(ext, 15, 35)).toEqual({ present: [[15, 20], [30, 35]], gaps: [[20, 30]] });
    expect(splitRange(ext, 40, 45)).toEqual({ present: [], gaps: [[40, 45]] });
    expect(clipExtents(ext, 35)).toEqual([[10, 20], [30, 35]]);
    expect(clipExtents(ext, 10)).toEqual([]);
  });

  it('refuses inconsistent records rather than trusting them', () => {
    const ok: StoreIndex = { v: 2, vindex: 'hf:a/b@1', name: 'gate_vectors.bin', size: 100, identity: 'etag:"x"', lastUsed: 1, extents: [[0, 10], [20, 100]] };
    expect(decodeIndex(encodeIndex(ok))).toEqual(ok);
    expect(decodeIndex('{"v":2')).toBeNull(); // torn write
    expect(decodeIndex(encodeIndex({ ...ok, extents: [[0, 10], [5, 20]] }))).toBeNull(); // overlapping
    expect(decodeIndex(encodeIndex({ ...ok, extents: [[0, 101]] }))).toBeNull(); // past the file's end
    expect(decodeIndex(JSON.stringify({ ...ok, v: 1 }))).toBeNull();
    expect(decodeIndex(null)).toBeNull();
  });
});
