/**
 * Feature-level engine operations against expected.json and an independent float64 reading of the raw
 * files: stored outputs (down_meta.bin / .jsonl), vocabulary projections, neighbours, sayers, DESCRIBE,
 * and range errors.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { EngineApi } from '../../../src/engine/api';
import type { DescribeOptions } from '../../../src/engine/featureTypes';
import {
  VALID, cosine, dot, embeddingRows, expectClose, expectRanking, expected, layerRows, makeFixtures, noProgress, norm,
  num, openFixture, opId, parseDmet, parseJsonl, raw, vocabRaw, vocabTexts, type ParsedDmet,
} from './helpers';

beforeAll(() => makeFixtures());

const DMET_FIXTURES = VALID.filter((n) => {
  const dm = expected(n).down_meta;
  return dm !== null && dm.format === 'dmet';
});
const NO_META = ['dmet-empty', 'dmet-garbage', 'dmet-headerless', 'larql-v1', 'dmet-doc-records', 'dmet-truncated'] as const;

/** The stored outputs of every feature as this test reads them: [layer][feature] → entries or null. */
type Stored = { id: number; logit: number; text: string; raw: string | null };
function storedOutputs(name: string): { records: (Stored[] | null)[][]; cScores: (number | null)[][] } {
  const e = expected(name);
  const texts = e.tokenizer ? vocabTexts(name) : null;
  const raws = e.tokenizer ? vocabRaw(name) : null;
  const text = (id: number) => (texts ? texts[id] : `#${id}`);
  const dm = e.down_meta!;
  const records: (Stored[] | null)[][] = e.features_per_layer.map((n) => new Array(n).fill(null));
  const cScores: (number | null)[][] = e.features_per_layer.map((n) => new Array(n).fill(null));
  if (dm.format === 'jsonl') {
    for (const r of parseJsonl(new TextDecoder().decode(raw(name, dm.file)))) {
      records[r.l][r.f] = r.k.map((k) => ({ id: k.i, logit: k.s, text: k.t, raw: null }));
      cScores[r.l][r.f] = r.c;
    }
  } else if (dm.format === 'dmet') {
    const p = parseDmet(raw(name, dm.file));
    p.layers.forEach((recs, l) => recs.forEach((r, f) => {
      records[l][f] = r ? r.map((x) => ({ ...x, text: text(x.id), raw: raws ? raws[x.id] : null })) : null;
      cScores[l][f] = p.cScores[l][f];
    }));
  }
  return { records, cScores };
}

