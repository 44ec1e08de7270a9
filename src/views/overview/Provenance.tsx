import { useQuery } from '@tanstack/react-query';
import type { OpenedVindex } from '../../engine/types';
import { engine } from '../../queries/engine';
import { InfoTable } from './InfoTable';
import { ModelCard } from './ModelCard';

function Json({ value }: { value: unknown }) {
  // Rendered as text inside <pre>: values from files are untrusted and never become HTML.
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** Where the vindex came from: Hub commit, index.json source (hashes in full), manifest, MoE phase files, model card. */
export function Provenance({ vindex }: { vindex: OpenedVindex }) {
  const { hub } = vindex.location;
  const extras = useQuery({
    queryKey: ['extras', vindex.location.key],
    staleTime: Infinity,
    retry: false,
    queryFn: () => engine().extras(vindex.location.key),
  });
  const card = extras.data?.modelCard ?? null;
  const manifest = extras.data?.manifest ?? null;
  const d = vindex.description;
  return (
    <div className="provenance">
      <h3>Provenance</h3>
      <dl className="facts">
        <dt>Opened from</dt>
        <dd>{vindex.location.label}</dd>
        {hub && (
          <>
            <dt>Hub commit</dt>
            <dd>
              <code>{hub.sha}</code> ({hub.repoType} repo {hub.repo}, revision {hub.revision})
            </dd>
          </>
        )}
        {card?.baseModel && (
          <>
            <dt>Base model</dt>
            <dd>{card.baseModel}</dd>
          </>
        )}
        {card?.license && (
          <>
            <dt>License</dt>
            <dd>{card.license}</dd>
          </>
        )}
      </dl>
      {extras.data?.checksumConflicts.map((c) => (
        <div role="alert" className="alert" key={c.file}>
          <span>
            {c.file}: the expected checksums disagree: {c.claims.map((x) => `${x.from} says ${x.sha256}`).join('; ')}. The file was probably rewritten
            after one of them was recorded; Verify checksums tells which one it matches.
          </span>
        </div>
      ))}
      <InfoTable name="Provenance (index.json source)" rows={d.provenance} />
      {manifest != null && (
        <details>
          <summary>manifest.json</summary>
          <Json value={manifest} />
        </details>
      )}
      {extras.data?.jsonFiles.map((j) => (
        <details key={j.file}>
          <summary>
            {j.file}
            {j.summary ? ` (${j.summary})` : ''}
          </summary>
          {j.value !== null && <Json value={j.value} />}
        </details>
      ))}
      <details>
        <summary>
          {d.moeSummary ? `${d.moeSummary.file}${vindex.files.some((f) => f.name === 'index.json') ? ' and index.json' : ''}` : 'index.json'} (all keys)
        </summary>
        <Json value={d.raw} />
      </details>
      {extras.data?.notices.map((n) => (
        <p key={n} className="problems">{n}</p>
      ))}
      {extras.error && <p className="problems">Side files could not be read: {String((extras.error as Error).message)}</p>}
      {card && <ModelCard vindexKey={vindex.location.key} card={card} />}
    </div>
  );
}
