import type { OpenedVindex } from '../../engine/types';
import type { FeatureDetail, ProjectionResult } from '../../engine/featureTypes';
import { projectionOptions, useComputed } from '../../queries/features';
import { errorText, isAbort } from '../../state/activity';
import { formatScore, formatBytes } from '../common/format';
import { TokenText } from '../common/TokenText';
import { useTokenizerInfo } from '../../queries/tokenizer';
import { OutputBars } from './OutputBars';
import { toCsv } from './toCsv';
import { download } from '../common/download';
import { exportUnits } from '../overview/semantics';

/** How many tokens a computed projection keeps at each end. */
export const PROJECTION_K = 30;

const bars = (list: ProjectionResult['byDot']) => list.slice(0, 15).map((t) => ({ token: t, score: t.score }));

/** Both ends of a computed projection: the highest tokens beside the most negative (suppressed) ones. */
function ProjectionTables({ res, name, stem, meta }: { res: ProjectionResult; name: string; stem: string; meta: Record<string, unknown> }) {
  return (
    <>
      <div className="row" style={{ alignItems: 'flex-start' }}>
        <div>
          <h4>highest, by dot product (logit)</h4>
          <OutputBars items={bars(res.byDot)} label={`${name} by dot product`} />
        </div>
        <div>
          <h4>most negative, by dot product</h4>
          <OutputBars items={bars(res.lowDot)} label={`${name}, most negative, by dot product`} />
        </div>
      </div>
      <details>
        <summary>By cosine (both ends)</summary>
        <div className="row" style={{ alignItems: 'flex-start' }}>
          <div>
            <h4>highest, by cosine</h4>
            <OutputBars items={bars(res.byCos)} label={`${name} by cosine`} />
          </div>
          <div>
            <h4>most negative, by cosine</h4>
            <OutputBars items={bars(res.lowCos)} label={`${name}, most negative, by cosine`} />
          </div>
        </div>
      </details>
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
              ...res.lowDot.map((t, i) => ['dot-lowest', i + 1, t.id, t.text, t.raw, t.score]),
              ...res.lowCos.map((t, i) => ['cos-lowest', i + 1, t.id, t.text, t.raw, t.score]),
            ], meta), 'text/csv')
          }
        >
          CSV
        </button>
      </p>
    </>
  );
}

/** The state line of a computed panel: its error, or "Cancelled — Compute to retry". */
export function ComputeState({ error }: { error: unknown }) {
  if (!error) return null;
  if (isAbort(error)) return <p className="notice" role="status">Cancelled — Compute to retry.</p>;
  return <div role="alert" className="alert">{errorText(error)}</div>;
}

/** "Says": stored down_meta outputs (list "Output tokens") and the computed projection of the down row. */
export function SaysPanel({ vindex, detail, onCompute }: { vindex: OpenedVindex; detail: FeatureDetail; onCompute(): void }) {
  const proj = useComputed(projectionOptions(vindex, detail.layer, detail.feature, 'down', PROJECTION_K));
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
          <button type="button" onClick={onCompute} disabled={proj.isFetching}>
            Compute full projection
          </button>{' '}
          <span className="muted">
            says, hears and neighbours together; streams embeddings.bin ({formatBytes(vindex.files.find((f) => f.name === 'embeddings.bin')?.size ?? 0)})
          </span>
        </p>
      ) : (
        <p className="muted">{vindex.description.flavour === 'moe-summary' ? 'A MoE summary holds gate directions only: there is no down direction to project.' : 'No down_features.bin: only stored outputs can be shown.'}</p>
      )}
      <ComputeState error={proj.error} />
      {proj.data && <ProjectionTables res={proj.data} name="Computed outputs" stem={`L${detail.layer}-F${detail.feature}-says`} meta={meta} />}
    </section>
  );
}

/** "Hears": the gate row projected onto every embedding — which input tokens switch the feature on. */
export function HearsPanel({ vindex, detail, onCompute }: { vindex: OpenedVindex; detail: FeatureDetail; onCompute(): void }) {
  const proj = useComputed(projectionOptions(vindex, detail.layer, detail.feature, 'gate', PROJECTION_K));
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
        <button type="button" onClick={onCompute} disabled={proj.isFetching}>
          Compute input tokens
        </button>
      ) : (
        <p className="muted">No readable gate row for this feature.</p>
      )}
      <ComputeState error={proj.error} />
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
