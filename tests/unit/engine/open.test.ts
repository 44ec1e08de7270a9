/**
 * engine.open on every generated fixture: the normalised description against expected.json, labels,
 * model card, tokenizer encode/decode, and the broken fixtures' errors.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine';
import {
  BROKEN, OUT, SHAPES, VALID, expected, halfToNumber, localLocation, makeFixtures, noProgress, num, openFixture, opId, raw, scoreGrid,
} from './helpers';

beforeAll(() => makeFixtures());

/** The error a promise rejects with (fails the test when it resolves). */
async function rejection(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected the promise to reject, it resolved');
}

describe('fixture list', () => {
  it('covers every fixture the generator writes', () => {
    const list = JSON.parse(readFileSync(join(OUT, 'fixtures.json'), 'utf8')) as { fixtures: { name: string; group: string }[] };
    expect(list.fixtures.filter((f) => f.group === 'valid').map((f) => f.name).sort()).toEqual([...VALID].sort());
    expect(list.fixtures.filter((f) => f.group === 'broken').map((f) => f.name).sort()).toEqual([...BROKEN].sort());
    expect(list.fixtures.filter((f) => f.group === 'shape').map((f) => f.name).sort()).toEqual([...SHAPES].sort());
    expect(list.fixtures.length).toBe(VALID.length + BROKEN.length + SHAPES.length);
  });
});