describe('down_meta: stored outputs', () => {
  it.each(DMET_FIXTURES)('%s: this test\'s DMET parse equals expected.json (bit-exact)', (name) => {
    const dm = expected(name).down_meta;
    if (!dm || dm.format !== 'dmet') throw new Error('not dmet');
    const p: ParsedDmet = parseDmet(raw(name, 'down_meta.bin'));
    expect(p.topK).toBe(dm.top_k);
    expect(p.layers.map((l) => l.length)).toEqual(dm.layers.map((l) => l.nf));
    expect(dm.records.length).toBeGreaterThan(0);
    for (const r of dm.records) {
      expect(p.offsets[r.layer][r.feature]).toBe(r.offset);
      expect(p.cScores[r.layer][r.feature]).toBe(r.empty ? null : r.c_score);
      const entries = r.top_k.filter(([id, logit]) => !(id === 0 && logit === 0)).map(([id, logit]) => ({ id, logit }));
      expect(entries.length).toBe(r.top_k.length - r.padding_entries);
      expect(p.layers[r.layer][r.feature]).toEqual(r.empty ? null : entries);
      if (!r.empty) expect(r.top_token_id).toBe(r.top_k[0][0]);
    }
  });

  it.each([...DMET_FIXTURES, 'jsonl'])('%s: tokenOutputs and feature() give every stored record', async (name) => {
    const e = expected(name);
    const { engine, key, opened } = await openFixture(name);
    const { records, cScores } = storedOutputs(name);
    let nonEmpty = 0;
    for (let l = 0; l < e.num_layers; l++) {
      const n = e.features_per_layer[l];
      if (n === 0) continue;
      const features = Array.from({ length: n }, (_, f) => f);
      const got = await engine.tokenOutputs(key, l, features);
      expect(got.map((g) => g.feature)).toEqual(features);
      for (const f of features) {
        const want = records[l][f];
        expect(got[f].tokens, `${name} L${l} F${f}`).toEqual(want ?? []);
        expect(got[f].cScore, `${name} L${l} F${f} c_score`).toBe(want ? cScores[l][f] : null);
        if (want) {
          nonEmpty++;
          // c_score is the logit of the first entry
          expect(got[f].cScore).toBe(want[0].logit);
        }
      }
    }
    expect(nonEmpty).toBeGreaterThan(0);
    // feature() carries the same outputs; an empty record says so, naming the file
    const dm = e.down_meta!;
    const samples = dm.format === 'dmet' ? dm.records.map((r) => [r.layer, r.feature] as const) : dm.format === 'jsonl' ? dm.records.map((r) => [r.l, r.f] as const) : [];
    for (const [l, f] of samples) {
      const d = await engine.feature(key, l, f);
      if (records[l][f]) {
        expect(d.outputs?.tokens).toEqual(records[l][f]);
      } else {
        expect(d.outputs?.tokens).toEqual([]);
        expect(d.outputsNote).toContain(`L${l} F${f}`);
        expect(d.outputsNote).toContain(dm.file);
      }
      expect(d.hasDown).toBe(true);
      expect(d.hasGate).toBe(true);
      expect(d.numFeatures).toBe(e.features_per_layer[l]);
    }
    if (name === 'jsonl') expect(opened.downMeta.note).toBeNull();
  });

  it('dmet-k-mismatch: the header K (6) is used, index.json down_top_k (4) is reported; layer 1 has no records', async () => {
    const e = expected('dmet-k-mismatch');
    const dm = e.down_meta!;
    if (dm.format !== 'dmet') throw new Error('not dmet');
    expect(dm.top_k).not.toBe(e.down_top_k);
    const { engine, key, opened } = await openFixture('dmet-k-mismatch');
    expect(opened.downMeta.topK).toBe(dm.top_k);
    expect(opened.downMeta.note).toContain(String(dm.top_k));
    expect(opened.downMeta.note).toContain(String(e.down_top_k));
    const full = dm.records.find((r) => r.padding_entries === 0 && !r.empty)!;
    const [out] = await engine.tokenOutputs(key, full.layer, [full.feature]);
    expect(out.tokens.length).toBe(dm.top_k);
    const padded = dm.records.find((r) => r.padding_entries > 0 && !r.empty)!;
    const [out2] = await engine.tokenOutputs(key, padded.layer, [padded.feature]);
    expect(out2.tokens.map((t) => [t.id, t.logit])).toEqual(padded.top_k.slice(0, dm.top_k - padded.padding_entries));
    expect(dm.layers[1].nf).toBe(0);
    const layer1 = await engine.tokenOutputs(key, 1, [0, 7]);
    expect(layer1).toEqual([{ feature: 0, tokens: [], cScore: null }, { feature: 7, tokens: [], cScore: null }]);
    expect((await engine.feature(key, 1, 0)).outputsNote).toContain('L1 F0');
  });

  it('jsonl: token strings come inline (no tokenizer needed)', async () => {
    const e = expected('jsonl');
    const dm = e.down_meta!;
    if (dm.format !== 'jsonl') throw new Error('not jsonl');
    expect(e.tokenizer).toBeNull();
    const { engine, key, opened } = await openFixture('jsonl');
    expect(opened.downMeta).toMatchObject({ kind: 'jsonl', topK: dm.top_k });
    for (const r of dm.records) {
      const [out] = await engine.tokenOutputs(key, r.l, [r.f]);
      expect(out.tokens).toEqual(r.k.map((k) => ({ id: k.i, logit: k.s, text: k.t, raw: null })));
      expect(out.tokens[0].text).toBe(`tok${r.i}`);
      expect(out.cScore).toBe(r.c);
    }
  });

  it.each(NO_META)('%s: no usable metadata is said visibly, and features still work', async (name) => {
    const e = expected(name);
    const { engine, key, opened } = await openFixture(name);
    const dm = e.down_meta;
    const kind = dm === null ? 'absent' : dm.format === 'empty' ? 'empty' : 'unrecognised';
    expect(opened.downMeta.kind).toBe(kind);
    expect(opened.downMeta.topK).toBeNull();
    if (dm !== null) {
      expect(opened.downMeta.note).toContain('down_meta.bin');
      expect(opened.downMeta.note).toContain(kind);
      expect(opened.downMeta.note).toMatch(/computed projections/);
      expect(opened.notices).toContain(opened.downMeta.note);
    }
    const d = await engine.feature(key, 0, 1);
    expect(d).toMatchObject({ layer: 0, feature: 1, numFeatures: e.features_per_layer[0], outputs: null, hasDown: true, hasGate: true });
    expect(d.outputsNote).toBe(opened.downMeta.note);
    expect(await engine.tokenOutputs(key, 0, [0, 1])).toEqual([{ feature: 0, tokens: [], cScore: null }, { feature: 1, tokens: [], cScore: null }]);
    // nothing to search or describe: both say why
    await expect(engine.sayers(key, opId('say'), '#3', noProgress)).rejects.toThrow(dm ? /down_meta\.bin/ : /down_meta/);
    await expect(engine.describe(key, opId('desc'), [3], { perLayer: 5, minScore: 0, cleanAt: 20, moderateAt: 10 }, noProgress)).rejects.toThrow(/down_meta/);
  });
});

