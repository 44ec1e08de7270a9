// Float64 references computed straight from the embedded demo's files (public/demo), for the
// real-model e2e tests. Independent of the app and of the extractor: f16 decoding, the GPT-2 byte
// mapping and the DMET walk come from tests/fixtures/reference or are written here from the format.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { f16ToNumber, BYTE_SYMBOLS } from '../fixtures/base/index.mjs';
import { DEMO } from './harness.mjs';

const F16 = new Float64Array(65536).map((_, b) => f16ToNumber(b));
const f16File = (name) => {
  const b = readFileSync(join(DEMO, name));
  return new Uint16Array(b.buffer, b.byteOffset, b.length / 2);
};

/** The demo's index.json, files as f16 bit arrays, and helpers over them. */
export function loadDemo() {
  const index = JSON.parse(readFileSync(join(DEMO, 'index.json'), 'utf8'));
  const tj = JSON.parse(readFileSync(join(DEMO, 'tokenizer.json'), 'utf8'));
  const { hidden_size: H, vocab_size: V } = index;
  const gate = f16File('gate_vectors.bin');
  const down = f16File('down_features.bin');
  const emb = f16File('embeddings.bin');
  const layers = index.layers.map((e) => ({ layer: e.layer, F: e.num_features, row0: e.offset / 2 / H }));

  // decode(id) as LarQL and the app read it: byte-level symbols → bytes → UTF-8; special tokens → ""
  const symbolByte = new Map(BYTE_SYMBOLS.map(([b, s]) => [s, b]));
  const tokenOf = [];
  for (const [t, id] of Object.entries(tj.model.vocab)) tokenOf[id] = t;
  const special = new Set(tj.added_tokens.filter((t) => t.special).map((t) => t.id));
  const decoder = new TextDecoder();
  const decode = (id) => (special.has(id) ? '' : decoder.decode(Uint8Array.from([...tokenOf[id]], (c) => symbolByte.get(c))));
  const isEmpty = (id) => decode(id).replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '') === '';

  /** q = embed_scale · mean of E rows (ids ≥ V skipped). */
  const queryVector = (ids) => {
    const q = new Float64Array(H);
    const used = ids.filter((id) => id < V);
    for (const id of used) for (let i = 0; i < H; i++) q[i] += F16[emb[id * H + i]];
    return q.map((x) => (x / used.length) * index.embed_scale);
  };

  /** Top `n` features over all layers by cos (signed) or |dot|, float64, ties by lower layer then feature. */
  const topFeatures = (ids, metric, n = 20) => {
    const q = queryVector(ids);
    const qn = Math.sqrt(q.reduce((a, x) => a + x * x, 0));
    const all = [];
    for (const { layer, F, row0 } of layers) {
      for (let f = 0; f < F; f++) {
        const o = (row0 + f) * H;
        let dot = 0, gg = 0;
        for (let i = 0; i < H; i++) {
          const g = F16[gate[o + i]];
          dot += g * q[i];
          gg += g * g;
        }
        all.push({ layer, feature: f, score: metric === 'cos' ? dot / (Math.sqrt(gg) * qn + 1e-8) : dot });
      }
    }
    const key = (r) => (metric === 'cos' ? r.score : Math.abs(r.score));
    return all.sort((a, b) => key(b) - key(a) || a.layer - b.layer || a.feature - b.feature).slice(0, n);
  };

  /** LarQL's down_meta record recomputed: top K of E·down_f (float64, ties lower id), empty-decoding tokens dropped. */
  const recomputeOutputs = (layer, feature, K) => {
    const o = (layers[layer].row0 + feature) * H;
    const d = Float64Array.from({ length: H }, (_, i) => F16[down[o + i]]);
    const logits = new Float64Array(V);
    for (let t = 0; t < V; t++) {
      let s = 0;
      for (let i = 0; i < H; i++) s += F16[emb[t * H + i]] * d[i];
      logits[t] = s;
    }
    const top = Array.from(logits.keys()).sort((a, b) => logits[b] - logits[a] || a - b).slice(0, K);
    return top.filter((t) => !isEmpty(t)).map((t) => ({ id: t, logit: logits[t] }));
  };

  /** The stored DMET record of (layer, feature), read by walking the nf counters. */
  const storedOutputs = (layer, feature) => {
    const b = readFileSync(join(DEMO, 'down_meta.bin'));
    const K = b.readUInt32LE(12);
    const R = 8 + 8 * K;
    let pos = 16;
    for (let l = 0; l < layer; l++) pos += 4 + b.readUInt32LE(pos) * R;
    const at = pos + 4 + feature * R;
    const out = [];
    for (let j = 0; j < K; j++) {
      const id = b.readUInt32LE(at + 8 + 8 * j);
      const logit = b.readFloatLE(at + 12 + 8 * j);
      if (id === 0 && logit === 0) break;
      out.push({ id, logit });
    }
    return { K, top: b.readUInt32LE(at), c: b.readFloatLE(at + 4), out };
  };

  /** Dot score of one feature's gate row with the query vector of `ids`. */
  const dotScore = (ids, layer, feature) => {
    const q = queryVector(ids);
    const o = (layers[layer].row0 + feature) * H;
    let s = 0;
    for (let i = 0; i < H; i++) s += F16[gate[o + i]] * q[i];
    return s;
  };

  return { index, decode, topFeatures, recomputeOutputs, storedOutputs, dotScore };
}
