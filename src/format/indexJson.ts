// index.json: parse it, and normalise every family (LarQL v1/v2, compact, Divinci MoE summaries,
// VINDEX3) into a VindexDescription.
import { VindexFormatError } from './types';
import type { VindexDescription } from './types';
import { compactLayerTable, larqlLayerTable } from './layerTable';
import { finishDescription } from './description';
import { describeVindex3 } from './vindex3';
import { describeMoeSummary } from './moeSummary';
import { MAX_HIDDEN, MAX_LAYERS, MAX_VOCAB, pick, requiredDim } from './dims';

export { MAX_HIDDEN, MAX_LAYERS, MAX_VOCAB } from './dims';

// Convenience re-exports so callers of describeVindex find the helpers it implies in one place.
export { bandOfLayer } from './layerBands';
export { expertOfFeature } from './layout';
export { KNOWN_FILES, classifyFile } from './knownFiles';

const INDEX = 'index.json';

/** Parses index.json text (or another root JSON, named by `file`); malformed JSON or a non-object throws naming the position. */
export function parseIndexJson(text: string, file: string = INDEX): Record<string, unknown> {
  let value: unknown;
  try {
    // Why strip a BOM: some editors on Windows add one, and JSON.parse rejects it.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new VindexFormatError(file, `not valid JSON (${jsonErrorWhere(text, e)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new VindexFormatError(file, `expected a JSON object, found ${kind}`);
  }
  return value as Record<string, unknown>;
}

/** The JSON error message plus line/column when the engine reports a position. */
export function jsonErrorWhere(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  // V8 says "... at position 42" (sometimes also "(line 3 column 5)"); add line:column when missing.
  const m = /position (\d+)/.exec(msg);
  if (m === null || /line \d+/.test(msg)) return msg;
  const pos = Number(m[1]);
  const before = text.slice(0, pos).split('\n');
  return `${msg}, line ${before.length} column ${before[before.length - 1].length + 1}`;
}

const FEATS_KEYS = ['num_feats', 'num_features', 'features_per_layer', 'num_features_per_layer'] as const;

/** The largest index.json (or gate_vectors_index.json) read at all: real ones are well under 1 MB. */
export const MAX_INDEX_BYTES = 32 * 1024 * 1024;

/** True for index.json `version` 3 or 4: LarQL's VINDEX3 container, a different generation. */
export function isVindex3(index: Record<string, unknown>): boolean {
  return index.version === 3 || index.version === 4;
}

/**
 * Describes a folder from its root files: index.json and/or Divinci's gate_vectors_index.json (MoE
 * summaries, which take precedence for the gate), with every file's size (absent file = no key).
 */
export function describeFolder(
  index: Record<string, unknown> | null, gateIndex: Record<string, unknown> | null, fileSizes: Record<string, number>,
): VindexDescription {
  if (index !== null && isVindex3(index)) return describeVindex3(index, fileSizes);
  if (gateIndex !== null) return describeMoeSummary(gateIndex, index, fileSizes);
  if (index === null) throw new VindexFormatError(INDEX, 'missing: a vindex folder needs index.json (or gate_vectors_index.json)');
  return describeVindex(index, fileSizes);
}

/**
 * Normalises a parsed index.json of either family, with the folder's file sizes (absent file = no
 * key), into one description. A malformed index.json throws; a gate, embeddings, down or up file
 * that disagrees with it becomes `problems` (the rest stays usable). VINDEX3 gets its own description.
 */
export function describeVindex(index: Record<string, unknown>, fileSizes: Record<string, number>): VindexDescription {
  if (isVindex3(index)) return describeVindex3(index, fileSizes);
  const numLayers = requiredDim(index, ['num_layers', 'n_layers', 'num_hidden_layers'], MAX_LAYERS);
  const hidden = requiredDim(index, ['hidden_size', 'hidden_dim', 'd_model'], MAX_HIDDEN);
  const vocab = requiredDim(index, ['vocab_size', 'n_vocab'], MAX_VOCAB);
  const layersRaw = index.layers;
  const feats = pick(index, FEATS_KEYS);
  if (Array.isArray(layersRaw)) {
    const table = larqlLayerTable(layersRaw, numLayers, hidden, fileSizes);
    return finishDescription({ flavour: 'larql', featureKind: 'neuron', numLayers, hidden, vocab, table, index, rowFiles: true }, fileSizes);
  }
  if (layersRaw !== undefined && layersRaw !== null) {
    throw new VindexFormatError(INDEX, `layers should be a list, found ${JSON.stringify(layersRaw).slice(0, 40)}`);
  }
  if (feats !== null) {
    const table = compactLayerTable(feats[1], feats[0], numLayers, hidden, fileSizes['gate_vectors.bin']);
    // Compact vindexes hold the top SVD directions of each layer's gate_proj and down_proj, not neurons.
    return finishDescription({ flavour: 'compact', featureKind: 'direction', numLayers, hidden, vocab, table, index, rowFiles: true }, fileSizes);
  }
  throw new VindexFormatError(INDEX, `has neither layers[] nor num_feats: cannot tell how many features each layer has`);
}
