// The query box / `q` permalink parameter: text, or token ids written as "#123" or "#1,#2".

/** A parsed query. */
export type ParsedQuery =
  | { kind: 'empty' }
  | { kind: 'text'; text: string }
  | { kind: 'ids'; ids: number[] }
  | { kind: 'error'; message: string };

// Token ids are u32 in down_meta.bin; anything larger cannot be a token.
const MAX_ID = 0xffffffff;

/**
 * Parses a query: "#123", "#1, #2" or "#1 #2" → ids; blank → empty; "#abc" → error; other text → text
 * exactly as typed. Spaces are kept: in byte-level BPE " Paris" (one token, Ġ-prefixed) is not "Paris".
 */
export function parseQuery(q: string): ParsedQuery {
  const t = q.trim();
  if (t === '') return { kind: 'empty' };
  if (!t.startsWith('#')) return { kind: 'text', text: q };
  // Split before every "#" and on commas, tolerating spaces around both (and between "#" and digits).
  const parts = t
    .split(/\s*,\s*|\s+(?=#)/)
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const ids: number[] = [];
  for (const p of parts) {
    const m = /^#\s*(\d+)$/.exec(p);
    if (m === null) return { kind: 'error', message: `"${p}" is not a token id: write #123, or several as #1,#2` };
    const id = Number(m[1]);
    if (id > MAX_ID) return { kind: 'error', message: `"${p}" is too large for a token id` };
    ids.push(id);
  }
  return { kind: 'ids', ids };
}
