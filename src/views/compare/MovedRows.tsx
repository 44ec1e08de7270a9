import type { MovedRow } from '../../engine/compareTypes';
import { useApp } from '../../state/store';
import { formatScore } from '../common/format';

/** The rows whose gate moved most between A and B (lowest cosine first); a row opens the feature in compare mode. */
export function MovedRows({ rows }: { rows: MovedRow[] }) {
  if (rows.length === 0) return null;
  const open = (r: MovedRow) => useApp.getState().selectFeature(r.layer, r.feature);
  return (
    <table aria-label="Rows that moved most" className="moved">
      <thead>
        <tr>
          <th scope="col" className="num">Layer</th>
          <th scope="col" className="num">Feature</th>
          <th scope="col" className="num">cos(A, B)</th>
          <th scope="col" className="num">‖A‖</th>
          <th scope="col" className="num">‖B‖</th>
          <th scope="col" className="num">‖B − A‖ / ‖A‖</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={`${r.layer}:${r.feature}`} className="clickable" tabIndex={0} onClick={() => open(r)}
            onKeyDown={(e) => { if (e.key === 'Enter') open(r); }}>
            <td className="num">{r.layer}</td>
            <td className="num">{r.feature}</td>
            <td className="num">{formatScore(r.cos)}</td>
            <td className="num">{formatScore(r.normA)}</td>
            <td className="num">{formatScore(r.normB)}</td>
            <td className="num">{formatScore(r.relChange)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
