import { describe, it, expect, vi, afterEach } from 'vitest';
import {
  f16ToF32,
  decodeF16,
  decodeF16Table,
  decodeF16Native,
  encodeF32ToF16,
  hasNativeFloat16,
} from '../../../src/format/float16';

/** Independent float64 reference: the binary16 definition written out, no tables, no bit tricks. */
function refF16(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const m = h & 0x3ff;
  if (e === 0x1f) return m === 0 ? s * Infinity : NaN;
  if (e === 0) return s * m * Math.pow(2, -24);
  return s * (1 + m / 1024) * Math.pow(2, e - 15);
}

/** All 65536 patterns as little-endian bytes, built with DataView. */
function allPatternsBytes(): Uint8Array {
  const buf = new ArrayBuffer(65536 * 2);
  const dv = new DataView(buf);
  for (let h = 0; h < 65536; h++) dv.setUint16(2 * h, h, true);
  return new Uint8Array(buf);
}

/** Compares two decoded values, treating NaN = NaN and distinguishing ±0. */
function same(a: number, b: number): boolean {
  return Number.isNaN(a) ? Number.isNaN(b) : Object.is(a, b);
}

describe('f16ToF32', () => {
  it('decodes hand-worked values', () => {
    expect(f16ToF32(0x3c00)).toBe(1);
    expect(f16ToF32(0xc000)).toBe(-2);
    expect(f16ToF32(0x7bff)).toBe(65504);
    expect(f16ToF32(0x3555)).toBe(0.333251953125);
    expect(f16ToF32(0x0400)).toBe(2 ** -14); // smallest normal
  });
  it('keeps signed zeros', () => {
    expect(Object.is(f16ToF32(0x0000), 0)).toBe(true);
    expect(Object.is(f16ToF32(0x8000), -0)).toBe(true);
  });
  it('decodes subnormals exactly', () => {
    expect(f16ToF32(0x0001)).toBe(2 ** -24);
    expect(f16ToF32(0x03ff)).toBe(1023 * 2 ** -24);
    expect(f16ToF32(0x8200)).toBe(-(2 ** -15));
  });
  it('decodes infinities and NaN', () => {
    expect(f16ToF32(0x7c00)).toBe(Infinity);
    expect(f16ToF32(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(f16ToF32(0x7e00))).toBe(true);
    expect(Number.isNaN(f16ToF32(0xfc01))).toBe(true);
  });
  it('matches the float64 reference on all 65536 patterns', () => {
    let bad = 0;
    for (let h = 0; h < 65536; h++) if (!same(f16ToF32(h), refF16(h))) bad++;
    expect(bad).toBe(0);
  });
});

describe('decodeF16Table', () => {
  it('matches the reference on all 65536 patterns from bytes', () => {
    const out = decodeF16Table(allPatternsBytes());
    expect(out.length).toBe(65536);
    let bad = 0;
    for (let h = 0; h < 65536; h++) if (!same(out[h], refF16(h))) bad++;
    expect(bad).toBe(0);
  });
  it('keeps NaN payloads and signs bit-for-bit', () => {
    const out = decodeF16Table(new Uint16Array([0x7c01, 0xfe00, 0x7dff]));
    const bits = new Uint32Array(out.buffer);
    // f16 payload shifted left by 13 into the f32 mantissa, exponent all ones.
    expect(bits[0]).toBe(0x7f802000);
    expect(bits[1]).toBe(0xffc00000);
    expect(bits[2]).toBe(0x7fbfe000);
  });
  it('reads an odd-aligned byte view (copying it)', () => {
    const buf = new Uint8Array(7);
    new DataView(buf.buffer).setUint16(1, 0x3c00, true);
    new DataView(buf.buffer).setUint16(3, 0xc400, true);
    new DataView(buf.buffer).setUint16(5, 0x0001, true);
    const out = decodeF16Table(buf.subarray(1));
    expect(Array.from(out)).toEqual([1, -4, 2 ** -24]);
  });
  it('writes into a given output and rejects a short one', () => {
    const out = new Float32Array(4).fill(9);
    decodeF16Table(new Uint16Array([0x4000, 0x4200]), out);
    expect(Array.from(out)).toEqual([2, 3, 9, 9]);
    expect(() => decodeF16Table(new Uint16Array(3), new Float32Array(2))).toThrow(/need 3/);
  });
  it('rejects an odd number of bytes', () => {
    expect(() => decodeF16Table(new Uint8Array(3))).toThrow(/even number of bytes, got 3/);
  });
});

describe('native path', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });

  it.runIf(hasNativeFloat16())('real Float16Array agrees with the table on all 65536 patterns', () => {
    const bytes = allPatternsBytes();
    const a = decodeF16Native(bytes);
    const b = decodeF16Table(bytes);
    let bad = 0;
    for (let h = 0; h < 65536; h++) if (!same(a[h], b[h])) bad++;
    expect(bad).toBe(0);
  });

  it('without Float16Array, decodeF16Native refuses and decodeF16 uses the table', () => {
    if (hasNativeFloat16()) return; // only meaningful where the platform lacks it (Node 20)
    expect(() => decodeF16Native(new Uint16Array([0x3c00]))).toThrow(/not available/);
    expect(Array.from(decodeF16(new Uint16Array([0x3c00, 0xbc00])))).toEqual([1, -1]);
  });

  it('uses globalThis.Float16Array when present and honours the view offset', async () => {
    // A stand-in Float16Array built on the reference, to check decodeF16 picks the native path
    // and passes buffer/offset/length correctly (Node 20 has no real one).
    const calls: number[][] = [];
    class FakeFloat16Array {
      [i: number]: number;
      length: number;
      constructor(buffer: ArrayBuffer, byteOffset: number, length: number) {
        calls.push([byteOffset, length]);
        const u16 = new Uint16Array(buffer, byteOffset, length);
        this.length = length;
        for (let i = 0; i < length; i++) this[i] = refF16(u16[i]);
      }
    }
    vi.stubGlobal('Float16Array', FakeFloat16Array);
    vi.resetModules();
    const mod = await import('../../../src/format/float16');
    expect(mod.hasNativeFloat16()).toBe(true);
    const u16 = new Uint16Array([0xffff, 0x3c00, 0x8001, 0x7c00]);
    const out = mod.decodeF16(u16.subarray(1));
    expect(calls).toEqual([[2, 3]]);
    expect(Array.from(out)).toEqual([1, -(2 ** -24), Infinity]);
    // And the stand-in agrees with the table over every pattern, as the real one must.
    const all = allPatternsBytes();
    const a = mod.decodeF16Native(all);
    const b = mod.decodeF16Table(all);
    let bad = 0;
    for (let h = 0; h < 65536; h++) if (!same(a[h], b[h])) bad++;
    expect(bad).toBe(0);
  });
});

