// Dimension keys of the root JSON files: alternative spellings, integer checks, sanity limits.
import { VindexFormatError } from './types';

// Sanity limits: larger values mean a corrupt or hostile index.json, not a real model, and
// would otherwise lead to absurd allocations or byte ranges.
export const MAX_LAYERS = 4096;
export const MAX_HIDDEN = 1 << 20;
export const MAX_VOCAB = 1 << 24;

/** First key present among alternative spellings. */
export function pick(index: Record<string, unknown>, keys: readonly string[]): [string, unknown] | null {
  for (const k of keys) if (index[k] !== undefined && index[k] !== null) return [k, index[k]];
  return null;
}

/** A required positive integer dimension, or a thrown error naming the key and value. */
export function requiredDim(index: Record<string, unknown>, keys: readonly string[], max: number, file: string = 'index.json'): number {
  const found = pick(index, keys);
  if (found === null) throw new VindexFormatError(file, `missing required key "${keys[0]}"`);
  const [k, v] = found;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new VindexFormatError(file, `${k} = ${JSON.stringify(v)} is not an integer`);
  }
  if (v < 1) throw new VindexFormatError(file, `${k} = ${v} must be at least 1`);
  if (v > max) throw new VindexFormatError(file, `${k} = ${v} is absurd (more than ${max})`);
  return v;
}

