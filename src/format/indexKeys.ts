// Newer index.json keys (LarQL after April 2026, public spec v1): provenance rows with full hashes,
// and the format settings a reader should show (and otherwise ignore).
import type { InfoRow } from './types';

/** quant as LarQL means it: "kquant" is the newer spelling of "q4k". */
export function normaliseQuant(q: unknown): string | null {
  if (typeof q !== 'string') return null;
  return q === 'kquant' ? 'q4k' : q;
}

/** A scalar or small value as one line of text. */
function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === null) return 'null';
  return JSON.stringify(v);
}

// What the provenance keys mean (LarQL's VindexSource, plus the v1-spec additions).
const SOURCE_NOTES: Record<string, string> = {
  huggingface_repo: 'model the vindex was extracted from',
  huggingface_revision: 'revision of that model',
  safetensors_sha256: 'sha256 of the source weights',
  base_model_sha: 'commit of the base model',
  extractor_sha: 'commit of the extractor that wrote this vindex',
  base_safetensors_sha256: 'sha256 of one source safetensors shard',
  extracted_at: 'when it was extracted',
  larql_version: 'LarQL version of the extractor',
};

/**
 * index.json `source` flattened into rows, nothing shortened: nested objects (e.g.
 * base_safetensors_sha256 {shard: sha256}) become one row per entry, keyed "parent.child".
 */
export function provenanceRows(source: unknown): InfoRow[] {
  if (typeof source !== 'object' || source === null || Array.isArray(source)) return [];
  const rows: InfoRow[] = [];
  const walk = (prefix: string, top: string, v: unknown, depth: number) => {
    if (typeof v === 'object' && v !== null && !Array.isArray(v) && depth < 3) {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) walk(`${prefix}.${k}`, top, x, depth + 1);
      return;
    }
    const note = SOURCE_NOTES[top];
    rows.push(note ? { key: prefix, value: text(v), note } : { key: prefix, value: text(v) });
  };
  for (const [k, v] of Object.entries(source as Record<string, unknown>)) walk(k, k, v, 0);
  return rows;
}

// Format settings worth showing, with what they mean for this explorer.
const SETTING_NOTES: [string, (v: unknown) => string][] = [
  ['vindex_spec_version', () => 'public vindex spec version'],
  ['extract_level', (v) => (v === 'attention' ? 'attention weights were extracted too (not browsed here)' : v === 'browse' ? 'browse only' : 'what the extractor kept')],
  ['dtype', () => 'declared dtype; the explorer decides each file from its size'],
  ['quant', (v) => (v === 'kquant' ? 'K-quant weights (alias of q4k); inference only, not decoded' : v === 'none' ? 'no quantised weights' : 'quantised weights; inference only, not decoded')],
  ['ffn_layout', (v) => (v === 'per_layer' ? 'FFN weights stored per layer (layers/layer_NN.weights); not decoded' : 'FFN weight layout')],
  ['bitnet_layout', () => 'BitNet weights (bitnet/); inference only, not decoded'],
  ['fp4', () => 'FP4/FP8 precision per projection (…_fp4.bin, …_fp8.bin); not decoded'],
  ['has_model_weights', (v) => (v === true ? 'model weights included (inference)' : 'no model weights')],
];

/** The format settings index.json declares, each with its meaning; dtype shows "f32 (default)" when absent. */
export function settingsRows(index: Record<string, unknown>): InfoRow[] {
  const rows: InfoRow[] = [];
  for (const [key, note] of SETTING_NOTES) {
    const v = index[key];
    if (v === undefined || v === null) {
      if (key === 'dtype' && index.version !== undefined) rows.push({ key, value: 'f32 (default: not given)', note: note(v) });
      continue;
    }
    rows.push({ key, value: typeof v === 'object' ? JSON.stringify(v) : text(v), note: note(v) });
  }
  return rows;
}
