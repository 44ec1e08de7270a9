import { describe, it, expect } from 'vitest';
import { scoresNpy, scoresCsv, topJson, topCsv, pngWithText, denseGrid, csvCell, csvComments } from '../../../src/views/token/exporters';
import { toCsv } from '../../../src/views/feature/toCsv';
import { formatScore } from '../../../src/views/common/format';

const meta = { source: 'demo', commit: null, query: ' Paris', tokenIds: [2376], tokens: ['ĠParis'], tokenizer: 'tester/gpt2-base@' + 'ab'.repeat(20), metric: 'cos', rank: 'signed' };
const grid = [new Float32Array([1, -2, 3]), null, new Float32Array([0.5])];

describe('exporters', () => {
  it('writes a NumPy v1.0 header with shape (L, maxF), 64-byte aligned, then little-endian f32 with NaN padding', () => {
    const npy = scoresNpy(grid, 3, meta);
    expect(Array.from(npy.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const hlen = npy[8] | (npy[9] << 8);
    expect((10 + hlen) % 64).toBe(0);
    const header = new TextDecoder().decode(npy.subarray(10, 10 + hlen));
    expect(header.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }")).toBe(true);
    expect(header.endsWith('\n')).toBe(true);
    expect(header).toContain('"query":" Paris"');
    // the raw token survives the ASCII-only header as a JSON escape (Ġ is U+0120)
    expect(JSON.parse(header.slice(header.indexOf('# ') + 2))).toMatchObject({ tokens: ['ĠParis'], tokenIds: [2376] });
    const values = new Float32Array(npy.slice(10 + hlen).buffer);
    expect(Array.from(values.slice(0, 3))).toEqual([1, -2, 3]);
    expect(values.slice(3, 6).every(Number.isNaN)).toBe(true);
    expect(values[6]).toBe(0.5);
    expect(Number.isNaN(values[7]) && Number.isNaN(values[8])).toBe(true);
  });

  it('pads rows to maxF with NaN', () => {
    expect(Array.from(denseGrid([new Float32Array([7])], 2)).map(String)).toEqual(['7', 'NaN']);
  });

  it('writes CSV with provenance comments and one row per layer', () => {
    const csv = scoresCsv(grid, 3, meta).trim().split('\n');
    expect(csv).toContain('# query:  Paris');
    expect(csv).toContain('# tokenIds: 2376');
    expect(csv).toContain('# tokens: ["ĠParis"]');
    expect(csv).toContain(`# tokenizer: tester/gpt2-base@${'ab'.repeat(20)}`);
    expect(csv).toContain('layer,f0,f1,f2');
    expect(csv).toContain('0,1,-2,3');
    expect(csv).toContain('1,NaN,NaN,NaN');
  });

  it('keeps non-finite scores in JSON as strings', () => {
    const j = JSON.parse(topJson([{ layer: 0, feature: 1, score: NaN }, { layer: 1, feature: 0, score: 0.25 }], meta));
    expect(j.topFeatures).toEqual([{ layer: 0, feature: 1, score: 'NaN' }, { layer: 1, feature: 0, score: 0.25 }]);
    expect(j.metric).toBe('cos');
  });

  it('inserts a tEXt chunk after IHDR with a correct CRC-32', () => {
    // a minimal PNG: signature + IHDR (13 bytes) + IEND; only the chunk structure matters here
    const sig = [137, 80, 78, 71, 13, 10, 26, 10];
    const ihdr = [0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0, 0x90, 0x77, 0x53, 0xde];
    const iend = [0, 0, 0, 0, 73, 69, 78, 68, 0xae, 0x42, 0x60, 0x82];
    const png = new Uint8Array([...sig, ...ihdr, ...iend]);
    const out = pngWithText(png, meta);
    const at = sig.length + ihdr.length;
    const dv = new DataView(out.buffer);
    const len = dv.getUint32(at);
    expect(new TextDecoder().decode(out.subarray(at + 4, at + 8))).toBe('tEXt');
    const text = new TextDecoder().decode(out.subarray(at + 8, at + 8 + len));
    expect(text.startsWith('vindex-explorer\0{')).toBe(true);
    // the CRC of IEND (a known constant, 0xAE426082) checks the CRC table independently
    expect(Array.from(out.subarray(out.length - 4))).toEqual([0xae, 0x42, 0x60, 0x82]);
    // recompute the tEXt CRC with a bitwise CRC-32 written here
    const crc = (bytes: Uint8Array) => {
      let c = 0xffffffff;
      for (const b of bytes) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    expect(dv.getUint32(at + 8 + len)).toBe(crc(out.subarray(at + 4, at + 8 + len)));
    expect(out.length).toBe(png.length + 12 + len);
  });
});

describe('formatScore', () => {
  it('shows at least 4 significant digits and spells non-finite values', () => {
    expect(formatScore(0.77123)).toBe('0.7712');
    expect(formatScore(17.82371)).toBe('17.8237');
    expect(formatScore(-0.000123456)).toBe('-0.0001235');
    expect(formatScore(NaN)).toBe('NaN');
    expect(formatScore(Infinity)).toBe('+inf');
    expect(formatScore(-Infinity)).toBe('-inf');
    expect(formatScore(1234567)).toBe('1.2346e+6');
  });
});

describe('CSV cells and comments cannot run in a spreadsheet (issue 12.11)', () => {
  it('prefixes text starting with = + - @ tab or CR, quotes separators, leaves numbers alone', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('-2')).toBe("'-2");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('\rx')).toBe(`"'\rx"`);
    // outer whitespace is quoted, so a token's leading space survives CSV readers that trim
    expect(csvCell(' Paris')).toBe('" Paris"');
    expect(csvCell(-0.5)).toBe('-0.5');
    expect(csvCell(null)).toBe('');
  });

  it('keeps a query with a line break on its comment line', () => {
    const lines = csvComments({ query: 'Paris\n=HYPERLINK("http://evil")', ids: [1, 2] });
    expect(lines).toEqual(['# query: "Paris\\n=HYPERLINK(\\"http://evil\\")"', '# ids: 1 2']);
    const csv = topCsv([{ layer: 0, feature: 1, score: -3 }], { ...meta, query: 'Paris\n=HYPERLINK(1)' });
    for (const line of csv.split('\n')) expect(line).not.toMatch(/^[=+\-@\t\r]/);
    expect(toCsv(['token'], [['=1+2']], { q: 'x\r\n@y' }).split('\n').every((l) => !/^[=+\-@]/.test(l))).toBe(true);
  });
});
