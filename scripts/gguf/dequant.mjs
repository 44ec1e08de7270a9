// dequant.mjs: GGML block types → f32 values, for the block types small GGUFs use.
// Written here because no maintained JS library dequantizes GGML blocks (@huggingface/gguf reads
// only the header and tensor table). Each decoder follows ggml's reference dequantize_row_* and
// is checked against hand-worked blocks in tests/unit/scripts/dequant.test.ts. The values are
// exact in f32 (every product below fits in 24 bits), so Math.fround matches ggml bit for bit.
import { f16ToNumber } from './f16.mjs';

/** GGML type ids (ggml.h `enum ggml_type`) that the extractor can decode. */
export const GGML = { F32: 0, F16: 1, Q4_0: 2, Q4_1: 3, Q8_0: 8, Q6_K: 14, BF16: 30 };

const u16 = (b, o) => b[o] | (b[o + 1] << 8);
const f16 = (b, o) => f16ToNumber(u16(b, o));
const i8 = (x) => (x << 24) >> 24;

/** Dequantizes `n` values of one block type from `bytes` (whole blocks) into `out` at `at`. */
const DECODERS = {
  [GGML.F32]: { name: 'F32', block: 1, bytes: 4, decode(b, out, at, n) {
    const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
    for (let i = 0; i < n; i++) out[at + i] = dv.getFloat32(i * 4, true);
  } },
  [GGML.F16]: { name: 'F16', block: 1, bytes: 2, decode(b, out, at, n) {
    for (let i = 0; i < n; i++) out[at + i] = f16(b, i * 2);
  } },
  [GGML.BF16]: { name: 'BF16', block: 1, bytes: 2, decode(b, out, at, n) {
    const dv = new DataView(new ArrayBuffer(4));
    for (let i = 0; i < n; i++) {
      dv.setUint32(0, u16(b, i * 2) << 16);
      out[at + i] = dv.getFloat32(0);
    }
  } },
  // block_q4_0: f16 d; u8 qs[16]. x[j] = (lo(qs[j]) − 8)·d, x[j+16] = (hi(qs[j]) − 8)·d
  [GGML.Q4_0]: { name: 'Q4_0', block: 32, bytes: 18, decode(b, out, at, n) {
    for (let k = 0, o = 0; k < n; k += 32, o += 18) {
      const d = f16(b, o);
      for (let j = 0; j < 16; j++) {
        const q = b[o + 2 + j];
        out[at + k + j] = Math.fround(((q & 15) - 8) * d);
        out[at + k + j + 16] = Math.fround(((q >> 4) - 8) * d);
      }
    }
  } },
  // block_q4_1: f16 d, f16 m; u8 qs[16]. x[j] = lo(qs[j])·d + m, x[j+16] = hi(qs[j])·d + m
  [GGML.Q4_1]: { name: 'Q4_1', block: 32, bytes: 20, decode(b, out, at, n) {
    for (let k = 0, o = 0; k < n; k += 32, o += 20) {
      const d = f16(b, o);
      const m = f16(b, o + 2);
      for (let j = 0; j < 16; j++) {
        const q = b[o + 4 + j];
        out[at + k + j] = Math.fround((q & 15) * d + m);
        out[at + k + j + 16] = Math.fround((q >> 4) * d + m);
      }
    }
  } },
  // block_q8_0: f16 d; i8 qs[32]. x[j] = qs[j]·d
  [GGML.Q8_0]: { name: 'Q8_0', block: 32, bytes: 34, decode(b, out, at, n) {
    for (let k = 0, o = 0; k < n; k += 32, o += 34) {
      const d = f16(b, o);
      for (let j = 0; j < 32; j++) out[at + k + j] = Math.fround(i8(b[o + 2 + j]) * d);
    }
  } },
  // block_q6_K (256 values): u8 ql[128] (low 4 bits), u8 qh[64] (high 2 bits), i8 scales[16], f16 d.
  // Each half of 128 values: for l < 32, four 6-bit values q − 32 at l, l+32, l+64, l+96, scaled by
  // d·scales[is + 0|2|4|6] with is = l/16 (ggml dequantize_row_q6_K).
  [GGML.Q6_K]: { name: 'Q6_K', block: 256, bytes: 210, decode(b, out, at, n) {
    for (let k = 0, o = 0; k < n; k += 256, o += 210) {
      const d = f16(b, o + 208);
      for (let half = 0; half < 2; half++) {
        const ql = o + half * 64;
        const qh = o + 128 + half * 32;
        const sc = o + 192 + half * 8;
        const y = at + k + half * 128;
        for (let l = 0; l < 32; l++) {
          const is = l >> 4;
          const h = b[qh + l];
          const q1 = ((b[ql + l] & 15) | ((h & 3) << 4)) - 32;
          const q2 = ((b[ql + l + 32] & 15) | (((h >> 2) & 3) << 4)) - 32;
          const q3 = ((b[ql + l] >> 4) | (((h >> 4) & 3) << 4)) - 32;
          const q4 = ((b[ql + l + 32] >> 4) | (((h >> 6) & 3) << 4)) - 32;
          out[y + l] = Math.fround(Math.fround(d * i8(b[sc + is])) * q1);
          out[y + l + 32] = Math.fround(Math.fround(d * i8(b[sc + is + 2])) * q2);
          out[y + l + 64] = Math.fround(Math.fround(d * i8(b[sc + is + 4])) * q3);
          out[y + l + 96] = Math.fround(Math.fround(d * i8(b[sc + is + 6])) * q4);
        }
      }
    }
  } },
};

/** The block layout of a GGML type ({name, block, bytes}), or null when this extractor cannot decode it. */
export function blockType(type) {
  const d = DECODERS[type];
  return d ? { name: d.name, block: d.block, bytes: d.bytes } : null;
}

/** Bytes that `count` values of `type` occupy (count must be a whole number of blocks). */
export function byteSize(type, count) {
  const d = DECODERS[type];
  if (!d) throw new Error(`GGML type ${type} cannot be decoded`);
  if (count % d.block !== 0) throw new Error(`${count} values are not a whole number of ${d.name} blocks of ${d.block}`);
  return (count / d.block) * d.bytes;
}

/** Dequantizes `count` values of `type` from `bytes` into a new Float32Array. */
export function dequantize(type, bytes, count) {
  const d = DECODERS[type];
  if (!d) throw new Error(`GGML type ${type} cannot be decoded`);
  const need = byteSize(type, count);
  if (bytes.length < need) throw new Error(`${d.name}: ${count} values need ${need} bytes, got ${bytes.length}`);
  const out = new Float32Array(count);
  d.decode(bytes, out, 0, count);
  return out;
}
