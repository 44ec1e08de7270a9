import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useApp } from '../../state/store';
import { engine } from '../../queries/engine';
import { formatBytes } from '../common/format';
import { NumberSetting } from '../common/NumberSetting';

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
      <div>
        <NumberSetting label="Gate memory budget (MiB)" min={16} value={settings.gateBudgetMiB}
          onValue={(v) => useApp.getState().setSettings({ gateBudgetMiB: v })} />
      </div>
      <div>
        <NumberSetting label="Top features shown" min={1} max={100000} integer value={settings.topN}
          onValue={(v) => useApp.getState().setSettings({ topN: v })} />
      </div>
      <div>
        <NumberSetting label="Persistent cache limit (MiB, 0 = off)" min={0} value={settings.cacheLimitMiB}
          onValue={(v) => useApp.getState().setSettings({ cacheLimitMiB: v })} />
      </div>
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
