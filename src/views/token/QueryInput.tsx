import { useEffect, useId, useState, type KeyboardEvent } from 'react';
import type { OpenedVindex, TokenSuggestion } from '../../engine/types';
import { useEncoded } from '../../queries/scores';
import { useSuggestions, useTokenizer } from '../../queries/tokenizer';
import { errorText, isAbort } from '../../state/activity';
import { TokenText } from '../common/TokenText';

/** `value`, once it has stopped changing for `ms`. */
function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

/** The word being typed at the end of the box (with the one space before it, which belongs to its token). */
function lastWord(text: string): { head: string; word: string } {
  const m = /(\s?)(\S*)$/.exec(text)!;
  return { head: text.slice(0, text.length - m[0].length), word: m[2] };
}

/** The live tokenization of what is being typed: each token with its id, spaces visible. */
function Preview({ vindex, text, label }: { vindex: OpenedVindex; text: string; label: string }) {
  const enc = useEncoded(vindex, text);
  return (
    <div className="tokens preview" role="status" aria-label={`${label} tokenization`}>
      {enc.data && (
        <>
          <span>will score</span>
          {enc.data.tokens.map((t, i) => (
            <span className="token-chip" key={i}>
              <TokenText token={t} showId />
            </span>
          ))}
          {enc.data.skipped.length > 0 && <span>(ids ≥ vocabulary size skipped: {enc.data.skipped.map((i) => `#${i}`).join(', ')})</span>}
        </>
      )}
      {enc.error && !isAbort(enc.error) && <span>{errorText(enc.error)}</span>}
      {enc.isFetching && !enc.data && <span>tokenizing…</span>}
    </div>
  );
}

/**
 * The query box: a combobox whose suggestions are vocabulary tokens starting with the word being
 * typed (both " Paris" and "Paris", each with its id), and a live tokenization preview beneath it.
 * Keyboard: ↓/↑ move through suggestions, Enter takes one (otherwise submits the form), Escape closes.
 */
export function QueryInput(props: {
  vindex: OpenedVindex; caption: string; label: string; value: string; onChange(v: string): void; placeholder: string; submitted: string;
}) {
  const { vindex, caption, label, value, onChange, placeholder, submitted } = props;
  const tokenizer = useTokenizer(vindex);
  const listId = useId();
  const [focused, setFocused] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const [active, setActive] = useState(-1);
  const typed = useDebounced(value, 150);
  const { head, word } = lastWord(value);
  const prefix = useDebounced(word, 120);
  const canSuggest = tokenizer.data?.kind !== 'none' && !!tokenizer.data && !prefix.startsWith('#');
  const sugg = useSuggestions(vindex, prefix, focused && !dismissed && canSuggest);
  const items: TokenSuggestion[] = prefix === word && !dismissed ? (sugg.data ?? []) : [];
  const open = focused && items.length > 0;

  const pick = (s: TokenSuggestion) => {
    // A token whose text does not encode back to it alone can only be asked for by id.
    const text = s.exact || head.trim() !== '' ? s.text : `#${s.id}`;
    onChange(head + text);
    setDismissed(true);
    setActive(-1);
  };
  const onKeyDown = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'ArrowDown' && items.length) {
      e.preventDefault();
      setDismissed(false);
      setActive((a) => (a + 1) % items.length);
    } else if (e.key === 'ArrowUp' && items.length) {
      e.preventDefault();
      setActive((a) => (a <= 0 ? items.length - 1 : a - 1));
    } else if (e.key === 'Enter' && open && active >= 0) {
      e.preventDefault();
      pick(items[active]);
    } else if (e.key === 'Escape' && open) {
      e.preventDefault();
      setDismissed(true);
      setActive(-1);
    }
  };
  const optionId = (i: number) => `${listId}-o${i}`;
  return (
    <div className="query-input">
      <label htmlFor={`${listId}-input`}>{caption}</label>
      <span className="combo">
        <input
          id={`${listId}-input`}
          type="text"
          role="combobox"
          aria-label={label}
          aria-autocomplete="list"
          aria-expanded={open}
          aria-controls={listId}
          aria-activedescendant={open && active >= 0 ? optionId(active) : undefined}
          value={value}
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            onChange(e.target.value);
            setDismissed(false);
            setActive(-1);
          }}
          onKeyDown={onKeyDown}
          onFocus={() => setFocused(true)}
          onBlur={() => {
            setFocused(false);
            setActive(-1);
          }}
        />
        <ul role="listbox" id={listId} aria-label={`${label} suggestions`} className="suggestions" hidden={!open}>
          {open &&
            items.map((s, i) => (
              <li
                key={s.id}
                id={optionId(i)}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                // mousedown, not click: the input must keep focus (blur would close the list first)
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(s);
                }}
              >
                <TokenText token={s} showId />
              </li>
            ))}
        </ul>
      </span>
      {typed.trim() !== '' && typed !== submitted && <Preview vindex={vindex} text={typed} label={label} />}
    </div>
  );
}
