import './tokens.css';
import type { TokenRef } from '../../engine/types';

/** A token as views pass it: id and text, and the raw vocabulary string when known. */
export type TokenLike = Pick<TokenRef, 'id' | 'text'> & { raw?: string | null };

const MARKS: Record<string, string> = { ' ': '␣', '\n': '↵', '\t': '⇥', '\r': '␍' };

/**
 * The visible form of a token text: every space as ␣ (" Paris" → "␣Paris", so it never looks like
 * "Paris"), newlines ↵, tabs ⇥, other control characters as ^X or U+XXXX; the empty text as ∅.
 */
export function visibleText(text: string): string {
  if (text === '') return '∅';
  return Array.from(text, (c) => {
    if (MARKS[c]) return MARKS[c];
    const n = c.codePointAt(0)!;
    if (n < 0x20) return `^${String.fromCharCode(n + 64)}`;
    if (n === 0x7f || (n >= 0x80 && n < 0xa0) || n === 0xa0 || (n >= 0x2000 && n <= 0x200f) || n === 0x3000 || n === 0xfeff) {
      return `U+${n.toString(16).toUpperCase().padStart(4, '0')}`;
    }
    return c;
  }).join('');
}

/** The hover text of a token: its id and, when it differs from what is shown, its raw vocabulary string. */
export function tokenTitle(t: TokenLike): string {
  const raw = t.raw && t.raw !== t.text ? ` · raw ${JSON.stringify(t.raw)}` : '';
  return `#${t.id}${raw}`;
}

/** What a token shows: its visible text, or for special tokens (empty text) its raw string. */
function shown(t: TokenLike): { text: string; special: boolean } {
  if (t.text === '' && t.raw) return { text: t.raw, special: true };
  return { text: visibleText(t.text), special: false };
}

/**
 * One token, exactly: leading and other spaces visible (␣), the id and raw string ("ĠParis", "▁Paris")
 * on hover. The one component every view uses for token text, so " Paris" and "Paris" never look alike.
 */
export function TokenText({ token, showId = false }: { token: TokenLike; showId?: boolean }) {
  const s = shown(token);
  // Split the marks from the letters so they can be drawn lighter; the text content stays "␣Paris".
  const m = /^([␣↵⇥␍]*)(.*?)([␣↵⇥␍]*)$/su.exec(s.text)!;
  return (
    <span className={s.special ? 'tok tok-special' : 'tok'} title={tokenTitle(token)} data-token-id={token.id}>
      {m[1] && <span className="ws">{m[1]}</span>}
      {m[2]}
      {m[3] && <span className="ws">{m[3]}</span>}
      {showId && <span className="tok-id"> #{token.id}</span>}
    </span>
  );
}

/** Tokens separated by commas, each once (by id: " Paris" and "Paris" are two tokens and both show). */
export function TokenList({ tokens, max, showId = false }: { tokens: TokenLike[]; max: number; showId?: boolean }) {
  const seen = new Set<number>();
  const list = tokens.filter((t) => !seen.has(t.id) && seen.add(t.id)).slice(0, max);
  return (
    <>
      {list.map((t, i) => (
        <span key={t.id}>
          {i > 0 && ', '}
          <TokenText token={t} showId={showId} />
        </span>
      ))}
    </>
  );
}
