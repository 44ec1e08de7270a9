import { parseQuery } from '../format/queryText';
import type { Session } from './session';
import type { EncodedQuery } from './types';

/** Turns a query into token ids: "#12,#40" directly, text through the tokenizer (no special tokens). */
export async function encodeQuery(session: Session, q: string): Promise<EncodedQuery> {
  const parsed = parseQuery(q);
  const V = session.description.vocabSize;
  if (parsed.kind === 'empty') throw new Error('The query is empty: type a word, or token ids such as #123');
  if (parsed.kind === 'error') throw new Error(parsed.message);
  let ids: number[];
  if (parsed.kind === 'ids') {
    ids = parsed.ids;
  } else {
    const tok = await session.tokenizer.get();
    if (!tok) {
      throw new Error(`${session.tokenizer.status().label}. Text queries need a tokenizer; query token ids instead, e.g. #100`);
    }
    ids = tok.encode(parsed.text).ids;
    if (ids.length === 0) throw new Error(`The tokenizer maps "${parsed.text}" to no tokens`);
  }
  const kept = ids.filter((id) => id < V);
  const skipped = ids.filter((id) => id >= V);
  const texts = await decodeIds(session, kept);
  const tokenizer = parsed.kind === 'ids' ? 'token ids (no tokenizer needed)' : session.tokenizer.status().label;
  return { tokens: kept.map((id, i) => ({ id, text: texts[i] })), skipped, tokenizer };
}

/** Display strings for ids: the tokenizer's decoding (special tokens skipped, trimmed) or "#id". */
export async function decodeIds(session: Session, ids: number[]): Promise<string[]> {
  const tok = await session.tokenizer.get().catch(() => null);
  return ids.map((id) => (tok ? tok.decodeOne(id) : `#${id}`));
}
