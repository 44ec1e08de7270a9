// IEEE 754 binary16 ("f16") decoding and encoding.
//
// Two decode paths: the platform's Float16Array when it exists (fast, ~2.5 GB/s in Chromium), and a
// 65536-entry lookup table otherwise (Node 20 and older browsers lack Float16Array). Both are
// exported so tests can prove they agree on every one of the 65536 bit patterns.

/** The native Float16Array constructor, typed loosely because TS's ES2023 lib does not declare it. */
type Float16ArrayCtor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => ArrayLike<number>;

const NativeFloat16Array: Float16ArrayCtor | undefined = (globalThis as { Float16Array?: Float16ArrayCtor })
  .Float16Array;

/** True when the platform provides Float16Array (so decodeF16 uses the native path). */
export function hasNativeFloat16(): boolean {
  return NativeFloat16Array !== undefined;
}

// Why: little-endian hosts can view f16 file bytes directly as a Uint16Array; every browser and
// Node platform we target is little-endian, but we check once rather than assume silently.
const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** f32 bit pattern for one f16 bit pattern, computed arithmetically (used to fill the table). */
function f16BitsToF32Bits(h: number): number {
  const sign = (h & 0x8000) << 16;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0x1f) {
    // ±inf (mant 0) or NaN: keep the payload in the top mantissa bits, so NaNs stay NaNs bit-for-bit.
    return (sign | 0x7f800000 | (mant << 13)) >>> 0;
  }
  if (exp !== 0) {
    // Normal: rebias the exponent from 15 to 127.
    return (sign | ((exp + 112) << 23) | (mant << 13)) >>> 0;
  }
  if (mant === 0) return sign >>> 0; // ±0
  // Subnormal f16 (mant · 2^-24) is a normal f32: shift until the hidden bit appears.
  let e = 113; // exponent of 2^-14 in f32 bias (127 − 14)
  let m = mant;
  while ((m & 0x400) === 0) {
    m <<= 1;
    e--;
  }
  return (sign | (e << 23) | ((m & 0x3ff) << 13)) >>> 0;
}

let tableBits: Uint32Array | null = null;
let tableF32: Float32Array | null = null;

/** The lookup table, built on first use (256 KiB; not built at all when the native path suffices). */
function table(): { bits: Uint32Array; f32: Float32Array } {
  if (tableBits === null || tableF32 === null) {
    tableBits = new Uint32Array(65536);
    for (let h = 0; h < 65536; h++) tableBits[h] = f16BitsToF32Bits(h);
    tableF32 = new Float32Array(tableBits.buffer);
  }
  return { bits: tableBits, f32: tableF32 };
}

/** Decodes one f16 bit pattern (0..65535) to a number; subnormals, ±0, ±inf and NaN exact. */
export function f16ToF32(bits: number): number {
  return table().f32[bits & 0xffff];
}

/** Views the source as u16 f16 bit patterns (copying only when a byte view is odd-aligned). */
function asU16(src: Uint16Array | Uint8Array): Uint16Array {
  if (src instanceof Uint16Array) return src;
  if (src.byteLength % 2 !== 0) {
    throw new RangeError(`f16 data must have an even number of bytes, got ${src.byteLength}`);
  }
  if (!HOST_LITTLE_ENDIAN) {
    // Big-endian host: assemble each little-endian u16 by hand.
    const out = new Uint16Array(src.byteLength / 2);
    for (let i = 0; i < out.length; i++) out[i] = src[2 * i] | (src[2 * i + 1] << 8);
    return out;
  }
  if (src.byteOffset % 2 === 0) return new Uint16Array(src.buffer, src.byteOffset, src.byteLength / 2);
  // Why: a Uint16Array view needs an even byteOffset; a slice of a network block may not have one.
  return new Uint16Array(src.slice().buffer);
}

/** Checks or allocates the output array. */
function outputFor(n: number, out?: Float32Array): Float32Array {
  if (out === undefined) return new Float32Array(n);
  if (out.length < n) throw new RangeError(`output holds ${out.length} floats, need ${n}`);
  return out;
}

/** Decodes f16 data with the lookup table (bit-exact, NaN payloads kept). */
export function decodeF16Table(src: Uint16Array | Uint8Array, out?: Float32Array): Float32Array {
  const u16 = asU16(src);
  const dst = outputFor(u16.length, out);
  const bits = table().bits;
  // Why: copying u32 bit patterns instead of floats keeps NaN payloads, which a float copy may canonicalise.
  const dst32 = new Uint32Array(dst.buffer, dst.byteOffset, u16.length);
  for (let i = 0; i < u16.length; i++) dst32[i] = bits[u16[i]];
  return dst;
}

/** Decodes f16 data with the platform's Float16Array; throws when the platform has none. */
export function decodeF16Native(src: Uint16Array | Uint8Array, out?: Float32Array): Float32Array {
  if (NativeFloat16Array === undefined) throw new Error('Float16Array is not available on this platform');
  const u16 = asU16(src);
  const dst = outputFor(u16.length, out);
  dst.set(new NativeFloat16Array(u16.buffer, u16.byteOffset, u16.length));
  return dst;
}

/** Decodes little-endian f16 data to f32: native Float16Array when present, lookup table otherwise. */
export function decodeF16(src: Uint16Array | Uint8Array, out?: Float32Array): Float32Array {
  return NativeFloat16Array !== undefined ? decodeF16Native(src, out) : decodeF16Table(src, out);
}

/** Rounds v to the nearest integer, ties to even (v ≥ 0). */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Encodes a number as f16 bits, rounding to nearest even (overflow → ±inf, NaN → 0x7e00). */
export function encodeF32ToF16(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  // Why Object.is: -0 must keep its sign bit, and -0 < 0 is false.
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  // Rounding is done directly from the double (not via f32), so there is no double rounding.
  if (a < 2 ** -14) {
    // Subnormal range: units of 2^-24. A result of 1024 is the smallest normal, and the bit
    // pattern 0x0400 is exactly that, so no special case is needed.
    return sign | roundHalfEven(a * 2 ** 24);
  }
  let e = Math.floor(Math.log2(a));
  // Why: Math.log2 may be off by one ulp near powers of two; correct e so 2^e ≤ a < 2^(e+1).
  if (2 ** e > a) e--;
  if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}
