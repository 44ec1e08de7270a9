/**
 * engine.score on every valid fixture: each streamed cell against the float64 reference of
 * expected.json (cos and dot), the top-20 order through src/compute/topK.ts, the query pipeline
 * (encode → score), cancellation, and how many bytes a second query reads.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { topK, type Rank, type TopKHit } from '../../../src/compute/topK';
import {
  VALID, embeddingRows, expectClose, expectRanking, expected, layerRows, makeFixtures, noProgress, norm, num, openFixture,
  opId, scoreGrid, type Expected, type QueryExpect, type SliceCounter,
} from './helpers';

beforeAll(() => makeFixtures());

/**
 * Tolerance of one score. The engine builds q in f32 and accumulates exact f32 products in a double,
 * storing an f32: the error is a few ulps of f32 (2⁻²⁴ ≈ 6e-8) relative to Σ|g_i·q_i| ≤ ‖g‖·‖q‖
 * (Cauchy–Schwarz), whatever the cancellation in the sum. 1e-5 of that bound leaves a wide margin for
 * f32 norms in cos while still catching any wrong row, dtype, scale or layer (errors of order 1e-2+).
 * For cos the bound is 1 (|cos| ≤ 1).
 */
function tolerance(metric: 'cos' | 'dot', gNorm: number, qNorm: number): number {
  return metric === 'cos' ? 1e-5 : 1e-5 * gNorm * qNorm + 1e-12;
}

/** The expected grid of one query and metric, as numbers (null for layers without features). */
function expectedGrid(q: QueryExpect, metric: 'cos' | 'dot'): (number[] | null)[] {
  return q[metric].scores.map((row) => (row ? row.map(num) : null));
}

/** True when a cell's ranking key is +inf: compute/topK ranks it first, the fixtures (and the issue) last. */
function hasInfiniteKey(grid: (number[] | null)[], rank: Rank): boolean {
  return grid.some((row) => row?.some((s) => (rank === 'abs' ? Math.abs(s) : s) === Infinity));
}

interface Scored {
  e: Expected;
  q: QueryExpect;
  metric: 'cos' | 'dot';
  grid: (Float32Array | null)[];
  want: (number[] | null)[];
}

/** Encodes each expected query like the UI does (text or "#id,…"), then scores it with both metrics. */
async function scoreAll(name: string): Promise<Scored[]> {
  const e = expected(name);
  const { engine, key } = await openFixture(name);
  const out: Scored[] = [];
  for (const q of e.queries) {
    const enc = await engine.encode(key, q.text ?? q.ids.map((i) => `#${i}`).join(','));
    expect(enc.tokens.map((t) => t.id), `${name} ${q.name}: ids`).toEqual(q.ids_used);
    if (q.text !== undefined) expect(q.ids_used, `${name} ${q.name}`).toEqual(q.ids);
    for (const metric of ['cos', 'dot'] as const) {
      const { grid, problems, calls } = await scoreGrid(engine, key, enc.tokens.map((t) => t.id), metric, e.num_layers);
      const withFeatures = e.features_per_layer.flatMap((f, l) => (f > 0 ? [l] : []));
      expect(calls, `${name} ${q.name} ${metric}: one callback per layer with features, in order`).toEqual(withFeatures);
      expect(problems.every((p) => p === null)).toBe(true);
      out.push({ e, q, metric, grid, want: expectedGrid(q, metric) });
    }
  }
  return out;
}

const results = new Map<string, Promise<Scored[]>>();
function scored(name: string): Promise<Scored[]> {
  let r = results.get(name);
  if (!r) {
    r = scoreAll(name);
    results.set(name, r);
  }
  return r;
}

