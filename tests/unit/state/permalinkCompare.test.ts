// The comparison's permalink parameters: src2 (a second vindex in any source form) and endpoint2
// (written only when it differs from endpoint), and view=compare.
import { describe, it, expect } from 'vitest';
import { decodePermalink, encodePermalink, EMPTY_VIEW } from '../../../src/state/permalink';

describe('permalink: a second vindex', () => {
  it('decodes src2, endpoint2 and view=compare', () => {
    const { state, problems } = decodePermalink(
      '?src=hf%3Aa%2Fb%40111&src2=hf%3Adatasets%2Fc%2Fd%40222&endpoint2=http%3A%2F%2F127.0.0.1%3A9&view=compare',
    );
    expect(problems).toEqual([]);
    expect(state).toMatchObject({ src: 'hf:a/b@111', src2: 'hf:datasets/c/d@222', endpoint: null, endpoint2: 'http://127.0.0.1:9', view: 'compare' });
  });

  it('round-trips token and compare views with both sources', () => {
    for (const s of [
      { ...EMPTY_VIEW, src: 'http://h/a/', src2: 'http://h/b/', view: 'token' as const, q: 'Paris' },
      { ...EMPTY_VIEW, src: 'demo', src2: 'local:test/m:0123456789ab', view: 'compare' as const },
      { ...EMPTY_VIEW, src: 'hf:a/b', endpoint: 'http://x', src2: 'hf:c/d', endpoint2: 'http://y', view: 'feature' as const, layer: 1, feature: 2 },
    ]) {
      expect(decodePermalink(encodePermalink(s)).state).toEqual(s);
    }
  });

  it('writes endpoint2 only when it differs from endpoint, and never without src2', () => {
    const base = { ...EMPTY_VIEW, src: 'hf:a/b', endpoint: 'http://x', view: 'token' as const };
    expect(encodePermalink({ ...base, src2: 'hf:c/d', endpoint2: 'http://x' })).toBe('?src=hf%3Aa%2Fb&endpoint=http%3A%2F%2Fx&view=token&src2=hf%3Ac%2Fd');
    expect(encodePermalink({ ...base, src2: null, endpoint2: 'http://y' })).not.toMatch(/endpoint2/);
    expect(encodePermalink({ ...base, src2: 'hf:c/d', endpoint2: 'http://y' })).toMatch(/&endpoint2=http%3A%2F%2Fy$/);
  });
});
