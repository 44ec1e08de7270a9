import { describe, it, expect } from 'vitest';
import { parseQuery } from '../../../src/format/queryText';

describe('parseQuery', () => {
  it('reads single and multiple ids, tolerating whitespace', () => {
    expect(parseQuery('#123')).toEqual({ kind: 'ids', ids: [123] });
    expect(parseQuery('#1,#2')).toEqual({ kind: 'ids', ids: [1, 2] });
    expect(parseQuery('  # 12 ,  #0007 #5, ')).toEqual({ kind: 'ids', ids: [12, 7, 5] });
  });
  it('treats other input as text exactly as typed (spaces are part of tokens) and blank as empty', () => {
    expect(parseQuery(' Paris')).toEqual({ kind: 'text', text: ' Paris' });
    expect(parseQuery(' Paris ')).toEqual({ kind: 'text', text: ' Paris ' });
    expect(parseQuery('Paris')).toEqual({ kind: 'text', text: 'Paris' });
    expect(parseQuery('capital #1')).toEqual({ kind: 'text', text: 'capital #1' });
    expect(parseQuery('   ')).toEqual({ kind: 'empty' });
  });
  it('reports invalid id lists', () => {
    expect(parseQuery('#abc')).toEqual({ kind: 'error', message: '"#abc" is not a token id: write #123, or several as #1,#2' });
    expect(parseQuery('#1,2')).toEqual({ kind: 'error', message: '"2" is not a token id: write #123, or several as #1,#2' });
    expect(parseQuery('#')).toMatchObject({ kind: 'error' });
    expect(parseQuery('#99999999999')).toEqual({ kind: 'error', message: '"#99999999999" is too large for a token id' });
  });
});
