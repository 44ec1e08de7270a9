// What each file of a vindex folder is, for the overview's file list.

/** Broad role of a file in a vindex. */
export type FileRole =
  | 'config'
  | 'tensor'
  | 'labels'
  | 'tokenizer'
  | 'integrity'
  | 'provenance'
  | 'model card'
  | 'inference'
  | 'unknown';

/** How the explorer treats one file. */
export interface FileKind {
  role: FileRole;
  /** True when the explorer reads and decodes this file. */
  used: boolean;
  description: string;
}

/** Files the explorer knows by exact name (names from LarQL's format/filenames.rs plus the compact variant). */
export const KNOWN_FILES: Readonly<Record<string, FileKind>> = {
  'index.json': { role: 'config', used: true, description: 'vindex config: dimensions, layers, dtype' },
  'gate_vectors.bin': { role: 'tensor', used: true, description: 'per-layer gate rows [F, H]: token → feature scores' },
  'embeddings.bin': { role: 'tensor', used: true, description: 'input embeddings [V, H]' },
  'down_meta.bin': { role: 'labels', used: true, description: 'precomputed top-k output tokens per feature (DMET)' },
  'down_meta.jsonl': { role: 'labels', used: true, description: 'top-k output tokens per feature (legacy JSON lines)' },
  'down_features.bin': { role: 'tensor', used: true, description: 'per-layer down vectors [F, H], feature-major' },
  'up_features.bin': { role: 'tensor', used: true, description: 'per-layer up_proj rows [F, H]' },
  'tokenizer.json': { role: 'tokenizer', used: true, description: 'Hugging Face tokenizer: text ↔ token ids' },
  'tokenizer_config.json': { role: 'tokenizer', used: true, description: 'tokenizer options (special tokens)' },
  'feature_labels.json': { role: 'labels', used: true, description: 'probe labels per feature' },
  'relation_clusters.json': { role: 'labels', used: true, description: 'relation cluster labels and centres' },
  'feature_clusters.jsonl': { role: 'labels', used: true, description: 'cluster id per feature' },
  'SHA256SUMS': { role: 'integrity', used: true, description: 'sha256sum lines for the files' },
  'manifest.json': { role: 'provenance', used: true, description: 'build provenance' },
  'README.md': { role: 'model card', used: true, description: 'model card (base model, license)' },
  'norms.bin': { role: 'tensor', used: false, description: 'norm vectors (located via weight_manifest.json)' },
  'weight_manifest.json': { role: 'config', used: false, description: 'where each model weight lives (overview only)' },
  'generation_config.json': { role: 'config', used: false, description: 'generation defaults (inference)' },
  'knn_store.bin': { role: 'inference', used: false, description: 'KNN store for edits; not decoded' },
  'model_weights.bin': { role: 'inference', used: false, description: 'model weights for inference; not decoded' },
  'up_weights.bin': { role: 'inference', used: false, description: 'layer-major up weights (inference only, not decoded)' },
  'down_weights.bin': { role: 'inference', used: false, description: 'layer-major down weights (inference only, not decoded)' },
  'router_weights.bin': { role: 'inference', used: false, description: 'MoE router weights (inference only, not decoded)' },
};

// Families of inference-only files, matched by pattern because their suffixes vary
// (attn_weights_q4k.bin, interleaved_q4.bin, lm_head_q4.bin, gate_vectors_fp4.bin, …).
const INFERENCE_PATTERNS: [RegExp, string][] = [
  [/^attn_weights.*\.(bin|json)$/, 'attention weights'],
  [/^interleaved.*\.(bin|json)$/, 'interleaved FFN weights'],
  [/^lm_head.*\.bin$/, 'LM head'],
  [/_(q4k?|q8|fp4|fp8)(_|\.)/, 'quantised weights'],
  [/^gguf_.*\.json$/, 'GGUF manifest'],
  [/\.safetensors$|\.gguf$/, 'model weights'],
];

/** Classifies a file name for the overview: known role, or "inference only, not decoded", or unknown. */
export function classifyFile(name: string): FileKind {
  const known = KNOWN_FILES[name];
  if (known !== undefined) return known;
  for (const [re, what] of INFERENCE_PATTERNS) {
    if (re.test(name)) {
      return { role: 'inference', used: false, description: `${what}: inference only, not decoded` };
    }
  }
  return { role: 'unknown', used: false, description: 'not used by the explorer' };
}
