import { describe, it, expect } from 'vitest';
import type { Remote } from 'comlink';
import { reopening } from '../../../src/queries/engine';
import { createEngine } from '../../../src/engine/engine';
import type { EngineApi } from '../../../src/engine/api';
import { localLocation, makeFixtures, noProgress } from './helpers';

makeFixtures();

describe('the page reopens a vindex the worker closed', () => {
  it('an operation on an evicted key opens it again with the same request and succeeds', async () => {
    const inner = createEngine();
    const opens: string[] = [];
    const counting = { ...inner, open: (...a: Parameters<EngineApi['open']>) => { opens.push(a[0].location!.key); return inner.open(...a); } };
    const engine = reopening(counting as unknown as Remote<EngineApi>);
    const names = ['larql-v2-f32', 'larql-v2-f16', 'compact', 'widths'];
    for (const n of names) await engine.open({ location: localLocation(n), demoUrl: 'http://unused/' }, `o-${n}`, noProgress);
    // the worker itself refuses the first (least recently used, closed on the fourth open) …
    await expect(inner.encode('local:larql-v2-f32', '#3')).rejects.toThrow('No open vindex with key local:larql-v2-f32');
    // … and through the page's wrapper the same call answers, after one more open of that vindex
    const q = await engine.encode('local:larql-v2-f32', '#3');
    expect(q.tokens.map((t) => t.id)).toEqual([3]);
    expect(opens).toEqual([...names.map((n) => `local:${n}`), 'local:larql-v2-f32']);
  });

  it('a key the page never opened still fails with the engine error', async () => {
    const engine = reopening(createEngine() as unknown as Remote<EngineApi>);
    await expect(engine.encode('local:never', '#1')).rejects.toThrow('No open vindex with key local:never; open it again');
  });
});
