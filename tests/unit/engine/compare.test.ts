// The engine's two-vindex operations on the comparison fixtures, against the float64 values that
// tests/fixtures/make-compare-fixtures.mjs computed with its own Gram–Schmidt and cosines; plus what
// was read (counted File.slice bytes), cancellation, and the bad-input cases of issue 11.
import { describe, expect, test } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createEngine } from '../../../src/engine/engine';
import type { LayerSimilarity } from '../../../src/engine/compareTypes';
import { OUT, localLocation, opId, noProgress, layerRowsOf, type SliceCounter } from './compareHelpers';

interface PairExpect {
  a: string; b: string;
  layers: { layer: number; row: number | null; gate: number | null; down: number | null; k: number; baseline: number | null }[];
  moved: { layer: number; feature: number; cos: number }[];
  dmet_diff: {
    comparedBy: 'id' | 'text';
    counts: Record<string, number>;
    rows: { layer: number; feature: number; status: string; a: { id: number; text: string; c: number } | null; b: { id: number; text: string; c: number } | null }[];
  };
}
const EXPECTED = JSON.parse(readFileSync(join(OUT, 'cmp-expected.json'), 'utf8')) as { pairs: PairExpect[]; permutation: number[] };
const pair = (a: string, b: string) => EXPECTED.pairs.find((p) => p.a === a && p.b === b)!;

async function openPair(a: string, b: string, counters?: { a: SliceCounter; b: SliceCounter }) {
  const engine = createEngine();
  const la = localLocation(a, counters?.a);
  const lb = a === b ? la : localLocation(b, counters?.b);
  await engine.open({ location: la, demoUrl: 'http://unused/' }, opId('open'), noProgress);
  if (lb !== la) await engine.open({ location: lb, demoUrl: 'http://unused/' }, opId('open'), noProgress);
  return { engine, keyA: la.key, keyB: lb.key };
}

async function compare(a: string, b: string, counters?: { a: SliceCounter; b: SliceCounter }) {
  const { engine, keyA, keyB } = await openPair(a, b, counters);
  const layers: LayerSimilarity[] = [];
  const summary = await engine.compareLayers(keyA, keyB, opId('cmp'), (r) => void layers.push(r), noProgress);
  return { engine, keyA, keyB, layers, summary };
}

const close = (got: number | null, want: number | null, digits = 9) => {
  if (want === null) expect(got).toBeNull();
  else expect(got).toBeCloseTo(want, digits);
};

