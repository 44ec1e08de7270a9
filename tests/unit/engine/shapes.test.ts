/**
 * The vindex shapes published after the first reader (issue 9) and their bad input, opened by the
 * real engine: DMET variants, v1-spec provenance, a sharded gate, new file names and keys, MoE
 * summaries, VINDEX3. Expected values come from expected.json (make-fixtures) or the raw files.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../src/engine/engine';
import type { VindexLocation } from '../../../src/io/ByteSource';
import { startVindexServer, type VindexServer } from '../../server/vindexServer.mjs';
import {
  expectClose, expected, localLocation, makeFixtures, noProgress, num, openFixture, opId, raw, scoreGrid, type SliceCounter,
} from './helpers';

beforeAll(() => makeFixtures());

const open = (location: VindexLocation) => createEngine().open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);

describe('DMET variants', () => {
  it('dmet-literal-magic: a file starting "DMET" is read like "TEMD"', async () => {
    const bytes = raw('dmet-literal-magic', 'down_meta.bin');
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('DMET');
    const { engine, key, opened } = await openFixture('dmet-literal-magic');
    expect(opened.downMeta).toEqual({ kind: 'dmet', note: null, topK: 5 });
    const rec = expected('dmet-literal-magic').down_meta as { records: { layer: number; feature: number; top_k: [number, number][] }[] };
    const r = rec.records.find((x) => x.top_k[0][0] !== 0)!;
    const [out] = await engine.tokenOutputs(key, r.layer, [r.feature]);
    expect(out.tokens.map((t) => [t.id, t.logit])).toEqual(r.top_k.filter(([i, s]) => i !== 0 || s !== 0));
  });

  it.each(['dmet-doc-records', 'dmet-truncated'])('%s: rejected with a named reason and the numbers; computed projections instead', async (name) => {
    const dm = expected(name).down_meta as { mentions: string[] };
    const { engine, key, opened } = await openFixture(name);
    expect(opened.downMeta.kind).toBe('unrecognised');
    for (const m of dm.mentions) expect(opened.downMeta.note).toContain(m);
    expect(opened.downMeta.note).toMatch(/showing computed projections instead$/);
    // the vindex stays usable: a computed projection of a down row works
    const p = await engine.projection(key, opId('proj'), { layer: 0, feature: 0, vector: 'down', k: 3 }, noProgress);
    expect(p.byDot).toHaveLength(3);
  });
});

describe('newer index.json keys and file names', () => {
  it('provenance-v1-spec: every provenance value shown in full (40- and 64-hex hashes), per shard', async () => {
    const e = expected('provenance-v1-spec');
    const { opened } = await openFixture('provenance-v1-spec');
    expect(opened.description.provenance.map((r) => ({ key: r.key, value: r.value }))).toEqual(e.provenance);
    const shard = opened.description.provenance.find((r) => r.key === 'base_safetensors_sha256.model-00002-of-00002.safetensors')!;
    expect(shard.value).toMatch(/^[0-9a-f]{64}$/);
    expect(shard.note).toBe('sha256 of one source safetensors shard');
    expect(opened.description.settings.find((r) => r.key === 'vindex_spec_version')?.value).toBe('1');
  });

  it('kquant-names: quant "kquant" normalised to q4k; *_kquant.bin and *_q4k.bin listed as inference-only', async () => {
    const e = expected('kquant-names');
    const { opened } = await openFixture('kquant-names');
    expect(opened.description.quant).toBe(e.quant!.normalised);
    expect(opened.description.raw.quant).toBe(e.quant!.declared);
    expect(opened.description.settings.find((r) => r.key === 'quant')?.note).toMatch(/alias of q4k/);
    for (const [name, role] of Object.entries(e.file_roles!)) {
      const f = opened.files.find((x) => x.name === name)!;
      expect(f.used, name).toBe(role.used);
      expect(f.role, name).toMatch(name.includes('kquant') ? /K-quant/ : /inference only/);
    }
  });

  it('new-keys: settings with their meaning, dtype defaulting to f32, sub-folder files listed and classified', async () => {
    const e = expected('new-keys');
    const { opened } = await openFixture('new-keys');
    const settings = Object.fromEntries(opened.description.settings.map((r) => [r.key, r.value]));
    for (const [k, v] of Object.entries(e.settings!)) expect(settings[k], k).toBe(v);
    expect(opened.description.settings.every((r) => typeof r.note === 'string' && r.note.length > 0)).toBe(true);
    expect(opened.description.declaredDtype).toBeNull();
    expect(opened.description.dtypes.gate).toBe('f32');
    expect(opened.description.modelConfig).toMatchObject({ sliding_window: 512, rope_scaling: { rope_type: 'yarn', factor: 8 } });
    for (const [name, role] of Object.entries(e.file_roles!)) {
      const f = opened.files.find((x) => x.name === name);
      expect(f, name).toBeDefined();
      expect(f!.used, name).toBe(role.used);
      expect(f!.role, name).not.toBe('not used by the explorer');
    }
    expect(opened.files.find((f) => f.name === 'layers/layer_01.weights')!.role).toMatch(/LYRW/);
    expect(opened.files.find((f) => f.name === 'bitnet/weights.bin')!.role).toMatch(/BitNet/);
    expect(opened.problems).toEqual([]);
  });
});

describe('sharded gate (layers[].shards)', () => {
  it('reads each shard only where a layer needs it; a row across a shard boundary is joined', async () => {
    const e = expected('sharded-gate');
    const counter: SliceCounter = new Map();
    const { engine, key, opened } = await openFixture('sharded-gate', counter);
    expect(opened.files.map((f) => f.name)).not.toContain('gate_vectors.bin');
    for (const s of e.gate_shards!) expect(opened.files.find((f) => f.name === s.file)?.dtype).toBe('f16');
    expect(opened.description.gateShards!.reduce((a, p) => a + p.end - p.start, 0)).toBe(e.gate_shards!.reduce((a, s) => a + s.bytes, 0));
    // layer 1 (bytes 320–640 of the virtual gate) spans shards 1 and 2, cut at byte 427 (inside its row 3)
    const detail = await engine.feature(key, 1, 3);
    expect(detail.hasGate).toBe(true);
    counter.clear();
    const h = await engine.projection(key, opId('hears'), { layer: 1, feature: 3, vector: 'gate', k: 10 }, noProgress);
    const want = e.projections.find((p) => p.layer === 1 && p.feature === 3 && p.of === 'gate');
    if (want) expect(h.byDot.map((x) => x.id)).toEqual(want.dot.ids);
    // the row is bytes (10+3)·32 = 416 … 448 of the gate: 11 bytes from shard 1 and 21 from shard 2
    expect(counter.get(e.gate_shards![0].file)).toBe(11);
    expect(counter.get(e.gate_shards![1].file)).toBe(21);
    expect(counter.get(e.gate_shards![2].file) ?? 0).toBe(0);
  });

  it.each(['shards-gap', 'shards-overlap', 'overlapping-layers'])('%s: an alert naming the file and the bytes; embeddings and down rows stay usable', async (name) => {
    const e = expected(name);
    const location = localLocation(name);
    const engine = createEngine();
    const opened = await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const p = opened.problems.find((x) => x.file === e.error!.file && x.severity === 'error');
    expect(p, JSON.stringify(opened.problems)).toBeDefined();
    for (const m of e.error!.mentions as string[]) expect(p!.message).toContain(m);
    expect(opened.description.layers.every((l) => l.gate === null && l.gateProblem === p!.message)).toBe(true);
    const { grid, problems } = await scoreGrid(engine, location.key, [3], 'cos', opened.description.numLayers);
    expect(grid.every((r) => r === null)).toBe(true);
    expect(problems.every((x) => x === p!.message)).toBe(true);
    expect((await engine.encode(location.key, '#3')).tokens.map((t) => t.id)).toEqual([3]);
    const proj = await engine.projection(location.key, opId('p'), { layer: 0, feature: 0, vector: 'down', k: 3 }, noProgress);
    expect(proj.byDot).toHaveLength(3);
  });
});

describe('Divinci MoE summaries', () => {
  it('moe-summary: gate_vectors_index.json read as stated (offsets, shapes, var@64); directions, expert-major', async () => {
    const e = expected('moe-summary');
    const { opened } = await openFixture('moe-summary');
    const d = opened.description;
    expect(d.moeSummary).toEqual({ file: 'gate_vectors_index.json', numFeats: 3, nRoutedExperts: 4, layers: e.moe_summary!.layers });
    expect(d.layers.map((l) => l.variance ?? null)).toEqual(
      e.features_per_layer.map((_, l) => {
        const s = e.moe_summary!.layers.find((x) => x.layer === l);
        return s ? { median: s.median, q25: s.q25, q75: s.q75 } : null;
      }),
    );
    expect(d.featureKind).toBe('direction');
    expect(opened.files.find((f) => f.name === 'phase1_moe_svd.json')?.role).toMatch(/phase 1/);
  });

  it('moe-summary: the phase JSONs are shown as provenance', async () => {
    const { engine, key } = await openFixture('moe-summary');
    const extras = await engine.extras(key);
    expect(extras.jsonFiles.map((j) => j.file)).toEqual(['phase1_moe_svd.json', 'phase2_router_svd.json']);
    expect(extras.jsonFiles[0].value).toMatchObject({ phase: 1, k: 3 });
    expect(extras.modelCard?.baseModel).toBe('test/moe-base');
  });

  it('moe-summary-bad: each lie an alert naming file and numbers, nothing allocated from it, layer 1 still scores', async () => {
    const e = expected('moe-summary-bad');
    const location = localLocation('moe-summary-bad');
    const engine = createEngine();
    const opened = await engine.open({ location, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    for (const mentions of e.error!.mentions as string[][]) {
      expect(opened.problems.some((p) => p.severity === 'error' && mentions.every((m) => p.message.includes(m))), mentions.join(' · ')).toBe(true);
    }
    expect(opened.problems.some((p) => /n_routed_experts = 2147483648/.test(p.message))).toBe(true);
    expect(opened.description.layers.map((l) => l.numFeatures)).toEqual([0, 12, 12, 0, 0]);
    expect(opened.description.layers[2].gate).toBeNull();
    const q = e.queries[0];
    const { grid, problems } = await scoreGrid(engine, location.key, q.ids_used, 'dot', 5);
    expect(problems[2]).toContain('layer 2 needs bytes');
    // layer 1's bytes are as the builder wrote them: its scores match the fixture's float64 reference
    const want = q.dot.scores[1]!.map(num);
    for (let f = 0; f < want.length; f++) expectClose(grid[1]![f], want[f], 1e-4 * (1 + Math.abs(want[f])), `L1 F${f}`);
  });

  describe('a 42 GB MoE summary on the Hub opens by reading kilobytes', () => {
    let dir: string;
    let server: VindexServer;
    const GATE = 60 * 384 * 64 * 7168 * 4; // Kimi K2: 60 MoE layers × 384 experts × 64 directions × 7168 × f32
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'kimi-summary-'));
      const layers: Record<string, unknown> = {};
      for (let i = 0; i < 60; i++) layers[String(i + 1)] = { file_offset: i * 384 * 64 * 7168 * 4, shape: [384, 64, 7168], median_var64: 0.3, q25_var64: 0.2, q75_var64: 0.4 };
      writeFileSync(join(dir, 'gate_vectors_index.json'), JSON.stringify({
        num_feats: 64, layers,
        model_config: { _name_or_path: 'test/kimi-k2-summary', num_hidden_layers: 61, vocab_size: 163840, moe: { n_routed_experts: 384, hidden_size: 7168 } },
      }));
      writeFileSync(join(dir, 'gate_vectors.bin'), Buffer.alloc(16)); // the listing says 42 GB; nothing may read it at open
      writeFileSync(join(dir, 'README.md'), '---\nlicense: mit\n---\n# Kimi K2 MoE summary\n');
      server = await startVindexServer({
        hubRepos: { 'model:test/kimi-summary': { dir, sha: 'e'.repeat(40), mangle: (it) => (it.path === 'gate_vectors.bin' ? { ...it, size: 134, lfs: { oid: 'f'.repeat(64), size: GATE, pointerSize: 134 } } : it) } },
      });
    });
    afterAll(async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('describes 60 layers × 24,576 directions from the index alone; no byte of gate_vectors.bin is read', async () => {
      expect(GATE).toBeGreaterThan(42e9);
      const engine = createEngine();
      const opened = await engine.open({ src: 'hf:test/kimi-summary', endpoint: server.origin, demoUrl: 'http://unused/' }, opId('open'), noProgress);
      expect(opened.description.flavour).toBe('moe-summary');
      expect(opened.description.layers.filter((l) => l.numFeatures === 384 * 64).length).toBe(60);
      expect(opened.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(server.requests.some((r) => r.path.includes('gate_vectors.bin'))).toBe(false);
      const bytes = server.requests.reduce((a, r) => a + r.bytes, 0);
      expect(bytes).toBeLessThan(64 * 1024);
    });
  });
});

describe('VINDEX3', () => {
  it('vindex3: the overview description lists representations (sizes, hashes), segments, profiles, the system graph', async () => {
    const e = expected('vindex3') as unknown as {
      representations: { id: string; segment: string; payload_bytes: number; payload_sha256: string; segment_sha256: string; segment_bytes: number; tensor_count: number; encoding: string }[];
      segments: { key: string; count: number; files: string[] }[]; profiles: string[]; system_graph: { bytes: number };
    };
    const { engine, key, opened } = await openFixture('vindex3');
    const d = opened.description;
    expect(d.flavour).toBe('vindex3');
    expect(d.version).toBe(3);
    expect(d.model).toBe('test/vindex3');
    expect(d.vindex3!.representations.map((r) => [r.id, r.segment, r.payloadBytes, r.segmentBytes, r.payloadSha256, r.segmentSha256, r.tensorCount, r.encoding, r.problem])).toEqual(
      e.representations.map((r) => [r.id, r.segment, r.payload_bytes, r.segment_bytes, r.payload_sha256, r.segment_sha256, r.tensor_count, r.encoding, null]),
    );
    expect(d.vindex3!.segments).toEqual(e.segments);
    expect(d.vindex3!.profiles.map((p) => p.name)).toEqual(e.profiles);
    expect(d.vindex3!.systemGraph).toEqual({ file: 'system_graph.json', bytes: e.system_graph.bytes });
    expect(d.vindex3!.downMetaBytes).toBe(24);
    // the stated segment hashes are what "Verify checksums" checks
    expect(d.checksums).toEqual(Object.fromEntries(e.representations.map((r) => [r.segment, r.segment_sha256])));
    expect(opened.problems).toEqual([]);
    expect(opened.downMeta.note).toMatch(/VINDEX2/);
    // the stated segment hashes are the real ones
    const { createHash } = await import('node:crypto');
    for (const r of e.representations) expect(createHash('sha256').update(raw('vindex3', r.segment)).digest('hex')).toBe(r.segment_sha256);
    const extras = await engine.extras(key);
    expect(extras.jsonFiles.find((j) => j.file === 'system_graph.json')?.summary).toBe('components: 1 item, objects: 3 items');
  });

  it('vindex3-bad: a payload larger than its segment, a missing segment, a wrong count: each a problem naming file and numbers', async () => {
    const e = expected('vindex3-bad') as unknown as { problems: { file: string; mentions: string[] }[] };
    const opened = await open(localLocation('vindex3-bad'));
    for (const want of e.problems) {
      const p = opened.problems.find((x) => x.file === want.file && want.mentions.every((m) => x.message.includes(m)));
      expect(p, `${want.file}: ${want.mentions.join(' · ')} in ${JSON.stringify(opened.problems)}`).toBeDefined();
      expect(p!.severity).toBe('error');
    }
  });
});

describe('root files', () => {
  it('an index.json larger than 32 MiB is refused before parsing, naming its size', async () => {
    const big = new File([new Uint8Array(32 * 1024 * 1024 + 1)], 'index.json');
    const err = await open({ key: 'local:big', src: null, label: 'big', kind: 'local', files: [{ name: 'index.json', size: big.size, file: big }] }).catch((x: Error) => x);
    expect((err as Error).message).toBe(`index.json: ${32 * 1024 * 1024 + 1} bytes is too large for an index (more than ${32 * 1024 * 1024}); not read`);
  });

  it('a checksum disagreement between index.json and SHA256SUMS is shown (12.9)', async () => {
    const loc = localLocation('larql-v2-f32');
    const sums = loc.files.find((f) => f.name === 'SHA256SUMS')!;
    const text = await sums.file!.text();
    const changed = text.replace(/^([0-9a-f]{64})(\s+gate_vectors\.bin)$/m, (_m: string, _h: string, rest: string) => `${'0'.repeat(64)}${rest}`);
    expect(changed).not.toBe(text);
    const f = new File([changed], 'SHA256SUMS');
    const files = loc.files.map((x) => (x.name === 'SHA256SUMS' ? { name: x.name, size: f.size, file: f } : x));
    const engine = createEngine();
    await engine.open({ location: { ...loc, files }, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    const extras = await engine.extras(loc.key);
    expect(extras.checksumConflicts).toHaveLength(1);
    expect(extras.checksumConflicts[0].file).toBe('gate_vectors.bin');
    expect(extras.checksumConflicts[0].claims.map((c) => c.from)).toEqual(['index.json', 'SHA256SUMS']);
    expect(extras.checksumConflicts[0].claims[1].sha256).toBe('0'.repeat(64));
  });

  it('an optional file that cannot be read (README.md) is a notice, not a failure (12.8)', async () => {
    const loc = localLocation('larql-v2-f32');
    const broken = { name: 'README.md', size: 200, lastModified: 1, slice: () => ({ arrayBuffer: () => Promise.reject(new DOMException('gone', 'NotReadableError')) }) } as unknown as File;
    const files = loc.files.map((x) => (x.name === 'README.md' ? { name: x.name, size: 200, file: broken } : x));
    const engine = createEngine();
    const opened = await engine.open({ location: { ...loc, files }, demoUrl: 'http://unused/' }, opId('open'), noProgress);
    expect(opened.description.model).toBe('test/larql-v2-f32');
    const extras = await engine.extras(loc.key);
    expect(extras.modelCard).toBeNull();
    expect(extras.notices.some((n) => n.startsWith('README.md: could not be read (') && n.endsWith('; skipped'))).toBe(true);
  });
});
