// A thin wrapper over @huggingface/tokenizers with exactly what the explorer needs.
import { Tokenizer } from '@huggingface/tokenizers';
import { VindexFormatError } from './types';

/** The tokenizer operations the explorer uses. */
export interface VindexTokenizer {
  /** Encodes text without special tokens (LarQL's query-vector recipe). */
  encode(text: string): { ids: number[]; tokens: string[] };
  /** One token as LarQL shows it: decode [id] skipping special tokens, trimmed ('' for specials and unknown ids). */
  decodeOne(id: number): string;
  /** The raw vocabulary string of an id (e.g. "ĠParis", "<eos>"), or null when the id is unknown. */
  tokenOf(id: number): string | null;
  /** One past the largest token id (vocabulary plus added tokens). */
  vocabSize: number;
}

/** Parses a JSON object or throws a VindexFormatError naming the file. */
function parseObject(file: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new VindexFormatError(file, `not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new VindexFormatError(file, 'expected a JSON object');
  return v as Record<string, unknown>;
}

/** Builds a tokenizer from tokenizer.json text (and optional tokenizer_config.json text). */
export function loadTokenizer(jsonText: string, configText?: string): VindexTokenizer {
  const json = parseObject('tokenizer.json', jsonText);
  if (typeof json.model !== 'object' || json.model === null) {
    throw new VindexFormatError('tokenizer.json', 'has no "model" section: not a Hugging Face tokenizers file');
  }
  // Why: the library insists these keys exist (null is fine) and iterates added_tokens unguarded;
  // hand-written or minimal tokenizer.json files often omit them.
  const full: Record<string, unknown> = {
    normalizer: null,
    pre_tokenizer: null,
    post_processor: null,
    decoder: null,
    ...json,
    added_tokens: Array.isArray(json.added_tokens) ? json.added_tokens : [],
  };
  // A broken tokenizer_config.json should not cost us the tokenizer: fall back to defaults.
  let config: Record<string, unknown> = {};
  if (configText !== undefined) {
    try {
      config = parseObject('tokenizer_config.json', configText);
    } catch {
      config = {};
    }
  }
  let tok: Tokenizer;
  try {
    tok = new Tokenizer(full, config);
  } catch (e) {
    throw new VindexFormatError('tokenizer.json', `could not be loaded (${e instanceof Error ? e.message : String(e)})`);
  }
  const vocab: readonly (string | undefined)[] = tok.model?.vocab ?? [];
  const vocabSize = vocab.length;
  const cache = new Map<number, string>();
  return {
    encode(text: string) {
      const enc = tok.encode(text, { add_special_tokens: false });
      return { ids: enc.ids, tokens: enc.tokens };
    },
    decodeOne(id: number): string {
      const hit = cache.get(id);
      if (hit !== undefined) return hit;
      // Why guard: the library maps unknown ids to unk_token, which may be undefined and crash the decoder.
      if (!Number.isInteger(id) || id < 0 || vocab[id] === undefined) return '';
      // clean_up_tokenization_spaces off: LarQL (Rust tokenizers) decodes without that Python-side cleanup.
      const s = tok.decode([id], { skip_special_tokens: true, clean_up_tokenization_spaces: false }).trim();
      cache.set(id, s);
      return s;
    },
    tokenOf(id: number): string | null {
      return Number.isInteger(id) && id >= 0 ? (vocab[id] ?? null) : null;
    },
    vocabSize,
  };
}
