import { describe, it, expect } from 'vitest';
import { createProjection } from '../../../src/compute/projection';

describe('createProjection: the most negative tokens', () => {
  it('keeps the k lowest logits and cosines, most negative first, ties to the lower id', () => {
    // H = 2, v = (1, 0): the logit of row t is its first value; |row| decides the cosine.
    const rows = new Float32Array([
      -1, 0, // t0: logit -1, cos -1
      3, 4, // t1: logit 3, cos 0.6
      -3, 4, // t2: logit -3, cos -0.6
      -1, 0, // t3: logit -1 (ties t0), cos -1
      -2, 0, // t4: logit -2, cos -1
    ]);
    const p = createProjection(new Float32Array([1, 0]), 2, 2, { cosine: true, low: true });
    p.addBlock(rows.subarray(0, 6), 'f32', 0, 3); // blocks in two pieces
    p.addBlock(rows.subarray(6), 'f32', 3, 2);
    const r = p.result();
    expect(r.lowDot).toEqual([{ id: 2, score: -3 }, { id: 4, score: -2 }]);
    expect(r.lowCos.map((h) => h.id)).toEqual([0, 3]); // three rows at cos -1: the two lowest ids
    expect(r.lowCos[0].score).toBeCloseTo(-1, 6);
    expect(r.byDot[0]).toEqual({ id: 1, score: 3 });
    expect(createProjection(new Float32Array([1, 0]), 2, 2, { cosine: true }).result().lowDot).toEqual([]);
  });
});
