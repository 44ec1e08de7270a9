import { useEffect, useState } from 'react';
import type { OpenedVindex } from '../../engine/types';
import { useApp } from '../../state/store';
import { useFeature } from '../../queries/features';
import { useQueryScores } from '../token/QueryPanel';
import { errorText, isAbort } from '../../state/activity';
import { formatScore } from '../common/format';
import { SaysPanel, HearsPanel } from './ProjectionPanels';
import { NeighboursPanel, SayersPanel } from './RelationPanels';
import { DescribePanel } from './DescribePanel';
import { FeatureCompare } from '../compare/FeatureCompare';
import { unitWord } from '../overview/semantics';

function QueryScore({ vindex, layer, feature }: { vindex: OpenedVindex; layer: number; feature: number }) {
  const { q, metric, rank } = useApp();
  const { encoded, scores } = useQueryScores(vindex, q, metric);
  if (!q) return null;
  // a query that cannot be tokenized (or scored) says why, instead of "Scoring…" for ever
  const err = encoded.error ?? scores.error;
  if (err && isAbort(err)) return <p className="muted">Query “{q}”: cancelled; press Score in the token view to run it again.</p>;
  if (err) return <p role="alert" className="alert">Query “{q}”: {errorText(err)}</p>;
  const grid = scores.data;
  const v = grid?.layers[layer]?.[feature];
  if (!grid || v === undefined) return <p className="muted">Scoring “{q}”…</p>;
  const key = (x: number) => (Number.isNaN(x) ? -Infinity : rank === 'abs' ? Math.abs(x) : x);
  let better = 0;
  for (const row of grid.layers) if (row) for (let i = 0; i < row.length; i++) if (key(row[i]) > key(v)) better++;
  return (
    <p>
      Query “{q}”: {metric} score <strong>{formatScore(v)}</strong>, rank {better + 1} of all {unitWord(vindex.description, true)} (by {rank === 'abs' ? '|score|' : 'signed value'}).
    </p>
  );
}

/** The feature view: what a feature hears and says, its labels, neighbours, and DESCRIBE. */
export function FeatureView({ vindex }: { vindex: OpenedVindex }) {
  const layer = useApp((s) => s.layer);
  const feature = useApp((s) => s.feature);
  const [l, setL] = useState(String(layer ?? 0));
  const [f, setF] = useState(String(feature ?? 0));
  useEffect(() => setL(String(layer ?? 0)), [layer]);
  useEffect(() => setF(String(feature ?? 0)), [feature]);
  const go = (e: React.FormEvent) => {
    e.preventDefault();
    if (/^\d+$/.test(l) && /^\d+$/.test(f)) useApp.getState().selectFeature(Number(l), Number(f));
  };
  return (
    <div>
      <form className="query-form" onSubmit={go}>
        <label>
          Layer <input type="number" min={0} aria-label="Layer" value={l} onChange={(e) => setL(e.target.value)} style={{ width: 80 }} />
        </label>
        <label>
          Feature <input type="number" min={0} aria-label="Feature" value={f} onChange={(e) => setF(e.target.value)} style={{ width: 100 }} />
        </label>
        <button type="submit">Show</button>
      </form>
      {layer === null || feature === null ? (
        <p>Pick a feature from a heatmap or table, or enter a layer and feature above.</p>
      ) : (
        <FeatureDetailView vindex={vindex} layer={layer} feature={feature} />
      )}
    </div>
  );
}

function FeatureDetailView({ vindex, layer, feature }: { vindex: OpenedVindex; layer: number; feature: number }) {
  const key = vindex.location.key;
  const detail = useFeature(key, layer, feature);
  const name = `Feature L${layer} F${feature}`;
  if (detail.error) {
    return (
      <section role="region" aria-label={name}>
        <div role="alert" className="alert">{errorText(detail.error)}</div>
      </section>
    );
  }
  const d = detail.data;
  const directions = vindex.description.featureKind === 'direction';
  return (
    <section role="region" aria-label={name} className="feature-view">
      <h2>{directions ? `Direction L${layer} D${feature}` : name}</h2>
      {directions && (
        <p className="notice">
          An SVD direction, not a neuron: gate direction {feature} of layer {layer}{d?.expert !== null && d?.expert !== undefined ? ` (expert ${d.expert})` : ''}.
          Its sign is arbitrary, so the tokens at the negative end are as meaningful as those at the positive end.
          {vindex.description.flavour === 'compact' ? ` “Says” shows down direction ${feature}, a different direction from a separate decomposition.` : ''}
        </p>
      )}
      {d && (
        <dl className="facts">
          <dt>Label</dt>
          <dd>{d.label ? `${d.label.text} (${d.label.source === 'probe' ? 'probe label' : 'cluster label'})` : 'none'}</dd>
          <dt>Layer band</dt>
          <dd>{d.band ?? 'single band'}</dd>
          {d.expert !== null && (
            <>
              <dt>MoE expert</dt>
              <dd>{d.expert}</dd>
            </>
          )}
          <dt>{directions ? 'Directions in layer' : 'Features in layer'}</dt>
          <dd>{d.numFeatures}</dd>
        </dl>
      )}
      <QueryScore vindex={vindex} layer={layer} feature={feature} />
      <div className="panels">
        {d && <SaysPanel vindex={vindex} detail={d} />}
        {d && <HearsPanel vindex={vindex} detail={d} />}
        <FeatureCompare a={vindex} layer={layer} feature={feature} />
        {d && <NeighboursPanel vindex={vindex} detail={d} />}
        <SayersPanel vindex={vindex} />
        <DescribePanel vindex={vindex} />
      </div>
    </section>
  );
}
