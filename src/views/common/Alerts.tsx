import { useActivity } from '../../state/activity';

/** Error messages, each in an element with role="alert"; text from files is rendered as text. */
export function Alerts() {
  const alerts = useActivity((s) => s.alerts);
  const dismiss = useActivity((s) => s.dismiss);
  if (alerts.length === 0) return null;
  return (
    <div className="alerts">
      {alerts.map((a) => (
        <div role="alert" className="alert" key={a.id}>
          <span>{a.message}</span>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(a.id)}>
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
