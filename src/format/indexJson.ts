// index.json: parse it, and normalise both families (LarQL v1/v2 and compact) into a VindexDescription.
import { VindexFormatError } from './types';
import type { ByteRange, DType, FileProblem, LayerBands, LayerInfo, VindexDescription } from './types';
import { compactLayerTable, larqlLayerTable } from './layerTable';
import type { LayerTable } from './layerTable';
import { cumulativeRanges, dtypeFromSize } from './layout';
import { defaultBands, familyBands, validateBands } from './layerBands';

// Convenience re-exports so callers of describeVindex find the helpers it implies in one place.
export { bandOfLayer } from './layerBands';
export { expertOfFeature } from './layout';
export { KNOWN_FILES, classifyFile } from './knownFiles';

const INDEX = 'index.json';

// Sanity limits: larger values mean a corrupt or hostile index.json, not a real model, and
// would otherwise lead to absurd allocations or byte ranges.
const MAX_LAYERS = 4096;
const MAX_HIDDEN = 1 << 20;
const MAX_VOCAB = 1 << 24;

/** Parses index.json text; malformed JSON or a non-object throws a VindexFormatError naming the position. */
export function parseIndexJson(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    // Why strip a BOM: some editors on Windows add one, and JSON.parse rejects it.
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new VindexFormatError(INDEX, `not valid JSON (${jsonErrorWhere(text, e)})`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    throw new VindexFormatError(INDEX, `expected a JSON object, found ${kind}`);
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

/** First key present among alternative spellings. */
function pick(index: Record<string, unknown>, keys: readonly string[]): [string, unknown] | null {
  for (const k of keys) if (index[k] !== undefined && index[k] !== null) return [k, index[k]];
  return null;
}

/** A required positive integer dimension, or a thrown error naming the key and value. */
function requiredDim(index: Record<string, unknown>, keys: readonly string[], max: number): number {
  const found = pick(index, keys);
  if (found === null) throw new VindexFormatError(INDEX, `missing required key "${keys[0]}"`);
  const [k, v] = found;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new VindexFormatError(INDEX, `${k} = ${JSON.stringify(v)} is not an integer`);
  }
  if (v < 1) throw new VindexFormatError(INDEX, `${k} = ${v} must be at least 1`);
  if (v > max) throw new VindexFormatError(INDEX, `${k} = ${v} is absurd (more than ${max})`);
  return v;
}

/** A string field, or null. */
function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** An object field, or null. */
function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

const FEATS_KEYS = ['num_feats', 'num_features', 'features_per_layer', 'num_features_per_layer'] as const;

/**
 * Normalises a parsed index.json of either family, with the folder's file sizes (absent file = no
 * key), into one description. Bad index.json or gate → throws; bad embeddings/down/up → `problems`.
 */
export function describeVindex(index: Record<string, unknown>, fileSizes: Record<string, number>): VindexDescription {
  const numLayers = requiredDim(index, ['num_layers', 'n_layers', 'num_hidden_layers'], MAX_LAYERS);
  const hidden = requiredDim(index, ['hidden_size', 'hidden_dim', 'd_model'], MAX_HIDDEN);
  const vocab = requiredDim(index, ['vocab_size', 'n_vocab'], MAX_VOCAB);
  const gateSize = fileSizes['gate_vectors.bin'];
  const problems: FileProblem[] = [];

  const layersRaw = index.layers;
  const feats = pick(index, FEATS_KEYS);
  let flavour: VindexDescription['flavour'];
  let table: LayerTable;
  if (Array.isArray(layersRaw)) {
    flavour = 'larql';
    table = larqlLayerTable(layersRaw, numLayers, hidden, gateSize);
  } else if (layersRaw !== undefined && layersRaw !== null) {
    throw new VindexFormatError(INDEX, `layers should be a list, found ${JSON.stringify(layersRaw).slice(0, 40)}`);
  } else if (feats !== null) {
    flavour = 'compact';
    table = compactLayerTable(feats[1], feats[0], numLayers, hidden, gateSize);
  } else {
    throw new VindexFormatError(INDEX, `has neither layers[] nor num_feats: cannot tell how many features each layer has`);
  }
  problems.push(...table.problems);
  const { counts } = table;
  const totalFeatures = counts.reduce((a, b) => a + b, 0);

  // Embeddings: exactly V·H·2 or V·H·4 bytes; anything else is corrupt or truncated.
  let embeddings: DType | null = null;
  const embSize = fileSizes['embeddings.bin'];
  if (embSize === undefined) {
    problems.push({ file: 'embeddings.bin', message: 'embeddings.bin is missing: text queries and vocabulary projections are unavailable' });
  } else {
    const dt = dtypeFromSize(embSize, vocab * hidden, `V=${vocab} × H=${hidden}`);
    if (typeof dt === 'string') embeddings = dt;
    else problems.push({ file: 'embeddings.bin', message: `embeddings.bin: ${dt.detail}` });
  }

  // down/up_features: same row counts as the gate, layers back to back in layer order, dtype from size.
  const rowsFile = (file: string): { dtype: DType | null; ranges: (ByteRange | null)[] } => {
    const size = fileSizes[file];
    const none = { dtype: null, ranges: counts.map(() => null) };
    if (size === undefined || totalFeatures === 0) return none;
    const dt = dtypeFromSize(size, totalFeatures * hidden, `ΣF=${totalFeatures} × H=${hidden}`);
    if (typeof dt !== 'string') {
      problems.push({ file, message: `${file}: ${dt.detail}` });
      return none;
    }
    return { dtype: dt, ranges: cumulativeRanges(counts, hidden, dt) };
  };
  const down = rowsFile('down_features.bin');
  const up = rowsFile('up_features.bin');

  const layers: LayerInfo[] = counts.map((f, l) => {
    const info: LayerInfo = { layer: l, numFeatures: f, gate: table.gate[l], down: down.ranges[l], up: up.ranges[l] };
    const moe = table.moe[l];
    if (moe !== null) {
      info.numExperts = moe.numExperts;
      info.featuresPerExpert = moe.featuresPerExpert;
    }
    return info;
  });

  let embedScale = 1;
  if (index.embed_scale !== undefined && index.embed_scale !== null) {
    if (typeof index.embed_scale === 'number' && Number.isFinite(index.embed_scale)) embedScale = index.embed_scale;
    else problems.push({ file: INDEX, message: `${INDEX}: embed_scale = ${JSON.stringify(index.embed_scale)} is not a number; using 1` });
  }
  const downTopK = typeof index.down_top_k === 'number' && Number.isInteger(index.down_top_k) ? index.down_top_k : null;
  const modelConfig = obj(index.model_config);
  const family = str(index.family) ?? str(modelConfig?.model_type) ?? str(index.model_type);
  const { bands, bandsSource } = resolveBands(index.layer_bands, family, numLayers, problems);

  return {
    flavour,
    version: typeof index.version === 'number' ? index.version : null,
    model: str(index.model) ?? str(index.model_name) ?? str(index.name) ?? str(index.base_model) ?? 'unknown model',
    family,
    numLayers,
    hiddenSize: hidden,
    vocabSize: vocab,
    intermediateSize: typeof index.intermediate_size === 'number' ? index.intermediate_size : null,
    embedScale,
    downTopK,
    extractLevel: str(index.extract_level),
    quant: str(index.quant),
    layers,
    dtypes: { gate: table.gateDtype, embeddings, down: down.dtype, up: up.dtype },
    declaredDtype: str(index.dtype),
    bands,
    bandsSource,
    source: obj(index.source),
    checksums: checksumsOf(index.checksums),
    modelConfig,
    raw: index,
    problems,
  };
}

/** Bands from index.json, else LarQL's family table, else the proportional rule, else one band. */
function resolveBands(
  value: unknown,
  family: string | null,
  numLayers: number,
  problems: FileProblem[],
): { bands: LayerBands | null; bandsSource: VindexDescription['bandsSource'] } {
  if (value !== undefined && value !== null) {
    const b = validateBands(value, numLayers);
    if (typeof b !== 'string') return { bands: b, bandsSource: 'index.json' };
    problems.push({ file: INDEX, message: `${INDEX}: ${b}; using the default bands` });
  }
  const fromFamily = familyBands(family, numLayers);
  if (fromFamily !== null) return { bands: fromFamily, bandsSource: 'family table' };
  const rule = defaultBands(numLayers);
  return rule !== null ? { bands: rule, bandsSource: 'default rule' } : { bands: null, bandsSource: 'single band' };
}

/** index.json `checksums` as { file: lowercase sha256 }, keeping only well-formed entries. */
function checksumsOf(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  const o = obj(v);
  if (o === null) return out;
  for (const [k, h] of Object.entries(o)) {
    if (typeof h === 'string' && /^[0-9a-fA-F]{64}$/.test(h)) out[k] = h.toLowerCase();
  }
  return out;
}
