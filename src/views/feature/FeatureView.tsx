import { useEffect, useRef, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { OpenedVindex } from '../../engine/types';
import { useApp } from '../../state/store';
import { useFeature, projectionOptions, neighboursOptions, startComputing } from '../../queries/features';
import { useQueryScores } from '../token/QueryPanel';
import { errorText, isAbort } from '../../state/activity';
import { formatScore } from '../common/format';
import { SaysPanel, HearsPanel, PROJECTION_K } from './ProjectionPanels';
import { NeighboursPanel, SayersPanel, NEIGHBOURS_K, type NeighbourOptions } from './RelationPanels';
import { LayerHistogram, standingText } from '../common/LayerHistogram';
import { DownloadConsent } from '../common/DownloadConsent';
import { useDownloadAllowed } from '../../state/consent';
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
  const row = grid?.layers[layer];
  const v = row?.[feature];
  if (!grid || !row || v === undefined) return <p className="muted">Scoring “{q}”…</p>;
  const key = (x: number) => (Number.isNaN(x) ? -Infinity : rank === 'abs' ? Math.abs(x) : x);
  let better = 0;
  for (const r of grid.layers) if (r) for (let i = 0; i < r.length; i++) if (key(r[i]) > key(v)) better++;
  return (
    <div className="row" style={{ alignItems: 'flex-start' }}>
      <p>
        Query “{q}”: {metric} score <strong>{formatScore(v)}</strong>, rank {better + 1} of all {unitWord(vindex.description, true)} (by {rank === 'abs' ? '|score|' : 'signed value'}).
        <br />
        {standingText(row, layer, v, rank)}. A static embedding·gate similarity, not an activation in context.
      </p>
      <LayerHistogram row={row} layer={layer} score={v} rank={rank} metric={metric} />
    </div>
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

/** The next (+1) or previous (−1) feature in reading order, across layer boundaries; null at either end. */
export function stepFeature(layers: { numFeatures: number }[], layer: number, feature: number, dir: 1 | -1): { layer: number; feature: number } | null {
  let l = layer;
  let f = feature + dir;
  while (l >= 0 && l < layers.length) {
    if (f >= 0 && f < layers[l].numFeatures) return { layer: l, feature: f };
    l += dir;
    f = dir === 1 ? 0 : (layers[l]?.numFeatures ?? 0) - 1;
  }
  return null;
}

function FeatureDetailView({ vindex, layer, feature }: { vindex: OpenedVindex; layer: number; feature: number }) {
  const key = vindex.location.key;
  const detail = useFeature(key, layer, feature);
  const client = useQueryClient();
  const [nopts, setNopts] = useState<NeighbourOptions>({ vector: 'gate', scope: 'layer' });
  const heading = useRef<HTMLHeadingElement | null>(null);
  const name = `Feature L${layer} F${feature}`;
  const layers = vindex.description.layers;
  const prev = stepFeature(layers, layer, feature, -1);
  const next = stepFeature(layers, layer, feature, 1);
  const go = (to: { layer: number; feature: number } | null) => to && useApp.getState().selectFeature(to.layer, to.feature);

  // Opening a feature (click, Enter, J/K, a neighbour) moves focus to its heading, so keyboard and
  // screen-reader users land on what they opened.
  useEffect(() => heading.current?.focus(), [layer, feature, detail.data]);

  // J / K step to the next / previous feature, unless the user is typing.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
      if (e.key === 'j' || e.key === 'J') go(next);
      else if (e.key === 'k' || e.key === 'K') go(prev);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const d = detail.data;
  const allowed = useDownloadAllowed(vindex);
  const computeNeighbours = () => allowed && startComputing(client, neighboursOptions(vindex, layer, feature, nopts.vector, nopts.scope, NEIGHBOURS_K));
  /** One action for the three panels that need a pass over the data; they run side by side with their own progress and Cancel. */
  const computeAll = () => {
    if (!d || !allowed) return;
    const runs = [];
    if (d.hasDown) runs.push(projectionOptions(vindex, layer, feature, 'down', PROJECTION_K));
    if (d.hasGate) runs.push(projectionOptions(vindex, layer, feature, 'gate', PROJECTION_K));
    startComputing(client, ...runs);
    computeNeighbours();
  };
  const nav = (
    <div className="feature-nav" role="group" aria-label="Step through features">
      <button type="button" disabled={!prev} onClick={() => go(prev)} aria-keyshortcuts="K">← Previous feature (K)</button>
      <button type="button" disabled={!next} onClick={() => go(next)} aria-keyshortcuts="J">Next feature (J) →</button>
      <button type="button" disabled={!d || !allowed} onClick={computeAll}>Compute says, hears and neighbours</button>
    </div>
  );
  if (detail.error) {
    return (
      <section role="region" aria-label={name}>
        {nav}
        <div role="alert" className="alert">{errorText(detail.error)}</div>
      </section>
    );
  }
  const directions = vindex.description.featureKind === 'direction';
  return (
    <section role="region" aria-label={name} className="feature-view">
      <h2 ref={heading} tabIndex={-1}>{directions ? `Direction L${layer} D${feature}` : name}</h2>
      {nav}
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
      <DownloadConsent vindex={vindex} what="Computing what a feature says and hears" />
      <div className="panels">
        {d && <SaysPanel vindex={vindex} detail={d} onCompute={computeAll} />}
        {d && <HearsPanel vindex={vindex} detail={d} onCompute={computeAll} />}
        <FeatureCompare a={vindex} layer={layer} feature={feature} />
        {d && <NeighboursPanel vindex={vindex} detail={d} options={nopts} onOptions={setNopts} onCompute={computeNeighbours} />}
        <SayersPanel vindex={vindex} />
        <DescribePanel vindex={vindex} />
      </div>
    </section>
  );
}
