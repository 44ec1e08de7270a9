import { parseQuery } from '../format/queryText';
import type { Session } from './session';
import type { EncodedQuery, TokenRef, TokenSuggestion } from './types';
import type { TokenizerClient } from './tokenizerClient';

/** Runs a text operation on the tokenizer, or throws an error that says why there is none. */
export async function withTokenizer<T>(session: Session, work: (tok: TokenizerClient) => Promise<T>, signal?: AbortSignal): Promise<T> {
  const got = await session.tokenizer.use(async (tok) => ({ value: await work(tok) }), signal);
  if (!got) {
    const info = await session.tokenizer.info();
    throw new Error(`Text needs a tokenizer and there is ${info.label.replace(/^no tokenizer: /, 'none: ')}`);
  }
  return got.value;
}

/** Turns a query into tokens: "#12,#40" directly, text (spaces kept) through the tokenizer, no special tokens. */
export async function encodeQuery(session: Session, q: string): Promise<EncodedQuery> {
  const parsed = parseQuery(q);
  const V = session.description.vocabSize;
  if (parsed.kind === 'empty') throw new Error('The query is empty: type a word, or token ids such as #123');
  if (parsed.kind === 'error') throw new Error(parsed.message);
  let ids: number[];
  if (parsed.kind === 'ids') {
    ids = parsed.ids;
  } else {
    ids = (await withTokenizer(session, (tok) => tok.encode(parsed.text))).ids;
    if (ids.length === 0) throw new Error(`The tokenizer maps ${JSON.stringify(parsed.text)} to no tokens`);
  }
  const kept = ids.filter((id) => id < V);
  const skipped = ids.filter((id) => id >= V);
  const tokens = await tokenRefs(session, kept);
  const tokenizer = parsed.kind === 'ids' ? 'token ids (no tokenizer needed)' : (await session.tokenizer.info()).label;
  return { tokens, skipped, tokenizer };
}

/** Tokens of ids as the UI shows them: exact text and raw string, or "#id" without a tokenizer. */
export async function tokenRefs(session: Session, ids: number[], signal?: AbortSignal): Promise<TokenRef[]> {
  const got = await session.tokenizer.describe(ids, signal);
  return ids.map((id, i) => (got ? { id, ...got[i] } : { id, text: `#${id}`, raw: null }));
}

/** Vocabulary tokens starting with `prefix` (both variants of a word), for the query box's autocomplete. */
export async function suggestTokens(session: Session, prefix: string, limit: number): Promise<TokenSuggestion[]> {
  if (prefix.trim() === '') return [];
  const got = await session.tokenizer.use((tok) => tok.suggest(prefix, limit)).catch(() => null);
  const V = session.description.vocabSize;
  return (got ?? []).filter((s) => s.id < V);
}
