import { describe, it, expect } from 'vitest';
import {
  parseIndexJson,
  describeVindex,
  bandOfLayer,
  expertOfFeature,
  classifyFile,
  KNOWN_FILES,
} from '../../../src/format/indexJson';
import { VindexFormatError } from '../../../src/format/types';
import type { LayerBands } from '../../../src/format/types';

/** Runs fn and returns the VindexFormatError it throws (fails the test otherwise). */
function formatError(fn: () => unknown): VindexFormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(VindexFormatError);
    expect((e as Error).name).toBe('VindexFormatError');
    return e as VindexFormatError;
  }
  throw new Error('expected a VindexFormatError');
}

// A small LarQL v2 vindex: L=3, H=4, V=5. Layer 0: 2 features, layer 1: 3 features, layer 2: no entry.
// Gate f16: layer 0 = 2·4·2 = 16 bytes at 0, layer 1 = 3·4·2 = 24 bytes at 16 → 40 bytes.
function larql(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 2,
    model: 'test/tiny',
    family: 'llama',
    num_layers: 3,
    hidden_size: 4,
    intermediate_size: 3,
    vocab_size: 5,
    embed_scale: 2.5,
    down_top_k: 10,
    dtype: 'f16',
    layers: [
      { layer: 0, num_features: 2, offset: 0, length: 16 },
      { layer: 1, num_features: 3, offset: 16, length: 24 },
    ],
    ...extra,
  };
}

describe('parseIndexJson', () => {
  it('returns the object', () => {
    expect(parseIndexJson('{"num_layers": 3}')).toEqual({ num_layers: 3 });
  });
  it('accepts a BOM', () => {
    expect(parseIndexJson('\uFEFF{"a":1}')).toEqual({ a: 1 });
  });
  it('names index.json and the position of malformed JSON', () => {
    const e = formatError(() => parseIndexJson('{\n  "num_layers": 3,\n  oops\n}'));
    expect(e.file).toBe('index.json');
    expect(e.message).toMatch(/^index\.json: not valid JSON/);
    expect(e.message).toMatch(/line 3/);
  });
  it('rejects non-objects', () => {
    expect(formatError(() => parseIndexJson('[1,2]')).message).toBe('index.json: expected a JSON object, found an array');
    expect(formatError(() => parseIndexJson('null')).message).toBe('index.json: expected a JSON object, found null');
    expect(formatError(() => parseIndexJson('42')).message).toBe('index.json: expected a JSON object, found a number');
  });
});

