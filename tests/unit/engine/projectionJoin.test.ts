import { describe, it, expect } from 'vitest';
import { Session } from '../../../src/engine/session';
import { joinProjection, projectOverEmbeddings } from '../../../src/engine/projectionStream';
import { expected, localLocation, makeFixtures, noProgress, openFixture, opId, type SliceCounter } from './helpers';
import { inProcessPool } from './poolHelpers';
import type { ScorerPool } from '../../../src/engine/scorerPool';

makeFixtures();

async function session(name: string) {
  const s = await Session.open(localLocation(name), new AbortController().signal, () => undefined);
  // count the pass's reads of embeddings.bin (the store would share in-flight reads, so count calls)
  // and hold reads after the first `free` ones until `release` (a fixture is read too fast to cancel midway)
  const reads = { n: 0, free: Infinity, held: Promise.resolve(), release: () => undefined as void };
  const read = s.sources.read.bind(s.sources);
  s.sources.read = (async (file: string, start: number, end: number, signal?: AbortSignal) => {
    if (file === 'embeddings.bin' && reads.n++ >= reads.free) await reads.held;
    return read(file, start, end, signal);
  }) as typeof s.sources.read;
  const hold = (free: number) => {
    reads.free = free;
    reads.held = new Promise<void>((r) => (reads.release = r));
  };
  return { s, reads, hold };
}

function setup(name: string) {
  const e = expected(name);
  const H = e.hidden_size;
  const rowBytes = H * (e.embeddings.dtype === 'f16' ? 2 : 4);
  const blocks = Math.ceil(e.vocab_size / 3);
  const a = new Float32Array(H).map((_, i) => Math.sin(i * 1.7) + 0.25);
  const b = new Float32Array(H).map((_, i) => Math.cos(i * 0.3) - 0.1);
  return { e, H, blockBytes: 3 * rowBytes, blocks, a, b };
}

const later = <T>(x: T) => new Promise<T>((r) => setTimeout(() => r(x), 5));

