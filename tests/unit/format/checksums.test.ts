import { describe, it, expect } from 'vitest';
import { parseSha256Sums, collectExpectedChecksums } from '../../../src/format/checksums';

const A = 'a'.repeat(64);
const B = '0123456789abcdef'.repeat(4);
const C = 'C'.repeat(64);

describe('parseSha256Sums', () => {
  it('reads text-mode, binary-mode and BSD lines, stripping ./', () => {
    const text = [`${A}  index.json`, `${B} *./gate_vectors.bin`, `SHA256 (embeddings.bin) = ${C}`, '', '# comment'].join('\r\n');
    const { sums, badLines } = parseSha256Sums(text);
    expect(badLines).toEqual([]);
    expect(sums.get('index.json')).toBe(A);
    expect(sums.get('gate_vectors.bin')).toBe(B);
    expect(sums.get('embeddings.bin')).toBe('c'.repeat(64));
    expect(sums.size).toBe(3);
  });

  it('keeps names with spaces and unescapes GNU backslash lines', () => {
    const { sums } = parseSha256Sums(`${A}  my file.bin\n\\${B}  back\\\\slash.bin\n`);
    expect(sums.get('my file.bin')).toBe(A);
    expect(sums.get('back\\slash.bin')).toBe(B);
  });

  it('reports bad lines with their numbers', () => {
    const { sums, badLines } = parseSha256Sums(`${A}  ok.bin\nabc123  short.bin\n${A}index.json\n`);
    expect([...sums.keys()]).toEqual(['ok.bin']);
    expect(badLines).toEqual([
      { line: 2, text: 'abc123  short.bin' },
      { line: 3, text: `${A}index.json` },
    ]);
  });
});

describe('collectExpectedChecksums', () => {
  it('takes index.json first, then SHA256SUMS, then Hub LFS, and flags disagreements', () => {
    const out = collectExpectedChecksums({
      indexChecksums: { 'gate_vectors.bin': A },
      sha256sums: new Map([['gate_vectors.bin', B], ['embeddings.bin', A]]),
      lfs: { 'embeddings.bin': A.toUpperCase(), 'down_meta.bin': B, 'x.bin': 'not-a-hash' },
    });
    expect(out['gate_vectors.bin']).toEqual({
      expected: A,
      from: 'index.json',
      all: [{ from: 'index.json', sha256: A }, { from: 'SHA256SUMS', sha256: B }],
      disagree: true,
    });
    expect(out['embeddings.bin'].from).toBe('SHA256SUMS');
    expect(out['embeddings.bin'].disagree).toBe(false);
    expect(out['embeddings.bin'].all).toHaveLength(2);
    expect(out['down_meta.bin']).toEqual({ expected: B, from: 'Hub LFS', all: [{ from: 'Hub LFS', sha256: B }], disagree: false });
    expect(out['x.bin']).toBeUndefined();
  });

  it('accepts missing sources', () => {
    expect(collectExpectedChecksums({ indexChecksums: null })).toEqual({});
  });
});
