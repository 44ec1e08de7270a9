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

/** Files the explorer knows by exact name (LarQL's format/filenames.rs, the compact and MoE summary variants, VINDEX3). */
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
  'special_tokens_map.json': { role: 'tokenizer', used: false, description: 'special tokens map (the explorer reads tokenizer.json and tokenizer_config.json)' },
  'chat_template.jinja': { role: 'tokenizer', used: false, description: 'chat template (inference; not needed for browsing)' },
  'gate_vectors_fp4.bin': { role: 'inference', used: false, description: 'FP4 copy of the gate (inference only, not decoded; scores read gate_vectors.bin)' },
  'up_features_fp4.bin': { role: 'inference', used: false, description: 'FP4 copy of the up rows (inference only, not decoded)' },
  'down_features_fp8.bin': { role: 'inference', used: false, description: 'FP8 copy of the down rows (inference only, not decoded; projections read down_features.bin)' },
  'fp4_compliance.json': { role: 'inference', used: false, description: 'FP4/FP8 quantisation report (which projections passed); not used for browsing' },
  'ple_weights.bin': { role: 'inference', used: false, description: 'per-layer embedding weights (Gemma PLE); inference only, not decoded' },
  'gate_vectors_index.json': { role: 'config', used: true, description: 'MoE summary index: where each MoE layer\'s expert directions are in gate_vectors.bin, with var@64 statistics' },
  'phase1_moe_svd.json': { role: 'provenance', used: true, description: 'MoE summary, phase 1: the per-expert gate_proj SVD run (shown as provenance)' },
  'phase2_router_svd.json': { role: 'provenance', used: true, description: 'MoE summary, phase 2: the router SVD run (shown as provenance)' },
  'system_graph.json': { role: 'config', used: true, description: 'VINDEX3 system graph (components and objects); summarised in the overview' },
  'query/down_meta.bin': { role: 'labels', used: false, description: 'VINDEX3 down_meta (DMET); the views that read it need a VINDEX2 vindex' },
};

// Files in sub-folders and sharded files, matched by pattern (checked before the suffix families below).
const PATH_PATTERNS: [RegExp, (m: RegExpExecArray) => FileKind][] = [
  [/^gate_vectors-(\d{5})-of-(\d{5})\.bin$/, (m) => ({ role: 'tensor', used: true, description: `gate shard ${Number(m[1])} of ${Number(m[2])} (layers[].shards): read as one virtual gate_vectors.bin` })],
  [/^(.+)-(\d{5})-of-(\d{5})\.bin$/, (m) => ({ role: 'tensor', used: false, description: `shard ${Number(m[2])} of ${Number(m[3])} of ${m[1]}.bin; not used by the explorer` })],
  [/^layers\/layer_\d+\.weights$/, () => ({ role: 'inference', used: false, description: 'per-layer FFN weights (LYRW v1, ffn_layout "per_layer"); inference only, not decoded' })],
  [/^bitnet\//, () => ({ role: 'inference', used: false, description: 'BitNet weights and config (bitnet_layout); inference only, not decoded' })],
  [/^segments\/.+\.bin$/, () => ({ role: 'tensor', used: false, description: 'VINDEX3 segment (one representation\'s tensors): listed with its hashes, not decoded' })],
];

// Families of inference-only files, matched by pattern because their suffixes vary
// (attn_weights_q4k.bin, interleaved_q4.bin, lm_head_q4.bin, gate_vectors_fp4.bin, …).
const INFERENCE_PATTERNS: [RegExp, string][] = [
  [/^attn_weights.*\.(bin|json)$/, 'attention weights'],
  [/^interleaved.*\.(bin|json)$/, 'interleaved FFN weights'],
  [/^lm_head.*\.bin$/, 'LM head'],
  [/_kquant(_|\.)/, 'K-quant weights (newer name of *_q4k.bin)'],
  [/_(q4k?|q8|fp4|fp8)(_|\.)/, 'quantised weights'],
  [/^gguf_.*\.json$/, 'GGUF manifest'],
  [/\.safetensors$|\.gguf$/, 'model weights'],
];

/** Classifies a file name for the overview: known role, or "inference only, not decoded", or unknown. */
export function classifyFile(name: string): FileKind {
  const known = KNOWN_FILES[name];
  if (known !== undefined) return known;
  for (const [re, kind] of PATH_PATTERNS) {
    const m = re.exec(name);
    if (m) return kind(m);
  }
  if (name.includes('/')) return { role: 'unknown', used: false, description: 'in a sub-folder; not used by the explorer' };
  for (const [re, what] of INFERENCE_PATTERNS) {
    if (re.test(name)) {
      const kquant = /_kquant(_|\.)/.test(name) && !what.startsWith('K-quant') ? ' (K-quant)' : '';
      return { role: 'inference', used: false, description: `${what}${kquant}: inference only, not decoded` };
    }
  }
  return { role: 'unknown', used: false, description: 'not used by the explorer' };
}
