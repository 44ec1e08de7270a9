import { useState } from 'react';
import type { OpenedVindex } from '../../engine/types';
import type { FeatureDetail } from '../../engine/featureTypes';
import { neighboursOptions, useComputed, useSayers } from '../../queries/features';
import { ComputeState } from './ProjectionPanels';
import { useTokenizer, useTokenizerInfo } from '../../queries/tokenizer';
import { useApp } from '../../state/store';
import { errorText, isAbort } from '../../state/activity';
import { formatScore } from '../common/format';
import { TokenText } from '../common/TokenText';
import { toCsv } from './toCsv';
import { download } from '../common/download';

const open = (layer: number, feature: number) => useApp.getState().selectFeature(layer, feature);

/** Which neighbours to find: by gate or down rows, in the same layer or across all. */
export interface NeighbourOptions {
  vector: 'gate' | 'down';
  scope: 'layer' | 'all';
}

/** How many neighbours are listed. */
export const NEIGHBOURS_K = 15;

/** Most similar features by cosine of gate or down rows, in this layer or across all, clickable. */
export function NeighboursPanel(props: {
  vindex: OpenedVindex; detail: FeatureDetail; options: NeighbourOptions; onOptions(o: NeighbourOptions): void; onCompute(): void;
}) {
  const { vindex, detail, options, onOptions, onCompute } = props;
  const { vector, scope } = options;
  const n = useComputed(neighboursOptions(vindex, detail.layer, detail.feature, vector, scope, NEIGHBOURS_K));
  const info = useTokenizerInfo(vindex);
  return (
    <section className="panel" aria-label="Neighbours">
      <h3>Neighbours</h3>
      <div className="row">
        <select aria-label="Neighbour vector" value={vector} onChange={(e) => onOptions({ ...options, vector: e.target.value as 'gate' | 'down' })}>
          <option value="gate">by gate rows (hears alike)</option>
          <option value="down" disabled={!detail.hasDown}>by down rows (says alike)</option>
        </select>
        <select aria-label="Neighbour scope" value={scope} onChange={(e) => onOptions({ ...options, scope: e.target.value as 'layer' | 'all' })}>
          <option value="layer">same layer</option>
          <option value="all">all layers</option>
        </select>
        <button type="button" onClick={onCompute} disabled={n.isFetching}>Find neighbours</button>
        {n.data && (
          <button type="button" onClick={() => download(`L${detail.layer}-F${detail.feature}-neighbours.csv`,
            toCsv(['layer', 'feature', 'cosine', 'top', 'top_id', 'top_raw'], n.data.map((x) => [x.layer, x.feature, x.cosine, x.top?.text ?? null, x.top?.id ?? null, x.top?.raw ?? null]),
              { source: vindex.location.src, commit: vindex.location.hub?.sha ?? null, tokenizer: info?.provenance ?? null, vector, scope }), 'text/csv')}>
            CSV
          </button>
        )}
      </div>
      <ComputeState error={n.error} />
      {n.data && (
        <table aria-label="Neighbours">
          <thead><tr><th className="num">Layer</th><th className="num">Feature</th><th className="num">Cosine</th><th>Top output</th></tr></thead>
          <tbody>
            {n.data.map((x) => (
              <tr key={`${x.layer}:${x.feature}`} className="clickable" tabIndex={0} onClick={() => open(x.layer, x.feature)} onKeyDown={(e) => e.key === 'Enter' && open(x.layer, x.feature)}>
                <td className="num">{x.layer}</td><td className="num">{x.feature}</td><td className="num">{formatScore(x.cosine)}</td><td>{x.top ? <TokenText token={x.top} /> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const MAX_SAYERS = 500;

/** Which features say a word: every feature whose stored outputs list any single-token spelling of it (or an #id). */
export function SayersPanel({ vindex }: { vindex: OpenedVindex }) {
  const [text, setText] = useState('');
  const [q, setQ] = useState('');
  useTokenizer(vindex);
  const s = useSayers(vindex.location.key, q);
  if (vindex.downMeta.kind !== 'dmet' && vindex.downMeta.kind !== 'jsonl') return null;
  return (
    <section className="panel" aria-label="Features that say a token">
      <h3>Which features say this token</h3>
      <form className="row" onSubmit={(e) => { e.preventDefault(); setQ(text); }}>
        <input type="text" aria-label="Token to find" value={text} onChange={(e) => setText(e.target.value)} placeholder="a word or #id" />
        <button type="submit">Find</button>
      </form>
      {s.error && !isAbort(s.error) && <div role="alert" className="alert">{errorText(s.error)}</div>}
      {s.data && (
        <p className="muted" aria-label="Spellings searched">
          Searched{' '}
          {s.data.searched.map((v, i) => (
            <span key={v.token.id}>
              {i > 0 && ', '}
              <TokenText token={v.token} showId /> ({v.count} {v.count === 1 ? 'feature' : 'features'})
            </span>
          ))}
          {s.data.searched.length === 0 && 'no single-token spelling'}
          {s.data.notSingle.length > 0 && `; not one token: ${s.data.notSingle.map((x) => JSON.stringify(x)).join(', ')}`}.
        </p>
      )}
      {s.data && s.data.sayers.length > 0 && (
        <table aria-label="Features that say the token">
          <thead><tr><th className="num">Layer</th><th className="num">Feature</th><th className="num">Logit</th><th className="num">Rank in outputs</th><th>Matched</th></tr></thead>
          <tbody>
            {s.data.sayers.slice(0, MAX_SAYERS).map((x) => (
              <tr key={`${x.layer}:${x.feature}:${x.token.id}`} className="clickable" tabIndex={0} onClick={() => open(x.layer, x.feature)} onKeyDown={(e) => e.key === 'Enter' && open(x.layer, x.feature)}>
                <td className="num">{x.layer}</td><td className="num">{x.feature}</td><td className="num">{formatScore(x.logit)}</td><td className="num">{x.rank + 1}</td>
                <td><TokenText token={x.token} showId /></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {s.data && s.data.sayers.length > MAX_SAYERS && <p className="muted">The first {MAX_SAYERS} of {s.data.sayers.length}, by logit.</p>}
      {s.data && s.data.sayers.length === 0 && <p>No feature lists {s.data.searched.length > 1 ? 'any of these tokens' : 'this token'} among its stored outputs.</p>}
    </section>
  );
}
