// The part of a VindexDescription every family shares: embeddings, down/up rows, embed_scale, bands,
// provenance and settings, built from a layer table and the folder's file sizes.
import type { ByteRange, DType, FileProblem, LayerBands, LayerInfo, VindexDescription } from './types';
import type { LayerTable } from './layerTable';
import { cumulativeRanges, dtypeFromSize } from './layout';
import { defaultBands, familyBands, validateBands } from './layerBands';
import { normaliseQuant, provenanceRows, settingsRows } from './indexKeys';

const INDEX = 'index.json';

/** A string field, or null. */
export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** An object field, or null. */
export function obj(v: unknown): Record<string, unknown> | null {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
}

/** What a family-specific reader hands over. */
export interface DescriptionParts {
  flavour: VindexDescription['flavour'];
  featureKind: VindexDescription['featureKind'];
  numLayers: number;
  hidden: number;
  /** 0 when unknown (then embeddings.bin cannot be used). */
  vocab: number;
  table: LayerTable;
  /** The index.json object (or the sidecar index for MoE summaries). */
  index: Record<string, unknown>;
  /** Whether down_features.bin / up_features.bin follow the gate's rows (not for MoE summaries). */
  rowFiles: boolean;
  variance?: (LayerInfo['variance'] | null)[];
}

/** Builds the full description; bad embeddings/down/up become `problems`, never throws. */
export function finishDescription(p: DescriptionParts, fileSizes: Record<string, number>): VindexDescription {
  const { index, table, hidden, vocab, numLayers } = p;
  const problems: FileProblem[] = [...table.problems];
  const { counts } = table;
  const totalFeatures = counts.reduce((a, b) => a + b, 0);

  // Embeddings: exactly V·H·2 or V·H·4 bytes; anything else is corrupt or truncated.
  let embeddings: DType | null = null;
  const embSize = fileSizes['embeddings.bin'];
  if (embSize === undefined) {
    problems.push({ file: 'embeddings.bin', message: 'embeddings.bin is missing: text queries and vocabulary projections are unavailable' });
  } else if (vocab === 0) {
    problems.push({ file: 'embeddings.bin', message: 'embeddings.bin: the vocabulary size is not given, so its rows cannot be located' });
  } else {
    const dt = dtypeFromSize(embSize, vocab * hidden, `V=${vocab} × H=${hidden}`);
    if (typeof dt === 'string') embeddings = dt;
    else problems.push({ file: 'embeddings.bin', message: `embeddings.bin: ${dt.detail}` });
  }

  // down/up_features: same row counts as the gate, layers back to back in layer order, dtype from size.
  const rowsFile = (file: string): { dtype: DType | null; ranges: (ByteRange | null)[] } => {
    const size = fileSizes[file];
    const none = { dtype: null, ranges: counts.map(() => null) };
    if (!p.rowFiles || size === undefined || totalFeatures === 0) return none;
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
    const why = table.gateProblems[l];
    if (why) info.gateProblem = why;
    const v = p.variance?.[l];
    if (v) info.variance = v;
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
    flavour: p.flavour,
    featureKind: p.featureKind,
    version: typeof index.version === 'number' ? index.version : null,
    model: str(index.model) ?? str(index.model_name) ?? str(index.name) ?? str(index.base_model) ?? str(modelConfig?._name_or_path) ?? 'unknown model',
    family,
    numLayers,
    hiddenSize: hidden,
    vocabSize: vocab,
    intermediateSize: typeof index.intermediate_size === 'number' ? index.intermediate_size : null,
    embedScale,
    downTopK,
    extractLevel: str(index.extract_level),
    quant: normaliseQuant(index.quant),
    layers,
    dtypes: { gate: table.gateDtype, embeddings, down: down.dtype, up: up.dtype },
    declaredDtype: str(index.dtype),
    bands,
    bandsSource,
    source: obj(index.source),
    checksums: checksumsOf(index.checksums),
    gateShards: table.shards,
    provenance: provenanceRows(index.source),
    settings: settingsRows(index),
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
