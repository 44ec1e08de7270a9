import { parseQuery } from '../format/queryText';
import type { Session } from './session';
import type { Sayer } from './featureTypes';
import type { ProgressCallback } from './api';
import type { SayersResult } from './types';
import { tokenRefs, withTokenizer } from './tokens';
import { SharedLoads } from './sharedLoads';

/** A compressed inverted index token id → (layer, feature, logit, rank) over all stored outputs. */
interface Index {
  offsets: Uint32Array;
  layer: Uint16Array;
  feature: Uint32Array;
  logit: Float32Array;
  rank: Uint8Array;
}

/**
 * "Which features say this token": built once from down_meta (about 30 MB for a 4B model) in
 * compressed-sparse-row form, two passes over the layers so memory is just the typed arrays.
 */
export class SayerIndex {
  private built: Index | null = null;
  // why shared with reference-counted cancel: cancelling one "says" search must not fail another that
  // waits on the same index (issue 12.3); the build stops only when every search has gone.
  private readonly building = new SharedLoads<'index', Index>();
  /** Progress of the running build goes to every search waiting on it. */
  private readonly listeners = new Set<ProgressCallback>();

  constructor(private readonly session: Session) {}

  /** Features listing `tokenId`, by logit descending. */
  async lookup(tokenId: number, progress: ProgressCallback, signal: AbortSignal): Promise<Sayer[]> {
    const dm = this.session.downMeta;
    if (!dm.available()) throw new Error(dm.info().note ?? 'This vindex has no down_meta: no stored outputs to search');
    let idx = this.built;
    if (!idx) {
      this.listeners.add(progress);
      try {
        const fanOut: ProgressCallback = (d, t, l) => { for (const p of this.listeners) p(d, t, l); };
        idx = await this.building.get('index', (s) => this.build(fanOut, s), signal);
        this.built = idx;
      } finally {
        this.listeners.delete(progress);
      }
    }
    if (tokenId < 0 || tokenId + 1 >= idx.offsets.length) return [];
    const out: Sayer[] = [];
    for (let i = idx.offsets[tokenId]; i < idx.offsets[tokenId + 1]; i++) {
      out.push({ layer: idx.layer[i], feature: idx.feature[i], logit: idx.logit[i], rank: idx.rank[i] });
    }
    return out.sort((a, b) => b.logit - a.logit || a.layer - b.layer || a.feature - b.feature);
  }

  private async build(progress: ProgressCallback, signal: AbortSignal): Promise<Index> {
    const d = this.session.description;
    const V = d.vocabSize;
    const counts = new Uint32Array(V + 1);
    const layers = d.layers.map((l) => l.layer);
    const records = [];
    let step = 0;
    for (const layer of layers) {
      signal.throwIfAborted();
      const recs = await this.session.downMeta.layerRecords(layer, signal);
      records.push(recs);
      for (const r of recs) if (r) for (const e of r.entries) if (e.id < V) counts[e.id + 1]++;
      progress(++step, layers.length, 'Indexing stored outputs');
    }
    for (let t = 0; t < V; t++) counts[t + 1] += counts[t];
    const n = counts[V];
    const idx: Index = {
      offsets: counts.slice(),
      layer: new Uint16Array(n), feature: new Uint32Array(n), logit: new Float32Array(n), rank: new Uint8Array(n),
    };
    const fill = counts.slice(0, V);
    records.forEach((recs, li) => {
      recs.forEach((r, f) => {
        r?.entries.forEach((e, rank) => {
          if (e.id >= V) return;
          const at = fill[e.id]++;
          idx.layer[at] = layers[li];
          idx.feature[at] = f;
          idx.logit[at] = e.logit;
          idx.rank[at] = Math.min(rank, 255);
        });
      });
    });
    return idx;
  }
}

/**
 * "Which features say this word": "#id" (or "#1,#2") searches those ids; a word searches every
 * spelling that is one token (as typed, with and without a leading space, lower/Title/UPPER case),
 * because " France" and "France" are different tokens and a feature usually stores just one of them.
 */
export async function findSayers(
  session: Session, index: SayerIndex, query: string, progress: ProgressCallback, signal: AbortSignal,
): Promise<SayersResult> {
  const parsed = parseQuery(query);
  if (parsed.kind === 'empty') throw new Error('Type a word, or a token id such as #123');
  if (parsed.kind === 'error') throw new Error(parsed.message);
  const notSingle: string[] = [];
  let spelled: { spelling: string; id: number }[];
  if (parsed.kind === 'ids') {
    spelled = parsed.ids.map((id) => ({ spelling: `#${id}`, id }));
  } else {
    spelled = [];
    for (const v of await withTokenizer(session, (tok) => tok.variants(parsed.text), signal)) {
      if (!v.token) notSingle.push(v.spelling);
      else if (!spelled.some((s) => s.id === v.token!.id)) spelled.push({ spelling: v.spelling, id: v.token.id });
    }
  }
  const refs = await tokenRefs(session, spelled.map((s) => s.id), signal);
  const searched: SayersResult['searched'] = [];
  const sayers: SayersResult['sayers'] = [];
  for (const [i, s] of spelled.entries()) {
    const found = await index.lookup(s.id, progress, signal);
    searched.push({ spelling: s.spelling, token: refs[i], count: found.length });
    for (const f of found) sayers.push({ ...f, token: refs[i] });
  }
  sayers.sort((a, b) => b.logit - a.logit || a.layer - b.layer || a.feature - b.feature || a.token.id - b.token.id);
  return { searched, notSingle, sayers };
}