describe('engine.score: every cell against the float64 reference', () => {
  it.each(VALID)('%s', async (name) => {
    const e = expected(name);
    const gates = layerRows(name, 'gate');
    const E = embeddingRows(name);
    let cells = 0;
    for (const { q, metric, grid, want } of await scored(name)) {
      // the reference q itself, recomputed from the raw embeddings (checks this test's decoding)
      const H = e.hidden_size;
      for (let h = 0; h < H; h++) {
        const mean = q.ids_used.reduce((a, id) => a + e.embed_scale * E[id][h], 0) / q.ids_used.length;
        expect(Math.abs(mean - q.q[h])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(mean)));
      }
      const qNorm = norm(q.q);
      expect(grid.map((r) => (r ? r.length : null))).toEqual(want.map((r) => (r ? r.length : null)));
      want.forEach((row, l) => {
        row?.forEach((w, f) => {
          const tol = tolerance(metric, norm(gates[l]![f]), qNorm);
          expectClose(grid[l]![f], w, tol, `${name} ${q.name} ${metric} L${l} F${f}`);
          cells++;
        });
      });
    }
    expect(cells).toBe(e.queries.length * 2 * e.features_per_layer.reduce((a, b) => a + b, 0));
  });

  it('the non-finite cells of larql-v2-f32 are NaN / ±inf of the expected kind', async () => {
    const all = await scored('larql-v2-f32');
    const kinds = new Set<string>();
    for (const { grid, want } of all) {
      want.forEach((row, l) =>
        row?.forEach((w, f) => {
          if (!Number.isFinite(w)) {
            kinds.add(String(w));
            expect(String(grid[l]![f])).toBe(String(w));
          }
        }),
      );
    }
    expect([...kinds].sort()).toEqual(['-Infinity', 'Infinity', 'NaN']);
  });
});

/** Compares topK(grid) with an expected top list (near-ties within tolerance may swap). */
function checkTop(s: Scored, rank: Rank, what: string): void {
  const { q, metric, grid, want, e } = s;
  const got = topK(grid, 20, rank);
  const list = rank === 'signed' ? q[metric].top_signed : q[metric].top_abs;
  const total = e.features_per_layer.reduce((a, b) => a + b, 0);
  expect(list.length).toBe(Math.min(20, total));
  const key = (x: number) => (rank === 'abs' ? Math.abs(x) : x);
  const tol = metric === 'cos' ? 1e-5 : 1e-5 * Math.max(...want.flatMap((r) => r ?? []).filter(Number.isFinite).map(Math.abs), 1);
  expectRanking<TopKHit | { layer: number; feature: number; score: number }>(
    got,
    list.map((h) => ({ layer: h.layer, feature: h.feature, score: num(h.score) })),
    (a, b) => a.layer === b.layer && a.feature === b.feature,
    (g) => key(want[g.layer]![g.feature]),
    (w) => key(w.score),
    tol,
    what,
  );
  // the reported score keeps its sign and matches the grid cell
  for (const h of got) expect(Object.is(h.score, grid[h.layer]![h.feature]) || h.score === grid[h.layer]![h.feature]).toBe(true);
}

