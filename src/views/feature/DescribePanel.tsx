import { useState } from 'react';
import type { OpenedVindex } from '../../engine/types';
import type { DescribeOptions } from '../../engine/featureTypes';
import { useDescribe } from '../../queries/features';
import { useEncoded } from '../../queries/scores';
import { useApp } from '../../state/store';
import { errorText, isAbort } from '../../state/activity';
import { formatScore } from '../common/format';
import { TokenText } from '../common/TokenText';
import { useTokenizerInfo } from '../../queries/tokenizer';
import { tokenizerProvenance } from '../token/QueryPanel';
import { NumberSetting } from '../common/NumberSetting';
import { toCsv } from './toCsv';
import { download } from '../common/download';

const DEFAULTS: DescribeOptions = { perLayer: 20, minScore: 5, cleanAt: 20, moderateAt: 10 };

/** LarQL's DESCRIBE entity view for the current query, thresholds visible and adjustable. */
export function DescribePanel({ vindex }: { vindex: OpenedVindex }) {
  const q = useApp((s) => s.q);
  const [opts, setOpts] = useState(DEFAULTS);
  const [run, setRun] = useState(false);
  const enc = useEncoded(vindex, q);
  const ids = enc.data ? enc.data.tokens.map((t) => t.id) : null;
  // Enabled by the Describe button; a result computed before (or restored after a reload) shows at once.
  const r = useDescribe(vindex, ids, opts, run);
  const info = useTokenizerInfo(vindex);
  if (vindex.downMeta.kind !== 'dmet' && vindex.downMeta.kind !== 'jsonl') return null;
  const num = (k: keyof DescribeOptions, label: string) => (
    <NumberSetting label={label} value={opts[k]} width={70} min={k === 'perLayer' ? 1 : -Infinity} max={k === 'perLayer' ? 100000 : Infinity}
      integer={k === 'perLayer'} onValue={(v) => setOpts({ ...opts, [k]: v })} />
  );
  return (
    <section className="panel" aria-label="DESCRIBE">
      <h3>DESCRIBE “{q || '…'}”</h3>
      <p className="muted">
        LarQL server flavour: dot scores (× embed_scale) of the query against every gate row; top {opts.perLayer} per layer by |dot|; keep
        signed score ≥ {opts.minScore} whose top output is a content word (3–25 characters, mostly letters, not a stop word, not the entity);
        merge by lower-cased token keeping the best; signal clean ≥ {opts.cleanAt}, moderate ≥ {opts.moderateAt}.
      </p>
      <div className="row">
        {num('perLayer', 'Per layer')}
        {num('minScore', 'Min score')}
        {num('cleanAt', 'Clean at')}
        {num('moderateAt', 'Moderate at')}
        <button type="button" disabled={!q} onClick={() => setRun(true)}>Describe</button>
      </div>
      {(enc.error || r.error) && !isAbort(enc.error ?? r.error) && <div role="alert" className="alert">{errorText(enc.error ?? r.error)}</div>}
      {r.data && (
        <>
          <p>
            Signal: <strong>{r.data.signal}</strong>{' '}
            {r.data.edges.length > 0
              ? `(max ${formatScore(r.data.maxScore)}), ${r.data.edges.length} ${r.data.edges.length === 1 ? 'edge' : 'edges'}.`
              : `: no edge passed the filters${r.data.strongest ? ` (the strongest score was ${formatScore(r.data.strongest.score)} at L${r.data.strongest.layer} F${r.data.strongest.feature}, below the minimum or without a content-word output)` : ''}.`}{' '}
            <button type="button" onClick={() => download('describe.csv', toCsv(['token', 'token_id', 'token_raw', 'score', 'layer', 'feature', 'band'],
              r.data!.edges.map((e) => [e.token.text, e.token.id, e.token.raw, e.score, e.layer, e.feature, e.band]), { source: vindex.location.src, query: q, tokenizer: tokenizerProvenance(q, info), ...opts }), 'text/csv')}>CSV</button>{' '}
            <button type="button" onClick={() => download('describe.json', JSON.stringify({ source: vindex.location.src, query: q, tokenizer: tokenizerProvenance(q, info), options: opts, ...r.data }, null, 2), 'application/json')}>JSON</button>
          </p>
          {(['syntax', 'knowledge', 'output', null] as const).map((band) => {
            const edges = r.data!.edges.filter((e) => e.band === band);
            if (!edges.length) return null;
            return (
              <div key={band ?? 'all'}>
                <h4>{band ?? 'all layers'}</h4>
                <ul aria-label={`DESCRIBE ${band ?? 'edges'}`}>
                  {edges.map((e) => (
                    <li key={`${e.layer}:${e.feature}`}>
                      <button type="button" className="linklike" onClick={() => useApp.getState().selectFeature(e.layer, e.feature)}>
                        <TokenText token={e.token} />
                      </button>{' '}
                      {formatScore(e.score)} (L{e.layer} F{e.feature}{e.also.length ? `, +${e.also.length} more` : ''})
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </>
      )}
    </section>
  );
}
