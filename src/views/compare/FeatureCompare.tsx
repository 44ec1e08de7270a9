import type { OpenedVindex } from '../../engine/types';
import type { FeatureMatch } from '../../engine/compareTypes';
import { useVindexB, useFeatureMatch } from '../../queries/compare';
import { useFeature } from '../../queries/features';
import { errorText, isAbort } from '../../state/activity';
import { formatScore } from '../common/format';
import { TokenText } from '../common/TokenText';
import { sameGridShape } from './shapes';

const K = 5;

/** B's stored outputs (down_meta) and label for one of its features. */
function BFeature({ b, layer, feature }: { b: OpenedVindex; layer: number; feature: number }) {
  const d = useFeature(b.location.key, layer, feature);
  if (d.error) return <p className="muted">{errorText(d.error)}</p>;
  if (!d.data) return <p className="muted">Reading B's L{layer} F{feature}…</p>;
  const tokens = d.data.outputs?.tokens ?? [];
  return (
    <>
      {d.data.label && <p>Label in B: {d.data.label.text}</p>}
      {tokens.length ? (
        <ol className="output-list" aria-label="Output tokens in B">
          {tokens.map((t, i) => (
            <li key={i}>
              <TokenText token={t} /> <span className="muted">{t.text === `#${t.id}` ? '' : `#${t.id} · `}{formatScore(t.logit)}</span>
            </li>
          ))}
        </ol>
      ) : (
        <p className="muted">{d.data.outputsNote ?? 'No stored outputs in B.'}</p>
      )}
    </>
  );
}

function MatchLine({ m, svd }: { m: FeatureMatch | undefined; svd: boolean }) {
  if (!m) return <span className="muted">computing…</span>;
  if (m.why) return <span className="muted">{m.why}</span>;
  const best = m.best[0];
  return (
    <>
      {!svd && m.sameCos !== null && (
        <>
          cos with B's same row: <strong>{formatScore(m.sameCos)}</strong>.{' '}
        </>
      )}
      {best && (
        <>
          B's best match by |cos|: <strong>F{best.feature}</strong> ({formatScore(best.cos)}
          {best.cos < 0 ? ', opposite sign' : ''})
        </>
      )}
      {m.best.length > 1 && <span className="muted"> · next: {m.best.slice(1).map((x) => `F${x.feature} (${formatScore(x.cos)})`).join(', ')}</span>}
    </>
  );
}

/**
 * The feature view in compare mode: the same (layer, feature) in B when shapes match; for SVD
 * (compact) vindexes, whose directions carry no identity and an arbitrary sign, B's best-matching
 * direction by |cos| of the gate row instead.
 */
export function FeatureCompare({ a, layer, feature }: { a: OpenedVindex; layer: number; feature: number }) {
  const bq = useVindexB();
  const b = bq.data;
  const hasDown = !!b && a.description.dtypes.down !== null && b.description.dtypes.down !== null;
  const gate = useFeatureMatch(a, b ?? a, layer, feature, 'gate', K, !!b);
  const down = useFeatureMatch(a, b ?? a, layer, feature, 'down', K, hasDown);
  if (!b) return null;
  const svd = a.description.flavour === 'compact' || b.description.flavour === 'compact';
  const same = sameGridShape(a.description, b.description) && !svd;
  const matched = svd ? gate.data?.best[0]?.feature : feature;
  const err = gate.error ?? down.error;
  return (
    <section className="panel" role="region" aria-label="In vindex B">
      <h3>In B · {b.location.label}</h3>
      <p className="muted">
        {svd
          ? 'SVD directions have no identity across vindexes and an arbitrary sign: B\'s counterpart is the direction of the same layer with the largest |cos| to this one.'
          : same
            ? 'Same shapes: B\'s feature with the same layer and index.'
            : 'The shapes differ: B\'s row with the same index, and its best match by |cos|.'}
      </p>
      {err && !isAbort(err) && <div role="alert" className="alert">{errorText(err)}</div>}
      <p>
        Gate: <MatchLine m={gate.data} svd={svd} />
      </p>
      {hasDown && (
        <p>
          Down: <MatchLine m={down.data} svd={svd} />
        </p>
      )}
      {matched !== undefined && matched < (b.description.layers[layer]?.numFeatures ?? 0) && (
        <>
          <h4>
            B's L{layer} F{matched}: stored outputs
          </h4>
          <BFeature b={b} layer={layer} feature={matched} />
        </>
      )}
    </section>
  );
}
