import { describe, it, expect } from 'vitest';
import { decodePermalink, encodePermalink, EMPTY_VIEW, historyMode } from '../../../src/state/permalink';

describe('permalink codec (contract v1)', () => {
  it('decodes every parameter of a full link', () => {
    const { state, problems } = decodePermalink(
      '?src=hf%3Aowner%2Fname%40abc&endpoint=http%3A%2F%2F127.0.0.1%3A9&view=feature&q=%2312%2C%2340&q2=Berlin&metric=dot&rank=signed&layer=6&feature=122',
    );
    expect(problems).toEqual([]);
    expect(state).toEqual({
      src: 'hf:owner/name@abc', endpoint: 'http://127.0.0.1:9', view: 'feature', q: '#12,#40', q2: 'Berlin',
      metric: 'dot', rank: 'signed', layer: 6, feature: 122, src2: null, endpoint2: null, tokenizer: null, norm: 'raw', zoom: null,
    });
  });

  it('keeps a query\'s leading space and a base-model tokenizer pinned to a commit', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    const s = { ...EMPTY_VIEW, src: 'hf:o/v@' + sha, view: 'token' as const, q: ' Paris', tokenizer: `tester/gpt2-base@${sha}` };
    const text = encodePermalink(s);
    expect(text).toBe(`?src=hf%3Ao%2Fv%40${sha}&view=token&q=+Paris&tokenizer=tester%2Fgpt2-base%40${sha}`);
    expect(decodePermalink(text).state).toEqual(s);
    const bad = decodePermalink('?tokenizer=tester/gpt2-base@main');
    expect(bad.state.tokenizer).toBeNull();
    expect(bad.problems.join('\n')).toMatch(/tokenizer=tester\/gpt2-base@main is not <owner>\/<name>@<40-hex commit>/);
  });

  it('applies the documented defaults: cos, signed for cos and abs for dot, overview', () => {
    expect(decodePermalink('').state).toEqual(EMPTY_VIEW);
    expect(decodePermalink('?metric=dot').state.rank).toBe('abs');
    expect(decodePermalink('?metric=cos').state.rank).toBe('signed');
  });

  it('round-trips and omits defaults', () => {
    const s = { ...EMPTY_VIEW, src: 'demo', view: 'token' as const, q: 'Paris', metric: 'dot' as const, rank: 'abs' as const };
    const text = encodePermalink(s);
    expect(text).toBe('?src=demo&view=token&q=Paris&metric=dot');
    expect(decodePermalink(text).state).toEqual(s);
    const t = { ...s, rank: 'signed' as const, layer: 0, feature: 0 };
    expect(decodePermalink(encodePermalink(t)).state).toEqual(t);
  });

  it('keeps text with reserved characters intact', () => {
    const s = { ...EMPTY_VIEW, src: 'https://host/a b/?x=1&y', q: 'the & cat = #1' };
    expect(decodePermalink(encodePermalink(s)).state).toEqual(s);
  });

  it('ignores bad values with a note naming them', () => {
    const { state, problems } = decodePermalink('?view=graph&metric=l2&layer=-1&feature=x');
    expect(state.view).toBe('overview');
    expect(state.metric).toBe('cos');
    expect(state.layer).toBeNull();
    expect(state.feature).toBeNull();
    expect(problems.join('\n')).toMatch(/view "graph"/);
    expect(problems.join('\n')).toMatch(/metric "l2"/);
    expect(problems.join('\n')).toMatch(/layer=-1/);
    expect(problems.join('\n')).toMatch(/feature=x/);
  });

  it('carries the normalisation and the zoom range, compactly, and refuses bad ones', () => {
    const s = { ...EMPTY_VIEW, src: 'demo', view: 'token' as const, q: 'Paris', norm: 'z' as const, zoom: [120.254, 480] as [number, number] };
    const text = encodePermalink(s);
    expect(text).toBe('?src=demo&view=token&q=Paris&norm=z&zoom=120.25-480');
    expect(decodePermalink(text).state).toMatchObject({ norm: 'z', zoom: [120.25, 480] });
    const bad = decodePermalink('?norm=log&zoom=9-3');
    expect(bad.state).toMatchObject({ norm: 'raw', zoom: null });
    expect(bad.problems.join('\n')).toMatch(/norm "log"/);
    expect(bad.problems.join('\n')).toMatch(/zoom=9-3/);
  });

  it('pushes history for navigation and rewrites the entry for adjustments', () => {
    const a = { ...EMPTY_VIEW, src: 'demo', view: 'token' as const, q: 'Paris' };
    expect(historyMode(a, { ...a, view: 'feature', layer: 6, feature: 122 })).toBe('push');
    expect(historyMode(a, { ...a, q: 'Berlin' })).toBe('push');
    expect(historyMode(a, { ...a, src: 'hf:x/y' })).toBe('push');
    expect(historyMode(a, { ...a, metric: 'dot', rank: 'abs' })).toBe('replace');
    expect(historyMode(a, { ...a, zoom: [0, 10] })).toBe('replace');
    expect(historyMode(a, { ...a, norm: 'pct' })).toBe('replace');
  });
});
