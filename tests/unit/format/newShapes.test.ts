/**
 * Pure decoders of the newer shapes on hand-made inputs: shard lists, MoE summary indexes, VINDEX3
 * catalogues, file classification, provenance rows, and the UTF-8 cut of a long model card.
 */
import { describe, expect, it } from 'vitest';
import { describeFolder, describeVindex } from '../../../src/format/indexJson';
import { describeMoeSummary } from '../../../src/format/moeSummary';
import { classifyFile } from '../../../src/format/knownFiles';
import { provenanceRows, settingsRows, normaliseQuant } from '../../../src/format/indexKeys';
import { findOverlap, uncovered } from '../../../src/format/overlaps';
import { summariseJson, utf8Boundary } from '../../../src/format/jsonSummary';

// H = 4, f16: one feature row = 8 bytes. Two layers of 2 features = 16 bytes each.
const base = { version: 2, model: 't', num_layers: 2, hidden_size: 4, vocab_size: 3 };
const sharded = (l0: unknown[], l1: unknown[]) => ({ ...base, layers: [{ layer: 0, num_features: 2, shards: l0 }, { layer: 1, num_features: 2, shards: l1 }] });
const A = 'g-00001-of-00002.bin';
const B = 'g-00002-of-00002.bin';

describe('layers[].shards', () => {
  it('builds a virtual gate: pieces in layer order, a layer spanning two files', () => {
    const d = describeVindex(sharded([{ file: A, offset: 0, length: 16 }], [{ file: A, offset: 16, length: 4 }, { file: B, offset: 0, length: 12 }]), { [A]: 20, [B]: 12 });
    expect(d.gateShards).toEqual([{ file: A, start: 0, end: 16 }, { file: A, start: 16, end: 20 }, { file: B, start: 0, end: 12 }]);
    expect(d.layers.map((l) => l.gate)).toEqual([{ start: 0, end: 16 }, { start: 16, end: 32 }]);
    expect(d.dtypes.gate).toBe('f16');
    expect(d.problems.filter((p) => p.file !== 'embeddings.bin')).toEqual([]);
  });

  it('a missing shard file or a piece past its end makes only that layer unavailable', () => {
    const d = describeVindex(sharded([{ file: A, offset: 0, length: 16 }], [{ file: B, offset: 0, length: 16 }]), { [A]: 16 });
    expect(d.layers[0].gate).toEqual({ start: 0, end: 16 });
    expect(d.layers[1].gateProblem).toBe(`${B}: missing, but layer 1 needs its bytes 0–16`);
    const e = describeVindex(sharded([{ file: A, offset: 0, length: 16 }], [{ file: B, offset: 4, length: 16 }]), { [A]: 16, [B]: 16 });
    expect(e.layers[1].gateProblem).toBe(`${B}: layer 1 needs bytes 4–20, file has 16`);
  });

  it('overlapping pieces and uncovered bytes make the gate unusable, naming file, layers and bytes', () => {
    const o = describeVindex(sharded([{ file: A, offset: 0, length: 16 }], [{ file: A, offset: 8, length: 16 }]), { [A]: 24 });
    expect(o.problems[0]).toEqual({ file: A, severity: 'error', message: `${A}: layers 0 and 1 overlap: layer 0 has bytes 0–16, layer 1 has bytes 8–24; the gate cannot be used` });
    expect(o.layers.map((l) => l.gate)).toEqual([null, null]);
    const g = describeVindex(sharded([{ file: A, offset: 0, length: 16 }], [{ file: A, offset: 20, length: 16 }]), { [A]: 36 });
    expect(g.problems[0].message).toBe(`${A}: bytes 16–20 belong to no layer (a gap in layers[].shards); the gate cannot be used`);
  });

  it('says which members of a shard series are missing', () => {
    const d = describeVindex(sharded([{ file: A, offset: 0, length: 16 }], [{ file: A, offset: 16, length: 16 }]), { [A]: 32 });
    expect(d.problems.find((p) => p.file === B)?.message).toBe(`${B}: shard is missing from the series of 2`);
  });

  it('refuses malformed shard entries and mixed layers[] as index.json errors', () => {
    expect(() => describeVindex(sharded([{ file: '../x.bin', offset: 0, length: 16 }], []), {})).toThrow(/layers\[0\]\.shards\[0\]\.file = "\.\.\/x\.bin" is not a file name inside the vindex/);
    expect(() => describeVindex(sharded([{ file: A, offset: -1, length: 16 }], []), {})).toThrow(/offset = -1/);
    const mixed = { ...base, layers: [{ layer: 0, num_features: 2, offset: 0, length: 16 }, { layer: 1, num_features: 2, shards: [] }] };
    expect(() => describeVindex(mixed, {})).toThrow(/mixes entries with offset\/length and shards/);
  });
});

