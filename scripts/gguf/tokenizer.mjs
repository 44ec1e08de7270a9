// tokenizer.mjs: builds a Hugging Face tokenizer.json from a GGUF's tokenizer metadata
// (tokenizer.ggml.*), for byte-level BPE vocabularies ("gpt2" model) with a pre-tokenizer whose
// splitting llama.cpp defines. Anything else is refused by name rather than guessed: a wrong
// tokenizer silently gives wrong ids.

/** llama.cpp token types (llama_token_type). */
const TOKEN_TYPE = { NORMAL: 1, UNKNOWN: 2, CONTROL: 3, USER_DEFINED: 4, UNUSED: 5, BYTE: 6 };

/**
 * Pre-tokenizers by tokenizer.ggml.pre, as tokenizers' JSON. llama.cpp's "smollm" isolates every
 * \p{N} character and then applies the GPT-2 regex: a Split on \p{N} (Isolated) followed by
 * ByteLevel (use_regex: the same GPT-2 regex) does the same. Why not Digits(individual_digits),
 * as SmolLM2's own tokenizer.json has: @huggingface/tokenizers' Digits does not split "¼" or "½"
 * (numeric but not decimal digits), where llama.cpp and Rust tokenizers do.
 */
const PRE = {
  smollm: (prefix) => ({
    type: 'Sequence',
    pretokenizers: [
      { type: 'Split', pattern: { Regex: '\\p{N}' }, behavior: 'Isolated', invert: false },
      { type: 'ByteLevel', add_prefix_space: prefix, trim_offsets: true, use_regex: true },
    ],
  }),
  'gpt-2': (prefix) => ({ type: 'ByteLevel', add_prefix_space: prefix, trim_offsets: true, use_regex: true }),
};

/** Builds tokenizer.json (an object) from GGUF metadata; throws an Error naming what is unsupported. */
export function tokenizerJson(meta) {
  const model = meta['tokenizer.ggml.model'];
  if (model !== 'gpt2') throw new Error(`tokenizer.ggml.model "${model}" is not supported (only byte-level BPE, "gpt2")`);
  const pre = meta['tokenizer.ggml.pre'] ?? 'gpt-2';
  if (!PRE[pre]) throw new Error(`tokenizer.ggml.pre "${pre}" is not supported (known: ${Object.keys(PRE).join(', ')})`);
  const tokens = meta['tokenizer.ggml.tokens'];
  const types = meta['tokenizer.ggml.token_type'];
  const merges = meta['tokenizer.ggml.merges'];
  if (!Array.isArray(tokens) || !Array.isArray(merges)) throw new Error('tokenizer.ggml.tokens or tokenizer.ggml.merges is missing');
  if (Array.isArray(types) && types.length !== tokens.length) throw new Error(`tokenizer.ggml.token_type has ${types.length} entries for ${tokens.length} tokens`);
  const addBos = meta['tokenizer.ggml.add_bos_token'] === true;
  const addEos = meta['tokenizer.ggml.add_eos_token'] === true;
  const prefix = meta['tokenizer.ggml.add_space_prefix'] === true;

  const vocab = {};
  const added = [];
  tokens.forEach((t, id) => {
    if (Object.hasOwn(vocab, t)) throw new Error(`token ${JSON.stringify(t)} appears twice (ids ${vocab[t]} and ${id})`);
    vocab[t] = id;
    const type = types ? Number(types[id]) : TOKEN_TYPE.NORMAL;
    if (type === TOKEN_TYPE.CONTROL || type === TOKEN_TYPE.USER_DEFINED) {
      added.push({ id, content: t, single_word: false, lstrip: false, rstrip: false, normalized: type === TOKEN_TYPE.USER_DEFINED, special: type === TOKEN_TYPE.CONTROL });
    }
  });
  const pairs = merges.map((m, i) => {
    const parts = m.split(' ');
    if (parts.length !== 2) throw new Error(`merge ${i} ${JSON.stringify(m)} is not two symbols`);
    return parts;
  });
  const special = (key) => {
    const id = meta[key];
    return id === undefined ? null : { id: Number(id), token: tokens[Number(id)] };
  };
  const bos = special('tokenizer.ggml.bos_token_id');
  const eos = special('tokenizer.ggml.eos_token_id');
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: added,
    normalizer: null,
    pre_tokenizer: PRE[pre](prefix),
    post_processor: postProcessor(addBos ? bos : null, addEos ? eos : null),
    decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
    model: {
      type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
      fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: pairs,
    },
  };
}

/** ByteLevel offsets only, or a template adding BOS/EOS when the GGUF says the model wants them. */
function postProcessor(bos, eos) {
  if (!bos && !eos) return { type: 'ByteLevel', add_prefix_space: false, trim_offsets: false, use_regex: true };
  const seq = (id) => ({ Sequence: { id, type_id: 0 } });
  const tok = (t) => ({ SpecialToken: { id: t.token, type_id: 0 } });
  const single = [...(bos ? [tok(bos)] : []), seq('A'), ...(eos ? [tok(eos)] : [])];
  const pair = [...single, ...(bos ? [tok(bos)] : []), seq('B'), ...(eos ? [tok(eos)] : [])];
  const specials = {};
  for (const t of [bos, eos]) if (t) specials[t.token] = { id: t.token, ids: [t.id], tokens: [t.token] };
  return { type: 'TemplateProcessing', single, pair, special_tokens: specials };
}