describe('encodeF32ToF16', () => {
  it('encodes hand-worked values', () => {
    expect(encodeF32ToF16(1)).toBe(0x3c00);
    expect(encodeF32ToF16(-2)).toBe(0xc000);
    expect(encodeF32ToF16(65504)).toBe(0x7bff);
    expect(encodeF32ToF16(0.1)).toBe(0x2e66); // 0.1 ≈ 1.6 × 2^-4 → mantissa 614.4 → 614
    expect(encodeF32ToF16(2 ** -14)).toBe(0x0400);
    expect(encodeF32ToF16(2 ** -24)).toBe(0x0001);
  });
  it('rounds ties to even', () => {
    expect(encodeF32ToF16(1 + 2 ** -11)).toBe(0x3c00); // halfway between 0x3c00 and 0x3c01 → even
    expect(encodeF32ToF16(1 + 3 * 2 ** -11)).toBe(0x3c02); // halfway between 0x3c01 and 0x3c02 → even
    expect(encodeF32ToF16(1 + 2 ** -11 + 2 ** -20)).toBe(0x3c01); // just above halfway
    expect(encodeF32ToF16(2 ** -25)).toBe(0x0000); // halfway between 0 and the smallest subnormal
    expect(encodeF32ToF16(3 * 2 ** -25)).toBe(0x0002);
    expect(encodeF32ToF16(65520)).toBe(0x7c00); // halfway between 65504 and 65536 → overflows
    expect(encodeF32ToF16(65519.99)).toBe(0x7bff);
    expect(encodeF32ToF16(2 ** -14 - 2 ** -25)).toBe(0x0400); // rounds up into the normals
  });
  it('handles zeros, infinities and NaN', () => {
    expect(encodeF32ToF16(0)).toBe(0x0000);
    expect(encodeF32ToF16(-0)).toBe(0x8000);
    expect(encodeF32ToF16(Infinity)).toBe(0x7c00);
    expect(encodeF32ToF16(-1e6)).toBe(0xfc00);
    expect(encodeF32ToF16(NaN)).toBe(0x7e00);
  });
  it('round-trips every non-NaN pattern', () => {
    let bad = 0;
    for (let h = 0; h < 65536; h++) {
      const v = refF16(h);
      if (Number.isNaN(v)) continue;
      if (encodeF32ToF16(v) !== h) bad++;
    }
    expect(bad).toBe(0);
  });
});