describe('projections (down = says, gate = hears)', () => {
  it.each(VALID)('%s: expected.projections, top-10 ids and values by dot and cos', async (name) => {
    const e = expected(name);
    const { engine, key } = await openFixture(name);
    const E = embeddingRows(name);
    const rows = { gate: layerRows(name, 'gate'), down: layerRows(name, 'down') };
    const maxE = Math.max(...E.map(norm));
    expect(e.projections.length).toBeGreaterThan(0);
    for (const p of e.projections) {
      const v = rows[p.of][p.layer]![p.feature];
      expect(v.every(Number.isFinite)).toBe(true);
      // this test's own float64 projection reproduces expected.json (checks the reference itself)
      const dots = E.map((t) => dot(t, v));
      const coss = E.map((t) => cosine(t, v));
      const order = (xs: number[]) => xs.map((_, i) => i).sort((a, b) => xs[b] - xs[a] || a - b).slice(0, 10);
      expect(order(dots)).toEqual(p.dot.ids);
      expect(order(coss)).toEqual(p.cos.ids);

      const got = await engine.projection(key, opId('proj'), { layer: p.layer, feature: p.feature, vector: p.of, k: 10 }, noProgress);
      const what = `${name} L${p.layer} F${p.feature} ${p.of}`;
      const tolDot = 1e-5 * maxE * norm(v);
      for (const [list, want, all, tol] of [[got.byDot, p.dot, dots, tolDot], [got.byCos, p.cos, coss, 1e-5]] as const) {
        expectRanking(list.map((h) => h.id), want.ids, (a, b) => a === b, (id) => all[id], (id) => all[id], tol, what);
        list.forEach((h, i) => expectClose(h.score, all[h.id], tol, `${what} #${i}`));
        want.values.forEach((w, i) => expect(Math.abs(w - all[want.ids[i]])).toBeLessThanOrEqual(1e-12 * (1 + Math.abs(w))));
      }
      expect(got.bytesRead).toBe(e.embeddings.bytes);
      if (!e.tokenizer) expect(got.byDot.map((h) => h.text)).toEqual(got.byDot.map((h) => `#${h.id}`));
    }
  });

  it.each(DMET_FIXTURES)('%s: the computed projection of a down row agrees with its stored record', async (name) => {
    const dm = expected(name).down_meta;
    if (!dm || dm.format !== 'dmet') throw new Error('not dmet');
    const { engine, key } = await openFixture(name);
    const matching = dm.records.filter((r) => r.matches_projection);
    expect(matching.length).toBeGreaterThan(0);
    for (const r of matching) {
      const got = await engine.projection(key, opId('proj'), { layer: r.layer, feature: r.feature, vector: 'down', k: dm.top_k }, noProgress);
      const stored = r.top_k.filter(([id, logit]) => !(id === 0 && logit === 0));
      const what = `${name} L${r.layer} F${r.feature}`;
      expectRanking(got.byDot.map((h) => h.id), stored.map(([id]) => id), (a, b) => a === b,
        (id) => stored.find(([s]) => s === id)?.[1] ?? NaN, (id) => stored.find(([s]) => s === id)![1], 1e-5, what);
      got.byDot.forEach((h, i) => expect(Math.abs(h.score - stored[i][1]), `${what} #${i}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(stored[i][1]))));
      expect(got.byDot[0].score).toBeCloseTo(r.c_score, 5);
    }
  });
});

/** Neighbours by float64 cosine of the raw rows: best first, NaN last, ties by lower layer then feature, self excluded. */
function referenceNeighbours(
  name: string, vector: 'gate' | 'down', layer: number, feature: number, scope: 'layer' | 'all', k: number,
): { layer: number; feature: number; cosine: number }[] {
  const rows = layerRows(name, vector);
  const v = rows[layer]![feature];
  const all: { layer: number; feature: number; cosine: number }[] = [];
  rows.forEach((rs, l) => {
    if (!rs || (scope === 'layer' && l !== layer)) return;
    rs.forEach((r, f) => {
      if (l !== layer || f !== feature) all.push({ layer: l, feature: f, cosine: cosine(r, v) });
    });
  });
  const key = (c: number) => (Number.isNaN(c) ? -Infinity : c);
  all.sort((a, b) => {
    const an = Number.isNaN(a.cosine), bn = Number.isNaN(b.cosine);
    if (an !== bn) return an ? 1 : -1;
    return key(b.cosine) - key(a.cosine) || a.layer - b.layer || a.feature - b.feature;
  });
  return all.slice(0, k);
}

describe('neighbours: cosine of gate or down rows', () => {
  const cases: [string, 'gate' | 'down', number, number, 'layer' | 'all', number][] = [
    ['larql-v2-f32', 'gate', 0, 5, 'all', 10], // its byte copy L2 F0 has cosine 1
    ['larql-v2-f32', 'gate', 1, 0, 'all', 10], // layer 1 holds a NaN row and a +inf row
    ['larql-v2-f32', 'gate', 1, 0, 'layer', 11], // every other row of layer 1: the two non-finite ones last
    ['larql-v2-f32', 'down', 3, 11, 'all', 10],
    ['larql-v2-f16', 'gate', 0, 0, 'all', 10], // the f16 edge-case row (subnormals, -0, 2048, 60000)
    ['larql-v2-f16', 'gate', 2, 4, 'layer', 5],
    ['widths', 'gate', 4, 2, 'all', 100], // k beyond the 25 other features; two empty layers
    ['widths', 'down', 1, 0, 'layer', 4],
    ['compact', 'down', 3, 15, 'all', 10], // f16 down rows
    ['moe', 'gate', 2, 7, 'all', 10],
    ['gate-f32-declared-f16', 'gate', 1, 3, 'all', 10],
  ];
  it.each(cases)('%s %s L%i F%i scope %s k %i', async (name, vector, layer, feature, scope, k) => {
    const { engine, key } = await openFixture(name);
    const got = await engine.neighbours(key, opId('nb'), { layer, feature, vector, scope, k }, noProgress);
    const want = referenceNeighbours(name, vector, layer, feature, scope, k);
    const cell = new Map(referenceNeighbours(name, vector, layer, feature, scope, 1e9).map((n) => [`${n.layer}:${n.feature}`, n.cosine]));
    expectRanking(got, want, (a, b) => a.layer === b.layer && a.feature === b.feature,
      (g) => cell.get(`${g.layer}:${g.feature}`) ?? NaN, (w) => w.cosine, 1e-5, `${name} ${vector} L${layer} F${feature}`);
    got.forEach((n) => expectClose(n.cosine, cell.get(`${n.layer}:${n.feature}`)!, 1e-5, `L${n.layer} F${n.feature}`));
    if (name === 'larql-v2-f32' && vector === 'gate' && layer === 0 && feature === 5) {
      expect(got[0]).toMatchObject({ layer: 2, feature: 0 });
      expect(got[0].cosine).toBeCloseTo(1, 6);
    }
  });

  it('the top output token of each neighbour comes from down_meta', async () => {
    const texts = vocabTexts('larql-v2-f32');
    const { records } = storedOutputs('larql-v2-f32');
    const { engine, key } = await openFixture('larql-v2-f32');
    const got = await engine.neighbours(key, opId('nb'), { layer: 2, feature: 3, vector: 'down', scope: 'all', k: 8 }, noProgress);
    expect(got.length).toBe(8);
    for (const n of got) expect(n.top?.text ?? null).toBe(records[n.layer][n.feature] ? texts[records[n.layer][n.feature]![0].id] : null);
  });
});

describe('sayers: which features list a token', () => {
  it.each([...DMET_FIXTURES, 'jsonl'])('%s: every token id equals a brute-force scan of the stored records', async (name) => {
    const e = expected(name);
    const { records } = storedOutputs(name);
    const { engine, key } = await openFixture(name);
    let found = 0;
    for (let t = 0; t <= e.vocab_size + 2; t++) {
      const want: { layer: number; feature: number; logit: number; rank: number }[] = [];
      records.forEach((recs, layer) => recs.forEach((r, feature) => r?.forEach((x, rank) => {
        // the index keeps f32 logits: DMET logits are f32 already, jsonl ones are shortest f32 decimals
        if (x.id === t) want.push({ layer, feature, logit: Math.fround(x.logit), rank });
      })));
      want.sort((a, b) => b.logit - a.logit || a.layer - b.layer || a.feature - b.feature);
      const got = await engine.sayers(key, opId('say'), `#${t}`, noProgress);
      expect(got.searched.map((x) => [x.spelling, x.token.id, x.count]), `${name} token ${t}`).toEqual([[`#${t}`, t, want.length]]);
      expect(got.sayers.map(({ token, ...x }) => (expect(token.id).toBe(t), x)), `${name} token ${t}`).toEqual(want);
      found += want.length;
    }
    expect(found).toBeGreaterThan(0);
  });
});

/** DESCRIBE as src/engine/describe.ts documents it (server flavour), computed here from float64 dot scores. */
function referenceDescribe(ids: number[], opts: DescribeOptions) {
  const name = 'larql-v2-f32';
  const e = expected(name);
  const E = embeddingRows(name);
  const gates = layerRows(name, 'gate');
  const texts = vocabTexts(name);
  const { records } = storedOutputs(name);
  const q = Array.from({ length: e.hidden_size }, (_, h) => ids.reduce((a, id) => a + e.embed_scale * E[id][h], 0) / ids.length);
  const entity = ids.map((id) => texts[id]).join('').trim().toLowerCase();
  // the stop words of describe.ts that occur in this fixture's vocabulary with 3+ letters
  const stop = new Set(['the']);
  const content = (t: string) => t.length >= 3 && t.length <= 25 && [...t].filter((c) => /\p{L}/u.test(c)).length / t.length >= 0.75 && !stop.has(t.toLowerCase());
  const bandOf = (l: number) => (['syntax', 'knowledge', 'output'] as const).find((b) => l >= e.layer_bands![b][0] && l <= e.layer_bands![b][1]) ?? null;
  const hits: { layer: number; feature: number; score: number }[] = [];
  gates.forEach((rs, layer) => {
    if (!rs) return;
    const scores = rs.map((g) => dot(g, q));
    // top perLayer by |score|; non-finite scores rank last (VINDEX-FORMAT: "ranked last"); ties by lower feature
    const order = scores.map((_, f) => f).sort((a, b) => {
      const fa = Number.isFinite(scores[a]), fb = Number.isFinite(scores[b]);
      if (fa !== fb) return fa ? -1 : 1;
      return (fa ? Math.abs(scores[b]) - Math.abs(scores[a]) : 0) || a - b;
    });
    for (const f of order.slice(0, opts.perLayer)) if (Number.isFinite(scores[f]) && scores[f] >= opts.minScore) hits.push({ layer, feature: f, score: scores[f] });
  });
  const merged = new Map<string, { token: string; score: number; layer: number; feature: number; band: string | null; also: { layer: number; feature: number; score: number }[] }>();
  const excluded: string[] = [];
  for (const h of hits) {
    const r = records[h.layer][h.feature];
    const exact = r ? texts[r[0].id] : '';
    const top = exact.trim();
    if (!top || !content(top) || top.toLowerCase() === entity) {
      excluded.push(top);
      continue;
    }
    const k = top.toLowerCase();
    const prev = merged.get(k);
    if (!prev) merged.set(k, { token: exact, ...h, band: bandOf(h.layer), also: [] });
    else if (h.score > prev.score) merged.set(k, { token: exact, ...h, band: bandOf(h.layer), also: [...prev.also, { layer: prev.layer, feature: prev.feature, score: prev.score }] });
    else prev.also.push(h);
  }
  const edges = [...merged.values()].sort((a, b) => b.score - a.score || a.layer - b.layer || a.feature - b.feature);
  const maxScore = edges.length ? edges[0].score : NaN;
  const signal = maxScore >= opts.cleanAt ? 'clean' : maxScore >= opts.moderateAt ? 'moderate' : 'diffuse';
  return { edges, maxScore, signal, excluded, hits };
}

describe('describe (LarQL DESCRIBE, server flavour)', () => {
  async function check(engine: EngineApi, key: string, ids: number[], opts: DescribeOptions) {
    const want = referenceDescribe(ids, opts);
    const got = await engine.describe(key, opId('desc'), ids, opts, noProgress);
    const byPlace = (xs: { layer: number; feature: number }[]) => xs.map((x) => `${x.layer}:${x.feature}`).sort();
    expect(got.edges.map((x) => [x.token.text, x.layer, x.feature, x.band])).toEqual(want.edges.map((x) => [x.token, x.layer, x.feature, x.band]));
    got.edges.forEach((x, i) => {
      expect(x.score).toBeCloseTo(want.edges[i].score, 4);
      expect(byPlace(x.also), x.token.text).toEqual(byPlace(want.edges[i].also));
    });
    expect(got.signal).toBe(want.signal);
    if (Number.isNaN(want.maxScore)) expect(got.maxScore).toBeNaN();
    else expect(got.maxScore).toBeCloseTo(want.maxScore, 4);
    // the strongest hit before the filters: the largest finite signed score among each layer's top perLayer by |dot|
    const strongest = want.hits.length ? Math.max(...want.hits.map((h) => h.score)) : null;
    if (strongest !== null) expect(got.strongest!.score).toBeGreaterThanOrEqual(strongest - 1e-4);
    return want;
  }

  it('larql-v2-f32 "Paris": hand-checkable edges, merges and exclusions', async () => {
    // the reference's dot scores are expected.json's (single-Paris)
    const q = expected('larql-v2-f32').queries.find((x) => x.name === 'single-Paris')!;
    const { engine, key } = await openFixture('larql-v2-f32');
    const opts = { perLayer: 5, minScore: 1, cleanAt: 2.7, moderateAt: 1.5 };
    const want = await check(engine, key, q.ids, opts);
    for (const h of want.hits) expect(h.score).toBeCloseTo(num(q.dot.scores[h.layer]![h.feature]), 9);
    // what a reader checks by hand: blue merges three places (best L2 F7), short tokens ("l", "f", "Fr") are
    // dropped, the +inf cell L1 F3 ranks last and so never displaces L1 F11 from layer 1's top 5
    expect(want.edges.map((x) => x.token.trim())).toEqual(['blue', 'king', 'red', 'France', 'Franc']);
    expect(want.edges[0]).toMatchObject({ layer: 2, feature: 7, band: 'knowledge' });
    expect(want.edges[0].also.map((x) => `${x.layer}:${x.feature}`).sort()).toEqual(['1:11', '3:1']);
    expect(want.excluded.sort()).toEqual(['Fr', 'f', 'l']);
    expect(want.signal).toBe('clean');
  });

  it('larql-v2-f32 "cat": the entity itself is not an edge; defaults give no edges on this tiny fixture', async () => {
    const { engine, key } = await openFixture('larql-v2-f32');
    const want = await check(engine, key, [43], { perLayer: 6, minScore: 0.5, cleanAt: 20, moderateAt: 1 });
    expect(want.edges.length).toBeGreaterThan(1);
    const none = await check(engine, key, [43], { perLayer: 20, minScore: 5, cleanAt: 20, moderateAt: 10 });
    expect(none).toMatchObject({ edges: [], signal: 'diffuse' });
    expect(none.maxScore).toBeNaN();
    // no edge, yet something was scored: DESCRIBE names the strongest hit instead of "max 0"
    const got = await engine.describe(key, opId('desc'), [43], { perLayer: 20, minScore: 5, cleanAt: 20, moderateAt: 10 }, noProgress);
    expect(got.strongest).not.toBeNull();
    expect(Number.isFinite(got.strongest!.score)).toBe(true);
  });
});

describe('range errors', () => {
  it('feature(), projection() and neighbours() reject out-of-range layers and features naming the range', async () => {
    const { engine, key } = await openFixture('widths');
    const e = expected('widths');
    const L = e.num_layers;
    await expect(engine.feature(key, L, 0)).rejects.toThrow(`0–${L - 1}`);
    await expect(engine.feature(key, -1, 0)).rejects.toThrow(`${L} layers`);
    await expect(engine.feature(key, 0.5, 0)).rejects.toThrow(/out of range/);
    await expect(engine.feature(key, 1, e.features_per_layer[1])).rejects.toThrow(`0–${e.features_per_layer[1] - 1}`);
    await expect(engine.feature(key, 4, -1)).rejects.toThrow(`0–${e.features_per_layer[4] - 1}`);
    await expect(engine.feature(key, 2, 0)).rejects.toThrow(/Layer 2 has no features/);
    await expect(engine.feature(key, 3, 0)).rejects.toThrow(/Layer 3 has no features/);
    await expect(engine.projection(key, opId('p'), { layer: 0, feature: 8, vector: 'down', k: 5 }, noProgress)).rejects.toThrow('0–7');
    await expect(engine.neighbours(key, opId('n'), { layer: 9, feature: 0, vector: 'gate', scope: 'all', k: 5 }, noProgress)).rejects.toThrow(`0–${L - 1}`);
  });
});
