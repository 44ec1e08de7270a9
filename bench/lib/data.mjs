// Deterministic synthetic vindex data for the benchmark: a fast PRNG, f16 writers at disk speed, and
// generated folders kept in bench/tmp/ and reused when every file has the expected size.
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';

export const MiB = 1024 * 1024;

/** xorshift32: fast and deterministic, plenty for weight-like noise. */
export function xorshift(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** f32 → half bits (truncating; fine for synthetic data; never Inf/NaN for |x| < 1). */
export function toHalfBits(x) {
  const f = new Float32Array([x]);
  const bits = new Uint32Array(f.buffer)[0];
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const sign = (bits >>> 16) & 0x8000;
  if (exp <= 0) return sign;
  return sign | (exp << 10) | ((bits >>> 13) & 0x3ff);
}

/** `nBytes` of weight-like random halves (|x| mostly 1e-4…0.1, both signs, no Inf/NaN). */
export function randomHalves(nBytes, seed) {
  const next = xorshift(seed);
  const palette = new Uint16Array(4096);
  for (let i = 0; i < palette.length; i++) palette[i] = toHalfBits(((next() / 4294967296) - 0.5) * 0.08 * (1 + (next() & 7)) / 4);
  const out = new Uint16Array(nBytes / 2);
  for (let i = 0; i < out.length; i++) out[i] = palette[next() & 4095];
  return out;
}

/**
 * Writes `total` bytes of random halves at disk speed: one 64 MiB random buffer written repeatedly,
 * each chunk rotated by a chunk-dependent offset and with a sparse low-mantissa-bit flip, so no two
 * chunks are equal (a 1.78 GB file takes ~3 s here, against ~40 s for a PRNG call per element).
 */
export async function writeRandomF16(path, total, seed, base) {
  const buf = base ?? randomHalves(64 * MiB, seed);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const fh = await openFile(path, 'w');
  try {
    let pos = 0;
    for (let chunk = 0; pos < total; chunk++) {
      for (let i = chunk % 997; i < buf.length; i += 997) buf[i] ^= 1; // perturb (stays finite)
      const rot = ((chunk * 7919 * 2 + seed * 2) % bytes.length) & ~1;
      for (const p of [bytes.subarray(rot), bytes.subarray(0, rot)]) {
        if (pos >= total) break;
        const n = Math.min(p.length, total - pos);
        await fh.write(p, 0, n, pos);
        pos += n;
      }
    }
    await fh.sync(); // flush now, so disk writeback does not compete with the timed runs
  } finally {
    await fh.close();
  }
  return buf;
}

/** Exact half → number table (independent of src/, for the baselines). */
let HALF = null;
export function halfTable() {
  if (HALF) return HALF;
  HALF = new Float32Array(65536);
  for (let b = 0; b < 65536; b++) {
    const s = b & 0x8000 ? -1 : 1;
    const e = (b >> 10) & 0x1f;
    const m = b & 0x3ff;
    HALF[b] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1024 + m) * 2 ** (e - 25);
  }
  return HALF;
}

/**
 * A LarQL v2 index.json for equal-width f16 layers (VINDEX-FORMAT.md: `layers[]` offsets are bytes
 * into gate_vectors.bin), as tests/fixtures/make-token-fixtures.mjs writes its f32 ones.
 */
export function larqlIndex({ model, family, L, F, H, V, embedScale = 1 }) {
  const length = F * H * 2;
  const layers = Array.from({ length: L }, (_, l) => ({ layer: l, num_features: F, offset: l * length, length }));
  return {
    version: 2, model, family, num_layers: L, hidden_size: H, intermediate_size: F, vocab_size: V, embed_scale: embedScale,
    layers, down_top_k: 10, dtype: 'f16', extract_level: 'browse', source: null, checksums: null,
  };
}

/**
 * Makes (or reuses) a generated vindex folder. `files`: [{name, bytes, seed}] of random f16. A stamp
 * file records the spec; the folder is reused when the stamp matches and every file has its size, so a
 * half-written folder (interrupted run) is regenerated. Returns {dir, reused, seconds}.
 */
export async function ensureVindex(dir, index, files) {
  const spec = JSON.stringify({ v: 1, index, files });
  const stamp = join(dir, '.bench-stamp');
  const sizeOk = (f) => existsSync(join(dir, f.name)) && statSync(join(dir, f.name)).size === f.bytes;
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === spec && files.every(sizeOk)) return { dir, reused: true, seconds: 0 };
  const t = performance.now();
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 1));
  for (const f of files) await writeRandomF16(join(dir, f.name), f.bytes, f.seed);
  writeFileSync(stamp, spec);
  return { dir, reused: false, seconds: (performance.now() - t) / 1000 };
}
