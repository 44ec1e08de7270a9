// A thin wrapper over @huggingface/tokenizers with exactly what the explorer needs.
import { Tokenizer } from '@huggingface/tokenizers';
import { VindexFormatError } from './types';

/** The largest tokenizer.json read (real ones are 9–33 MB); a bigger file is refused before parsing. */
export const MAX_TOKENIZER_BYTES = 64 * 1024 * 1024;

/** Model types the library implements; anything else is refused by name rather than half-loaded. */
const MODEL_TYPES = ['BPE', 'WordPiece', 'Unigram'];

/** The tokenizer operations the explorer uses. */
export interface VindexTokenizer {
  /** Encodes text exactly as given (spaces kept) without special tokens (LarQL's query-vector recipe). */
  encode(text: string): { ids: number[]; tokens: string[] };
  /** The exact text of one token: " Paris" keeps its space; '' for special and unknown ids. */
  decodeOne(id: number): string;
  /** The raw vocabulary string of an id (e.g. "ĠParis", "▁Paris", "<eos>"), or null when the id is unknown. */
  tokenOf(id: number): string | null;
  /** One past the largest token id (vocabulary plus added tokens). */
  vocabSize: number;
  /** The model type ("BPE", "WordPiece", "Unigram"). */
  modelType: string;
}

/** Throws a VindexFormatError naming `file` when a tokenizer file is too large to parse. */
export function checkTokenizerSize(file: string, bytes: number): void {
  if (bytes > MAX_TOKENIZER_BYTES) {
    throw new VindexFormatError(file, `${bytes} bytes is larger than the ${MAX_TOKENIZER_BYTES} bytes a tokenizer.json may have here; not parsed`);
  }
}

/** Parses a JSON object or throws a VindexFormatError naming the file (and what the text starts with). */
function parseObject(file: string, text: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    // An HTML error or login page served with status 200 is the usual culprit: say what came instead.
    const start = text.trimStart().slice(0, 40).replace(/\s+/g, ' ');
    const html = /^<(!doctype|html|head|body)\b/i.test(start) ? 'an HTML page, not JSON; ' : '';
    throw new VindexFormatError(file, `not valid JSON (${html}${e instanceof Error ? e.message : String(e)}; it starts with ${JSON.stringify(start)})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new VindexFormatError(file, 'expected a JSON object');
  return v as Record<string, unknown>;
}

/** The model type a tokenizer.json declares or implies, or a VindexFormatError naming it. */
function modelTypeOf(file: string, model: Record<string, unknown>): string {
  const t = model.type;
  if (typeof t === 'string') {
    if (MODEL_TYPES.includes(t)) return t;
    throw new VindexFormatError(file, `model type "${t.slice(0, 40)}" is not supported (only ${MODEL_TYPES.join(', ')}); query token ids as #123 instead`);
  }
  // Older files omit "type": the library infers it the same way (a vocab list is Unigram, merges BPE).
  if (Array.isArray(model.vocab)) return 'Unigram';
  if (model.vocab && typeof model.vocab === 'object' && 'unk_token' in model && 'continuing_subword_prefix' in model) {
    return 'merges' in model ? 'BPE' : 'WordPiece';
  }
  throw new VindexFormatError(file, `model has no "type" and is not recognisable as ${MODEL_TYPES.join(', ')}; query token ids as #123 instead`);
}

/** Builds a tokenizer from tokenizer.json text (and optional tokenizer_config.json text). */
export function loadTokenizer(jsonText: string, configText?: string, file = 'tokenizer.json'): VindexTokenizer {
  const json = parseObject(file, jsonText);
  if (typeof json.model !== 'object' || json.model === null || Array.isArray(json.model)) {
    throw new VindexFormatError(file, 'has no "model" section: not a Hugging Face tokenizers file');
  }
  const modelType = modelTypeOf(file, json.model as Record<string, unknown>);
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
    throw new VindexFormatError(file, `could not be loaded (${e instanceof Error ? e.message : String(e)})`);
  }
  const vocab: readonly (string | undefined)[] = tok.model?.vocab ?? [];
  const vocabSize = vocab.length;
  const cache = new Map<number, string>();
  return {
    encode(text: string) {
      const enc = tok.encode(text, { add_special_tokens: false });
      // Why check: a model the library only half understands yields undefined ids instead of throwing.
      if (enc.ids.some((id) => !Number.isInteger(id))) throw new VindexFormatError(file, `gave no token id for part of ${JSON.stringify(text.slice(0, 40))}`);
      return { ids: enc.ids, tokens: enc.tokens };
    },
    decodeOne(id: number): string {
      const hit = cache.get(id);
      if (hit !== undefined) return hit;
      // Why guard: the library maps unknown ids to unk_token, which may be undefined and crash the decoder.
      if (!Number.isInteger(id) || id < 0 || vocab[id] === undefined) return '';
      // Not trimmed: " Paris" and "Paris" are different tokens. clean_up_tokenization_spaces off, as
      // LarQL (Rust tokenizers) decodes. Why a second decode for "▁" tokens: SentencePiece decoders
      // (Metaspace, or Replace + Strip) drop the space of a text's first token, so "▁Paris" alone decodes
      // to "Paris"; its second occurrence shows the text it really adds. Byte-level "Ġ" tokens keep their
      // space anyway, and WordPiece pieces ("cat", "##ing") are shown as the vocabulary writes them.
      const opts = { skip_special_tokens: true, clean_up_tokenization_spaces: false };
      const one = tok.decode([id], opts);
      const two = vocab[id]!.startsWith('\u2581') && !one.startsWith(' ') ? tok.decode([id, id], opts) : '';
      const s = two.length > one.length && two.startsWith(one) ? two.slice(one.length) : one;
      cache.set(id, s);
      return s;
    },
    tokenOf(id: number): string | null {
      return Number.isInteger(id) && id >= 0 ? (vocab[id] ?? null) : null;
    },
    vocabSize,
    modelType,
  };
}
