import type { InfoRow } from '../../format/types';

/** A key / value / meaning table; values are shown whole (hashes are never shortened) and as text. */
export function InfoTable({ name, rows }: { name: string; rows: InfoRow[] }) {
  if (rows.length === 0) return null;
  return (
    <table aria-label={name} className="info-table">
      <thead>
        <tr>
          <th scope="col">Key</th>
          <th scope="col">Value</th>
          <th scope="col">Meaning</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <td><code>{r.key}</code></td>
            <td><code className="full-value">{r.value}</code></td>
            <td className="muted">{r.note ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
