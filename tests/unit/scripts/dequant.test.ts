// GGML block decoders against hand-worked blocks: each expected value below was worked out by hand
// from the block layout in ggml's dequantize_row_* (see the comments), not by running the decoder.
import { describe, expect, it } from 'vitest';
import { GGML, blockType, byteSize, dequantize } from '../../../scripts/gguf/dequant.mjs';
import { f32ToF16Bits, f16ToNumber } from '../../../scripts/gguf/f16.mjs';

const le16 = (...xs: number[]) => xs.flatMap((x) => [x & 255, (x >> 8) & 255]);

describe('dequantize', () => {
  it('Q4_1: x[j] = lo(qs[j])·d + m, x[j+16] = hi(qs[j])·d + m', () => {
    // d = 0.5 (f16 0x3800), m = −1 (0xBC00), qs[j] = j | (15 − j) << 4
    const qs = Array.from({ length: 16 }, (_, j) => j | ((15 - j) << 4));
    const block = Uint8Array.from([...le16(0x3800, 0xbc00), ...qs]);
    const want = [
      -1, -0.5, 0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5, 5.5, 6, 6.5,
      6.5, 6, 5.5, 5, 4.5, 4, 3.5, 3, 2.5, 2, 1.5, 1, 0.5, 0, -0.5, -1,
    ];
    expect(Array.from(dequantize(GGML.Q4_1, block, 32))).toEqual(want);
  });

  it('Q8_0: x[j] = qs[j]·d with signed bytes', () => {
    // d = 0.25 (0x3400); qs = −128, −1, 0, 1, 127, then 2, 3, …
    const qs = [0x80, 0xff, 0, 1, 127, ...Array.from({ length: 27 }, (_, i) => i + 2)];
    const block = Uint8Array.from([...le16(0x3400), ...qs]);
    const got = Array.from(dequantize(GGML.Q8_0, block, 32));
    expect(got.slice(0, 7)).toEqual([-32, -0.25, 0, 0.25, 31.75, 0.5, 0.75]);
    expect(got[31]).toBe(28 * 0.25);
  });

  it('Q4_0: x[j] = (lo − 8)·d, x[j+16] = (hi − 8)·d', () => {
    const block = Uint8Array.from([...le16(0x4000), ...new Array(16).fill(0x8f)]); // d = 2; lo 15 → 14, hi 8 → 0
    const got = Array.from(dequantize(GGML.Q4_0, block, 32));
    expect(got.slice(0, 16)).toEqual(new Array(16).fill(14));
    expect(got.slice(16)).toEqual(new Array(16).fill(0));
  });

  it('Q6_K: 6-bit values (ql low/high nibbles + qh bit pairs) − 32, times d·scale', () => {
    // ql[128] | qh[64] | scales[16] (int8) | d (f16). d = 0.5; scales 1..8, then −1..−8.
    const b = new Uint8Array(210);
    for (let i = 0; i < 8; i++) b[192 + i] = i + 1;
    for (let i = 8; i < 16; i++) b[192 + i] = (256 - (i - 7)) & 255;
    b.set(le16(0x3800), 208);
    b[0] = 0x5a; // ql[0]: low 10 (y0), high 5 (y64)
    b[32] = 0x3c; // ql[32]: low 12 (y32), high 3 (y96)
    b[128] = 0xe4; // qh[0]: bit pairs 00 (y0), 01 (y32), 10 (y64), 11 (y96)
    b[64 + 17] = 0xf0; // second half, l = 17: ql low 0 (y145), high 15 (y209); qh[32+17] = 0
    const y = dequantize(GGML.Q6_K, b, 256);
    // y0 = 0.5·1·(10 − 32); y32 = 0.5·3·((12|16) − 32); y64 = 0.5·5·((5|32) − 32); y96 = 0.5·7·((3|48) − 32)
    expect([y[0], y[32], y[64], y[96]]).toEqual([-11, -6, 12.5, 66.5]);
    // untouched: y1 = 0.5·1·(−32); y16 uses scale[1] = 2
    expect([y[1], y[16]]).toEqual([-16, -32]);
    // second half: scales[8 + is]; y145 = 0.5·(−2)·(−32), y209 = 0.5·scales[13] (−6)·(15 − 32)
    expect([y[145], y[209]]).toEqual([32, 51]);
  });

  it('F16, BF16 and F32 decode element by element (subnormals, ±inf, NaN kept)', () => {
    const f16 = dequantize(GGML.F16, Uint8Array.from(le16(0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x7e00)), 6);
    expect(Array.from(f16.slice(0, 5))).toEqual([1, -2, 65504, 2 ** -24, Infinity]);
    expect(Number.isNaN(f16[5])).toBe(true);
    expect(Array.from(dequantize(GGML.BF16, Uint8Array.from(le16(0x3f80, 0xc0a0)), 2))).toEqual([1, -5]);
    expect(Array.from(dequantize(GGML.F32, new Uint8Array(new Float32Array([1.5, -0.25]).buffer), 2))).toEqual([1.5, -0.25]);
  });

  it('knows block sizes, and refuses short input and unknown types', () => {
    expect(blockType(GGML.Q4_1)).toEqual({ name: 'Q4_1', block: 32, bytes: 20 });
    expect(byteSize(GGML.Q6_K, 512)).toBe(420);
    expect(blockType(13)).toBeNull(); // Q5_K
    expect(() => byteSize(GGML.Q8_0, 48)).toThrow(/48 values are not a whole number of Q8_0 blocks/);
    expect(() => dequantize(GGML.Q4_1, new Uint8Array(19), 32)).toThrow(/need 20 bytes, got 19/);
  });
});

describe('f32 → f16 rounding', () => {
  it('rounds to nearest, ties to even, with overflow and subnormals', () => {
    expect(f32ToF16Bits(1 + 2 ** -11)).toBe(0x3c00); // halfway between 1 and 1 + 2^-10: even wins
    expect(f32ToF16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway, odd below: rounds up
    expect(f32ToF16Bits(65520)).toBe(0x7c00); // the tie above 65504 overflows
    expect(f32ToF16Bits(-(2 ** -25))).toBe(0x8000); // half the smallest subnormal: to (negative) zero
    expect(f32ToF16Bits(3 * 2 ** -25)).toBe(0x0002);
    expect(f16ToNumber(f32ToF16Bits(0.1))).toBe(0.0999755859375);
  });
});
