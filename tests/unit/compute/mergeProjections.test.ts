import { describe, it, expect } from 'vitest';
import { createProjection, mergeProjections } from '../../../src/compute/projection';

/** A deterministic pseudo-random generator (no Math.random: failures must reproduce). */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

describe('mergeProjections', () => {
  it('projections of disjoint blocks merge to the projection of all rows (ties, NaN and ±inf included)', () => {
    const H = 6;
    const V = 97;
    const rnd = lcg(7);
    const E = new Float32Array(V * H).map(() => Math.round((rnd() - 0.5) * 8) / 4); // coarse values: many exact ties
    E.fill(0, 10 * H, 11 * H); // a zero row: cosine 0
    E[20 * H] = NaN;
    E[30 * H] = Infinity;
    E[40 * H] = -Infinity;
    const v = new Float32Array(H).map(() => Math.round((rnd() - 0.5) * 8) / 4);
    for (const k of [0, 1, 5, 12, 200]) {
      const whole = createProjection(v, H, k, { cosine: true, low: true });
      whole.addBlock(E, 'f32', 0, V);
      // three parts of interleaved blocks, as the engine and two scorers receive them
      const parts = [0, 1, 2].map(() => createProjection(v, H, k, { cosine: true, low: true }));
      for (let first = 0, b = 0; first < V; first += 8, b++) {
        const n = Math.min(8, V - first);
        parts[b % 3].addBlock(E.subarray(first * H, (first + n) * H), 'f32', first, n);
      }
      const merged = mergeProjections(parts.map((p) => p.result()), k);
      expect(merged, `k=${k}`).toEqual(whole.result());
    }
  });

  it('by hand: ties go to the lower id, the low lists keep their sign', () => {
    const a = { byDot: [{ id: 4, score: 2 }, { id: 1, score: 1 }], byCos: [], lowDot: [{ id: 1, score: 1 }], lowCos: [], rowsSeen: 3 };
    const b = { byDot: [{ id: 2, score: 2 }, { id: 9, score: 0.5 }], byCos: [], lowDot: [{ id: 9, score: 0.5 }], lowCos: [], rowsSeen: 4 };
    const m = mergeProjections([a, b], 2);
    expect(m.byDot).toEqual([{ id: 2, score: 2 }, { id: 4, score: 2 }]);
    expect(m.lowDot).toEqual([{ id: 9, score: 0.5 }, { id: 1, score: 1 }]);
    expect(m.rowsSeen).toBe(7);
  });
});
