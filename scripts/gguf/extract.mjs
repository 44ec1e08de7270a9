// extract.mjs: GGUF → vindex, the way LarQL's `extract` lays it out (../shared/VINDEX-FORMAT.md).
//  browse:  LarQL v2 — gate_vectors.bin (gate_proj rows), down_features.bin (down_proj columns,
//           feature-major), embeddings.bin (token_embd), down_meta.bin (DMET), tokenizer.json,
//           index.json with layers[] byte offsets, layer_bands, source provenance and checksums.
//  compact: Divinci's layout — per layer the top-K singular directions of gate_proj and down_proj
//           ([L × K × H] f16), embeddings, down_meta of the down directions, no tokenizer.
// Everything is written into `dir` (the caller's temporary folder; see replaceDir).
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { decodeF16, encodeF16 } from './f16.mjs';
import { openGguf } from './model.mjs';
import { tokenizerJson } from './tokenizer.mjs';
import { dmetBytes, emptyDecodeMask, record, topLogitsAllLayers } from './downMeta.mjs';
import { singularDirections } from './svd.mjs';

/** Streaming sha256 (lowercase hex) of a file. */
export function sha256File(path) {
  return new Promise((ok, fail) => {
    const h = createHash('sha256');
    createReadStream(path).on('data', (c) => h.update(c)).on('end', () => ok(h.digest('hex'))).on('error', fail);
  });
}

/** LarQL's layer bands (LayerBands::for_family): its table for known (family, L), else 2/5 and 4/5 of L; none below 8. */
export function layerBands(family, L) {
  const known = { 'llama:32': [12, 25], 'llama:40': [15, 32], 'llama:80': [31, 63], 'qwen2:28': [10, 22], 'qwen2:32': [12, 25], 'gemma3:34': [13, 27] };
  const k = known[`${family}:${L}`];
  if (k) return { syntax: [0, k[0]], knowledge: [k[0] + 1, k[1]], output: [k[1] + 1, L - 1] };
  if (L < 8) return null;
  const a = Math.floor((2 * L) / 5);
  const b = Math.floor((4 * L) / 5);
  return { syntax: [0, a - 1], knowledge: [a, b - 1], output: [b, L - 1] };
}

/** Transposes a [R, C] row-major matrix into a new [C, R] one. */
function transpose(m, R, C) {
  const out = new Float32Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = m[r * C + c];
  return out;
}

/** The values as they will be stored (f16), and their bytes. */
function asF16(values) {
  const bytes = encodeF16(values);
  return { bytes, stored: decodeF16(bytes) };
}

/**
 * Extracts `gguf` into the existing empty folder `dir`. Options: layout ('browse' | 'compact'),
 * model (name), topK (down_meta K), directions (compact K), threads, log(line), source (extra
 * provenance for index.json). Returns {index, files, gguf: {sha256, bytes}}.
 */
