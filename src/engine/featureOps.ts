import { bandOfLayer } from '../format/layerBands';
import { f16ToF32 as f16 } from '../format/float16';
import { expertOfFeature, featureRowRange } from '../format/layout';
import type { LayerInfo } from '../format/types';
import { topKVector } from '../compute/topK';
import { cosineRows } from '../compute/matVec';
import type { Session } from './session';
import type { MatrixStore } from './matrixStore';
import { typedRows } from './matrixStore';
import { tokenRefs } from './tokens';
import { joinProjection } from './projectionStream';
import { SayerIndex, findSayers } from './sayerIndex';
import { describeEntity } from './describe';
import type { ProgressCallback } from './api';
import type { FeatureDetail, ProjectionResult, Neighbour, DescribeOptions, DescribeResult } from './featureTypes';
import type { SayersResult } from './types';
import type { ScorerPool } from './scorerPool';

/** Feature-level operations of one session: detail, projections, neighbours, sayers, DESCRIBE. */
export class FeatureOps {
  private readonly sayerIndex: SayerIndex;

  constructor(
    private readonly session: Session,
    private readonly gates: MatrixStore,
    private readonly downs: MatrixStore,
    /** Scorer workers that take a share of projection blocks (none: all here, the reference path). */
    private readonly pool: ScorerPool | null = null,
  ) {
    this.sayerIndex = new SayerIndex(session);
  }

  /** The layer entry, or an error naming the valid range. */
  layerInfo(layer: number, feature: number): LayerInfo {
    const d = this.session.description;
    if (!Number.isInteger(layer) || layer < 0 || layer >= d.numLayers) {
      throw new Error(`Layer ${layer} is out of range: this vindex has ${d.numLayers} layers (0–${d.numLayers - 1})`);
    }
    const info = d.layers[layer];
    if (!Number.isInteger(feature) || feature < 0 || feature >= info.numFeatures) {
      throw new Error(
        info.numFeatures === 0
          ? `Layer ${layer} has no features`
          : `Feature ${feature} is out of range: layer ${layer} has ${info.numFeatures} features (0–${info.numFeatures - 1})`,
      );
    }
    return info;
  }

  /** Labels, band, expert and stored outputs of one feature. */
  async detail(layer: number, feature: number): Promise<FeatureDetail> {
    const info = this.layerInfo(layer, feature);
    const d = this.session.description;
    const dm = this.session.downMeta;
    const label = this.session.labels.get(layer, feature);
    let outputs = null;
    let outputsNote = dm.info().note;
    if (dm.available()) {
      [outputs] = await dm.outputs(layer, [feature]);
      if (outputs.tokens.length === 0) {
        outputsNote = `no metadata for L${layer} F${feature} in ${dm.info().kind === 'jsonl' ? 'down_meta.jsonl' : 'down_meta.bin'}`;
      }
    }
    return {
      layer, feature,
      numFeatures: info.numFeatures,
      band: bandOfLayer(d.bands, layer),
      expert: expertOfFeature(info, feature),
      label: label ? { text: label.label, source: label.source } : null,
      outputs,
      outputsNote,
      hasDown: info.down !== null && d.dtypes.down !== null,
      hasGate: info.gate !== null && d.dtypes.gate !== null,
    };
  }

  /** One feature's gate or down row as f32. */
  async row(layer: number, feature: number, vector: 'gate' | 'down', signal?: AbortSignal): Promise<Float32Array> {
    const info = this.layerInfo(layer, feature);
    const d = this.session.description;
    const range = vector === 'gate' ? info.gate : info.down;
    const dtype = vector === 'gate' ? d.dtypes.gate : d.dtypes.down;
    const file = vector === 'gate' ? 'gate_vectors.bin' : 'down_features.bin';
    if (!range || !dtype) throw new Error(`${file}: no readable row for L${layer} F${feature}`);
    const r = featureRowRange(range, d.hiddenSize, dtype, feature);
    if (!r) throw new Error(`${file}: no row for L${layer} F${feature}`);
    const raw = typedRows(await this.session.sources.read(file, r.start, r.end, signal), dtype);
    const out = new Float32Array(d.hiddenSize);
    // one row: decoding it whole is cheap and lets every kernel take f32
    for (let i = 0; i < out.length; i++) out[i] = dtype === 'f32' ? raw[i] : f16(raw[i]);
    return out;
  }

