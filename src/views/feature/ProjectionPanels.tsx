import { useState } from 'react';
import type { OpenedVindex } from '../../engine/types';
import type { FeatureDetail, ProjectionResult } from '../../engine/featureTypes';
import { useProjection } from '../../queries/features';
import { errorText, isAbort } from '../../state/activity';
import { formatScore, formatBytes } from '../common/format';
import { TokenText } from '../common/TokenText';
import { useTokenizerInfo } from '../../queries/tokenizer';
import { OutputBars } from './OutputBars';
import { toCsv } from './toCsv';
import { download } from '../common/download';
import { exportUnits } from '../overview/semantics';

const K = 30;

function ProjectionTables({ res, name, stem, meta }: { res: ProjectionResult; name: string; stem: string; meta: Record<string, unknown> }) {
  return (
    <>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <div>
          <h4>by dot product (logit)</h4>
          <OutputBars items={res.byDot.slice(0, 15).map((t) => ({ token: t, score: t.score }))} label={`${name} by dot product`} />
        </div>
        <div>
          <h4>by cosine</h4>
          <OutputBars items={res.byCos.slice(0, 15).map((t) => ({ token: t, score: t.score }))} label={`${name} by cosine`} />
        </div>
      </div>
      {res.cacheNote && <p className="notice">{res.cacheNote}</p>}
      <p className="muted">
        Read {formatBytes(res.bytesRead)} of embeddings.bin (from the network or the persistent cache).{' '}
        <button type="button" onClick={() => download(`${stem}.json`, JSON.stringify({ ...meta, ...res }, null, 2), 'application/json')}>JSON</button>{' '}
        <button
          type="button"
          onClick={() =>
            download(`${stem}.csv`, toCsv(['kind', 'rank', 'id', 'token', 'raw', 'score'], [
              ...res.byDot.map((t, i) => ['dot', i + 1, t.id, t.text, t.raw, t.score]),
              ...res.byCos.map((t, i) => ['cos', i + 1, t.id, t.text, t.raw, t.score]),
            ], meta), 'text/csv')
          }
        >
          CSV
        </button>
      </p>
    </>
  );
}

/** "Says": stored down_meta outputs (list "Output tokens") and the computed projection of the down row. */
export function SaysPanel({ vindex, detail }: { vindex: OpenedVindex; detail: FeatureDetail }) {
  const [run, setRun] = useState(false);
  const key = vindex.location.key;
  const proj = useProjection(key, detail.layer, detail.feature, 'down', K, run);
  const stored = detail.outputs?.tokens ?? [];
  const computed = proj.data?.byDot ?? [];
  // The list shows stored outputs; without them, the computed projection once it exists.
  const list = stored.length ? stored.map((t) => ({ ...t, score: t.logit })) : computed.slice(0, 20);
  const directions = vindex.description.featureKind === 'direction';
  const tokenizer = useTokenizerInfo(vindex)?.provenance ?? null;
  const meta = {
    source: vindex.location.src, commit: vindex.location.hub?.sha ?? null, tokenizer, layer: detail.layer, feature: detail.feature,
    vector: directions ? `down direction ${detail.feature} (separate SVD of down_proj)` : 'down', units: exportUnits(vindex.description),
  };
  return (
    <section className="panel" aria-label="Says">
      <h3>
        {directions
          ? `Says: down direction ${detail.feature} → vocabulary (a separate SVD of down_proj, not the output of gate direction ${detail.feature})`
          : 'Says: output tokens (down vector → vocabulary)'}
      </h3>
      {detail.outputsNote && <p className="notice">{detail.outputsNote}</p>}
      {stored.length > 0 && (
        <>
          <p className="muted">
            From {vindex.downMeta.kind === 'jsonl' ? 'down_meta.jsonl' : 'down_meta.bin'}; c_score {formatScore(detail.outputs!.cScore ?? NaN)} (the top
            logit, not a probability).
          </p>
          <OutputBars items={stored.map((t) => ({ token: t, score: t.logit }))} label="Stored output logits" />
        </>
      )}
      {list.length > 0 && (
        <ol className="output-list" aria-label="Output tokens">
          {list.map((t, i) => (
            <li key={i}>
              <TokenText token={t} />
            </li>
          ))}
        </ol>
      )}
      {detail.hasDown ? (
        <p>
          <button type="button" onClick={() => (run ? proj.refetch() : setRun(true))} disabled={proj.isFetching}>
            Compute full projection
          </button>{' '}
          <span className="muted">streams embeddings.bin ({formatBytes(vindex.files.find((f) => f.name === 'embeddings.bin')?.size ?? 0)})</span>
        </p>
      ) : (
        <p className="muted">{vindex.description.flavour === 'moe-summary' ? 'A MoE summary holds gate directions only: there is no down direction to project.' : 'No down_features.bin: only stored outputs can be shown.'}</p>
      )}
      {proj.error && !isAbort(proj.error) && <div role="alert" className="alert">{errorText(proj.error)}</div>}
      {proj.data && <ProjectionTables res={proj.data} name="Computed outputs" stem={`L${detail.layer}-F${detail.feature}-says`} meta={meta} />}
    </section>
  );
}

/** "Hears": the gate row projected onto every embedding — which input tokens switch the feature on. */
export function HearsPanel({ vindex, detail }: { vindex: OpenedVindex; detail: FeatureDetail }) {
  const [run, setRun] = useState(false);
  const proj = useProjection(vindex.location.key, detail.layer, detail.feature, 'gate', K, run);
  const directions = vindex.description.featureKind === 'direction';
  const tokenizer = useTokenizerInfo(vindex)?.provenance ?? null;
  const meta = {
    source: vindex.location.src, commit: vindex.location.hub?.sha ?? null, tokenizer, layer: detail.layer, feature: detail.feature,
    vector: directions ? `gate direction ${detail.feature}` : 'gate', units: exportUnits(vindex.description),
  };
  return (
    <section className="panel" aria-label="Hears">
      <h3>{directions ? `Hears: gate direction ${detail.feature} → vocabulary (input tokens; sign arbitrary)` : 'Hears: input tokens (gate vector → vocabulary)'}</h3>
      {detail.hasGate ? (
        <button type="button" onClick={() => (run ? proj.refetch() : setRun(true))} disabled={proj.isFetching}>
          Compute input tokens
        </button>
      ) : (
        <p className="muted">No readable gate row for this feature.</p>
      )}
      {proj.error && !isAbort(proj.error) && <div role="alert" className="alert">{errorText(proj.error)}</div>}
      {proj.data && (
        <>
          <ol className="output-list" aria-label="Input tokens">
            {proj.data.byDot.slice(0, 20).map((t, i) => (
              <li key={i}><TokenText token={t} /></li>
            ))}
          </ol>
          <ProjectionTables res={proj.data} name="Input tokens" stem={`L${detail.layer}-F${detail.feature}-hears`} meta={meta} />
        </>
      )}
    </section>
  );
}