describe('describeVindex: LarQL family', () => {
  const sizes = { 'gate_vectors.bin': 40, 'embeddings.bin': 5 * 4 * 4, 'down_features.bin': 5 * 4 * 4 };

  it('normalises a v2 index with a missing layer', () => {
    const d = describeVindex(larql(), sizes);
    expect(d.flavour).toBe('larql');
    expect(d.version).toBe(2);
    expect(d.model).toBe('test/tiny');
    expect([d.numLayers, d.hiddenSize, d.vocabSize, d.intermediateSize]).toEqual([3, 4, 5, 3]);
    expect(d.embedScale).toBe(2.5);
    expect(d.downTopK).toBe(10);
    expect(d.layers.map((l) => l.numFeatures)).toEqual([2, 3, 0]);
    expect(d.layers.map((l) => l.gate)).toEqual([{ start: 0, end: 16 }, { start: 16, end: 40 }, null]);
    expect(d.dtypes).toEqual({ gate: 'f16', embeddings: 'f32', down: 'f32', up: null });
    // down_features f32: layer 0 = 2·4·4 = 32 bytes, layer 1 = 3·4·4 = 48 bytes after it.
    expect(d.layers.map((l) => l.down)).toEqual([{ start: 0, end: 32 }, { start: 32, end: 80 }, null]);
    expect(d.layers.map((l) => l.up)).toEqual([null, null, null]);
    expect(d.problems).toEqual([]);
  });

  it('handles out-of-order entries and differing widths (down ranges follow layer order)', () => {
    // Layer 2 (1 feature, f32 → 16 bytes) is stored first; layer 0 (3 features → 48 bytes) after it.
    const idx = larql({
      layers: [
        { layer: 2, num_features: 1, offset: 0, length: 16 },
        { layer: 0, num_features: 3, offset: 16, length: 48 },
        { layer: 1, num_features: 0, offset: 64, length: 0 },
      ],
    });
    const d = describeVindex(idx, { 'gate_vectors.bin': 64, 'embeddings.bin': 40, 'up_features.bin': 4 * 4 * 2 });
    expect(d.dtypes.gate).toBe('f32');
    expect(d.dtypes.embeddings).toBe('f16');
    expect(d.dtypes.up).toBe('f16');
    expect(d.layers.map((l) => l.numFeatures)).toEqual([3, 0, 1]);
    expect(d.layers[0].gate).toEqual({ start: 16, end: 64 });
    expect(d.layers[2].gate).toEqual({ start: 0, end: 16 });
    // up f16 in layer order: layer 0 = 3·4·2 = 24 bytes, then layer 2 = 8 bytes.
    expect(d.layers[0].up).toEqual({ start: 0, end: 24 });
    expect(d.layers[1].up).toBeNull();
    expect(d.layers[2].up).toEqual({ start: 24, end: 32 });
  });

  it('trusts sizes over the dtype label (gate rewritten as f32, still labelled f16)', () => {
    const idx = larql({
      layers: [
        { layer: 0, num_features: 2, offset: 0, length: 32 },
        { layer: 1, num_features: 3, offset: 32, length: 48 },
      ],
    });
    const d = describeVindex(idx, { 'gate_vectors.bin': 80, 'embeddings.bin': 80 });
    expect(d.declaredDtype).toBe('f16');
    expect(d.dtypes.gate).toBe('f32');
  });

  it('reads a v1 index with few keys and applies defaults', () => {
    const d = describeVindex(
      { version: 1, num_layers: 1, hidden_size: 2, vocab_size: 3, layers: [{ layer: 0, num_features: 1, offset: 0, length: 4 }] },
      { 'gate_vectors.bin': 4, 'embeddings.bin': 12 },
    );
    expect(d.version).toBe(1);
    expect(d.model).toBe('unknown model');
    expect(d.family).toBeNull();
    expect(d.embedScale).toBe(1);
    expect(d.downTopK).toBeNull();
    expect(d.intermediateSize).toBeNull();
    expect(d.dtypes.gate).toBe('f16');
    expect(d.dtypes.embeddings).toBe('f16');
    expect(d.bands).toBeNull();
    expect(d.bandsSource).toBe('single band');
  });

  it('lays layers out back to back when entries have no offset/length', () => {
    const idx = larql({ layers: [{ layer: 1, num_features: 3 }, { layer: 0, num_features: 2 }] });
    const d = describeVindex(idx, { 'gate_vectors.bin': 80, 'embeddings.bin': 80 });
    expect(d.dtypes.gate).toBe('f32');
    expect(d.layers[0].gate).toEqual({ start: 0, end: 32 });
    expect(d.layers[1].gate).toEqual({ start: 32, end: 80 });
  });

  it('reads MoE layers (expert-major features)', () => {
    const idx = larql({
      num_layers: 2,
      layers: [
        { layer: 0, num_features: 8, offset: 0, length: 64, num_experts: 4, num_features_per_expert: 2 },
        { layer: 1, num_features: 6, offset: 64, length: 48, num_experts: 3 },
      ],
    });
    const d = describeVindex(idx, { 'gate_vectors.bin': 112, 'embeddings.bin': 40 });
    expect(d.layers[0].numExperts).toBe(4);
    expect(d.layers[0].featuresPerExpert).toBe(2);
    expect(d.layers[1].featuresPerExpert).toBe(2); // derived: 6 features / 3 experts
    expect(expertOfFeature(d.layers[0], 0)).toBe(0);
    expect(expertOfFeature(d.layers[0], 5)).toBe(2);
    expect(expertOfFeature(d.layers[0], 7)).toBe(3);
    expect(expertOfFeature(d.layers[0], 8)).toBeNull();
    expect(d.problems).toEqual([]);
  });

  it('reports an inconsistent MoE split and treats the layer as dense', () => {
    const idx = larql({
      num_layers: 1,
      layers: [{ layer: 0, num_features: 8, offset: 0, length: 64, num_experts: 3, num_features_per_expert: 2 }],
    });
    const d = describeVindex(idx, { 'gate_vectors.bin': 64, 'embeddings.bin': 40 });
    expect(d.layers[0].numExperts).toBeUndefined();
    expect(expertOfFeature(d.layers[0], 1)).toBeNull();
    expect(d.problems).toHaveLength(1);
    expect(d.problems[0].message).toMatch(/layer 0 has num_experts = 3 × num_features_per_expert = 2, which is not num_features = 8/);
  });

  it('keeps provenance, checksums (lowercased), model_config and raw', () => {
    const hash = 'AB'.repeat(32);
    const idx = larql({
      source: { huggingface_repo: 'google/gemma-3-4b-it' },
      checksums: { 'gate_vectors.bin': hash, 'bad.bin': 'xyz' },
      model_config: { model_type: 'gemma3', head_dim: 256 },
      unknown_key: [1, 2, 3],
    });
    const d = describeVindex(idx, sizes);
    expect(d.source).toEqual({ huggingface_repo: 'google/gemma-3-4b-it' });
    expect(d.checksums).toEqual({ 'gate_vectors.bin': 'ab'.repeat(32) });
    expect(d.modelConfig).toEqual({ model_type: 'gemma3', head_dim: 256 });
    expect(d.raw.unknown_key).toEqual([1, 2, 3]);
  });
});

