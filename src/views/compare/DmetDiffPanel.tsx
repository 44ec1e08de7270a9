import { useState } from 'react';
import type { OpenedVindex } from '../../engine/types';
import type { DmetDiffRow } from '../../engine/compareTypes';
import { useDmetDiff } from '../../queries/compare';
import { useApp } from '../../state/store';
import { errorText, isAbort } from '../../state/activity';
import { download } from '../common/download';
import { formatScore } from '../common/format';
import { TokenText } from '../common/TokenText';
import { dmetDiffCsv } from './dmetCsv';

/** Differences listed (and exported) at most; the counts always cover every feature. */
const LIMIT = 10_000;
const PAGE = 100;

function Token({ side }: { side: DmetDiffRow['a'] }) {
  if (!side) return <span className="muted">no metadata</span>;
  return <TokenText token={side} showId />;
}

/** LarQL's DIFF of the two down_meta files as a table (rows open the feature) and a CSV download. */
export function DmetDiffPanel({ a, b }: { a: OpenedVindex; b: OpenedVindex }) {
  const diff = useDmetDiff(a, b, LIMIT);
  const [shown, setShown] = useState(PAGE);
  const d = diff.data;
  if (diff.error) return isAbort(diff.error) ? <p className="muted">down_meta diff cancelled.</p> : <div role="alert" className="alert">down_meta diff: {errorText(diff.error)}</div>;
  if (!d) return <p className="muted">Comparing down_meta…</p>;
  if (!d.available) return <p className="muted">No down_meta diff: {d.why}.</p>;
  const c = d.counts;
  const src = (v: OpenedVindex) => v.location.src ?? v.location.label;
  const open = (r: DmetDiffRow) => useApp.getState().selectFeature(r.layer, r.feature);
  return (
    <>
      <p>
        {c.compared} features with metadata: <strong>{c.modified}</strong> modified, <strong>{c.added}</strong> added, <strong>{c.removed}</strong> removed,{' '}
        {c.unchanged} unchanged (top token compared by {d.comparedBy === 'id' ? 'id: same vocabulary size' : 'decoded text: the vocabularies differ'}; modified also
        when |c_score change| &gt; 0.01, as LarQL's DIFF).
        {d.truncated && ` The first ${d.rows.length} differences are listed.`}{' '}
        <button type="button" onClick={() => download('down_meta-diff.csv', dmetDiffCsv(d, { a: src(a), b: src(b), commitA: a.location.hub?.sha ?? null, commitB: b.location.hub?.sha ?? null }), 'text/csv')}>
          Download CSV
        </button>
      </p>
      {d.rows.length > 0 && (
        <table aria-label="down_meta differences" className="dmet-diff">
          <thead>
            <tr>
              <th scope="col" className="num">Layer</th>
              <th scope="col" className="num">Feature</th>
              <th scope="col">Status</th>
              <th scope="col">A top token</th>
              <th scope="col" className="num">A c_score</th>
              <th scope="col">B top token</th>
              <th scope="col" className="num">B c_score</th>
              <th scope="col" className="num">Change</th>
            </tr>
          </thead>
          <tbody>
            {d.rows.slice(0, shown).map((r) => (
              <tr key={`${r.layer}:${r.feature}`} className="clickable" tabIndex={0} onClick={() => open(r)} onKeyDown={(e) => { if (e.key === 'Enter') open(r); }}>
                <td className="num">{r.layer}</td>
                <td className="num">{r.feature}</td>
                <td>{r.status}</td>
                <td><Token side={r.a} /></td>
                <td className="num">{r.a ? formatScore(r.a.cScore) : ''}</td>
                <td><Token side={r.b} /></td>
                <td className="num">{r.b ? formatScore(r.b.cScore) : ''}</td>
                <td className="num">{r.a && r.b ? formatScore(r.b.cScore - r.a.cScore) : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {d.rows.length > shown && (
        <button type="button" onClick={() => setShown(shown + 5 * PAGE)}>
          Show more ({d.rows.length - shown} not shown)
        </button>
      )}
    </>
  );
}
