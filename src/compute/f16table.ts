/**
 * IEEE 754 binary16 → number lookup table, private to the compute kernels.
 *
 * A 65536-entry Float32Array (256 KiB, stays in L2) indexed by the raw half bits. In plain JS this
 * is as fast as reading through a `Float16Array` view (measured in Chromium: both ~4.3 GB/s of f16
 * bytes in the 6-row dot kernel) and it works where `Float16Array` does not exist (Node 20), so
 * the kernels use it everywhere and give bit-identical results on every platform.
 *
 * Built lazily on first use (~1 ms).
 */

let table: Float32Array | null = null;

/** Decodes one half-precision bit pattern (0..65535) to its exact value. */
export function halfBitsToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24; // zero / subnormal
  if (exp === 0x1f) return mant === 0 ? sign * Infinity : NaN;
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** The shared decode table: `f16Table()[bits]` is the value of the half `bits`. */
export function f16Table(): Float32Array {
  if (table === null) {
    const t = new Float32Array(65536);
    for (let i = 0; i < 65536; i++) t[i] = halfBitsToNumber(i);
    table = t;
  }
  return table;
}