describe('describeVindex: compact family', () => {
  // L=2, F=3, H=4, V=5, all f16: gate 2·3·4·2 = 48 bytes, embeddings 5·4·2 = 40 bytes.
  const compact = { num_layers: 2, num_feats: 3, hidden_size: 4, vocab_size: 5 };

  it('computes layer l at l·F·H·bpf', () => {
    const d = describeVindex(compact, { 'gate_vectors.bin': 48, 'embeddings.bin': 40, 'down_features.bin': 48 });
    expect(d.flavour).toBe('compact');
    expect(d.version).toBeNull();
    expect(d.layers.map((l) => l.numFeatures)).toEqual([3, 3]);
    expect(d.layers.map((l) => l.gate)).toEqual([{ start: 0, end: 24 }, { start: 24, end: 48 }]);
    expect(d.layers.map((l) => l.down)).toEqual([{ start: 0, end: 24 }, { start: 24, end: 48 }]);
    expect(d.dtypes).toEqual({ gate: 'f16', embeddings: 'f16', down: 'f16', up: null });
    expect(d.problems).toEqual([]);
  });

  it('accepts alternative spellings', () => {
    const d = describeVindex({ n_layers: 2, num_features: 3, hidden_dim: 4, n_vocab: 5 }, { 'gate_vectors.bin': 96, 'embeddings.bin': 40 });
    expect(d.flavour).toBe('compact');
    expect(d.dtypes.gate).toBe('f32');
    expect(d.layers[1].gate).toEqual({ start: 48, end: 96 });
  });

  it('reports a gate whose size fits neither dtype as an error, every layer unavailable, the rest kept', () => {
    const d = describeVindex(compact, { 'gate_vectors.bin': 50 });
    const why = 'gate_vectors.bin: expected 48 bytes (L=2 × F=3 × H=4 × 2) or 96 (× 4), file has 50';
    expect(d.problems).toContainEqual({ file: 'gate_vectors.bin', message: why, severity: 'error' });
    expect(d.dtypes.gate).toBeNull();
    expect(d.layers.map((l) => [l.numFeatures, l.gate, l.gateProblem])).toEqual([[3, null, why], [3, null, why]]);
  });

  it('says what is missing when there is neither layers[] nor num_feats', () => {
    const e = formatError(() => describeVindex({ num_layers: 2, hidden_size: 4, vocab_size: 5 }, {}));
    expect(e.message).toMatch(/^index\.json: has neither layers\[\] nor num_feats/);
  });
});

