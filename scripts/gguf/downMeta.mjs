// downMeta.mjs: down_meta.bin ("DMET") computed as LarQL's extractor computes it
// (larql-vindex extract/build.rs): for each feature, logits = E · down_f over every token with the
// unscaled embeddings, the top K by logit, then entries whose token decodes (special tokens
// skipped) to an empty string after trimming are dropped, so a record may hold fewer than K.
// c_score and top_token_id come from the first kept entry; a record with none is (0, 0).
// One difference, on purpose: E and down_f are the values as stored in the vindex (f16), so a
// reader recomputing a projection from embeddings.bin and down_features.bin gets these exact
// records; LarQL uses its f32 weights, which differ by f16 rounding only.
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';

/** Rust's str::trim: strips Unicode White_Space (JS trim() would also strip U+FEFF). */
export const rustTrim = (s) => s.replace(/^\p{White_Space}+|\p{White_Space}+$/gu, '');

/** Per-token flag: true when decode([id], skip_special_tokens) trims to "" (LarQL drops those). */
export function emptyDecodeMask(tokenizer, V) {
  const mask = new Uint8Array(V);
  for (let id = 0; id < V; id++) mask[id] = rustTrim(tokenizer.decode([id], { skip_special_tokens: true })) === '' ? 1 : 0;
  return mask;
}

/**
 * Computes every layer's records. `E` is a Float32Array [V, H]; `downRows(l)` returns layer l's
 * feature-major down rows as a Float32Array [F_l, H]. Returns [{ids, vals}] per layer (top K, float64).
 */
export async function topLogitsAllLayers({ E, V, H, K, layers, downRows, threads = availableParallelism(), onLayer = () => {} }) {
  const shared = new SharedArrayBuffer(E.byteLength);
  new Float32Array(shared).set(E);
  const n = Math.max(1, Math.min(threads, layers.length));
  const workers = Array.from({ length: n }, () => new Worker(new URL('./topLogitsWorker.mjs', import.meta.url), { workerData: { E: shared, V, H, K } }));
  const results = new Array(layers.length);
  let next = 0;
  try {
    await Promise.all(workers.map((w) => new Promise((ok, fail) => {
      w.on('error', fail);
      const send = () => {
        if (next >= layers.length) return ok();
        const i = next++;
        const rows = downRows(layers[i].layer);
        w.postMessage({ layer: i, rows, F: layers[i].F }, [rows.buffer]);
      };
      w.on('message', ({ layer, ids, vals }) => {
        results[layer] = { ids, vals };
        onLayer(layers[layer].layer);
        send();
      });
      send();
    })));
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}

/** LarQL's record for one feature: top-K entries minus empty-decoding tokens, logits rounded to f32. */
export function record(ids, vals, at, K, emptyMask) {
  const entries = [];
  for (let j = 0; j < K; j++) {
    const id = ids[at + j];
    if (id < 0 || emptyMask[id]) continue;
    entries.push([id, Math.fround(vals[at + j])]);
  }
  return entries.length ? { top_token_id: entries[0][0], c_score: entries[0][1], top_k: entries } : { top_token_id: 0, c_score: 0, top_k: [] };
}

/** DMET bytes: magic, version 1, num_layers, K; per layer u32 nf and nf records of 8 + 8K bytes. */
export function dmetBytes(layers, K) {
  const R = 8 + 8 * K;
  let size = 16;
  for (const recs of layers) size += 4 + recs.length * R;
  const buf = Buffer.alloc(size);
  buf.writeUInt32LE(0x444d4554, 0);
  buf.writeUInt32LE(1, 4);
  buf.writeUInt32LE(layers.length, 8);
  buf.writeUInt32LE(K, 12);
  let pos = 16;
  for (const recs of layers) {
    buf.writeUInt32LE(recs.length, pos);
    pos += 4;
    for (const r of recs) {
      buf.writeUInt32LE(r.top_token_id, pos);
      buf.writeFloatLE(r.c_score, pos + 4);
      r.top_k.forEach(([id, logit], j) => {
        buf.writeUInt32LE(id, pos + 8 + 8 * j);
        buf.writeFloatLE(logit, pos + 12 + 8 * j);
      });
      pos += R;
    }
  }
  return buf;
}
