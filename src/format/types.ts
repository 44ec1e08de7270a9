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
}

/** The one internal description every index.json family is normalised into. */
export interface VindexDescription {
  /** 'larql' (v1/v2 with layers[]) or 'compact' (num_feats, no layers[]). */
  flavour: 'larql' | 'compact';
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