describe('describeVindex: bad input', () => {
  const ok = { 'gate_vectors.bin': 40, 'embeddings.bin': 80 };

  it('names missing required keys', () => {
    for (const key of ['num_layers', 'hidden_size', 'vocab_size']) {
      const idx = larql();
      delete idx[key];
      expect(formatError(() => describeVindex(idx, ok)).message).toBe(`index.json: missing required key "${key}"`);
    }
  });

  it('rejects negative, non-integer and absurd dimensions with their values', () => {
    expect(formatError(() => describeVindex(larql({ hidden_size: -4 }), ok)).message).toBe('index.json: hidden_size = -4 must be at least 1');
    expect(formatError(() => describeVindex(larql({ vocab_size: 2.5 }), ok)).message).toBe('index.json: vocab_size = 2.5 is not an integer');
    expect(formatError(() => describeVindex(larql({ num_layers: '3' }), ok)).message).toBe('index.json: num_layers = "3" is not an integer');
    expect(formatError(() => describeVindex(larql({ num_layers: 1e9 }), ok)).message).toBe('index.json: num_layers = 1000000000 is absurd (more than 4096)');
  });

  it('rejects layer numbers out of range and repeated layers', () => {
    const bad = larql({ layers: [{ layer: 0, num_features: 2, offset: 0, length: 16 }, { layer: 7, num_features: 3, offset: 16, length: 24 }] });
    expect(formatError(() => describeVindex(bad, ok)).message).toBe('index.json: layers[1].layer = 7 is out of range 0–2 (num_layers = 3)');
    const dup = larql({ layers: [{ layer: 1, num_features: 2, offset: 0, length: 16 }, { layer: 1, num_features: 3, offset: 16, length: 24 }] });
    expect(formatError(() => describeVindex(dup, ok)).message).toBe('index.json: layers[1] repeats layer 1 (also layers[0])');
    const neg = larql({ layers: [{ layer: 0, num_features: -2, offset: 0, length: 16 }] });
    expect(formatError(() => describeVindex(neg, ok)).message).toMatch(/layers\[0\]\.num_features = -2 is not an integer/);
  });

  it('a layer past the end of gate_vectors.bin is unavailable, with the numbers; earlier layers stay', () => {
    const d = describeVindex(larql(), { 'gate_vectors.bin': 30, 'embeddings.bin': 80 });
    const why = 'gate_vectors.bin: layer 1 needs bytes 16–40, file has 30';
    expect(d.problems).toEqual([{ file: 'gate_vectors.bin', message: why, severity: 'error' }]);
    expect(d.layers[0].gate).toEqual({ start: 0, end: 16 });
    expect(d.layers[1]).toMatchObject({ gate: null, gateProblem: why, numFeatures: 3 });
    expect(d.dtypes.gate).toBe('f16');
  });

  it('a layer whose length is not F·H·2 or F·H·4 is unavailable', () => {
    const idx = larql({ layers: [{ layer: 0, num_features: 2, offset: 0, length: 20 }] });
    const d = describeVindex(idx, ok);
    expect(d.layers[0].gateProblem).toBe('gate_vectors.bin: layer 0 has 20 bytes; expected 16 (F=2 × H=4 × 2) or 32 (× 4)');
    expect(d.problems.map((p) => p.severity)).toEqual(['error']);
  });

  it('layers that disagree on dtype make the whole gate unusable', () => {
    const idx = larql({ layers: [{ layer: 0, num_features: 2, offset: 0, length: 16 }, { layer: 1, num_features: 3, offset: 16, length: 48 }] });
    const d = describeVindex(idx, { 'gate_vectors.bin': 64 });
    const why = 'gate_vectors.bin: layer 0 is f16 but layer 1 is f32: one file holds one dtype';
    expect(d.problems).toContainEqual({ file: 'gate_vectors.bin', message: why, severity: 'error' });
    expect(d.layers.map((l) => l.gate)).toEqual([null, null, null]);
    expect(d.dtypes.gate).toBeNull();
  });

  it('overlapping layers[] byte ranges are rejected naming both layers and their bytes (12.9)', () => {
    // layer 2 claims layer 0's bytes: without the check, layer 0's rows would be shown as layer 2
    const idx = larql({
      num_layers: 3,
      layers: [
        { layer: 0, num_features: 2, offset: 0, length: 16 },
        { layer: 1, num_features: 3, offset: 16, length: 24 },
        { layer: 2, num_features: 1, offset: 8, length: 8 },
      ],
    });
    const d = describeVindex(idx, { 'gate_vectors.bin': 40 });
    const why = 'gate_vectors.bin: layers 0 and 2 overlap: layer 0 has bytes 0–16, layer 2 has bytes 8–16; the gate cannot be used';
    expect(d.problems).toContainEqual({ file: 'gate_vectors.bin', message: why, severity: 'error' });
    expect(d.layers.map((l) => [l.gate, l.gateProblem])).toEqual([[null, why], [null, why], [null, why]]);
    // adjacent ranges are fine
    expect(describeVindex(larql(), ok).problems).toEqual([]);
  });

  it('reports a bad embeddings file without failing the rest', () => {
    const d = describeVindex(larql(), { 'gate_vectors.bin': 40, 'embeddings.bin': 70 });
    expect(d.dtypes.embeddings).toBeNull();
    expect(d.dtypes.gate).toBe('f16');
    expect(d.problems).toEqual([
      { file: 'embeddings.bin', message: 'embeddings.bin: expected 40 bytes (V=5 × H=4 × 2) or 80 (× 4), file has 70' },
    ]);
  });

  it('reports V·H larger than the embeddings file', () => {
    const d = describeVindex(larql({ vocab_size: 2048, hidden_size: 128, layers: [] }), { 'embeddings.bin': 700000 });
    expect(d.problems.map((p) => p.message)).toContain(
      'embeddings.bin: expected 524288 bytes (V=2048 × H=128 × 2) or 1048576 (× 4), file has 700000',
    );
  });

  it('reports bad down/up files and keeps everything else', () => {
    const d = describeVindex(larql(), { ...ok, 'down_features.bin': 81, 'up_features.bin': 40 });
    expect(d.dtypes.down).toBeNull();
    expect(d.dtypes.up).toBe('f16');
    expect(d.layers[0].down).toBeNull();
    expect(d.problems).toEqual([
      { file: 'down_features.bin', message: 'down_features.bin: expected 40 bytes (ΣF=5 × H=4 × 2) or 80 (× 4), file has 81' },
    ]);
  });

  it('a missing gate is a problem, not a failure', () => {
    const d = describeVindex(larql(), { 'embeddings.bin': 80 });
    expect(d.dtypes.gate).toBeNull();
    expect(d.layers.map((l) => l.gate)).toEqual([null, null, null]);
    expect(d.layers.map((l) => l.numFeatures)).toEqual([2, 3, 0]);
    expect(d.problems.map((p) => p.file)).toEqual(['gate_vectors.bin']);
  });

  it('a missing embeddings file is a problem', () => {
    const d = describeVindex(larql(), { 'gate_vectors.bin': 40 });
    expect(d.dtypes.embeddings).toBeNull();
    expect(d.problems.map((p) => p.file)).toEqual(['embeddings.bin']);
  });

  it('rejects a layers value that is not a list', () => {
    expect(formatError(() => describeVindex(larql({ layers: { a: 1 } }), ok)).message).toMatch(/^index\.json: layers should be a list/);
  });
});

