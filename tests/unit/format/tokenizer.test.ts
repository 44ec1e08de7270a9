import { describe, it, expect } from 'vitest';
import { Tokenizer } from '@huggingface/tokenizers';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadTokenizer, checkTokenizerSize, MAX_TOKENIZER_BYTES } from '../../../src/format/tokenizer';
import { VindexFormatError } from '../../../src/format/types';

// A tiny byte-level BPE (GPT-2 style: space is the byte-level character "Ġ").
// Hand-worked: "hello world" pre-tokenizes to ["hello", "Ġworld"];
//   hello : h e l l o → (h e) → he l l o → (l l) → he ll o → (ll o) → he llo → (he llo) → hello = [12]
//   Ġworld: Ġ w o r l d → (Ġ w) → Ġw o r l d → (o r) → Ġw or l d → (Ġw or) → Ġwor l d → (l d) → Ġwor ld = [15, 16]
const bpeVocab: Record<string, number> = {
  '<eos>': 0, h: 1, e: 2, l: 3, o: 4, 'Ġ': 5, w: 6, r: 7, d: 8,
  he: 9, ll: 10, llo: 11, hello: 12, 'Ġw': 13, or: 14, 'Ġwor': 15, ld: 16, '<bos>': 17,
};
const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
const bpeJson = JSON.stringify({
  version: '1.0',
  added_tokens: [special(0, '<eos>'), special(17, '<bos>')],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  // A template that prepends <bos>: encode() must not apply it.
  post_processor: {
    type: 'TemplateProcessing',
    single: [{ SpecialToken: { id: '<bos>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }],
    pair: [{ Sequence: { id: 'A', type_id: 0 } }, { Sequence: { id: 'B', type_id: 1 } }],
    special_tokens: { '<bos>': { id: '<bos>', ids: [17], tokens: ['<bos>'] } },
  },
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: {
    type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null,
    fuse_unk: false, byte_fallback: false, vocab: bpeVocab,
    merges: ['h e', 'l l', 'll o', 'he llo', 'Ġ w', 'o r', 'Ġw or', 'l d'],
  },
});

// A tiny BERT-style WordPiece: lowercasing normalizer, "##" continuation prefix.
//   "The cat playing!" → the cat play ##ing ! = [4, 5, 6, 7, 9]; "dog" is unknown → [UNK] = 1.
const wpJson = JSON.stringify({
  added_tokens: [special(0, '[PAD]'), special(1, '[UNK]'), special(2, '[CLS]'), special(3, '[SEP]')],
  normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
  pre_tokenizer: { type: 'BertPreTokenizer' },
  post_processor: { type: 'BertProcessing', sep: ['[SEP]', 3], cls: ['[CLS]', 2] },
  decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  model: {
    type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100,
    vocab: { '[PAD]': 0, '[UNK]': 1, '[CLS]': 2, '[SEP]': 3, the: 4, cat: 5, play: 6, '##ing': 7, '##s': 8, '!': 9 },
  },
});

describe('loadTokenizer: byte-level BPE', () => {
  const tok = loadTokenizer(bpeJson);

  it('encodes with the hand-worked merges and no special tokens', () => {
    expect(tok.encode('hello world')).toEqual({ ids: [12, 15, 16], tokens: ['hello', 'Ġwor', 'ld'] });
    // The library itself would add <bos> (17) by default, so leaving it out is the wrapper's doing.
    expect(new Tokenizer(JSON.parse(bpeJson), {}).encode('hello world').ids).toEqual([17, 12, 15, 16]);
  });

  it('decodes one id exactly (a Ġ token keeps its leading space), skipping special tokens', () => {
    expect(tok.decodeOne(15)).toBe(' wor');
    expect(tok.decodeOne(13)).toBe(' w');
    expect(tok.decodeOne(5)).toBe(' ');
    expect(tok.decodeOne(12)).toBe('hello');
    expect(tok.decodeOne(0)).toBe('');
    expect(tok.decodeOne(17)).toBe('');
  });

  it('handles unknown ids and gives raw token strings', () => {
    expect(tok.decodeOne(999)).toBe('');
    expect(tok.decodeOne(-1)).toBe('');
    expect(tok.tokenOf(15)).toBe('Ġwor');
    expect(tok.tokenOf(0)).toBe('<eos>');
    expect(tok.tokenOf(999)).toBeNull();
  });

  it('reports the vocabulary size including added tokens', () => {
    expect(tok.vocabSize).toBe(18);
  });

  it('tolerates a minimal file without added_tokens or optional sections', () => {
    const minimal = JSON.parse(bpeJson) as Record<string, unknown>;
    delete minimal.added_tokens;
    delete minimal.post_processor;
    delete minimal.normalizer;
    const t = loadTokenizer(JSON.stringify(minimal), '{not json');
    expect(t.encode('hello').ids).toEqual([12]);
  });
});

describe('loadTokenizer: WordPiece', () => {
  const tok = loadTokenizer(wpJson, JSON.stringify({ do_lower_case: true }));

  it('encodes with the hand-worked pieces and no [CLS]/[SEP]', () => {
    expect(tok.encode('The cat playing!')).toEqual({ ids: [4, 5, 6, 7, 9], tokens: ['the', 'cat', 'play', '##ing', '!'] });
    expect(tok.encode('dog').ids).toEqual([1]);
  });

  it('decodes single ids as the vocabulary writes them (a ## piece keeps its prefix)', () => {
    expect(tok.decodeOne(5)).toBe('cat');
    expect(tok.decodeOne(7)).toBe('##ing');
    expect(tok.decodeOne(2)).toBe('');
    expect(tok.vocabSize).toBe(10);
  });
});

// SentencePiece style (Llama 2, Gemma): "▁" marks a word start; the decoder drops the first token's space.
//   vocab: ▁Paris = 3, Paris = 4 (a piece inside a word), ▁ = 5
const spJson = JSON.stringify({
  added_tokens: [special(0, '<unk>'), special(1, '<s>')],
  normalizer: null,
  pre_tokenizer: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  post_processor: null,
  decoder: { type: 'Metaspace', replacement: '▁', prepend_scheme: 'always', split: true },
  model: {
    type: 'BPE', dropout: null, unk_token: '<unk>', continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: true, byte_fallback: false,
    vocab: { '<unk>': 0, '<s>': 1, '▁P': 2, '▁Paris': 3, Paris: 4, '▁': 5, P: 6, a: 7, r: 8, i: 9, s: 10, Pa: 11, Par: 12, Pari: 13, '▁Pa': 14, '▁Par': 15, '▁Pari': 16 },
    merges: ['▁ P', 'P a', '▁P a', 'Pa r', '▁Pa r', 'Par i', '▁Par i', 'Pari s', '▁Pari s'],
  },
});

describe('loadTokenizer: SentencePiece (Metaspace)', () => {
  const tok = loadTokenizer(spJson);
  it('decodes "▁Paris" with its space although the decoder strips a first token\'s space', () => {
    expect(tok.encode('Paris').ids).toEqual([3]);
    expect(tok.decodeOne(3)).toBe(' Paris');
    expect(tok.decodeOne(4)).toBe('Paris');
    expect(tok.tokenOf(3)).toBe('▁Paris');
  });
});

describe('loadTokenizer: GPT-2 style fixture (ids confirmed by Python tokenizers)', () => {
  const dir = join(import.meta.dirname, '../../fixtures/out/gpt2-bpe');
  const expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as {
    texts: { text: string; ids: number[]; tokens: string[]; decoded: string[] }[];
  };
  const tok = loadTokenizer(readFileSync(join(dir, 'tokenizer.json'), 'utf8'));

  it('keeps spaces: " Paris" is the Ġ token #6342, "Paris" #40313, as in GPT-2', () => {
    expect(tok.encode(' Paris')).toEqual({ ids: [6342], tokens: ['ĠParis'] });
    expect(tok.encode('Paris')).toEqual({ ids: [40313], tokens: ['Paris'] });
    expect(tok.decodeOne(6342)).toBe(' Paris');
    expect(tok.decodeOne(40313)).toBe('Paris');
    expect(tok.vocabSize).toBe(50257);
    expect(tok.modelType).toBe('BPE');
  });

  it('encodes and decodes every fixture text as the reference does', () => {
    for (const t of expected.texts) {
      expect(tok.encode(t.text), t.text).toEqual({ ids: t.ids, tokens: t.tokens });
      expect(t.ids.map((id) => tok.decodeOne(id)), t.text).toEqual(t.decoded);
    }
  });
});

describe('loadTokenizer: bad files', () => {
  it('names tokenizer.json for invalid JSON or a missing model', () => {
    expect(() => loadTokenizer('{oops')).toThrow(VindexFormatError);
    expect(() => loadTokenizer('{oops')).toThrow(/^tokenizer\.json: not valid JSON/);
    expect(() => loadTokenizer('{"version":"1.0"}')).toThrow(/^tokenizer\.json: has no "model" section/);
  });

  it('says when an HTML page came instead of JSON, and names the file it was given', () => {
    expect(() => loadTokenizer('<!DOCTYPE html><html><body>Sign in</body></html>', undefined, 'tokenizer.json of a/b@123'))
      .toThrow(/^tokenizer\.json of a\/b@123: not valid JSON \(an HTML page, not JSON; .*starts with "<!DOCTYPE html><html><body>Sign in/);
  });

  it('refuses an unknown model type by name instead of loading it half-way', () => {
    const mystery = { ...JSON.parse(bpeJson), model: { type: 'Mystery', vocab: bpeVocab } };
    expect(() => loadTokenizer(JSON.stringify(mystery))).toThrow(/^tokenizer\.json: model type "Mystery" is not supported \(only BPE, WordPiece, Unigram\)/);
    const untyped = { ...JSON.parse(bpeJson), model: { vocab: bpeVocab } };
    expect(() => loadTokenizer(JSON.stringify(untyped))).toThrow(/model has no "type" and is not recognisable/);
  });

  it('refuses a tokenizer.json larger than the cap before parsing it', () => {
    expect(() => checkTokenizerSize('tokenizer.json', MAX_TOKENIZER_BYTES + 1)).toThrow(
      `tokenizer.json: ${MAX_TOKENIZER_BYTES + 1} bytes is larger than the ${MAX_TOKENIZER_BYTES} bytes a tokenizer.json may have here; not parsed`,
    );
    expect(() => checkTokenizerSize('tokenizer.json', MAX_TOKENIZER_BYTES)).not.toThrow();
  });
});