describe('top-20 lists: compute/topK over the streamed grid', () => {
  it.each(VALID)('%s (lists without an infinite key)', async (name) => {
    let checked = 0;
    for (const s of await scored(name)) {
      for (const rank of ['signed', 'abs'] as const) {
        if (hasInfiniteKey(s.want, rank)) continue;
        checkTop(s, rank, `${name} ${s.q.name} ${s.metric} ${rank}`);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('larql-v2-f32 zero-row: every finite score is 0, so the lists are pure tie order, NaN last', async () => {
    const s = (await scored('larql-v2-f32')).filter((x) => x.q.name === 'zero-row');
    expect(s.length).toBe(2);
    for (const x of s) {
      const got = topK(x.grid, 48, 'signed');
      expect(got.slice(0, 46).every((h) => h.score === 0)).toBe(true);
      expect(got.slice(46).map((h) => [h.layer, h.feature])).toEqual([[1, 2], [1, 3]]);
      expect(got.slice(0, 3).map((h) => [h.layer, h.feature])).toEqual([[0, 0], [0, 1], [0, 2]]);
    }
  });

  it('larql-v2-f32: the exact tie L0 F5 = L2 F0 ranks L0 F5 first', async () => {
    for (const s of await scored('larql-v2-f32')) {
      expect(s.grid[0]![5], `${s.q.name} ${s.metric}`).toBe(s.grid[2]![0]);
      const order = topK(s.grid, 48, 'abs').map((h) => `${h.layer}:${h.feature}`);
      expect(order.indexOf('0:5')).toBeLessThan(order.indexOf('2:0'));
    }
  });

  // The fixtures and the issue ("NaN or ±inf in the data (shown as such, ranked last)") rank every
  // non-finite score after every finite one.
  it('larql-v2-f32: lists with a ±inf key rank it last', async () => {
    let affected = 0;
    for (const s of await scored('larql-v2-f32')) {
      for (const rank of ['signed', 'abs'] as const) {
        if (!hasInfiniteKey(s.want, rank)) continue;
        affected++;
        checkTop(s, rank, `larql-v2-f32 ${s.q.name} ${s.metric} ${rank}`);
      }
    }
    expect(affected).toBeGreaterThan(0);
  });
});

describe('engine.score: query pipeline, errors, cancellation, bytes read', () => {
  it('ids ≥ V passed straight to score are skipped, as the query-vector rule says', async () => {
    const e = expected('compact');
    const q = e.queries.find((x) => x.name === 'out-of-range')!;
    expect(q.ids.length).toBeGreaterThan(q.ids_used.length);
    const { engine, key } = await openFixture('compact');
    const { grid } = await scoreGrid(engine, key, q.ids, 'cos', e.num_layers);
    const want = expectedGrid(q, 'cos');
    want.forEach((row, l) => row?.forEach((w, f) => expectClose(grid[l]![f], w, 1e-5, `L${l} F${f}`)));
  });

  it('an unknown key rejects naming it', async () => {
    const { engine } = await openFixture('compact');
    await expect(scoreGrid(engine, 'local:missing', [1], 'dot', 4)).rejects.toThrow(/local:missing/);
  });

  it('cancel(opId) during a score rejects with an AbortError; the next score still works', async () => {
    const e = expected('larql-v2-f16');
    const { engine, key } = await openFixture('larql-v2-f16');
    // mid-stream: cancel from the first layer's callback
    const id = opId('cancel');
    const calls: number[] = [];
    const p = engine.score(key, id, { ids: [3], metric: 'dot' }, (layer) => {
      calls.push(layer);
      engine.cancel(id);
    }, noProgress);
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.length).toBeLessThan(e.num_layers);
    // at once, before any layer
    const id2 = opId('cancel');
    const calls2: number[] = [];
    const p2 = engine.score(key, id2, { ids: [5], metric: 'cos' }, (layer) => void calls2.push(layer), noProgress);
    engine.cancel(id2);
    await expect(p2).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls2).toEqual([]);
    // cancelling an unknown or finished operation is harmless
    engine.cancel(id);
    engine.cancel('never-started');
    const q = e.queries.find((x) => x.name === 'single-3')!;
    const { grid } = await scoreGrid(engine, key, [3], 'dot', e.num_layers);
    expectClose(grid[2]![9], num(q.dot.scores[2]![9]), 1e-4, 'after cancel');
  });

  it.each(['larql-v2-f16', 'widths', 'compact'] as const)('%s: a second query reads only its embedding rows (gates stay resident)', async (name) => {
    const e = expected(name);
    const counter: SliceCounter = new Map();
    const { engine, key } = await openFixture(name, counter);
    const snapshot = () => new Map(counter);
    const delta = (before: Map<string, number>) => {
      const d: Record<string, number> = {};
      for (const [f, n] of counter) if (n !== (before.get(f) ?? 0)) d[f] = n - (before.get(f) ?? 0);
      return d;
    };
    const gateBytes = e.gate.layers.reduce((a, r) => a + (r ? r.end - r.start : 0), 0);
    expect(gateBytes).toBe(e.files['gate_vectors.bin'].bytes);

    let before = snapshot();
    const first = await scoreGrid(engine, key, [3], 'dot', e.num_layers);
    expect(delta(before)).toEqual({ 'gate_vectors.bin': gateBytes, 'embeddings.bin': e.embeddings.row_bytes });
    expect(first.bytesRead).toBe(gateBytes + e.embeddings.row_bytes);

    before = snapshot();
    const second = await scoreGrid(engine, key, [17], 'cos', e.num_layers);
    expect(delta(before)).toEqual({ 'embeddings.bin': e.embeddings.row_bytes });
    expect(second.bytesRead).toBe(e.embeddings.row_bytes);

    // duplicates are read once: [5, 17, 5] needs two rows
    before = snapshot();
    await scoreGrid(engine, key, [5, 17, 5], 'dot', e.num_layers);
    expect(delta(before)).toEqual({ 'embeddings.bin': 2 * e.embeddings.row_bytes });
  });
});
