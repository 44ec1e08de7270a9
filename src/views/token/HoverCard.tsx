import type { CSSProperties } from 'react';
import { useQuery } from '@tanstack/react-query';
import { engine } from '../../queries/engine';
import { keys } from '../../queries/keys';
import { formatScore } from '../common/format';
import { TokenList } from '../common/TokenText';

/** Tooltip for a heatmap cell: layer, feature, score and (from down_meta) its top output tokens. */
export function HoverCard(props: { vindexKey: string; layer: number; feature: number; score: number | undefined; style: CSSProperties }) {
  const { vindexKey, layer, feature, score, style } = props;
  const outputs = useQuery({
    queryKey: keys.outputs(vindexKey, layer, String(feature)),
    staleTime: Infinity,
    retry: false,
    queryFn: () => engine().tokenOutputs(vindexKey, layer, [feature]),
  });
  const tokens = outputs.data?.[0]?.tokens ?? [];
  return (
    <div className="tooltip" style={style}>
      <div>
        <strong>
          L{layer} F{feature}
        </strong>{' '}
        score {score === undefined ? 'not scored' : formatScore(score)}
      </div>
      {tokens.length > 0 && <div>says: <TokenList tokens={tokens} max={6} showId /></div>}
    </div>
  );
}