describe('overlaps and gaps', () => {
  it('finds the first overlap by start, ignoring nulls and empty ranges', () => {
    expect(findOverlap([{ start: 0, end: 10 }, null, { start: 10, end: 20 }])).toBeNull();
    expect(findOverlap([{ start: 10, end: 20 }, { start: 0, end: 30 }, { start: 5, end: 5 }])).toEqual([0, 1]);
    expect(findOverlap([{ start: 0, end: 100 }, { start: 10, end: 20 }, { start: 30, end: 40 }])).toEqual([0, 1]);
    expect(uncovered([{ start: 4, end: 8 }, { start: 10, end: 12 }], 14)).toEqual([{ start: 0, end: 4 }, { start: 8, end: 10 }, { start: 12, end: 14 }]);
  });
});

describe('MoE summaries (gate_vectors_index.json)', () => {
  const gvi = (layers: Record<string, unknown>, moe: Record<string, unknown> = { n_routed_experts: 2, hidden_size: 4 }) =>
    ({ num_feats: 3, layers, model_config: { num_hidden_layers: 3, vocab_size: 5, moe } });
  const L = (offset: number, shape: unknown = [2, 3, 4]) => ({ file_offset: offset, shape, median_var64: 0.5, q25_var64: 0.25, q75_var64: 0.75 });

  it('places each MoE layer at its file_offset: f32 [E, F, H], expert-major', () => {
    const d = describeMoeSummary(gvi({ '0': L(0), '2': L(96) }), null, { 'gate_vectors.bin': 192, 'embeddings.bin': 40 });
    expect(d.layers.map((l) => [l.numFeatures, l.gate, l.numExperts ?? null, l.featuresPerExpert ?? null])).toEqual([
      [6, { start: 0, end: 96 }, 2, 3], [0, null, null, null], [6, { start: 96, end: 192 }, 2, 3],
    ]);
    expect(d.dtypes).toMatchObject({ gate: 'f32', embeddings: 'f16' });
    expect(d.layers[0].variance).toEqual({ median: 0.5, q25: 0.25, q75: 0.75 });
    expect(d.problems).toEqual([]);
  });

  it('index.json, when present, gives identity and dimensions; the sidecar still places the gate', () => {
    const d = describeFolder({ model: 'org/m', num_layers: 3, hidden_size: 4, vocab_size: 5, num_feats: 3 }, gvi({ '1': L(0) }), { 'gate_vectors.bin': 96 });
    expect(d.flavour).toBe('moe-summary');
    expect(d.model).toBe('org/m');
    expect(d.layers[1].gate).toEqual({ start: 0, end: 96 });
  });

  it('2^31 experts, shapes that disagree, offsets past the end, overlaps: problems naming the numbers, layers dropped', () => {
    const d = describeMoeSummary(
      gvi({ '0': L(0, [2 ** 31, 3, 4]), '1': L(0, [2, 3, 5]), '2': L(90) }, { n_routed_experts: 2 ** 31, hidden_size: 4 }),
      null, { 'gate_vectors.bin': 150 },
    );
    const msgs = d.problems.map((p) => p.message);
    expect(msgs).toContain('gate_vectors_index.json: model_config.moe.n_routed_experts = 2147483648 is not a count in 1–65536; each layer\'s shape is used instead');
    expect(msgs).toContain('gate_vectors_index.json: layer 0: shape [2147483648, 3, 4] claims 2147483648 experts × 3 = 6442450944 directions (more than 196608); layer skipped');
    expect(msgs).toContain('gate_vectors_index.json: layer 1: shape [2, 3, 5] disagrees with num_feats 3 and hidden size 4; layer skipped');
    expect(msgs).toContain('gate_vectors.bin: layer 2 needs bytes 90–186 ([2, 3, 4] f32 from file_offset 90), file has 150');
    expect(d.layers.map((l) => l.numFeatures)).toEqual([0, 0, 6]);
    const o = describeMoeSummary(gvi({ '0': L(0), '1': L(48) }), null, { 'gate_vectors.bin': 192 });
    expect(o.problems[0].message).toBe('gate_vectors_index.json: layers 0 and 1 overlap in gate_vectors.bin: layer 0 has bytes 0–96, layer 1 has bytes 48–144; the gate cannot be used');
  });

  it('a layer key that is not a layer, and a missing hidden size, are named', () => {
    const d = describeMoeSummary(gvi({ 'x': L(0), '9': L(0), '0': L(0) }), null, { 'gate_vectors.bin': 96 });
    expect(d.problems.map((p) => p.message)).toEqual([
      'gate_vectors_index.json: layer "9" is not a layer number in 0–2; skipped',
      'gate_vectors_index.json: layer "x" is not a layer number in 0–2; skipped',
      'embeddings.bin is missing: text queries and vocabulary projections are unavailable',
    ]);
    expect(() => describeMoeSummary({ num_feats: 3, layers: {} }, null, {})).toThrow('gate_vectors_index.json: missing required key "hidden_size"');
  });
});

