import { useEffect, useRef, useState } from 'react';
import type { OverviewExtras } from '../../engine/types';
import { engine } from '../../queries/engine';
import { formatBytes } from '../common/format';

/** Bytes of README.md read and rendered per step of "Show all": one short task each, so the page stays responsive. */
export const CARD_CHUNK_BYTES = 256 * 1024;

type Card = NonNullable<OverviewExtras['modelCard']>;

/**
 * The model card as text (never HTML). A long card shows its start; "Show all" reads the rest in
 * chunks and appends each as its own block, yielding between chunks: a 48 MB README rendered at once
 * froze the tab for 17.8 s (one 6.9 s task) and took 2.4 GB.
 */
export function ModelCard({ vindexKey, card }: { vindexKey: string; card: Card }) {
  const [parts, setParts] = useState<string[]>([]);
  const [loaded, setLoaded] = useState(0);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const stop = useRef(false);
  useEffect(() => () => void (stop.current = true), []);
  const rest = card.rest;
  const total = rest ? rest.end - rest.start : 0;

  const showAll = async () => {
    if (!rest) return;
    stop.current = false;
    setLoading(true);
    setError(null);
    // Chunks arrive in order, so one streaming decoder joins characters split across chunk edges.
    const decoder = new TextDecoder();
    try {
      for (let pos = rest.start + loaded; pos < rest.end && !stop.current; pos += CARD_CHUNK_BYTES) {
        const end = Math.min(rest.end, pos + CARD_CHUNK_BYTES);
        const bytes = await engine().readRange(vindexKey, 'README.md', pos, end);
        const text = decoder.decode(bytes, { stream: end < rest.end });
        setParts((p) => [...p, text]);
        setLoaded(end - rest.start);
        // Let the browser paint and handle input before the next chunk.
        await new Promise((r) => setTimeout(r, 0));
      }
    } catch (e) {
      setError(`README.md: ${(e as Error).message ?? String(e)}`);
    } finally {
      setLoading(false);
    }
  };

  return (
    <details>
      <summary>Model card (README.md)</summary>
      <div className="model-card" aria-label="Model card text">
        <pre>{card.body}</pre>
        {parts.map((t, i) => (
          <pre key={i}>{t}</pre>
        ))}
      </div>
      {rest && loaded < total && (
        <p className="muted">
          Showing the first {formatBytes(rest.start + loaded)} of {formatBytes(rest.end)}.{' '}
          {loading ? (
            <>
              Reading… {formatBytes(loaded)} of {formatBytes(total)}{' '}
              <button type="button" onClick={() => (stop.current = true)}>Stop</button>
            </>
          ) : (
            <button type="button" onClick={() => void showAll()}>Show all ({formatBytes(total - loaded)} more)</button>
          )}
        </p>
      )}
      {error && <div role="alert" className="alert">{error}</div>}
    </details>
  );
}
