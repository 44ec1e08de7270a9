// The two generated vindexes at real sizes (bench/tmp/, reused across runs): the seed's Qwen3-8B
// compact geometry at full vocabulary, and a full LarQL Gemma-3-4B geometry.
import { join } from 'node:path';
import { ensureVindex, larqlIndex } from './data.mjs';
import { fmtBytes } from './record.mjs';

/** Qwen3-8B compact geometry: 36 × 128 × 4096 f16 gate and down, embeddings 151,936 × 4,096 f16 (1.24 GB). */
export const QWEN = { L: 36, F: 128, H: 4096, V: 151936 };
/** Gemma-3-4B: 34 × 10,240 × 2,560 f16 gate (1.78 GB), embeddings 262,144 × 2,560 f16 (1.34 GB). */
export const GEMMA = { L: 34, F: 10240, H: 2560, V: 262144 };

/** Generates (or reuses) bench/tmp/qwen3-8b; returns {dir, text} where text says what was done. */
export async function qwenData(tmp) {
  const { L, F, H, V } = QWEN;
  const index = larqlIndex({ model: 'bench/qwen3-8b-compact-geometry (random)', family: 'qwen3', L, F, H, V });
  const files = [
    { name: 'gate_vectors.bin', bytes: L * F * H * 2, seed: 11 },
    { name: 'down_features.bin', bytes: L * F * H * 2, seed: 13 },
    { name: 'embeddings.bin', bytes: V * H * 2, seed: 12 },
  ];
  const r = await ensureVindex(join(tmp, 'qwen3-8b'), index, files);
  return { dir: r.dir, text: describe('bench/tmp/qwen3-8b', r, files) };
}

/** Generates (or reuses) bench/tmp/gemma-3-4b. */
export async function gemmaData(tmp) {
  const { L, F, H, V } = GEMMA;
  const index = larqlIndex({ model: 'bench/gemma-3-4b-geometry (random)', family: 'gemma3', L, F, H, V, embedScale: Math.sqrt(H) });
  const files = [
    { name: 'gate_vectors.bin', bytes: L * F * H * 2, seed: 21 },
    { name: 'embeddings.bin', bytes: V * H * 2, seed: 22 },
  ];
  const r = await ensureVindex(join(tmp, 'gemma-3-4b'), index, files);
  return { dir: r.dir, text: describe('bench/tmp/gemma-3-4b', r, files) };
}

function describe(name, r, files) {
  const list = files.map((f) => `${f.name} ${fmtBytes(f.bytes)}`).join(', ');
  return `${name} (LarQL v2 index.json, f16, random): ${list}; ${r.reused ? 'reused from an earlier run' : `generated in ${r.seconds.toFixed(1)} s`}`;
}
