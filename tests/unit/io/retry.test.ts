import { describe, expect, it } from 'vitest';
import { backoffDelay, sleep, withRetry, type RetryInfo } from '../../../src/io/retry';

describe('retry', () => {
  it('backs off exponentially with bounded jitter', () => {
    expect(backoffDelay(1, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelay(1, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 10_000, () => 0.5)).toBe(300);
    expect(backoffDelay(20, 100, 1000, () => 1)).toBe(1000);
  });

  it('retries Retryable results up to the bound, then throws the last error', async () => {
    const seen: RetryInfo[] = [];
    let n = 0;
    const err = await withRetry(async () => {
      n++;
      return { retry: true as const, status: 429, message: 'x: rate limited', error: new Error('gave up') };
    }, { retries: 3, sleep: async () => {}, onRetry: (i) => seen.push(i) }).catch((e: Error) => e);
    expect(n).toBe(3);
    expect((err as Error).message).toBe('gave up');
    expect(seen.map((s) => [s.attempt, s.status])).toEqual([[1, 429], [2, 429]]);
    expect(seen[0].message).toMatch(/^x: rate limited; retrying in [\d.]+ s$/);
  });

  it('returns the first success and never retries thrown errors', async () => {
    let n = 0;
    expect(await withRetry(async () => (++n < 2 ? { retry: true as const, status: 500, message: 'm', error: new Error('e') } : 'ok'), { sleep: async () => {} })).toBe('ok');
    let m = 0;
    await expect(withRetry(async () => { m++; throw new Error('final'); })).rejects.toThrow('final');
    expect(m).toBe(1);
  });

  it('sleep rejects on abort', async () => {
    const c = new AbortController();
    const p = sleep(10_000, c.signal);
    c.abort();
    await expect(p).rejects.toMatchObject({ name: 'AbortError' });
  });
});
