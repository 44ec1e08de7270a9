import { useActivity } from '../../state/activity';
import { formatBytes } from './format';

/** Progress bars with cancel buttons for every running operation. */
export function ActivityBar() {
  const activities = useActivity((s) => s.activities);
  if (activities.length === 0) return null;
  return (
    <div className="activities" aria-live="polite">
      {activities.map((a) => {
        const pct = a.total > 0 ? Math.min(100, (100 * a.done) / a.total) : undefined;
        const amount =
          a.total > 0
            ? a.unit === 'bytes'
              ? `${formatBytes(a.done)} of ${formatBytes(a.total)}`
              : `${a.done} of ${a.total}`
            : '';
        return (
          <div className="activity" key={a.id}>
            <span className="activity-label">{a.label}</span>
            <progress aria-label={a.label} max={a.total > 0 ? a.total : undefined} value={a.total > 0 ? a.done : undefined} />
            <span className="activity-amount">
              {amount}
              {pct !== undefined ? ` (${pct.toFixed(0)}%)` : ''}
            </span>
            {a.cancel && (
              <button type="button" onClick={a.cancel}>
                Cancel
              </button>
            )}
          </div>
        );
      })}
    </div>
  );
}
