import { loadTokenizer, type VindexTokenizer } from '../format/tokenizer';
import { VocabIndex, wordVariants } from '../format/vocabSearch';
import type { TokenRef, TokenSuggestion } from './types';

/**
 * What the tokenizer worker does. It runs every piece of an untrusted tokenizer.json (normalizer and
 * pre-tokenizer regexes, decoders) so that a regex that backtracks for ever stalls only this worker,
 * which the engine terminates when a call overruns its time budget (see tokenizerClient.ts).
 */
export interface TokenizerService {
  /** Parses tokenizer.json bytes (and tokenizer_config.json text); `file` names it in errors. */
  load(bytes: Uint8Array, configText: string | undefined, file: string): { vocabSize: number; modelType: string };
  /** Ids and vocabulary strings of text, spaces kept, no special tokens. */
  encode(text: string): { ids: number[]; tokens: string[] };
  /** Exact text and raw string of each id. */
  describe(ids: number[]): TokenRef[];
  /** Vocabulary tokens whose text starts with `prefix` (either variant of a word, any case), best first. */
  suggest(prefix: string, limit: number): TokenSuggestion[];
  /** The spellings of a word that are a single token each, with that token; the others as null. */
  variants(word: string): { spelling: string; token: TokenRef | null }[];
}

/** Creates the service (inside the tokenizer worker; in-process under Node, where there are no workers). */
export function createTokenizerService(): TokenizerService {
  let tok: VindexTokenizer | null = null;
  let index: VocabIndex | null = null;
  const need = (): VindexTokenizer => {
    if (!tok) throw new Error('tokenizer: not loaded');
    return tok;
  };
  const ref = (t: VindexTokenizer, id: number): TokenRef => ({ id, text: t.decodeOne(id), raw: t.tokenOf(id) });
  return {
    load(bytes, configText, file) {
      tok = loadTokenizer(new TextDecoder('utf-8').decode(bytes), configText, file);
      index = null;
      return { vocabSize: tok.vocabSize, modelType: tok.modelType };
    },
    encode(text) {
      return need().encode(text);
    },
    describe(ids) {
      const t = need();
      return ids.map((id) => ref(t, id));
    },
    suggest(prefix, limit) {
      const t = need();
      // Built on first use: one decode per token (about 80 ms for GPT-2's 50,257).
      index ??= new VocabIndex(Array.from({ length: t.vocabSize }, (_, id) => t.decodeOne(id)));
      return index.suggest(prefix, limit).map((id) => {
        const r = ref(t, id);
        const enc = t.encode(r.text).ids;
        return { ...r, exact: enc.length === 1 && enc[0] === id };
      });
    },
    variants(word) {
      const t = need();
      return wordVariants(word).map((spelling) => {
        const ids = t.encode(spelling).ids;
        return { spelling, token: ids.length === 1 ? ref(t, ids[0]) : null };
      });
    },
  };
}
