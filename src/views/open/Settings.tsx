import { useEffect, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useApp } from '../../state/store';
import { engine } from '../../queries/engine';
import { formatBytes } from '../common/format';
import { NumberSetting } from '../common/NumberSetting';

const MiB = 1024 * 1024;

/** Settings: Hugging Face endpoint (like HF_ENDPOINT), gate memory budget and table size. */
export function Settings() {
  const endpoint = useApp((s) => s.endpoint);
  const settings = useApp((s) => s.settings);
  const [ep, setEp] = useState(endpoint ?? '');
  // The worker enforces the budgets; send them whenever they change (and once at start).
  useEffect(() => void engine().setGateBudget(settings.gateBudgetMiB * 1024 * 1024), [settings.gateBudgetMiB]);
  // a negative limit is the default: half of the browser's storage quota, decided in the worker
  useEffect(() => void engine().setCacheLimit(settings.cacheLimitMiB < 0 ? null : settings.cacheLimitMiB * MiB), [settings.cacheLimitMiB]);
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
        {/* why not show the automatic limit in the field: it arrives later from the worker and would overwrite what is being typed */}
        <NumberSetting label="Persistent cache limit (MiB, 0 = off)" min={-1} value={settings.cacheLimitMiB < 0 ? -1 : settings.cacheLimitMiB}
          onValue={(v) => useApp.getState().setSettings({ cacheLimitMiB: v < 0 ? -1 : v })} />
        <span>
          {' '}−1 = automatic, half of this browser's storage quota
          {usage.data?.available ? `; in force: ${formatBytes(usage.data.limit)}` : ''}
        </span>
      </div>
      <div>
        <span aria-label="Persistent cache usage">
          {usage.data
            ? usage.data.available
              ? `Persistent cache: ${formatBytes(usage.data.bytes)} in ${usage.data.files} files`
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
      {usage.data && usage.data.vindexes.length > 0 && (
        <table aria-label="Stored vindexes">
          <thead>
            <tr><th>Vindex</th><th>On disk</th><th /></tr>
          </thead>
          <tbody>
            {usage.data.vindexes.map((v) => (
              <tr key={v.vindex}>
                <td>{v.vindex}</td>
                <td>{formatBytes(v.bytes)} in {v.files} {v.files === 1 ? 'file' : 'files'}</td>
                <td>
                  <button
                    type="button"
                    aria-label={`Clear ${v.vindex}`}
                    onClick={async () => {
                      await engine().clearCache(v.vindex);
                      await usage.refetch();
                    }}
                  >
                    Clear
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
