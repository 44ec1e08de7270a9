// Layer bands: which layers LarQL calls "syntax", "knowledge" and "output".
import type { LayerBands } from './types';

/** The three band names, in layer order. */
export type BandName = 'syntax' | 'knowledge' | 'output';

type Triple = [[number, number], [number, number], [number, number]];

// LarQL's `LayerBands::for_family` table (crates/larql-vindex, config types), copied as
// (family, num_layers) → inclusive [first, last] per band. Only exact (family, L) pairs match;
// anything else falls through to the proportional rule below, as in LarQL.
const FAMILY_TABLE: Record<string, Record<number, Triple>> = {
  gemma3: {
    34: [[0, 13], [14, 27], [28, 33]],
    42: [[0, 16], [17, 34], [35, 41]],
  },
  gemma2: {
    26: [[0, 10], [11, 20], [21, 25]],
    42: [[0, 16], [17, 34], [35, 41]],
    46: [[0, 18], [19, 37], [38, 45]],
  },
  gemma4: {
    30: [[0, 11], [12, 23], [24, 29]],
    35: [[0, 13], [14, 27], [28, 34]],
    36: [[0, 14], [15, 28], [29, 35]],
    60: [[0, 23], [24, 47], [48, 59]],
  },
  llama: {
    32: [[0, 12], [13, 25], [26, 31]],
    40: [[0, 15], [16, 32], [33, 39]],
    80: [[0, 31], [32, 63], [64, 79]],
  },
  mistral: { 32: [[0, 12], [13, 25], [26, 31]] },
  mixtral: { 32: [[0, 12], [13, 25], [26, 31]] },
  qwen2: {
    28: [[0, 10], [11, 22], [23, 27]],
    32: [[0, 12], [13, 25], [26, 31]],
    40: [[0, 15], [16, 32], [33, 39]],
    64: [[0, 25], [26, 51], [52, 63]],
    80: [[0, 31], [32, 63], [64, 79]],
  },
  phi: {
    32: [[0, 12], [13, 25], [26, 31]],
    40: [[0, 15], [16, 32], [33, 39]],
  },
  gpt2: {
    12: [[0, 4], [5, 9], [10, 11]],
    24: [[0, 9], [10, 19], [20, 23]],
    36: [[0, 14], [15, 28], [29, 35]],
    48: [[0, 19], [20, 38], [39, 47]],
  },
};

/** LarQL's known bands for an exact (family, numLayers) pair, or null when the pair is not in its table. */
export function familyBands(family: string | null, numLayers: number): LayerBands | null {
  if (family === null) return null;
  const t = FAMILY_TABLE[family.toLowerCase()]?.[numLayers];
  if (t === undefined) return null;
  return { syntax: [...t[0]], knowledge: [...t[1]], output: [...t[2]] };
}

/** The proportional rule for L ≥ 8 (a = ⌊2L/5⌋, b = ⌊4L/5⌋); null below 8 layers (one band). */
export function defaultBands(numLayers: number): LayerBands | null {
  if (numLayers < 8) return null;
  const a = Math.floor((2 * numLayers) / 5);
  const b = Math.floor((4 * numLayers) / 5);
  return { syntax: [0, a - 1], knowledge: [a, b - 1], output: [b, numLayers - 1] };
}

/** Checks an index.json `layer_bands` value; returns the bands or a message saying what is wrong. */
export function validateBands(value: unknown, numLayers: number): LayerBands | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `layer_bands should be {syntax:[a,b], knowledge:[a,b], output:[a,b]}, found ${JSON.stringify(value)}`;
  }
  const obj = value as Record<string, unknown>;
  const out: Partial<LayerBands> = {};
  for (const name of ['syntax', 'knowledge', 'output'] as const) {
    const pair = obj[name];
    if (
      !Array.isArray(pair) ||
      pair.length !== 2 ||
      !pair.every((x) => Number.isInteger(x)) ||
      pair[0] < 0 ||
      pair[0] > pair[1] ||
      pair[1] >= numLayers
    ) {
      return `layer_bands.${name} = ${JSON.stringify(pair)} is not an inclusive [first, last] within 0–${numLayers - 1}`;
    }
    out[name] = [pair[0], pair[1]];
  }
  return out as LayerBands;
}

/** Which band a layer falls in, or null when there are no bands or the layer is outside them. */
export function bandOfLayer(bands: LayerBands | null, layer: number): BandName | null {
  if (bands === null) return null;
  for (const name of ['syntax', 'knowledge', 'output'] as const) {
    const [a, b] = bands[name];
    if (layer >= a && layer <= b) return name;
  }
  return null;
}
