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

/** The top-features table: Layer, Feature, Score, top output tokens and label; rows open the feature. */
export function TopFeatures(props: { name: string; hits: TopKHit[]; vindexKey: string; onOpen(layer: number, feature: number): void }) {
  const { name, hits, vindexKey, onOpen } = props;
  return (
    <table aria-label={name} className="top-features">
      <thead>
        <tr>
          <th scope="col" className="num">Layer</th>
          <th scope="col" className="num">Feature</th>
          <th scope="col" className="num">Score</th>
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
            <Extra vindexKey={vindexKey} layer={h.layer} feature={h.feature} />
          </tr>
        ))}
      </tbody>
    </table>
  );
}
