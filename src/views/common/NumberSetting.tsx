import { useEffect, useId, useState } from 'react';

/** Parses a typed number: plain decimal notation (leading zeros and spaces are fine), else null. */
export function parseTyped(text: string): number | null {
  const t = text.trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}

/** Why a typed value is refused (null when it is fine). */
export function validateTyped(text: string, min: number, max: number, integer: boolean): string | null {
  const v = parseTyped(text);
  if (v === null) return `“${text}” is not a number`;
  if (integer && !Number.isInteger(v)) return `${v} is not a whole number`;
  if (v < min) return `${v} is below the minimum, ${min}`;
  if (v > max) return `${v} is above the maximum, ${max}`;
  return null;
}

/** Pause after the last keystroke before a valid value applies (long enough that "2048" never applies "20"). */
const SETTLE_MS = 700;

/**
 * A labelled number field that keeps the text as typed and checks it only on blur or Enter: typing
 * "512" passes through "5" and "51", which a per-keystroke check against a minimum would refuse
 * (storing "102412"). A refused value shows an inline message and keeps the last good value.
 */
export function NumberSetting(props: {
  label: string; value: number; onValue(v: number): void; min?: number; max?: number; integer?: boolean; width?: number;
}) {
  const { label, value, onValue, min = -Infinity, max = Infinity, integer = false, width = 80 } = props;
  const [text, setText] = useState(String(value));
  const [problem, setProblem] = useState<string | null>(null);
  const msgId = useId();
  useEffect(() => setText(String(value)), [value]);
  // A valid value also applies once typing pauses, so Enter is not required; an invalid one waits for blur/Enter.
  useEffect(() => {
    if (validateTyped(text, min, max, integer) !== null) return;
    const t = setTimeout(() => {
      const v = parseTyped(text)!;
      setProblem(null);
      if (v !== value) onValue(v);
    }, SETTLE_MS);
    return () => clearTimeout(t);
  }, [text]); // eslint-disable-line react-hooks/exhaustive-deps
  const commit = () => {
    const p = validateTyped(text, min, max, integer);
    setProblem(p);
    if (p === null) {
      const v = parseTyped(text)!;
      setText(String(v));
      if (v !== value) onValue(v);
    }
  };
  return (
    <span className="number-setting">
      <label>
        {label}{' '}
        <input
          type="text"
          inputMode="decimal"
          aria-label={label}
          aria-invalid={problem !== null}
          aria-describedby={problem ? msgId : undefined}
          value={text}
          style={{ width }}
          onChange={(e) => setText(e.target.value)}
          onBlur={commit}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault(); // why: inside a form, Enter would also submit it with the unchecked text
              commit();
            }
          }}
        />
      </label>
      {problem && (
        <span id={msgId} className="field-error" role="alert">
          {label}: {problem}; keeping {value}.
        </span>
      )}
    </span>
  );
}