  /** Full vocabulary projection of a feature's row (says = down, hears = gate). */
  async projection(
    req: { layer: number; feature: number; vector: 'down' | 'gate'; k: number }, progress: ProgressCallback, signal: AbortSignal,
  ): Promise<ProjectionResult> {
    this.layerInfo(req.layer, req.feature); // a bad request fails here, before it joins a pass
    // joined with the other projections asked for now (Says and Hears): one pass over embeddings.bin
    const res = await joinProjection(this.session, this.row(req.layer, req.feature, req.vector, signal), req.k, progress, signal, this.pool);
    const lists = [res.byDot, res.byCos, res.lowDot, res.lowCos];
    const refs = await tokenRefs(this.session, lists.flat().map((x) => x.id), signal);
    let at = 0;
    const [byDot, byCos, lowDot, lowCos] = lists.map((list) => list.map((x) => ({ ...x, ...refs[at++] })));
    return {
      byDot, byCos, lowDot, lowCos,
      bytesRead: res.bytesRead,
      cacheNote: this.session.sources.cacheProblem('embeddings.bin'),
    };
  }

  /** Most similar features by cosine of gate or down rows, in the same layer or across all layers. */
  async neighbours(
    req: { layer: number; feature: number; vector: 'down' | 'gate'; scope: 'layer' | 'all'; k: number },
    progress: ProgressCallback, signal: AbortSignal,
  ): Promise<Neighbour[]> {
    const v = await this.row(req.layer, req.feature, req.vector, signal);
    const d = this.session.description;
    const store = req.vector === 'gate' ? this.gates : this.downs;
    const dtype = req.vector === 'gate' ? d.dtypes.gate : d.dtypes.down;
    const layers = d.layers.filter((l) => l.numFeatures > 0 && (req.vector === 'gate' ? l.gate : l.down) && (req.scope === 'all' || l.layer === req.layer));
    const found: { layer: number; feature: number; cosine: number }[] = [];
    let done = 0;
    for (const l of layers) {
      signal.throwIfAborted();
      const range = req.vector === 'gate' ? l.gate! : l.down!;
      const m = await store.get(l.layer, range, l.numFeatures, dtype!, signal);
      const cos = new Float32Array(m.rows);
      cosineRows(m.data, m.dtype, m.rows, m.hidden, v, cos, m.norms);
      const self = l.layer === req.layer ? req.feature : -1; // not its own neighbour (one extra pick makes up for it)
      for (const f of topKVector(cos, req.k + (self >= 0 ? 1 : 0), 'signed')) if (f !== self) found.push({ layer: l.layer, feature: f, cosine: cos[f] });
      progress(++done, layers.length, 'Comparing features');
    }
    // NaN cosines (rows with NaN/inf) rank last; a NaN in the comparator would make the order arbitrary
    const key = (c: number) => (Number.isNaN(c) ? -Infinity : c);
    found.sort((a, b) => key(b.cosine) - key(a.cosine) || a.layer - b.layer || a.feature - b.feature);
    const top = found.slice(0, req.k);
    const outputs = await Promise.all(top.map((n) => this.session.downMeta.outputs(n.layer, [n.feature], signal)));
    return top.map((n, i) => {
      const t = outputs[i][0].tokens[0];
      return { ...n, top: t ? { id: t.id, text: t.text, raw: t.raw } : null };
    });
  }

  /** Every feature whose stored outputs list the word (any single-token spelling) or the ids, by logit. */
  sayers(query: string, progress: ProgressCallback, signal: AbortSignal): Promise<SayersResult> {
    return findSayers(this.session, this.sayerIndex, query, progress, signal);
  }

  /** LarQL's DESCRIBE entity view for a query. */
  describe(ids: number[], opts: DescribeOptions, progress: ProgressCallback, signal: AbortSignal): Promise<DescribeResult> {
    return describeEntity(this.session, this.gates, ids, opts, progress, signal);
  }
}
