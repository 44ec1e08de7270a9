import type { OpenedVindex } from '../../engine/types';
import { formatBytes } from '../common/format';
import { FilesTable } from './FilesTable';
import { Provenance } from './Provenance';

function featuresSummary(v: OpenedVindex): string {
  const counts = v.description.layers.map((l) => l.numFeatures);
  if (counts.length === 0) return 'no layers';
  const distinct = new Set(counts);
  if (distinct.size === 1) return `${counts[0]} in every layer`;
  return counts.map((c, l) => `L${l}: ${c}`).join(', ');
}

function expertsSummary(v: OpenedVindex): string | null {
  const moe = v.description.layers.filter((l) => l.numExperts);
  if (moe.length === 0) return null;
  const e = moe[0];
  return `${moe.length} MoE layers; e.g. L${e.layer}: ${e.numExperts} experts × ${e.featuresPerExpert} features (expert-major)`;
}

/** The overview region: model shape, dtypes, bands, provenance, model card and the files. */
export function Overview({ vindex }: { vindex: OpenedVindex }) {
  const d = vindex.description;
  const experts = expertsSummary(vindex);
  const isDemo = vindex.location.kind === 'demo';
  const totalFeatures = d.layers.reduce((a, l) => a + l.numFeatures, 0);
  return (
    <section role="region" aria-label="Overview" className="overview">
      <h2>{d.model}</h2>
      {isDemo && (
        <p className="notice">
          This is the embedded <strong>synthetic</strong> demo vindex: random geometry with planted features (for
          example a feature that hears capital cities and says their countries). It is not a real model.
        </p>
      )}
      <dl className="facts">
        <dt>Family</dt>
        <dd>{d.family ?? '—'} ({d.flavour === 'compact' ? 'compact vindex, no layers[]' : `LarQL v${d.version ?? '?'}`})</dd>
        <dt>Layers</dt>
        <dd>{d.numLayers}</dd>
        <dt>Features per layer</dt>
        <dd>
          {featuresSummary(vindex)} ({totalFeatures.toLocaleString('en')} in all)
        </dd>
        {experts && (
          <>
            <dt>Experts</dt>
            <dd>{experts}</dd>
          </>
        )}
        <dt>Hidden size</dt>
        <dd>{d.hiddenSize}</dd>
        <dt>Vocabulary size</dt>
        <dd>{d.vocabSize.toLocaleString('en')}</dd>
        {d.intermediateSize !== null && (
          <>
            <dt>Intermediate size</dt>
            <dd>{d.intermediateSize}</dd>
          </>
        )}
        <dt>embed_scale</dt>
        <dd>{d.embedScale}</dd>
        <dt>dtypes (from file sizes)</dt>
        <dd>
          gate {d.dtypes.gate ?? '—'}, embeddings {d.dtypes.embeddings ?? '—'}, down {d.dtypes.down ?? '—'}, up{' '}
          {d.dtypes.up ?? '—'}
          {d.declaredDtype ? ` (index.json says ${d.declaredDtype})` : ''}
        </dd>
        <dt>Layer bands</dt>
        <dd>
          {d.bands
            ? `syntax ${d.bands.syntax.join('–')}, knowledge ${d.bands.knowledge.join('–')}, output ${d.bands.output.join('–')} (${d.bandsSource})`
            : `one band for all layers (${d.bandsSource})`}
        </dd>
        <dt>Extract level</dt>
        <dd>{d.extractLevel ?? 'browse (default)'}</dd>
        <dt>Tokenizer</dt>
        <dd>{vindex.tokenizer.label}</dd>
        <dt>Feature outputs</dt>
        <dd>{vindex.downMeta.note ?? `down_meta (${vindex.downMeta.kind}, top ${vindex.downMeta.topK ?? '?'})`}</dd>
        <dt>Labels</dt>
        <dd>{vindex.labelCount > 0 ? `${vindex.labelCount} labelled features` : 'none'}</dd>
        <dt>Total size</dt>
        <dd>{formatBytes(vindex.files.reduce((a, f) => a + f.size, 0))}</dd>
      </dl>
      {(vindex.problems.length > 0 || vindex.notices.length > 0) && (
        <ul className="problems" aria-label="Problems">
          {vindex.problems.map((p, i) => (
            <li key={`p${i}`}>
              <strong>{p.file}</strong>: {p.message}
            </li>
          ))}
          {vindex.notices.map((n, i) => (
            <li key={`n${i}`}>{n}</li>
          ))}
        </ul>
      )}
      <Provenance vindex={vindex} />
      <FilesTable vindex={vindex} />
    </section>
  );
}
