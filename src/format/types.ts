/** Floating-point storage of a tensor file. */
export type DType = 'f16' | 'f32';

/** A byte range [start, end) into one file. */
export interface ByteRange {
  start: number;
  end: number;
}

/** One layer of the normalised vindex description. */
export interface LayerInfo {
  layer: number;
  /** Number of features (rows) in this layer; 0 = no features. */
  numFeatures: number;
  /** Byte range of this layer's [F, H] matrix in gate_vectors.bin (null when absent). */
  gate: ByteRange | null;
  /** Byte range in down_features.bin, when that file exists and its size fits. */
  down: ByteRange | null;
  /** Byte range in up_features.bin, when that file exists and its size fits. */
  up: ByteRange | null;
  /** MoE: number of experts in this layer (features are expert-major). */
  numExperts?: number;
  featuresPerExpert?: number;
  /** Why this layer's gate rows cannot be read (truncated file, bad shard, bad MoE index entry), when they cannot. */
  gateProblem?: string;
  /** MoE summaries: the layer's var@64 statistics from gate_vectors_index.json, when given. */
  variance?: { median: number | null; q25: number | null; q75: number | null };
}

/** One piece of a gate split across shard files: bytes [start, end) of `file`, in virtual-file order. */
export interface ShardPiece {
  file: string;
  start: number;
  end: number;
}

/** Layer bands, inclusive [first, last] layer each. */
export interface LayerBands {
  syntax: [number, number];
  knowledge: [number, number];
  output: [number, number];
}

/** A non-fatal problem with one file: it names the file and the numbers. */
export interface FileProblem {
  file: string;
  message: string;
  /** 'error': some data cannot be used (shown as an alert); default: a warning. */
  severity?: 'error' | 'warning';
}

/** One key/value of provenance or format settings, shown in full (hashes are never shortened). */
export interface InfoRow {
  key: string;
  value: string;
  /** What the key means, in a few words, when known. */
  note?: string;
}

/** The one internal description every index.json family is normalised into. */
export interface VindexDescription {
  /**
   * 'larql' (v1/v2 with layers[]), 'compact' (num_feats, no layers[]), 'moe-summary' (Divinci's
   * gate_vectors_index.json) or 'vindex3' (LarQL's VINDEX3 container, overview only).
   */
  flavour: 'larql' | 'compact' | 'moe-summary' | 'vindex3';
  /** 'direction' for SVD bases (compact, MoE summaries: sign arbitrary, gate f ≠ down f), else 'neuron'. */
  featureKind: 'neuron' | 'direction';
  /** index.json `version` when present. */
  version: number | null;
  /** Model name (index.json `model`, else "unknown model"). */
  model: string;
  /** Model family (`family`, e.g. "gemma3"), when given. */
  family: string | null;
  numLayers: number;
  hiddenSize: number;
  vocabSize: number;
  intermediateSize: number | null;
  /** Multiplier applied to embedding rows to build query vectors (default 1). */
  embedScale: number;
  downTopK: number | null;
  extractLevel: string | null;
  /** Quantisation, normalised ("kquant" → "q4k"); `raw.quant` keeps what index.json said. */
  quant: string | null;
  /** Index = layer number; always numLayers entries. */
  layers: LayerInfo[];
  /** Dtype of each tensor file decided from byte counts; null when the file is absent or unusable. */
  dtypes: { gate: DType | null; embeddings: DType | null; down: DType | null; up: DType | null };
  /** The dtype index.json claims (may disagree with the gate's real one). */
  declaredDtype: string | null;
  bands: LayerBands | null;
  bandsSource: 'index.json' | 'family table' | 'default rule' | 'single band';
  /** index.json `source` (provenance) as given, or null. */
  source: Record<string, unknown> | null;
  /** index.json `checksums` { file: sha256 }, or {}. */
  checksums: Record<string, string>;
  /** The gate split across shard files (layers[].shards[]): pieces in virtual order, or null. */
  gateShards: ShardPiece[] | null;
  /** index.json `source` flattened for display, hashes in full. */
  provenance: InfoRow[];
  /** Format settings index.json declares (spec version, layouts, fp4, quant, …) with their meaning. */
  settings: InfoRow[];
  /** VINDEX3 containers: what the overview lists. */
  vindex3?: Vindex3Info;
  /** Divinci MoE summaries: gate_vectors_index.json as read. */
  moeSummary?: MoeSummaryInfo;
  /** index.json `model_config`, or null. */
  modelConfig: Record<string, unknown> | null;
  /** The parsed index.json object, to show all keys. */
  raw: Record<string, unknown>;
  /** Non-fatal problems: files whose size fits no layout, etc. */
  problems: FileProblem[];
}

/** Thrown by decoders for fatal format problems; `name` survives comlink, the class does not. */
export class VindexFormatError extends Error {
  /** The file the problem is in. */
  readonly file: string;
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'VindexFormatError';
    this.file = file;
  }
}

/** One representation of a VINDEX3 container, with the size its segment really has. */
export interface Vindex3Representation {
  id: string;
  object: string | null;
  encoding: string | null;
  segment: string | null;
  tensorCount: number | null;
  payloadBytes: number | null;
  /** Size of the segment file in the listing (null when absent). */
  segmentBytes: number | null;
  payloadSha256: string | null;
  segmentSha256: string | null;
  /** What disagrees with the files, naming the numbers; null when consistent. */
  problem: string | null;
}

/** A VINDEX3 container as the overview shows it. */
export interface Vindex3Info {
  version: number;
  representations: Vindex3Representation[];
  /** Segment key → declared file count, and the files found for it. */
  segments: { key: string; count: number | null; files: string[] }[];
  profiles: { name: string; detail: string | null }[];
  systemGraph: { file: string; bytes: number | null } | null;
  /** query/down_meta.bin size, when present. */
  downMetaBytes: number | null;
  /** Entries left out because there were too many to list. */
  omitted: number;
}

/** A Divinci MoE summary's gate_vectors_index.json as read. */
export interface MoeSummaryInfo {
  file: string;
  numFeats: number;
  nRoutedExperts: number | null;
  /** MoE layers in layer order, with their byte ranges and var@64 statistics. */
  layers: { layer: number; experts: number; start: number; end: number; median: number | null; q25: number | null; q75: number | null }[];
}
