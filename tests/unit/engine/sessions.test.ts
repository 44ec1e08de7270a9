import { describe, it, expect, vi, afterEach } from 'vitest';
import { createEngine } from '../../../src/engine/engine';
import { MatrixStore } from '../../../src/engine/matrixStore';
import { Session } from '../../../src/engine/session';
import { SessionTable } from '../../../src/engine/sessionTable';
import { expected, localLocation, makeFixtures, noProgress, opId, scoreGrid } from './helpers';

makeFixtures();

const NAMES = ['larql-v2-f32', 'larql-v2-f16', 'compact', 'widths'] as const;

afterEach(() => vi.restoreAllMocks());

/** Records each closed MatrixStore with its resident bytes just before and after closing. */
function watchCloses() {
  const closed: { store: MatrixStore; before: number; after: number }[] = [];
  const close = MatrixStore.prototype.close;
  vi.spyOn(MatrixStore.prototype, 'close').mockImplementation(function (this: MatrixStore) {
    const before = this.residentBytes();
    close.call(this);
    closed.push({ store: this, before, after: this.residentBytes() });
  });
  const disposed: Session[] = [];
  const dispose = Session.prototype.dispose;
  vi.spyOn(Session.prototype, 'dispose').mockImplementation(function (this: Session) {
    disposed.push(this);
    dispose.call(this);
  });
  return { closed, disposed };
}

async function openAndScore(engine: ReturnType<typeof createEngine>, name: string) {
  const location = localLocation(name);
  await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
  const e = expected(name);
  await scoreGrid(engine, location.key, e.queries[0].ids, 'cos', e.num_layers);
  return location.key;
}

describe('engine sessions (issue 12.2)', () => {
  it('keeps at most three vindexes open and releases everything of the one it closes', async () => {
    const { closed, disposed } = watchCloses();
    const engine = createEngine();
    const keys: string[] = [];
    for (const name of NAMES) keys.push(await openAndScore(engine, name));
    // the fourth open closed the least recently used, the first
    expect(disposed.map((s) => s.location.key)).toEqual([keys[0]]);
    // its gate store and down store: the gate held the scored layers, and holds nothing now
    expect(closed).toHaveLength(2);
    expect(closed[0].before).toBeGreaterThan(0);
    expect(closed.map((c) => c.after)).toEqual([0, 0]);
    await expect(engine.encode(keys[0], '#1')).rejects.toThrow(`No open vindex with key ${keys[0]}; open it again`);
    // the three others still answer
    for (const k of keys.slice(1)) await expect(engine.encode(k, '#1')).resolves.toBeTruthy();
  });

  it('never closes a shown vindex; ones no longer shown drop their resident layers at once', async () => {
    const { disposed } = watchCloses();
    const released = vi.spyOn(MatrixStore.prototype, 'release');
    const engine = createEngine();
    const first = await openAndScore(engine, NAMES[0]);
    engine.shown([first]);
    expect(released).not.toHaveBeenCalled();
    const second = await openAndScore(engine, NAMES[1]);
    engine.shown([second]);
    expect(released).toHaveBeenCalledTimes(2); // the first's gate and down stores
    engine.shown([first, second]);
    for (const name of NAMES.slice(2)) await openAndScore(engine, name);
    await openAndScore(engine, 'moe');
    // five opened, three kept: both shown ones survive although the first is the least recently used
    expect(disposed.map((s) => s.location.key).sort()).toEqual(['local:compact', 'local:widths']);
    await expect(engine.encode(first, '#1')).resolves.toBeTruthy();
  });
});

describe('SessionTable', () => {
  const entry = () => ({ close: vi.fn(), releaseMemory: vi.fn() });

  it('does not close a busy entry under its operation, but as soon as it ends', async () => {
    const t = new SessionTable<ReturnType<typeof entry>>(1);
    const a = entry();
    t.add(['a'], a);
    let finish!: () => void;
    const running = t.hold(['a'], () => new Promise<void>((r) => (finish = r)));
    const b = entry();
    t.add(['b'], b);
    expect(a.close).not.toHaveBeenCalled(); // busy: kept beyond the bound
    expect(t.size).toBe(2);
    finish();
    await running;
    expect(a.close).toHaveBeenCalledTimes(1);
    expect(t.size).toBe(1);
    expect(() => t.get('a')).toThrow('No open vindex with key a; open it again');
  });

  it('a vindex opened again under the same key replaces (and closes) the old entry', () => {
    const t = new SessionTable<ReturnType<typeof entry>>(3);
    const old = entry();
    t.add(['local:x', 'src-x'], old);
    const fresh = entry();
    t.add(['local:x', 'src-x'], fresh);
    expect(old.close).toHaveBeenCalledTimes(1);
    expect(t.get('src-x')).toBe(fresh);
    expect(t.size).toBe(1);
  });
});