export async function extractVindex({ gguf, dir, layout = 'browse', model, topK = 10, directions = 64, threads, log = () => {}, source = {} }) {
  const m = await openGguf(gguf);
  try {
    const ggufSha = await sha256File(gguf);
    const { L, H, V, widths } = m;
    const name = model ?? m.meta['general.name'] ?? basename(gguf);
    log(`${basename(gguf)}: ${m.arch}, ${L} layers, hidden ${H}, FFN ${widths[0]}, vocabulary ${V}`);
    const tj = tokenizerJson(m.meta);
    const tokenizer = new Tokenizer(tj, {});
    const mask = emptyDecodeMask(tokenizer, V);

    const emb = asF16(m.read('token_embd.weight'));
    writeFileSync(join(dir, 'embeddings.bin'), emb.bytes);
    log(`embeddings.bin: ${V} × ${H} f16`);

    const compact = layout === 'compact';
    const K = compact ? Math.min(directions, H) : 0;
    const gateFd = openSync(join(dir, 'gate_vectors.bin'), 'w');
    const downFd = openSync(join(dir, 'down_features.bin'), 'w');
    const entries = [];
    const downStored = [];
    const singular = [];
    let offset = 0;
    try {
      for (let l = 0; l < L; l++) {
        const F = widths[l];
        const gateRows = m.read(`blk.${l}.ffn_gate.weight`); // [F, H]: row f = gate_proj row f
        const downRows = transpose(m.read(`blk.${l}.ffn_down.weight`), H, F); // GGUF [H rows of F] → [F, H]
        let gate, down, n;
        if (compact) {
          const g = singularDirections(gateRows, F, H, K);
          const d = singularDirections(downRows, F, H, K);
          gate = asF16(g.directions);
          down = asF16(d.directions);
          singular.push({ layer: l, gate: g.singular.map((x) => +x.toPrecision(6)), down: d.singular.map((x) => +x.toPrecision(6)) });
          n = K;
        } else {
          gate = asF16(gateRows);
          down = asF16(downRows);
          n = F;
        }
        writeSync(gateFd, gate.bytes);
        writeSync(downFd, down.bytes);
        downStored.push(down.stored);
        entries.push({ layer: l, num_features: n, offset, length: gate.bytes.length });
        offset += gate.bytes.length;
      }
    } finally {
      closeSync(gateFd);
      closeSync(downFd);
    }
    log(`gate_vectors.bin, down_features.bin: ${L} layers of ${entries[0].num_features} × ${H} f16${compact ? ' (singular directions)' : ''}`);

    const t0 = Date.now();
    const layers = entries.map((e) => ({ layer: e.layer, F: e.num_features }));
    const top = await topLogitsAllLayers({
      E: emb.stored, V, H, K: topK, layers, threads,
      downRows: (l) => downStored[l],
      onLayer: (l) => log(`down_meta.bin: layer ${l} done (${((Date.now() - t0) / 1000).toFixed(0)} s)`),
    });
    const recs = top.map(({ ids, vals }, i) => Array.from({ length: layers[i].F }, (_, f) => record(ids, vals, f * topK, topK, mask)));
    writeFileSync(join(dir, 'down_meta.bin'), dmetBytes(recs, topK));

    const files = ['gate_vectors.bin', 'embeddings.bin', 'down_features.bin', 'down_meta.bin'];
    if (!compact) {
      writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tj));
      files.push('tokenizer.json');
    }
    const checksums = {};
    for (const f of files) checksums[f] = await sha256File(join(dir, f));
    const prov = { file: basename(gguf), sha256: ggufSha, bytes: m.size };
    const index = compact
      ? { model: name, family: m.family, num_layers: L, num_feats: K, hidden_size: H, vocab_size: V, embed_scale: m.embedScale, dtype: 'f16', method: 'svd', source_gguf: prov }
      : browseIndex({ m, name, entries, topK, checksums, prov, source });
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 2) + '\n');
    return { index, files, gguf: prov, singular, records: recs };
  } finally {
    m.close();
  }
}

function browseIndex({ m, name, entries, topK, checksums, prov, source }) {
  const { L, H, V, widths, meta, arch } = m;
  const heads = Number(meta[`${arch}.attention.head_count`] ?? 0);
  return {
    version: 2,
    model: name,
    family: m.family,
    source: {
      huggingface_repo: source.huggingface_repo ?? null,
      huggingface_revision: null,
      safetensors_sha256: null,
      extracted_at: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
      larql_version: null,
      gguf_file: prov.file,
      gguf_sha256: prov.sha256,
      gguf_bytes: prov.bytes,
      extractor: 'vindex-explorer scripts/extract-gguf.mjs',
      ...source.extra,
    },
    checksums,
    num_layers: L,
    hidden_size: H,
    intermediate_size: Math.max(...widths),
    vocab_size: V,
    embed_scale: m.embedScale,
    extract_level: 'browse',
    dtype: 'f16',
    quant: 'none',
    layer_bands: layerBands(m.family, L),
    layers: entries,
    down_top_k: topK,
    has_model_weights: false,
    model_config: {
      model_type: arch,
      head_dim: heads ? H / heads : null,
      num_q_heads: heads || null,
      num_kv_heads: Number(meta[`${arch}.attention.head_count_kv`] ?? heads) || null,
      rope_base: Number(meta[`${arch}.rope.freq_base`] ?? 0) || null,
      sliding_window: null,
      moe: null,
    },
  };
}

/** A fresh temporary folder beside `out` (same file system, so the final rename is atomic). */
export function tempDirFor(out) {
  const tmp = `${out.replace(/\/+$/, '')}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  return tmp;
}

/** Moves the finished `tmp` folder to `out`, replacing what was there only once `tmp` is complete. */
export function replaceDir(tmp, out) {
  const old = `${out.replace(/\/+$/, '')}.old-${process.pid}`;
  if (existsSync(out)) renameSync(out, old);
  renameSync(tmp, out);
  rmSync(old, { recursive: true, force: true });
}
