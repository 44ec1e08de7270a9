import type { LayerSimilarity } from '../../engine/compareTypes';

/** A similarity with 4 decimals. */
export function formatSimilarity(x: number): string {
  return x.toFixed(4);
}

/** A value, or an em dash and the reason it is empty. */
function Cell({ value, why }: { value: number | null; why: string | null }) {
  if (value !== null) return <td className="num">{formatSimilarity(value)}</td>;
  return (
    <td className="num empty">
      <span className="muted">— {why ?? 'not compared'}</span>
    </td>
  );
}

/**
 * The "Layer similarity" table: per layer, mean row cosine (when rows correspond), gate and down
 * subspace similarity of the k leading rows, and the random baseline k/H.
 */
export function LayerSimilarityTable({ layers, total }: { layers: LayerSimilarity[]; total: number }) {
  return (
    <table aria-label="Layer similarity" className="similarity">
      <thead>
        <tr>
          <th scope="col" className="num">Layer</th>
          <th scope="col" className="num">Row similarity</th>
          <th scope="col" className="num">Subspace similarity</th>
          <th scope="col" className="num">Down subspace similarity</th>
          <th scope="col" className="num">Rows A / B</th>
          <th scope="col" className="num">k (random k/H)</th>
        </tr>
      </thead>
      <tbody>
        {layers.map((l) => (
          <tr key={l.layer}>
            <td className="num">{l.layer}</td>
            <Cell value={l.row} why={l.rowWhy} />
            <Cell value={l.gate} why={l.gateWhy} />
            <Cell value={l.down} why={l.downWhy} />
            <td className="num">
              {l.rowsA} / {l.rowsB}
              {l.rowSkipped > 0 && <span className="muted"> ({l.rowSkipped} non-finite rows left out)</span>}
            </td>
            <td className="num">
              {l.k > 0 ? `${l.k} (${l.baseline !== null ? formatSimilarity(l.baseline) : '—'})` : '—'}
              {l.gateRanks && (l.gateRanks[0] < l.k || l.gateRanks[1] < l.k) && <span className="muted"> ranks {l.gateRanks[0]}, {l.gateRanks[1]}</span>}
            </td>
          </tr>
        ))}
        {layers.length < total && (
          <tr>
            <td colSpan={6} className="muted">
              {total - layers.length} more layer{total - layers.length === 1 ? '' : 's'} to compare…
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