describe('VINDEX3', () => {
  it('version 4 is the same generation; a list of representations and string profiles are read', () => {
    const d = describeVindex({
      version: 4, model: 'm', hidden_size: 8, num_layers: 1, profiles: ['exact'],
      representations: [{ id: 'a@f16', segment: 'segments/a.bin', payload_bytes: 10, payload_sha256: 'A'.repeat(64), segment_sha256: 'nope' }],
      segments: { 'segments/a': 1 },
    }, { 'segments/a.bin': 42 });
    expect(d.flavour).toBe('vindex3');
    expect(d.vindex3!.representations[0]).toMatchObject({ id: 'a@f16', segmentBytes: 42, payloadSha256: 'a'.repeat(64), segmentSha256: null, problem: null });
    expect(d.problems.map((p) => p.message)).toEqual(['index.json: representation a@f16 segment_sha256 = "nope" is not a sha256 (64 hex digits)']);
    expect(d.layers).toEqual([{ layer: 0, numFeatures: 0, gate: null, down: null, up: null }]);
  });
});

describe('file names and keys', () => {
  it.each([
    ['gate_vectors-00002-of-00007.bin', true, /gate shard 2 of 7/],
    ['layers/layer_07.weights', false, /LYRW/],
    ['bitnet/model.bin', false, /BitNet/],
    ['segments/embed.bin', false, /VINDEX3 segment/],
    ['query/down_meta.bin', false, /VINDEX2/],
    ['attn_weights_kquant.bin', false, /K-quant/],
    ['interleaved_kquant.bin', false, /K-quant/],
    ['lm_head_q4k.bin', false, /inference only/],
    ['gate_vectors_fp4.bin', false, /FP4/],
    ['down_features_fp8.bin', false, /FP8/],
    ['fp4_compliance.json', false, /quantisation report/],
    ['ple_weights.bin', false, /per-layer embedding/],
    ['chat_template.jinja', false, /chat template/],
    ['gate_vectors_index.json', true, /MoE summary/],
    ['phase2_router_svd.json', true, /router/],
    ['system_graph.json', true, /VINDEX3/],
    ['misc/notes.txt', false, /sub-folder/],
  ])('%s', (name, used, role) => {
    const k = classifyFile(name);
    expect(k.used).toBe(used);
    expect(k.description).toMatch(role);
  });

  it('provenance rows keep full values and flatten nested objects', () => {
    expect(provenanceRows({ base_model_sha: 'a'.repeat(40), base_safetensors_sha256: { 's1': 'b'.repeat(64) }, extra: [1, 2] })).toEqual([
      { key: 'base_model_sha', value: 'a'.repeat(40), note: 'commit of the base model' },
      { key: 'base_safetensors_sha256.s1', value: 'b'.repeat(64), note: 'sha256 of one source safetensors shard' },
      { key: 'extra', value: '[1,2]' },
    ]);
    expect(provenanceRows(null)).toEqual([]);
  });

  it('settings: kquant is q4k, dtype defaults to f32 on LarQL indexes, unknown keys are not shown', () => {
    expect(normaliseQuant('kquant')).toBe('q4k');
    expect(normaliseQuant('none')).toBe('none');
    const rows = settingsRows({ version: 2, quant: 'kquant', ffn_layout: 'per_layer', whatever: 1 });
    expect(rows.map((r) => [r.key, r.value])).toEqual([['dtype', 'f32 (default: not given)'], ['quant', 'kquant'], ['ffn_layout', 'per_layer']]);
    expect(settingsRows({ num_feats: 3 })).toEqual([]); // compact: no dtype claim at all
  });
});

describe('side files', () => {
  it('cuts UTF-8 before an incomplete character, never inside one', () => {
    const bytes = new TextEncoder().encode('ab€'); // € is 3 bytes
    expect(utf8Boundary(bytes)).toBe(5);
    expect(utf8Boundary(bytes.subarray(0, 4))).toBe(2);
    expect(utf8Boundary(bytes.subarray(0, 3))).toBe(2);
    const emoji = new TextEncoder().encode('x😀'); // 4 bytes
    expect(utf8Boundary(emoji.subarray(0, 4))).toBe(1);
    expect(utf8Boundary(emoji)).toBe(5);
  });

  it('summarises JSON in one line', () => {
    expect(summariseJson({ components: [1], objects: [1, 2], version: 3 })).toBe('components: 1 item, objects: 2 items, version: 3');
    expect(summariseJson([1, 2, 3])).toBe('3 items');
  });
});
