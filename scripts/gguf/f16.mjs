// f16.mjs: IEEE binary16 ↔ number for the extractor (Node 20 has no Float16Array or Math.f16round).
// Written here rather than imported from tests/fixtures: the fixture helpers are the tests'
// independent reference and must not be shared with the code they check.

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);

/** The value of IEEE binary16 bits as a number (subnormals, ±inf and NaN included). */
export function f16ToNumber(bits) {
  const sign = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return sign * m * 2 ** -24;
  if (e === 31) return m ? NaN : sign * Infinity;
  return sign * (1 + m / 1024) * 2 ** (e - 15);
}

/** Binary16 bits of an f32 value, rounded to nearest, ties to even (overflow → ±inf, NaN kept quiet). */
export function f32ToF16Bits(x) {
  F32[0] = x;
  const u = U32[0];
  const sign = (u >>> 16) & 0x8000;
  const exp = (u >>> 23) & 0xff;
  const man = u & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (man ? 0x200 : 0);
  const e = exp - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    // subnormal or zero in f16: shift the full 24-bit mantissa, round half to even
    if (e < -10) return sign;
    const full = man | 0x800000;
    const shift = 14 - e; // 24-bit mantissa → 10-bit subnormal field
    const kept = full >>> shift;
    const rest = full & ((1 << shift) - 1);
    const half = 1 << (shift - 1);
    const up = rest > half || (rest === half && (kept & 1) === 1) ? 1 : 0;
    return sign | (kept + up);
  }
  const kept = man >>> 13;
  const rest = man & 0x1fff;
  const up = rest > 0x1000 || (rest === 0x1000 && (kept & 1) === 1) ? 1 : 0;
  return sign | ((e << 10) + kept + up); // a carry out of the mantissa correctly bumps the exponent
}

/** Little-endian f16 bytes of a Float32Array. */
export function encodeF16(values) {
  const out = new Uint16Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f32ToF16Bits(values[i]);
  return new Uint8Array(out.buffer);
}

/** Decodes little-endian f16 bytes to a Float32Array. */
export function decodeF16(bytes) {
  const u = new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 2);
  const out = new Float32Array(u.length);
  for (let i = 0; i < u.length; i++) out[i] = f16ToNumber(u[i]);
  return out;
}
