import { bandOfLayer } from '../format/layerBands';
import { topKVector } from '../compute/topK';
import type { Session } from './session';
import type { MatrixStore } from './matrixStore';
import { scoreLayers } from './scoring';
import { tokenRefs } from './tokens';
import type { ProgressCallback } from './api';
import type { DescribeEdge, DescribeOptions, DescribeResult } from './featureTypes';

/** English stop words excluded from DESCRIBE edges (LarQL's server flavour filters function words). */
const STOP_WORDS = new Set(
  ('the of and to in is was for that with as on by at from his her its are were be been this which or an not but ' +
    'they their have has had he she it we you i me my our your them him who whom what when where why how all any ' +
    'can could would should will shall may might must do does did done there here than then also into onto about ' +
    'over under more most some such only other these those very just out up down off each both few own same so too')
    .split(' '),
);

/** True for a content word: 3–25 characters, mostly letters, not a stop word. */
export function isContentWord(token: string): boolean {
  const t = token.trim();
  if (t.length < 3 || t.length > 25) return false;
  const letters = [...t].filter((c) => /\p{L}/u.test(c)).length;
  if (letters / [...t].length < 0.75) return false;
  return !STOP_WORDS.has(t.toLowerCase());
}

/**
 * LarQL's DESCRIBE (server flavour): dot scores of the entity's query vector against every gate row;
 * top `perLayer` per layer by |dot|; keep hits whose signed score ≥ minScore and whose top output token
 * is a content word other than the entity; merge by lower-cased token keeping the best score and its
 * place; sort by score; band of the best layer; signal clean (max ≥ cleanAt) / moderate / diffuse.
 */
export async function describeEntity(
  session: Session, gates: MatrixStore, ids: number[], opts: DescribeOptions, progress: ProgressCallback, signal: AbortSignal,
): Promise<DescribeResult> {
  const dm = session.downMeta;
  if (!dm.available()) throw new Error(`DESCRIBE needs stored outputs: ${dm.info().note ?? 'no down_meta'}`);
  const hits: { layer: number; feature: number; score: number }[] = [];
  let strongest: { layer: number; feature: number; score: number } | null = null;
  await scoreLayers(
    session, gates, ids, 'dot',
    {
      layer: (layer, scores) => {
        if (!scores) return;
        // NaN/±inf scores rank last and are never hits (compute/topK would rank ±inf first by |score|)
        const finite = scores.map((s) => (Number.isFinite(s) ? s : NaN));
        for (const f of topKVector(finite, opts.perLayer, 'abs')) {
          if (finite[f] >= opts.minScore) hits.push({ layer, feature: f, score: scores[f] });
          if (finite[f] > (strongest?.score ?? -Infinity)) strongest = { layer, feature: f, score: finite[f] };
        }
      },
      progress,
    },
    signal,
  );
  // exact token texts keep their spaces, so " New" + " York" rejoins as "new york"
  const entity = (await tokenRefs(session, ids, signal)).map((t) => t.text).join('').trim().toLowerCase();
  const entityWords = new Set(entity.split(/\s+/));
  const merged = new Map<string, DescribeEdge>();
  for (const h of hits) {
    const [out] = await dm.outputs(h.layer, [h.feature], signal);
    const first = out.tokens[0];
    const top = first?.text.trim();
    if (!top || !isContentWord(top) || top.toLowerCase() === entity || entityWords.has(top.toLowerCase())) continue;
    const token = { id: first.id, text: first.text, raw: first.raw };
    const key = top.toLowerCase();
    const prev = merged.get(key);
    const band = bandOfLayer(session.description.bands, h.layer);
    if (!prev) {
      merged.set(key, { token, score: h.score, layer: h.layer, feature: h.feature, band, also: [] });
    } else if (h.score > prev.score) {
      merged.set(key, { token, score: h.score, layer: h.layer, feature: h.feature, band, also: [...prev.also, { layer: prev.layer, feature: prev.feature, score: prev.score }] });
    } else {
      prev.also.push(h);
    }
  }
  const edges = [...merged.values()].sort((a, b) => b.score - a.score || a.layer - b.layer || a.feature - b.feature);
  // With no edge there is no maximum edge score (NaN, not 0): the UI then names the strongest hit instead.
  const maxScore = edges.length ? edges[0].score : NaN;
  const signalKind = maxScore >= opts.cleanAt ? 'clean' : maxScore >= opts.moderateAt ? 'moderate' : 'diffuse';
  return { edges, signal: signalKind, maxScore, strongest };
}
