import { describe, it, expect } from 'vitest';
import { createEngine } from '../../../src/engine/engine';
import { Session } from '../../../src/engine/session';
import { projectOverEmbeddings } from '../../../src/engine/projectionStream';
import {
  VALID, expected, localLocation, makeFixtures, noProgress, opId, scoreGrid, embeddingRows, dot, cosine,
  type SliceCounter,
} from './helpers';
import { inProcessPool } from './poolHelpers';

makeFixtures();

const bits = (a: Float32Array | null) => (a ? Array.from(new Uint32Array(a.slice().buffer)) : null);

async function grids(engine: ReturnType<typeof createEngine>, name: string) {
  const e = expected(name);
  const out = [];
  for (const q of e.queries) for (const metric of ['cos', 'dot'] as const) out.push(await scoreGrid(engine, `local:${name}`, q.ids, metric, e.num_layers));
  return out;
}

describe('scoring on a scorer pool', () => {
  it.each(VALID)('%s: every layer scores to the same bits as the single-thread path (1 and 2 scorers)', async (name) => {
    const reference = createEngine({ scorers: null });
    await reference.open({ location: localLocation(name), demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const want = await grids(reference, name);
    for (const size of [1, 2]) {
      const { pool, log } = inProcessPool(size);
      const engine = createEngine({ scorers: pool });
      await engine.open({ location: localLocation(name), demoUrl: 'http://unused/' }, opId('open'), noProgress);
      const got = await grids(engine, name);
      got.forEach((g, i) => {
        expect(g.grid.map(bits), `${name} pool ${size} query ${i}`).toEqual(want[i].grid.map(bits));
        expect(g.problems).toEqual(want[i].problems);
        expect(g.calls).toEqual(want[i].calls); // layers still reach the page in order
      });
      // the pool did take its share when there were layers enough to share
      const layers = expected(name).features_per_layer.filter((n) => n > 0).length;
      if (layers > 1 && want[0].problems.every((p) => p === null)) expect(log.calls).toContain('scoreLayer');
    }
  });

  it('a second query in the same page reads no gate bytes: layers stay resident in the engine and the scorer', async () => {
    const counter: SliceCounter = new Map();
    const { pool, log } = inProcessPool(1);
    const engine = createEngine({ scorers: pool });
    const name = 'larql-v2-f32';
    const location = localLocation(name, counter);
    await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const e = expected(name);
    await scoreGrid(engine, location.key, e.queries[0].ids, 'cos', e.num_layers);
    const gateBytes = counter.get('gate_vectors.bin');
    expect(gateBytes).toBe(e.files['gate_vectors.bin'].bytes);
    expect(log.scorers[0].residentBytes()).toBeGreaterThan(0);
    await scoreGrid(engine, location.key, e.queries[1 % e.queries.length].ids, 'dot', e.num_layers);
    expect(counter.get('gate_vectors.bin')).toBe(gateBytes);
  });

  it("a closed vindex's layers leave the scorer", async () => {
    const { pool, log } = inProcessPool(1);
    const engine = createEngine({ scorers: pool });
    const names = ['larql-v2-f32', 'larql-v2-f16', 'compact', 'widths'];
    for (const name of names) {
      await engine.open({ location: localLocation(name), demoUrl: 'http://unused/' }, opId('open'), noProgress);
      const e = expected(name);
      await scoreGrid(engine, `local:${name}`, e.queries[0].ids, 'cos', e.num_layers);
    }
    // four opened, three kept: the scorer holds no more than the three open ones' layers
    const held = (n: string) => {
      const e = expected(n);
      const G = e.gate.dtype === 'f16' ? 2 : 4;
      // odd positions of the scan go to the scorer (position i → thread i mod 2): their rows and norms
      return e.gate.layers.filter((l) => l && l.num_features > 0).filter((_, i) => i % 2 === 1)
        .reduce((a, l) => a + l!.num_features * (e.hidden_size * G + 4), 0);
    };
    expect(log.calls).toContain('dropStore');
    expect(log.scorers[0].residentBytes()).toBe(names.slice(1).reduce((a, n) => a + held(n), 0));
    engine.shown([]);
    expect(log.scorers[0].residentBytes()).toBe(0);
  });

  it('switching vindexes restarts an idle pool; the next query resends its layers and scores the same', async () => {
    const name = 'larql-v2-f16';
    const reference = createEngine({ scorers: null });
    await reference.open({ location: localLocation(name), demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const { pool, log } = inProcessPool(1);
    const engine = createEngine({ scorers: pool });
    await engine.open({ location: localLocation(name), demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const e = expected(name);
    await scoreGrid(engine, `local:${name}`, e.queries[0].ids, 'cos', e.num_layers);
    engine.shown(['local:other']);
    expect(log.stops).toBe(1);
    expect(log.scorers).toHaveLength(1);
    const got = await scoreGrid(engine, `local:${name}`, e.queries[0].ids, 'dot', e.num_layers);
    const want = await scoreGrid(reference, `local:${name}`, e.queries[0].ids, 'dot', e.num_layers);
    expect(log.scorers).toHaveLength(2); // a fresh scorer, sent the layers again
    expect(log.scorers[1].residentBytes()).toBeGreaterThan(0);
    expect(got.grid.map(bits)).toEqual(want.grid.map(bits));
  });

  it('cancelling a score sends no more layers to the pool', async () => {
    let release!: () => void;
    const { pool, log } = inProcessPool(1);
    const engine = createEngine({ scorers: pool });
    const name = 'widths';
    await engine.open({ location: localLocation(name), demoUrl: 'http://unused/' }, opId('open'), noProgress);
    log.gate = new Promise<void>((r) => (release = r));
    const id = opId('score');
    const e = expected(name);
    const p = scoreGrid(engine, `local:${name}`, e.queries[0].ids, 'cos', e.num_layers, id);
    await new Promise((r) => setTimeout(r, 20));
    const before = log.calls.length;
    engine.cancel(id);
    release();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((r) => setTimeout(r, 20));
    expect(log.calls.slice(before).filter((c) => c === 'scoreLayer' || c === 'putLayer')).toEqual([]);
  });
});

describe('projection on a scorer pool', () => {
  async function session(name: string) {
    return Session.open(localLocation(name), new AbortController().signal, () => undefined);
  }

  it.each(['larql-v2-f32', 'larql-v2-f16', 'compact'])('%s: blocks split across the engine and 2 scorers give the single-thread lists exactly, and the float64 order', async (name) => {
    const e = expected(name);
    const s = await session(name);
    const H = e.hidden_size;
    const rowBytes = H * (e.embeddings.dtype === 'f16' ? 2 : 4);
    const v = new Float32Array(H).map((_, i) => Math.sin(i * 1.7) + 0.25);
    const k = 7;
    // blocks of 3 rows: a small fixture still has many blocks to split
    const ref = await projectOverEmbeddings(s, v, k, noProgress, new AbortController().signal, null, 3 * rowBytes);
    const { pool, log } = inProcessPool(2);
    const got = await projectOverEmbeddings(s, v, k, noProgress, new AbortController().signal, pool, 3 * rowBytes);
    expect(log.calls.filter((c) => c === 'projBlock').length).toBeGreaterThan(1);
    expect(got).toEqual(ref);
    // and the float64 order of this test's own projection, by id (no near ties among these few rows)
    const E = embeddingRows(name);
    const order = (xs: number[], dir: 1 | -1) => xs.map((_, i) => i).sort((a, b) => dir * (xs[b] - xs[a]) || a - b).slice(0, k);
    const dots = E.map((t) => dot(t, v));
    const coss = E.map((t) => cosine(t, v));
    expect(got.byDot.map((h) => h.id)).toEqual(order(dots, 1));
    expect(got.byCos.map((h) => h.id)).toEqual(order(coss, 1));
    expect(got.lowDot.map((h) => h.id)).toEqual(order(dots, -1));
    expect(got.lowCos.map((h) => h.id)).toEqual(order(coss, -1));
    expect(got.bytesRead).toBe(e.embeddings.bytes);
  });

  it('a cancelled projection cancels its job in the scorers and sends no more blocks', async () => {
    const name = 'larql-v2-f32';
    const e = expected(name);
    const s = await session(name);
    const rowBytes = e.hidden_size * (e.embeddings.dtype === 'f16' ? 2 : 4);
    let release!: () => void;
    const { pool, log } = inProcessPool(1);
    log.gate = new Promise<void>((r) => (release = r));
    const ctl = new AbortController();
    const p = projectOverEmbeddings(s, new Float32Array(e.hidden_size).fill(1), 5, noProgress, ctl.signal, pool, rowBytes);
    p.catch(() => undefined);
    await new Promise((r) => setTimeout(r, 20));
    ctl.abort(new DOMException('Cancelled', 'AbortError'));
    const sent = log.calls.filter((c) => c === 'projBlock').length;
    release();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
    expect(log.calls).toContain('projCancel');
    expect(log.calls.filter((c) => c === 'projBlock').length).toBe(sent);
    expect(log.calls).not.toContain('projFinish');
  });
});