describe('layer bands', () => {
  /** A compact index with one 1-float feature per layer (gate = L·2 bytes). */
  const withLayers = (L: number, extra: Record<string, unknown> = {}) =>
    describeVindex({ num_layers: L, num_feats: 1, hidden_size: 1, vocab_size: 1, ...extra }, { 'gate_vectors.bin': L * 2, 'embeddings.bin': 2 });

  it('takes layer_bands from index.json', () => {
    const d = withLayers(10, { layer_bands: { syntax: [0, 2], knowledge: [3, 6], output: [7, 9] } });
    expect(d.bandsSource).toBe('index.json');
    expect(d.bands).toEqual({ syntax: [0, 2], knowledge: [3, 6], output: [7, 9] });
  });

  it("uses LarQL's family table for known pairs", () => {
    const g = withLayers(34, { family: 'gemma3' });
    expect(g.bandsSource).toBe('family table');
    expect(g.bands).toEqual({ syntax: [0, 13], knowledge: [14, 27], output: [28, 33] });
    const l = withLayers(32, { family: 'llama' });
    expect(l.bands).toEqual({ syntax: [0, 12], knowledge: [13, 25], output: [26, 31] });
    const q = withLayers(28, { model_config: { model_type: 'qwen2' } });
    expect(q.bands).toEqual({ syntax: [0, 10], knowledge: [11, 22], output: [23, 27] });
  });

  it('applies the default rule for other L ≥ 8: a = ⌊2L/5⌋, b = ⌊4L/5⌋', () => {
    const d = withLayers(36, { family: 'qwen3' }); // a = 14, b = 28
    expect(d.bandsSource).toBe('default rule');
    expect(d.bands).toEqual({ syntax: [0, 13], knowledge: [14, 27], output: [28, 35] });
    expect(withLayers(8).bands).toEqual({ syntax: [0, 2], knowledge: [3, 5], output: [6, 7] });
  });

  it('uses a single band below 8 layers', () => {
    const d = withLayers(7);
    expect(d.bands).toBeNull();
    expect(d.bandsSource).toBe('single band');
  });

  it('reports invalid layer_bands and falls back', () => {
    const d = withLayers(10, { layer_bands: { syntax: [0, 3], knowledge: [4, 7], output: [8, 12] } });
    expect(d.bandsSource).toBe('default rule');
    expect(d.problems[0].message).toMatch(/layer_bands\.output = \[8,12\] is not an inclusive \[first, last\] within 0–9/);
  });

  it('bandOfLayer finds the band', () => {
    const b: LayerBands = { syntax: [0, 13], knowledge: [14, 27], output: [28, 33] };
    expect(bandOfLayer(b, 0)).toBe('syntax');
    expect(bandOfLayer(b, 13)).toBe('syntax');
    expect(bandOfLayer(b, 14)).toBe('knowledge');
    expect(bandOfLayer(b, 33)).toBe('output');
    expect(bandOfLayer(b, 34)).toBeNull();
    expect(bandOfLayer(null, 3)).toBeNull();
  });
});

describe('classifyFile', () => {
  it('knows the explorer files', () => {
    expect(classifyFile('gate_vectors.bin').used).toBe(true);
    expect(classifyFile('down_meta.bin').role).toBe('labels');
    expect(KNOWN_FILES['embeddings.bin'].used).toBe(true);
    expect(classifyFile('norms.bin').used).toBe(false);
  });
  it('marks inference-only files as not decoded', () => {
    for (const name of ['attn_weights.bin', 'attn_weights_q4k.bin', 'interleaved_q4.bin', 'lm_head_q4.bin', 'gate_vectors_q4.bin', 'router_weights.bin', 'up_weights.bin', 'down_features_fp8.bin']) {
      const k = classifyFile(name);
      expect(k.role, name).toBe('inference');
      expect(k.used, name).toBe(false);
      expect(k.description, name).toMatch(/inference only, not decoded/);
    }
  });
  it('leaves unknown files unknown', () => {
    expect(classifyFile('notes.txt')).toEqual({ role: 'unknown', used: false, description: 'not used by the explorer' });
  });
});
