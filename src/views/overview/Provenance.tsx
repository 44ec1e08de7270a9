import { useQuery } from '@tanstack/react-query';
import type { OpenedVindex } from '../../engine/types';
import { engine } from '../../queries/engine';

function Json({ value }: { value: unknown }) {
  // Rendered as text inside <pre>: values from files are untrusted and never become HTML.
  return <pre className="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** Where the vindex came from: Hub commit, index.json source, manifest.json, model card. */
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
      {vindex.description.source && (
        <details>
          <summary>index.json source</summary>
          <Json value={vindex.description.source} />
        </details>
      )}
      {manifest != null && (
        <details>
          <summary>manifest.json</summary>
          <Json value={manifest} />
        </details>
      )}
      <details>
        <summary>index.json (all keys)</summary>
        <Json value={vindex.description.raw} />
      </details>
      {extras.data?.notices.map((n) => (
        <p key={n} className="problems">{n}</p>
      ))}
      {card && (
        <details>
          <summary>Model card (README.md)</summary>
          <pre className="model-card">{card.body}</pre>
        </details>
      )}
    </div>
  );
}
