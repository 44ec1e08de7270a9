import { describe, it, expect } from 'vitest';
import { SharedLoads } from '../../../src/engine/sharedLoads';

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

describe('SharedLoads', () => {
  it('starts one load per key however many callers join', async () => {
    const loads = new SharedLoads<string, number>();
    let starts = 0;
    const d = deferred<number>();
    const start = () => { starts++; return d.promise; };
    const p = [loads.get('k', start), loads.get('k', start, new AbortController().signal)];
    await Promise.resolve();
    d.resolve(7);
    expect(await Promise.all(p)).toEqual([7, 7]);
    expect(starts).toBe(1);
    expect(loads.size).toBe(0); // settled loads are not kept
  });

  it('a caller without a signal keeps the load alive when the others leave', async () => {
    const loads = new SharedLoads<string, number>();
    const d = deferred<number>();
    let seen: AbortSignal | null = null;
    const start = (s: AbortSignal) => { seen = s; return d.promise; };
    const a = new AbortController();
    const pa = loads.get('k', start, a.signal);
    const pb = loads.get('k', start);
    await Promise.resolve();
    a.abort(new DOMException('Cancelled', 'AbortError'));
    await expect(pa).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen!.aborted).toBe(false);
    d.resolve(3);
    expect(await pb).toBe(3);
  });

  it('a failure reaches every caller and the next caller starts again', async () => {
    const loads = new SharedLoads<string, number>();
    const p1 = loads.get('k', () => Promise.reject(new Error('gate_vectors.bin: boom')), new AbortController().signal);
    const p2 = loads.get('k', () => Promise.resolve(1));
    await expect(p1).rejects.toThrow('boom');
    await expect(p2).rejects.toThrow('boom');
    expect(await loads.get('k', () => Promise.resolve(2))).toBe(2);
  });

  it('an already aborted signal starts nothing', async () => {
    const loads = new SharedLoads<string, number>();
    const a = new AbortController();
    a.abort(new DOMException('Cancelled', 'AbortError'));
    let starts = 0;
    await expect(loads.get('k', () => { starts++; return Promise.resolve(1); }, a.signal)).rejects.toMatchObject({ name: 'AbortError' });
    expect(starts).toBe(0);
  });
});
