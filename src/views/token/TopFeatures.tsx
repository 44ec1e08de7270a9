import { useQuery } from '@tanstack/react-query';
import type { TopKHit } from '../../compute/topK';
import { engine } from '../../queries/engine';
import { keys } from '../../queries/keys';
import { formatScore } from '../common/format';
import { TokenList } from '../common/TokenText';

function Extra({ vindexKey, layer, feature }: { vindexKey: string; layer: number; feature: number }) {
  const q = useQuery({
    queryKey: keys.feature(vindexKey, layer, feature),
    staleTime: Infinity,
    retry: false,
    queryFn: () => engine().feature(vindexKey, layer, feature),
  });
  const tokens = q.data?.outputs?.tokens ?? [];
  return (
    <>
      <td><TokenList tokens={tokens} max={5} /></td>
      <td>{q.data?.label ? `${q.data.label.text} (${q.data.label.source})` : ''}</td>
    </>
  );
}

/** A ranked cell: its raw score, and its per-layer normalised value when the table is ranked by one. */
export type RankedHit = TopKHit & { normalised?: number };

/** The top-features table: Layer, Feature, Score (raw), the normalised value when ranked by one, top outputs, label. */
export function TopFeatures(props: { name: string; hits: RankedHit[]; norm?: 'raw' | 'z' | 'pct'; vindexKey: string; onOpen(layer: number, feature: number): void }) {
  const { name, hits, norm = 'raw', vindexKey, onOpen } = props;
  return (
    <table aria-label={name} className="top-features">
      <thead>
        <tr>
          <th scope="col" className="num">Layer</th>
          <th scope="col" className="num">Feature</th>
          <th scope="col" className="num">Score</th>
          {norm !== 'raw' && <th scope="col" className="num">{norm === 'z' ? 'z-score' : 'Percentile'}</th>}
          <th scope="col">Top outputs</th>
          <th scope="col">Label</th>
        </tr>
      </thead>
      <tbody>
        {hits.map((h) => (
          <tr
            key={`${h.layer}:${h.feature}`}
            className="clickable"
            tabIndex={0}
            onClick={() => onOpen(h.layer, h.feature)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') onOpen(h.layer, h.feature);
            }}
          >
            <td className="num">{h.layer}</td>
            <td className="num">{h.feature}</td>
            <td className="num">{formatScore(h.score)}</td>
            {norm !== 'raw' && <td className="num">{h.normalised === undefined ? '' : norm === 'z' ? formatScore(h.normalised) : h.normalised.toFixed(2)}</td>}
            <Extra vindexKey={vindexKey} layer={h.layer} feature={h.feature} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
