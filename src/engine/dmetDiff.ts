import type { DownMetaRecord } from '../format/downMeta';
import type { Session } from './session';
import type { DmetDiff, DmetDiffRow } from './compareTypes';
import { tokenRefs } from './tokens';

/** LarQL DIFF's threshold: a feature is "modified" when its top token changes or c_score moves by more than this. */
export const C_SCORE_TOLERANCE = 0.01;

/** The per-feature statuses of LarQL's DIFF for one (a, b) pair of records; null = unchanged or both empty. */
export function diffStatus(
  a: DownMetaRecord | null, b: DownMetaRecord | null, sameToken: (a: DownMetaRecord, b: DownMetaRecord) => boolean,
): DmetDiffRow['status'] | null {
  if (a && b) return !sameToken(a, b) || Math.abs(a.cScore - b.cScore) > C_SCORE_TOLERANCE ? 'modified' : null;
  if (a) return 'removed';
  if (b) return 'added';
  return null;
}

function why(s: Session, side: 'A' | 'B'): string | null {
  const info = s.downMeta.info();
  return s.downMeta.available() ? null : `${side} has no usable down_meta (${info.note ?? info.kind})`;
}

/**
 * Compares the stored top token and c_score of every feature, as LarQL's DIFF does (statuses
 * modified / added / removed, in layer and feature order), reading each layer's records whole.
 * Top tokens are compared by id when both vindexes have the same vocabulary size, else by the text
 * each side's tokenizer decodes (a side without a tokenizer shows "#id").
 */
export async function dmetDiff(
  A: Session, B: Session, limit: number, progress: (done: number, total: number, label: string) => void, signal: AbortSignal,
): Promise<DmetDiff> {
  const byId = A.description.vocabSize === B.description.vocabSize;
  const counts = { compared: 0, modified: 0, added: 0, removed: 0, unchanged: 0 };
  const base: DmetDiff = { available: false, why: null, comparedBy: byId ? 'id' : 'text', counts, rows: [], truncated: false };
  const missing = why(A, 'A') ?? why(B, 'B');
  if (missing) return { ...base, why: missing };
  // exact token texts (" Paris" is not "Paris"), decoded in one batch per layer and side
  const refsOf = async (s: Session, recs: (DownMetaRecord | null)[]) => {
    const ids = recs.flatMap((r) => (r ? [r.topTokenId] : []));
    return new Map((await tokenRefs(s, ids, signal)).map((t) => [t.id, t]));
  };
  const L = Math.max(A.description.numLayers, B.description.numLayers);
  const rows: DmetDiffRow[] = [];
  for (let l = 0; l < L; l++) {
    signal.throwIfAborted();
    progress(l, L, `Comparing down_meta, layer ${l}`);
    const [ra, rb] = await Promise.all([
      l < A.description.numLayers ? A.downMeta.layerRecords(l, signal) : [],
      l < B.description.numLayers ? B.downMeta.layerRecords(l, signal) : [],
    ]);
    const [ta, tb] = await Promise.all([refsOf(A, ra), refsOf(B, rb)]);
    const sameToken = byId
      ? (a: DownMetaRecord, b: DownMetaRecord) => a.topTokenId === b.topTokenId
      : (a: DownMetaRecord, b: DownMetaRecord) => ta.get(a.topTokenId)!.text === tb.get(b.topTokenId)!.text;
    const n = Math.max(ra.length, rb.length);
    for (let f = 0; f < n; f++) {
      const a = ra[f] ?? null;
      const b = rb[f] ?? null;
      if (!a && !b) continue;
      counts.compared++;
      const status = diffStatus(a, b, sameToken);
      if (status === null) {
        counts.unchanged++;
        continue;
      }
      counts[status]++;
      if (rows.length < limit) {
        rows.push({
          layer: l, feature: f, status,
          a: a ? { ...ta.get(a.topTokenId)!, cScore: a.cScore } : null,
          b: b ? { ...tb.get(b.topTokenId)!, cScore: b.cScore } : null,
        });
      }
    }
  }
  progress(L, L, 'Compared down_meta');
  return { ...base, available: true, rows, truncated: counts.modified + counts.added + counts.removed > rows.length };
}
