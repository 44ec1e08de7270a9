import { useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import type { OpenedVindex } from '../../engine/types';
import { useApp } from '../../state/store';
import type { Metric, Norm, Rank } from '../../state/permalink';
import { QueryPanel } from './QueryPanel';
import { DiffPanel } from './DiffPanel';
import { useVindexB } from '../../queries/compare';
import { CompareTokenPanels } from '../compare/CompareTokenPanels';
import { SIGN_NOTE } from '../overview/semantics';
import { QueryInput } from './QueryInput';
import { TokenizerNote } from '../common/TokenizerName';
import { DownloadConsent } from '../common/DownloadConsent';

/** The token view: query box(es), metric and rank, heatmaps and top features, optional A − B compare. */
export function TokenView({ vindex }: { vindex: OpenedVindex }) {
  const { q, q2, metric, rank, norm } = useApp();
  const [text, setText] = useState(q);
  const [text2, setText2] = useState(q2);
  const [comparing, setComparing] = useState(q2 !== '');
  const client = useQueryClient();
  const vindexB = useVindexB().data ?? null;
  useEffect(() => setText(q), [q]);
  useEffect(() => setText2(q2), [q2]);

  return (
    <div className="token-view">
      <form
        className="query-form"
        onSubmit={(e) => {
          e.preventDefault();
          // Pressing Score again after a cancel or an error retries: the same key would otherwise stay failed.
          // (Only the same queries: a query being replaced is not run again; a failed tokenizer load always is.)
          const again = text === q && (!comparing || text2 === q2);
          void client.refetchQueries({ type: 'active', predicate: (x) => x.state.status === 'error' && (x.queryKey[0] === 'tokenizer' || (again && (x.queryKey[0] === 'scores' || x.queryKey[0] === 'encode'))) });
          // Spaces are kept: " Paris" is the space-prefixed token, "Paris" another one.
          useApp.getState().setQuery(text.trim() ? text : '');
          useApp.getState().setQuery2(comparing && text2.trim() ? text2 : '');
        }}
      >
        <QueryInput vindex={vindex} caption="Query" label="Query" value={text} onChange={setText} placeholder="a word, or #123 / #1,#2" submitted={q} />
        {comparing && (
          <QueryInput vindex={vindex} caption="vs" label="Compare with" value={text2} onChange={setText2} placeholder="second query" submitted={q2} />
        )}
        <button type="submit">Score</button>
        <label>
          Metric{' '}
          <select aria-label="Metric" value={metric} onChange={(e) => useApp.getState().setMetric(e.target.value as Metric)}>
            <option value="cos">cosine (compact recipe)</option>
            <option value="dot">dot × embed_scale (LarQL gate KNN)</option>
          </select>
        </label>
        <label>
          Rank{' '}
          <select aria-label="Rank" value={rank} onChange={(e) => useApp.getState().setRank(e.target.value as Rank)}>
            <option value="signed">by signed value</option>
            <option value="abs">by |score| (LarQL)</option>
          </select>
        </label>
        <button
          type="button"
          onClick={() => {
            if (comparing) useApp.getState().setQuery2('');
            setComparing(!comparing);
          }}
        >
          {comparing ? 'Stop comparing' : 'Compare…'}
        </button>
        <label>
          Colour and rank by{' '}
          <select aria-label="Normalisation" value={norm} onChange={(e) => useApp.getState().setNorm(e.target.value as Norm)}>
            <option value="raw">raw score</option>
            <option value="z">z-score within layer</option>
            <option value="pct">percentile within layer</option>
          </select>
        </label>
      </form>
      {vindex.description.featureKind === 'direction' && (
        <p className="muted">
          {SIGN_NOTE}{' '}
          {rank === 'signed' && (
            <button type="button" className="linklike" onClick={() => useApp.getState().setRank('abs')}>Rank by |score|</button>
          )}
        </p>
      )}
      <p className="what-score">
        Each cell is a <strong>static similarity</strong> between the query's embedding and one feature's gate row
        ({metric === 'cos' ? 'their cosine' : 'their dot product'}): how well the feature's input direction matches the token,
        not how strongly the feature fires on this text in context. Compare a cell with its own layer: hover a layer label
        for the layer's histogram, or colour by z-score or percentile.
      </p>
      <p className="muted">
        Several tokens make one query vector: the mean of their embedding rows (LarQL's entity semantics), times embed_scale
        ({vindex.description.embedScale}). <TokenizerNote vindex={vindex} />
      </p>
      <DownloadConsent vindex={vindex} what="Scoring a query" />
      {q ? (
        <div className={q2 ? 'panels' : ''}>
          {vindexB ? (
            <CompareTokenPanels a={vindex} b={vindexB} q={q} metric={metric} rank={rank} />
          ) : (
            <QueryPanel vindex={vindex} q={q} metric={metric} rank={rank} tableName="Top features" />
          )}
          {q2 && <QueryPanel vindex={vindex} q={q2} metric={metric} rank={rank} tableName="Top features (B)" />}
        </div>
      ) : (
        <p>Type a word (a leading space is part of the word's token: try “ Paris” and “Paris”) or token ids such as #12, then press Score.</p>
      )}
      {q && q2 && <DiffPanel vindex={vindex} a={q} b={q2} metric={metric} rank={rank} />}
    </div>
  );
}
