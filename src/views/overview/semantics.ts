// What the rows of a vindex are, in words: neurons (LarQL) or SVD directions (compact, MoE summaries).
import type { VindexDescription } from '../../format/types';

/** "direction" for SVD vindexes (compact, MoE summaries), "feature" otherwise. */
export function unitWord(d: VindexDescription, plural = false): string {
  const w = d.featureKind === 'direction' ? 'direction' : 'feature';
  return plural ? `${w}s` : w;
}

/** One line on why rank by |score| makes sense for SVD directions (their sign is arbitrary). */
export const SIGN_NOTE = 'SVD directions have arbitrary signs (−v is as valid as v): rank by |score| to treat both ends alike.';

/** What an export's rows are, recorded in its provenance. */
export function exportUnits(d: VindexDescription): string {
  return d.featureKind === 'direction'
    ? 'SVD directions (not neurons; each sign arbitrary; gate direction f and down direction f come from separate decompositions)'
    : 'features (FFN neurons)';
}

/** The vindex generation and family in a few words. */
export function generationLabel(d: VindexDescription): string {
  switch (d.flavour) {
    case 'vindex3':
      return `VINDEX3 container (index.json version ${d.version ?? '?'})`;
    case 'moe-summary':
      return "Divinci MoE summary: top SVD directions of each expert's gate_proj (gate_vectors_index.json)";
    case 'compact':
      return 'compact vindex (Divinci): top SVD directions of each layer, no layers[]';
    default:
      return `LarQL v${d.version ?? '?'}`;
  }
}

/** Why a view cannot show this vindex (null when it can). */
export function viewUnavailable(d: VindexDescription, view: 'token' | 'feature' | 'compare'): string | null {
  if (d.flavour !== 'vindex3') return null;
  const what = {
    token: 'The token view (scores of a query against every gate row)',
    feature: 'The feature view (what one feature hears and says)',
    compare: 'The comparison view (layer similarity of gate rows)',
  }[view];
  return `${what} needs a VINDEX2 vindex (index.json version 1 or 2, with gate_vectors.bin and layers[]). This is a VINDEX3 container (index.json version ${d.version ?? '?'}), another generation: its tensors live in segments/*.bin, which this explorer lists in the overview but does not decode.`;
}
