import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useApp } from '../../state/store';
import { engine } from '../../queries/engine';
import { formatBytes } from '../common/format';

/** Settings: Hugging Face endpoint (like HF_ENDPOINT), gate memory budget and table size. */
export function Settings() {
  const endpoint = useApp((s) => s.endpoint);
  const settings = useApp((s) => s.settings);
  const [ep, setEp] = useState(endpoint ?? '');
  // The worker enforces the budgets; send them whenever they change (and once at start).
  useEffect(() => void engine().setGateBudget(settings.gateBudgetMiB * 1024 * 1024), [settings.gateBudgetMiB]);
  useEffect(() => void engine().setCacheLimit(settings.cacheLimitMiB * 1024 * 1024), [settings.cacheLimitMiB]);
  const [open, setOpen] = useState(false);
  const usage = useQuery({ queryKey: ['cache-usage'], enabled: open, queryFn: () => engine().cacheUsage(), staleTime: 0 });
  return (
    <details className="settings" onToggle={(e) => setOpen((e.target as HTMLDetailsElement).open)}>
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
          max={100000}
          value={settings.topN}
          aria-label="Top features shown"
          onChange={(e) => {
            const v = Math.round(Number(e.target.value));
            if (v >= 1 && v <= 100000) useApp.getState().setSettings({ topN: v });
          }}
        />
      </label>
      <label>
        Persistent cache limit (MiB, 0 = off)
        <input
          type="number"
          min={0}
          step={256}
          value={settings.cacheLimitMiB}
          aria-label="Persistent cache limit (MiB)"
          onChange={(e) => {
            const v = Number(e.target.value);
            if (Number.isFinite(v) && v >= 0) useApp.getState().setSettings({ cacheLimitMiB: v });
          }}
        />
      </label>
      <div>
        <span aria-label="Persistent cache usage">
          {usage.data
            ? usage.data.available
              ? `Persistent cache: ${formatBytes(usage.data.bytes)} in ${usage.data.blocks} blocks`
              : 'Persistent cache: not available in this browser'
            : 'Persistent cache: …'}
        </span>
        <button
          type="button"
          onClick={async () => {
            await engine().clearCache();
            await usage.refetch();
          }}
        >
          Clear cache
        </button>
      </div>
    </details>
  );
}