describe('layer similarity', () => {
  for (const [a, b] of [['cmp-a', 'cmp-a-patched'], ['cmp-a', 'cmp-a-permuted'], ['cmp-a', 'cmp-other'], ['cmp-a', 'cmp-deep'], ['cmp-deep', 'cmp-a']]) {
    test(`${a} vs ${b}: every layer matches the float64 reference`, async () => {
      const want = pair(a, b);
      const { layers } = await compare(a, b);
      expect(layers.map((l) => l.layer)).toEqual(want.layers.map((l) => l.layer));
      for (const w of want.layers) {
        const got = layers[w.layer];
        close(got.row, w.row);
        close(got.gate, w.gate);
        close(got.down, w.down);
        expect(got.k).toBe(w.k);
        close(got.baseline, w.baseline);
        // a missing value always says why
        if (got.row === null) expect(got.rowWhy).toMatch(/\w/);
        if (got.gate === null) expect(got.gateWhy).toMatch(/\w/);
      }
    });
  }

  test('the perturbed copy: row similarity 1 except in the perturbed layers; the replaced rows moved most', async () => {
    const { layers } = await compare('cmp-a', 'cmp-a-patched');
    expect(layers[0].row).toBeCloseTo(1, 8);
    expect(layers[2].row).toBeCloseTo(1, 8);
    expect(layers[1].row!).toBeLessThan(0.9999);
    expect(layers[3].row!).toBeLessThan(0.9);
    const moved = layers.flatMap((l) => l.moved).sort((x, y) => x.cos - y.cos).slice(0, 10);
    const want = pair('cmp-a', 'cmp-a-patched').moved;
    expect(moved.map((m) => [m.layer, m.feature])).toEqual(want.map((m) => [m.layer, m.feature]));
    moved.forEach((m, i) => expect(m.cos).toBeCloseTo(want[i].cos, 9));
    expect(moved.slice(0, 2).map((m) => `L${m.layer} F${m.feature}`)).toEqual(['L3 F5', 'L3 F2']);
  });

  test('rows permuted with flipped signs: row similarity low, subspace similarity 1; unrelated: ≈ k/H', async () => {
    const permuted = (await compare('cmp-a', 'cmp-a-permuted')).layers;
    for (const l of permuted) {
      expect(Math.abs(l.row!)).toBeLessThan(0.2);
      expect(l.gate).toBeCloseTo(1, 12);
      expect(l.down).toBeCloseTo(1, 5); // down rows rounded to f16 in the compact copy
    }
    const other = (await compare('cmp-a', 'cmp-other')).layers;
    const mean = other.reduce((s, l) => s + l.gate!, 0) / other.length;
    expect(Math.abs(mean - 8 / 32)).toBeLessThan(0.06);
  });

  test('the same vindex twice: similarity 1 everywhere, each file read once', async () => {
    const counters = { a: new Map(), b: new Map() } as { a: SliceCounter; b: SliceCounter };
    const { layers } = await compare('cmp-a', 'cmp-a', counters);
    for (const l of layers) {
      expect(l.row).toBeCloseTo(1, 8);
      expect(l.gate).toBeCloseTo(1, 12);
      expect(l.down).toBeCloseTo(1, 12);
    }
    expect(counters.a.get('gate_vectors.bin')).toBe(4 * 8 * 32 * 2);
  });

  test('a different hidden size: every column empty, saying why, and nothing read', async () => {
    const counters = { a: new Map(), b: new Map() } as { a: SliceCounter; b: SliceCounter };
    const { layers } = await compare('cmp-a', 'cmp-wide', counters);
    expect(layers).toHaveLength(4);
    for (const l of layers) {
      expect([l.row, l.gate, l.down]).toEqual([null, null, null]);
      expect(l.rowWhy).toMatch(/hidden sizes differ \(A 32, B 48\)|exists only in A/);
    }
    for (const c of [counters.a, counters.b]) {
      expect(c.get('gate_vectors.bin') ?? 0).toBe(0);
      expect(c.get('down_features.bin') ?? 0).toBe(0);
    }
  });

  test('bytes read are bounded: full gate layers only for row similarity, k leading rows otherwise, never embeddings', async () => {
    const counters = { a: new Map(), b: new Map() } as { a: SliceCounter; b: SliceCounter };
    const { layers } = await compare('cmp-a', 'cmp-deep', counters);
    expect(layers[4].gateWhy).toMatch(/exists only in B/);
    // cmp-deep (B): 4 shared layers × k = 8 leading rows × H = 32 × 2 bytes (f16 gate) and × 4 bytes (f32 down)
    expect(counters.b.get('gate_vectors.bin')).toBe(4 * 8 * 32 * 2);
    expect(counters.b.get('down_features.bin')).toBe(4 * 8 * 32 * 4);
    // A (8 rows, but no row similarity against 24): its k = 8 leading rows, which are all of them
    expect(counters.a.get('gate_vectors.bin')).toBe(4 * 8 * 32 * 2);
    expect(counters.a.get('embeddings.bin') ?? 0).toBe(0);
    expect(counters.b.get('embeddings.bin') ?? 0).toBe(0);
  });

  test('cancelling stops the comparison with an AbortError', async () => {
    const { engine, keyA, keyB } = await openPair('cmp-a', 'cmp-other');
    const id = opId('cmp');
    let seen = 0;
    const p = engine.compareLayers(keyA, keyB, id, () => {
      if (++seen === 1) engine.cancel(id);
    }, noProgress);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeLessThan(4);
  });

  test('an unknown key is an error naming it', async () => {
    const { engine, keyA } = await openPair('cmp-a', 'cmp-a');
    await expect(engine.compareLayers(keyA, 'local:nothing', opId('cmp'), () => undefined, noProgress)).rejects.toThrow(/local:nothing/);
  });
});