describe('projections asked for together share one pass', () => {
  it.each([
    ['larql-v2-f32', 0], ['larql-v2-f16', 0], ['compact', 0], ['larql-v2-f16', 1], ['compact', 2],
  ] as const)('%s, %i scorers: two callers get exactly their separate projections from one pass', async (name, scorers) => {
    const { e, blockBytes, blocks, a, b } = setup(name);
    const { s, reads } = await session(name);
    const pool: ScorerPool | null = scorers ? inProcessPool(scorers).pool : null;
    const refA = await projectOverEmbeddings(s, a, 7, noProgress, new AbortController().signal, null, blockBytes);
    const refB = await projectOverEmbeddings(s, b, 4, noProgress, new AbortController().signal, null, blockBytes);
    expect(reads.n).toBe(2 * blocks);
    reads.n = 0;
    const progA: number[] = [];
    const progB: number[] = [];
    // the second vector arrives a little later, as a second row read would
    const [gotA, gotB] = await Promise.all([
      joinProjection(s, Promise.resolve(a), 7, (d) => progA.push(d), new AbortController().signal, pool, blockBytes),
      joinProjection(s, later(b), 4, (d) => progB.push(d), new AbortController().signal, pool, blockBytes),
    ]);
    expect(gotA).toEqual(refA);
    expect(gotB).toEqual(refB);
    expect(reads.n).toBe(blocks); // one pass
    expect(progA.at(-1)).toBe(e.embeddings.bytes);
    expect(progB.at(-1)).toBe(e.embeddings.bytes);
  });

  it('a request after the pass has started runs a pass of its own, with the right result', async () => {
    const { blockBytes, blocks, a, b } = setup('larql-v2-f16');
    const { s, reads } = await session('larql-v2-f16');
    const refB = await projectOverEmbeddings(s, b, 5, noProgress, new AbortController().signal, null, blockBytes);
    reads.n = 0;
    const first = joinProjection(s, Promise.resolve(a), 5, noProgress, new AbortController().signal, null, blockBytes);
    await new Promise((r) => setTimeout(r, 30));
    const second = await joinProjection(s, Promise.resolve(b), 5, noProgress, new AbortController().signal, null, blockBytes);
    await first;
    expect(second).toEqual(refB);
    expect(reads.n).toBe(2 * blocks);
  });

  it.each([0, 1])('%i scorers: cancelling one of two joined callers rejects it alone; the other completes, correct', async (scorers) => {
    const { e, blockBytes, a, b } = setup('larql-v2-f32');
    const { s, reads, hold } = await session('larql-v2-f32');
    const refB = await projectOverEmbeddings(s, b, 6, noProgress, new AbortController().signal, null, blockBytes);
    reads.n = 0;
    hold(2);
    const pool = scorers ? inProcessPool(scorers).pool : null;
    const ctlA = new AbortController();
    let progA = 0;
    let progB = 0;
    const pa = joinProjection(s, Promise.resolve(a), 6, () => progA++, ctlA.signal, pool, blockBytes);
    const pb = joinProjection(s, Promise.resolve(b), 6, (d) => (progB = d), new AbortController().signal, pool, blockBytes);
    pa.catch(() => undefined);
    // cancel once the pass is under way
    while (progA === 0) await new Promise((r) => setTimeout(r, 0));
    ctlA.abort(new DOMException('Cancelled', 'AbortError'));
    const seen = progA;
    await expect(pa).rejects.toMatchObject({ name: 'AbortError' });
    reads.release();
    expect(await pb).toEqual(refB);
    expect(progB).toBe(e.embeddings.bytes);
    expect(progA).toBe(seen); // no progress after its cancel
  });

  it('a caller whose vector cannot be read fails alone', async () => {
    const { blockBytes, b } = setup('compact');
    const { s } = await session('compact');
    const refB = await projectOverEmbeddings(s, b, 3, noProgress, new AbortController().signal, null, blockBytes);
    const pa = joinProjection(s, Promise.reject(new Error('gate_vectors.bin: no row')), 3, noProgress, new AbortController().signal, null, blockBytes);
    const pb = joinProjection(s, Promise.resolve(b), 3, noProgress, new AbortController().signal, null, blockBytes);
    await expect(pa).rejects.toThrow('gate_vectors.bin: no row');
    expect(await pb).toEqual(refB);
  });

  it.each([0, 1])('%i scorers: cancelling both callers stops the pass', async (scorers) => {
    const { blockBytes, blocks, a, b } = setup('larql-v2-f32');
    const { s, reads, hold } = await session('larql-v2-f32');
    hold(2);
    const made = scorers ? inProcessPool(scorers) : null;
    const ctlA = new AbortController();
    const ctlB = new AbortController();
    let prog = 0;
    const pa = joinProjection(s, Promise.resolve(a), 5, () => prog++, ctlA.signal, made?.pool ?? null, blockBytes);
    const pb = joinProjection(s, Promise.resolve(b), 5, noProgress, ctlB.signal, made?.pool ?? null, blockBytes);
    pa.catch(() => undefined);
    pb.catch(() => undefined);
    while (prog === 0) await new Promise((r) => setTimeout(r, 0));
    ctlA.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(pa).rejects.toMatchObject({ name: 'AbortError' });
    ctlB.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(pb).rejects.toMatchObject({ name: 'AbortError' });
    const atCancel = reads.n;
    reads.release();
    await new Promise((r) => setTimeout(r, 50));
    expect(reads.n).toBe(atCancel); // no block read after both left
    expect(reads.n).toBeLessThan(blocks);
    if (made) {
      expect(made.log.calls).toContain('projCancel');
      expect(made.log.calls).not.toContain('projFinish');
    }
  });
});

describe('the feature view asks for Says and Hears back to back', () => {
  it.each(['larql-v2-f16', 'compact'])('%s: through the engine they read embeddings.bin once and give their separate results', async (name) => {
    const e = expected(name);
    const counter: SliceCounter = new Map();
    const { engine, key } = await openFixture(name, counter);
    const req = (vector: 'down' | 'gate') => ({ layer: 0, feature: 1, vector, k: 6 });
    const says = await engine.projection(key, opId('s'), req('down'), noProgress);
    const hears = await engine.projection(key, opId('h'), req('gate'), noProgress);
    const before = counter.get('embeddings.bin') ?? 0;
    expect(before).toBe(2 * e.embeddings.bytes);
    const [s2, h2] = await Promise.all([
      engine.projection(key, opId('s'), req('down'), noProgress),
      engine.projection(key, opId('h'), req('gate'), noProgress),
    ]);
    expect(s2).toEqual(says);
    expect(h2).toEqual(hears);
    expect((counter.get('embeddings.bin') ?? 0) - before).toBe(e.embeddings.bytes);
  });
});
