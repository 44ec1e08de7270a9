import { describe, it, expect } from 'vitest';
import { parseDownMetaJsonl } from '../../../src/format/downMetaJsonl';

const text = [
  '{"_header": true, "version": 1, "top_k": 2}',
  '{"l":3,"f":17,"t":"Paris","i":9079,"c":12.5,"k":[{"t":"Paris","i":9079,"s":12.5},{"t":"France","i":4500,"s":8.25}]}',
  '',
  'not json at all',
  '{"l":-1,"f":2,"t":"x","i":1,"c":1,"k":[]}',
  '{"l":0,"f":0,"t":"a","i":5,"c":-1.5,"k":[]}\r',
  '{"l":0,"f":1,"k":[{"t":"the","i":1,"s":"big"}]}',
  '[1,2]',
].join('\n');

describe('parseDownMetaJsonl', () => {
  const parsed = parseDownMetaJsonl(text);

  it('reads records keyed layer:feature with inline token strings', () => {
    expect(parsed.records.get('3:17')).toEqual({
      topToken: 'Paris',
      topTokenId: 9079,
      cScore: 12.5,
      entries: [{ id: 9079, token: 'Paris', logit: 12.5 }, { id: 4500, token: 'France', logit: 8.25 }],
    });
    expect(parsed.records.get('0:0')).toEqual({ topToken: 'a', topTokenId: 5, cScore: -1.5, entries: [] });
    expect(parsed.records.size).toBe(2);
  });

  it('skips _header and blank lines and reports bad lines by number', () => {
    expect(parsed.badLines.map((b) => b.line)).toEqual([4, 5, 7, 8]);
    expect(parsed.badLines[0].reason).toMatch(/^not JSON/);
    expect(parsed.badLines[1].reason).toMatch(/"l" and "f" must be non-negative integers, found l=-1 f=2/);
    expect(parsed.badLines[2].reason).toMatch(/k\[0\] should be/);
    expect(parsed.badLines[3].reason).toBe('not a JSON object');
    expect(parsed.notice).toMatch(/^down_meta\.jsonl: 4 unusable lines skipped \(lines 4, 5, 7, 8: not JSON/);
  });

  it('derives the top token from the first entry when t/i/c are absent', () => {
    const p = parseDownMetaJsonl('{"l":1,"f":2,"k":[{"t":"cat","i":7,"s":3.5}]}');
    expect(p.records.get('1:2')).toEqual({ topToken: 'cat', topTokenId: 7, cScore: 3.5, entries: [{ id: 7, token: 'cat', logit: 3.5 }] });
    expect(p.notice).toBeNull();
  });

  it('handles an empty file', () => {
    const p = parseDownMetaJsonl('');
    expect(p.records.size).toBe(0);
    expect(p.badLines).toEqual([]);
  });
});