describe('down_meta DIFF', () => {
  for (const [a, b] of [['cmp-a', 'cmp-a-patched'], ['cmp-a', 'cmp-other'], ['cmp-a', 'cmp-wide'], ['cmp-a', 'cmp-a']]) {
    test(`${a} vs ${b}: LarQL's statuses, counts and rows`, async () => {
      const want = pair(a, b).dmet_diff;
      const { engine, keyA, keyB } = await openPair(a, b);
      const got = await engine.dmetDiff(keyA, keyB, opId('diff'), 1000, noProgress);
      expect(got.available).toBe(true);
      expect(got.comparedBy).toBe(want.comparedBy);
      expect(got.counts).toEqual(want.counts);
      expect(got.truncated).toBe(false);
      expect(got.rows.map((r) => [r.layer, r.feature, r.status, r.a?.id ?? null, r.b?.id ?? null, r.a?.text ?? null, r.b?.text ?? null]))
        .toEqual(want.rows.map((r) => [r.layer, r.feature, r.status, r.a?.id ?? null, r.b?.id ?? null, r.a?.text ?? null, r.b?.text ?? null]));
      got.rows.forEach((r, i) => {
        if (r.a) expect(r.a.cScore).toBe(want.rows[i].a!.c); // DMET floats are what was written: bit-exact
        if (r.b) expect(r.b.cScore).toBe(want.rows[i].b!.c);
      });
    });
  }

  test('the patched copy has one of each status; a limit truncates the list but not the counts', async () => {
    const { engine, keyA, keyB } = await openPair('cmp-a', 'cmp-a-patched');
    const all = await engine.dmetDiff(keyA, keyB, opId('diff'), 1000, noProgress);
    expect(all.rows.map((r) => `${r.status} L${r.layer} F${r.feature}`)).toEqual(['added L0 F6', 'modified L1 F4', 'removed L2 F7']);
    const one = await engine.dmetDiff(keyA, keyB, opId('diff'), 1, noProgress);
    expect(one.rows).toHaveLength(1);
    expect(one.truncated).toBe(true);
    expect(one.counts).toEqual(all.counts);
  });
});

describe('feature match', () => {
  test('SVD-style copy: B\'s best |cos| direction is the permuted row, with its sign', async () => {
    const perm = EXPECTED.permutation;
    const { engine, keyA, keyB } = await openPair('cmp-a', 'cmp-a-permuted');
    for (const f of [3, 6]) {
      const i = perm.indexOf(f);
      const gate = await engine.matchFeature(keyA, keyB, opId('m'), { layer: 1, feature: f, vector: 'gate', k: 3 });
      expect(gate.why).toBeNull();
      expect(gate.best[0].feature).toBe(i);
      expect(gate.best[0].cos).toBeCloseTo(i % 2 ? -1 : 1, 7);
      const down = await engine.matchFeature(keyA, keyB, opId('m'), { layer: 1, feature: f, vector: 'down', k: 3 });
      expect(down.best[0].feature).toBe(i);
      expect(Math.abs(down.best[0].cos)).toBeGreaterThan(0.9999);
    }
  });

  test('same shapes: the cosine with the same index matches a float64 reference', async () => {
    const a = layerRowsOf('cmp-a', 'gate')[3][5];
    const b = layerRowsOf('cmp-a-patched', 'gate')[3][5];
    let d = 0, na = 0, nb = 0;
    for (let h = 0; h < a.length; h++) { d += a[h] * b[h]; na += a[h] ** 2; nb += b[h] ** 2; }
    const { engine, keyA, keyB } = await openPair('cmp-a', 'cmp-a-patched');
    const m = await engine.matchFeature(keyA, keyB, opId('m'), { layer: 3, feature: 5, vector: 'gate', k: 2 });
    expect(m.sameCos!).toBeCloseTo(d / (Math.sqrt(na) * Math.sqrt(nb)), 5); // the engine's row of A is f32
  });

  test('a different hidden size says so', async () => {
    const { engine, keyA, keyB } = await openPair('cmp-a', 'cmp-wide');
    const m = await engine.matchFeature(keyA, keyB, opId('m'), { layer: 0, feature: 0, vector: 'gate', k: 2 });
    expect(m.best).toEqual([]);
    expect(m.why).toMatch(/hidden sizes differ/);
  });
});