describe('engine.open: description', () => {
  it.each(VALID)('%s', async (name) => {
    const e = expected(name);
    const { opened } = await openFixture(name);
    const d = opened.description;
    expect(d.flavour).toBe(e.index_family === 'compact' || e.index_family === 'moe-summary' ? e.index_family : 'larql');
    // compact and MoE summary vindexes hold SVD directions, not neurons
    expect(d.featureKind).toBe(e.index_family === 'compact' || e.index_family === 'moe-summary' ? 'direction' : 'neuron');
    if (e.index_family === 'larql-v1') expect(d.version).toBe(1);
    if (e.index_family === 'larql-v2') expect(d.version).toBe(2);
    expect(d.model).toBe(e.model);
    expect(d.numLayers).toBe(e.num_layers);
    expect(d.hiddenSize).toBe(e.hidden_size);
    expect(d.vocabSize).toBe(e.vocab_size);
    expect(d.embedScale).toBe(e.embed_scale);
    expect(d.downTopK).toBe(e.down_top_k);
    expect(d.declaredDtype).toBe(e.declared_dtype);
    expect(d.layers.map((l) => l.numFeatures)).toEqual(e.features_per_layer);
    expect(d.layers.map((l) => l.layer)).toEqual(e.features_per_layer.map((_, i) => i));

    // byte ranges of gate and down, per layer (null for layers without features)
    expect(d.layers.map((l) => l.gate)).toEqual(e.gate.layers.map((r) => (r ? { start: r.start, end: r.end } : null)));
    expect(d.layers.map((l) => l.down)).toEqual(e.down_features.layers.map((r) => (r ? { start: r.start, end: r.end } : null)));
    for (const r of [...e.gate.layers, ...e.down_features.layers]) if (r) expect(d.layers[r.layer].numFeatures).toBe(r.num_features);

    // dtypes from sizes (gate-f32-declared-f16 declares f16 but its gate is f32)
    expect(d.dtypes.gate).toBe(e.gate.dtype);
    expect(d.dtypes.down).toBe(e.down_features.dtype);
    expect(d.dtypes.embeddings).toBe(e.embeddings.dtype);
    expect(d.dtypes.up).toBeNull();
    expect(e.files['embeddings.bin'].bytes).toBe(e.embeddings.bytes);
    expect(e.embeddings.bytes).toBe(e.vocab_size * e.embeddings.row_bytes);
    expect(e.embeddings.row_bytes).toBe(e.hidden_size * (d.dtypes.embeddings === 'f16' ? 2 : 4));

    // every file but expected.json, with size and detected dtype
    expect(opened.files.map((f) => f.name)).toEqual(Object.keys(e.files).sort((a, b) => a.localeCompare(b)));
    for (const f of opened.files) {
      expect(f.size, f.name).toBe(e.files[f.name].bytes);
      expect(f.dtype, f.name).toBe(e.files[f.name].dtype ?? null);
    }

    // bands: index.json's own, else (all fixtures have L < 8 and no family-table entry) a single band
    expect(e.num_layers).toBeLessThan(8);
    expect(d.bands).toEqual(e.layer_bands);
    expect(d.bandsSource).toBe(e.layer_bands ? 'index.json' : 'single band');

    // MoE experts
    const experts = d.layers.map((l) =>
      l.numExperts === undefined ? null : { layer: l.layer, num_experts: l.numExperts, features_per_expert: l.featuresPerExpert },
    );
    expect(experts).toEqual(e.experts ?? e.features_per_layer.map(() => null));

    // down_meta status
    const dm = e.down_meta;
    const kind = dm === null ? 'absent' : dm.format === 'dmet' ? 'dmet' : dm.format === 'jsonl' ? 'jsonl' : dm.format === 'empty' ? 'empty' : 'unrecognised';
    expect(opened.downMeta.kind).toBe(kind);
    if (dm && dm.format === 'dmet') expect(opened.downMeta.topK).toBe(dm.top_k);
    if (dm && dm.format === 'jsonl') expect(opened.downMeta.topK).toBe(dm.top_k);

    // tokenizer
    expect(opened.tokenizer.kind).toBe(e.tokenizer ? 'vindex' : 'none');
    expect(opened.location.kind).toBe('local');
    expect(opened.location.src).toMatch(new RegExp(`^local:${e.model.replace('/', '\\/')}:[0-9a-f]{12}$`));
    expect(opened.problems).toEqual([]);
  });

  it('larql-v2-f32: labels (probe wins over cluster) and the model card', async () => {
    const e = expected('larql-v2-f32');
    const { engine, key, opened } = await openFixture('larql-v2-f32');
    expect(opened.labelCount).toBe(Object.keys(e.labels!).length);
    for (const [k, want] of Object.entries(e.labels!)) {
      const [, l, f] = /^L(\d+)_F(\d+)$/.exec(k)!.map(Number);
      const got = await engine.feature(key, l, f);
      expect(got.label, k).toEqual({ text: want.label, source: want.from === 'feature_labels' ? 'probe' : 'cluster' });
    }
    expect((await engine.feature(key, 0, 0)).label).toBeNull();
    const extras = await engine.extras(key);
    expect(extras.modelCard?.baseModel).toBe(e.model_card!.base_model);
    expect(extras.modelCard?.license).toBe(e.model_card!.license);
  });

  it('moe: every top-list entry carries expert = floor(feature / per_expert)', async () => {
    const e = expected('moe');
    const { engine, key } = await openFixture('moe');
    let checked = 0;
    for (const q of e.queries) {
      for (const m of ['cos', 'dot'] as const) {
        for (const h of [...q[m].top_signed, ...q[m].top_abs]) {
          expect(h.expert, `${q.name} ${m} L${h.layer} F${h.feature}`).toBe(Math.floor(h.feature / 5));
          expect((await engine.feature(key, h.layer, h.feature)).expert).toBe(h.expert);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(0);
  });
});

describe('engine.encode / decode', () => {
  it('larql-v2-f32: text queries keep their spaces and give the expected ids (no special tokens), texts exact', async () => {
    const e = expected('larql-v2-f32');
    const { engine, key } = await openFixture('larql-v2-f32');
    // " Paris" is the Ġ token (61), not "Paris" (34): the query is tokenized exactly as typed
    const spaced = e.tokenizer!.texts.find((t) => t.text === ' Paris')!;
    expect(spaced.ids).toEqual([61]);
    expect((await engine.encode(key, ' Paris')).tokens).toEqual([{ id: 61, text: ' Paris', raw: 'ĠParis' }]);
    const texts = [...e.tokenizer!.texts, ...e.queries.filter((q) => q.text !== undefined).map((q) => ({ text: q.text!, ids: q.ids, tokens: null }))];
    for (const t of texts) {
      const enc = await engine.encode(key, t.text);
      expect(enc.tokens.map((x) => x.id), t.text).toEqual(t.ids);
      expect(enc.skipped).toEqual([]);
      if (t.tokens) {
        expect(enc.tokens.map((x) => x.raw)).toEqual(t.tokens);
        expect(enc.tokens.map((x) => x.text)).toEqual(t.tokens.map((s) => s.replace(/Ġ/g, ' ')));
      }
    }
    expect(await engine.decode(key, [34, 61, 0])).toEqual([
      { id: 34, text: 'Paris', raw: 'Paris' }, { id: 61, text: ' Paris', raw: 'ĠParis' }, { id: 0, text: '', raw: '<|endoftext|>' },
    ]);
  });

  it('id queries: ids ≥ V are skipped and reported; no tokenizer → "#id"', async () => {
    for (const name of ['larql-v2-f32', 'compact'] as const) {
      const e = expected(name);
      const { engine, key } = await openFixture(name);
      for (const q of e.queries.filter((x) => x.text === undefined)) {
        const enc = await engine.encode(key, q.ids.map((i) => `#${i}`).join(','));
        expect(enc.tokens.map((t) => t.id), `${name} ${q.name}`).toEqual(q.ids_used);
        expect(enc.skipped, `${name} ${q.name}`).toEqual(q.ids.filter((i) => i >= e.vocab_size));
        if (!e.tokenizer) expect(enc.tokens.map((t) => t.text)).toEqual(q.ids_used.map((i) => `#${i}`));
      }
      const V = e.vocab_size;
      const all = await engine.encode(key, `#${V}, #${V + 5}`);
      expect(all).toEqual({ tokens: [], skipped: [V, V + 5], tokenizer: 'token ids (no tokenizer needed)' });
      // …and a query left with no tokens cannot be scored
      const err = await rejection(scoreGrid(engine, key, all.tokens.map((t) => t.id), 'dot', e.num_layers));
      expect(err.message).toMatch(/no tokens/);
    }
  });

  it('an empty query, a malformed id, and text without a tokenizer reject with a reason', async () => {
    const { engine, key } = await openFixture('compact');
    expect((await rejection(engine.encode(key, ''))).message).toMatch(/empty/);
    expect((await rejection(engine.encode(key, '   '))).message).toMatch(/empty/);
    expect((await rejection(engine.encode(key, '#12,#x'))).message).toMatch(/#x/);
    expect((await rejection(engine.encode(key, 'Paris'))).message).toMatch(/tokenizer/);
    expect((await rejection(engine.encode('local:nope', '#1'))).message).toMatch(/local:nope/);
  });
});

describe('engine.open: broken fixtures', () => {
  const open = (name: string) =>
    createEngine().open({ location: localLocation(name), demoUrl: 'http://unused/' }, opId('open'), noProgress);

  it('bad-json rejects naming index.json', async () => {
    const err = expected('bad-json').error!;
    const e = await rejection(open('bad-json'));
    for (const m of err.mentions) expect(e.message).toContain(m);
    expect(e.message).toMatch(/JSON/);
  });

  it('not-a-vindex rejects naming index.json and what was found', async () => {
    const err = expected('not-a-vindex').error!;
    const e = await rejection(open('not-a-vindex'));
    for (const m of err.mentions) expect(e.message).toContain(m);
    expect(e.message).toContain('holiday.jpg');
  });

  it('truncated-gate opens; the cut layer is unavailable naming the file, its byte range and the file size; intact layers score', async () => {
    const err = expected('truncated-gate').error!;
    const engine = createEngine();
    const location = localLocation('truncated-gate');
    const opened = await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const p = opened.problems.find((x) => x.file === 'gate_vectors.bin');
    expect(p?.severity).toBe('error');
    for (const m of [...err.mentions, `layer ${err.layer}`, String(err.needs![0]), String(err.needs![1])]) expect(p!.message).toContain(m);
    const { grid, problems } = await scoreGrid(engine, location.key, [3], 'dot', opened.description.numLayers);
    for (const l of err.intact_layers!) expect(grid[l], `layer ${l}`).not.toBeNull();
    expect(grid[err.layer!]).toBeNull();
    expect(problems[err.layer!]).toBe(p!.message);
  });

  it('absurd-dims rejects naming index.json and the vocab size', async () => {
    const err = expected('absurd-dims').error!;
    const e = await rejection(open('absurd-dims'));
    const files = [err.file, ...(err.also_acceptable_files ?? [])];
    expect(files.some((f) => e.message.includes(f)), e.message).toBe(true);
    expect(e.message).toContain(String(err.vocab_size));
  });

  it('truncated-embeddings opens with a problem, and scoring names embeddings.bin with the numbers', async () => {
    const err = expected('truncated-embeddings').error!;
    const engine = createEngine();
    const location = localLocation('truncated-embeddings');
    const opened = await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    expect(opened.description.dtypes.embeddings).toBeNull();
    const p = opened.problems.find((x) => x.file === 'embeddings.bin');
    expect(p, JSON.stringify(opened.problems)).toBeDefined();
    const numbers = [String(err.actual_bytes), String(err.expected_bytes!.f32), String(err.expected_bytes!.f16)];
    for (const m of [...err.mentions, ...numbers]) expect(p!.message).toContain(m);
    const e = await rejection(scoreGrid(engine, location.key, [3], 'cos', opened.description.numLayers));
    for (const m of [...err.mentions, ...numbers]) expect(e.message).toContain(m);
    // a projection needs the embeddings too
    const pe = await rejection(engine.projection(location.key, opId('proj'), { layer: 0, feature: 0, vector: 'down', k: 5 }, noProgress));
    expect(pe.message).toContain('embeddings.bin');
  });

  it("this suite's own f16 decoder reproduces expected.samples from the raw gate bytes", () => {
    const e = expected('larql-v2-f16');
    expect(e.samples.length).toBe(8);
    const bytes = raw('larql-v2-f16', 'gate_vectors.bin');
    const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (const s of e.samples) {
      const r = e.gate.layers[s.layer]!;
      const bits = dv.getUint16(r.start + (s.feature * e.hidden_size + s.dim) * 2, true);
      expect(bits, `dim ${s.dim}`).toBe(s.bits);
      expect(Object.is(halfToNumber(bits), num(s.value)), `dim ${s.dim}: ${halfToNumber(bits)} vs ${s.value}`).toBe(true);
    }
    expect(halfToNumber(0x7c00)).toBe(Infinity);
    expect(halfToNumber(0xfc00)).toBe(-Infinity);
    expect(Number.isNaN(halfToNumber(0x7e00))).toBe(true);
  });

  it('num() maps the expected.json spellings', () => {
    expect(Number.isNaN(num('NaN'))).toBe(true);
    expect(num('Infinity')).toBe(Infinity);
    expect(num('-Infinity')).toBe(-Infinity);
    expect(Object.is(num('-0'), -0)).toBe(true);
    expect(num(1.5)).toBe(1.5);
  });
});
