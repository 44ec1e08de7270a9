import { useState } from 'react';
import { useApp } from '../../state/store';

/** Settings: Hugging Face endpoint (like HF_ENDPOINT), gate memory budget and table size. */
export function Settings() {
  const endpoint = useApp((s) => s.endpoint);
  const settings = useApp((s) => s.settings);
  const [ep, setEp] = useState(endpoint ?? '');
  return (
    <details className="settings">
      <summary>Settings</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          useApp.getState().setEndpoint(ep.trim() ? ep.trim().replace(/\/+$/, '') : null);
        }}
      >
        <label>
          Hugging Face endpoint
          <input
            type="url"
            value={ep}
            placeholder="https://huggingface.co"
            onChange={(e) => setEp(e.target.value)}
            aria-label="Hugging Face endpoint"
          />
        </label>
        <button type="submit">Apply</button>
      </form>
      <label>
        Gate memory budget (MiB)
        <input
          type="number"
          min={16}
          step={64}
          value={settings.gateBudgetMiB}
          aria-label="Gate memory budget (MiB)"
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v) && v >= 16) useApp.getState().setSettings({ gateBudgetMiB: v });
          }}
        />
      </label>
      <label>
        Top features shown
        <input
          type="number"
          min={1}
          max={500}
          value={settings.topN}
          aria-label="Top features shown"
          onChange={(e) => {
            const v = Math.round(Number(e.target.value));
            if (v >= 1 && v <= 500) useApp.getState().setSettings({ topN: v });
          }}
        />
      </label>
    </details>
  );
}
