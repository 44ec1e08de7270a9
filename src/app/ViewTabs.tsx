import { useRef, type KeyboardEvent } from 'react';
import { useApp } from '../state/store';
import type { ViewName } from '../state/permalink';

const TABS: { view: ViewName; label: string }[] = [
  { view: 'overview', label: 'Overview' },
  { view: 'token', label: 'Token' },
  { view: 'feature', label: 'Feature' },
  { view: 'compare', label: 'Compare' },
];

/** Id of the tab panel that shows a view (the tab's aria-controls). */
export const panelId = (view: ViewName) => `panel-${view}`;
/** Id of a view's tab. */
const tabId = (view: ViewName) => `tab-${view}`;

/**
 * The view tabs, following the WAI-ARIA tab pattern: one tab stop (roving tabindex), Left/Right
 * move and activate (automatic activation: switching a view is cheap), Home/End jump to the ends.
 */
export function ViewTabs() {
  const view = useApp((s) => s.view);
  const refs = useRef<(HTMLButtonElement | null)[]>([]);
  const onKey = (e: KeyboardEvent<HTMLButtonElement>, i: number) => {
    const n = TABS.length;
    const next = e.key === 'ArrowRight' ? (i + 1) % n : e.key === 'ArrowLeft' ? (i - 1 + n) % n : e.key === 'Home' ? 0 : e.key === 'End' ? n - 1 : -1;
    if (next < 0) return;
    e.preventDefault();
    useApp.getState().setView(TABS[next].view);
    refs.current[next]?.focus();
  };
  return (
    <nav className="tabs" role="tablist" aria-label="Views">
      {TABS.map((t, i) => (
        <button
          key={t.view}
          ref={(el) => void (refs.current[i] = el)}
          id={tabId(t.view)}
          role="tab"
          type="button"
          aria-selected={view === t.view}
          aria-controls={panelId(t.view)}
          tabIndex={view === t.view ? 0 : -1}
          className={view === t.view ? 'tab active' : 'tab'}
          onClick={() => useApp.getState().setView(t.view)}
          onKeyDown={(e) => onKey(e, i)}
        >
          {t.label}
        </button>
      ))}
    </nav>
  );
}
