import { cosineAgainstRows } from '../compute/similarity';
import { topKVector } from '../compute/topK';
import type { FeatureOps } from './featureOps';
import type { CompareSide } from './compareLayers';
import { typedRows } from './matrixStore';
import type { FeatureMatch } from './compareTypes';

/**
 * B's counterpart of A's feature (layer, feature): the cosine with B's row of the same index, and B's
 * rows of the same layer ranked by |cos| (for SVD vindexes, whose directions have arbitrary signs and
 * order, the best |cos| is the matching direction). Reads one row of A and one layer of B.
 */
export async function matchFeature(
  opsA: FeatureOps, B: CompareSide, hiddenA: number,
  req: { layer: number; feature: number; vector: 'gate' | 'down'; k: number }, signal: AbortSignal,
): Promise<FeatureMatch> {
  const { layer, feature, vector, k } = req;
  const empty = (why: string): FeatureMatch => ({ vector, sameCos: null, best: [], why });
  const dB = B.session.description;
  if (dB.hiddenSize !== hiddenA) return empty(`hidden sizes differ (A ${hiddenA}, B ${dB.hiddenSize}): no row of B lives in A's space`);
  const info = dB.layers[layer];
  if (!info || info.numFeatures === 0) return empty(`B has no features in layer ${layer}`);
  const file = vector === 'gate' ? 'gate_vectors.bin' : 'down_features.bin';
  const range = vector === 'gate' ? info.gate : info.down;
  const dtype = vector === 'gate' ? dB.dtypes.gate : dB.dtypes.down;
  if (!range || !dtype || !B.session.sources.has(file)) return empty(`B has no readable ${file} rows in layer ${layer}`);
  const v = await opsA.row(layer, feature, vector, signal);
  const rows = info.numFeatures;
  const H = dB.hiddenSize;
  let data;
  if (vector === 'gate') {
    data = (await B.gates.get(layer, range, rows, dtype, signal)).data;
  } else {
    const bytes = await B.session.sources.read(file, range.start, range.end, signal);
    if (bytes.byteLength !== range.end - range.start) throw new Error(`${file}: layer ${layer} of B needs ${range.end - range.start} bytes, got ${bytes.byteLength}`);
    data = typedRows(bytes, dtype);
  }
  const cos = cosineAgainstRows(data, dtype, rows, H, v);
  return {
    vector,
    sameCos: feature < rows ? cos[feature] : null,
    best: topKVector(cos, k, 'abs').map((f) => ({ feature: f, cos: cos[f] })),
    why: null,
  };
}
