import type { OpenedVindex } from '../../engine/types';
import type { VindexDescription } from '../../format/types';

/** True when two vindexes have the same layers with the same feature counts (score grids line up cell by cell). */
export function sameGridShape(a: VindexDescription, b: VindexDescription): boolean {
  return a.numLayers === b.numLayers && a.layers.every((l, i) => l.numFeatures === b.layers[i]?.numFeatures);
}

/** Features per layer: "8", or "8–24" when widths vary ("0" without features). */
export function featureWidths(d: VindexDescription): string {
  const widths = d.layers.map((l) => l.numFeatures).filter((n) => n > 0);
  if (widths.length === 0) return '0';
  const lo = Math.min(...widths);
  const hi = Math.max(...widths);
  return lo === hi ? String(lo) : `${lo}–${hi}`;
}

/** "4 layers × 8 features, H 32". */
export function shapeText(d: VindexDescription): string {
  return `${d.numLayers} layers × ${featureWidths(d)} features, H ${d.hiddenSize}`;
}

/** Notes about a pair as a whole, shown above the comparison (same vindex twice, other hidden size, …). */
export function pairNotes(a: OpenedVindex, b: OpenedVindex): string[] {
  const dA = a.description;
  const dB = b.description;
  const notes: string[] = [];
  if (a.location.key === b.location.key) notes.push('A and B are the same vindex: every similarity is 1 by construction.');
  if (dA.hiddenSize !== dB.hiddenSize) {
    notes.push(
      `Hidden sizes differ (A ${dA.hiddenSize}, B ${dB.hiddenSize}): no row or subspace of one lives in the other's space, so the similarity columns stay empty. The token view still shows both heatmaps.`,
    );
  }
  if (dA.numLayers !== dB.numLayers) notes.push(`A has ${dA.numLayers} layers, B has ${dB.numLayers}: layers are compared by number.`);
  if (dA.flavour === 'compact' || dB.flavour === 'compact') {
    notes.push(
      'Rows of a compact vindex are SVD directions (arbitrary sign, no neuron identity): row similarity means something only between versions of one vindex; subspace similarity ignores order and sign.',
    );
  }
  return notes;
}
