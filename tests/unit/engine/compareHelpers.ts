/** Helpers of the comparison tests: the shared engine helpers, plus decoding a cmp-* fixture's rows independently. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUT, raw, decodeFloats } from './helpers';

export { OUT, localLocation, opId, noProgress, type SliceCounter } from './helpers';

/** Per layer, the gate or down rows of a cmp-* fixture as float64, shapes read from its index.json, dtype from the file size. */
export function layerRowsOf(name: string, which: 'gate' | 'down'): Float64Array[][] {
  const index = JSON.parse(readFileSync(join(OUT, name, 'index.json'), 'utf8')) as Record<string, number>;
  const L = index.num_layers;
  const F = index.num_feats ?? index.intermediate_size;
  const H = index.hidden_size;
  const bytes = raw(name, which === 'gate' ? 'gate_vectors.bin' : 'down_features.bin');
  const dtype = bytes.byteLength === L * F * H * 2 ? 'f16' : 'f32';
  const all = decodeFloats(bytes, dtype);
  return Array.from({ length: L }, (_, l) => Array.from({ length: F }, (_, f) => all.subarray((l * F + f) * H, (l * F + f + 1) * H)));
}
