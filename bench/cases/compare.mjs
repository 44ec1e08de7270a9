// Case "compare" (was (d)) of `npm run bench`: comparing two vindexes.
//
//  1. The maths alone (bench/compareBench.ts): subspace similarity of one layer's leading rows
//     (pivoted Cholesky on Gram matrices) against explicit modified Gram–Schmidt, and the paired row
//     cosines of a Gemma-size layer against decode-everything-then-loop.
//  2. The whole comparison in the real engine (Node, in-process) of two Qwen3-8B compact geometries
//     (36 × 128 × 4096 f16 gate and down each, random, B = A with every 4th layer re-drawn), against
//     the naive way in the same run: read both folders' gate and down files whole, decode to f64,
//     explicit Gram–Schmidt per layer. Bytes read are compared with the folders' total size.
import { openAsBlob, mkdirSync, readFileSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeRandomF16 } from '../lib/data.mjs';
import { fmtBytes } from '../lib/record.mjs';

const L = 36, F = 128, H = 4096, V = 4096;

/** Runs the case; `ctx`: {ROOT, TMP, record, note}. */
export async function compareCase({ ROOT, TMP, record, note }) {
  const C = 'compare';
  const vite = await import('vite');
  const { module: maths } = await vite.runnerImport(join(ROOT, 'bench/compareBench.ts'));
  for (const r of maths.runCompareBench()) record(C, r.name, r.value, r.unit, r.baseline ?? null, { baselineName: 'naive' });
  note(C, 'maths: one thread, synthetic f16 rows, medians; baselines = explicit two-pass MGS on f64 rows / decode both layers to f64, then loop; results checked equal');

  const dirs = ['cmp-a', 'cmp-b'].map((d) => join(TMP, d));
  try {
    let t = performance.now();
    const layerBytes = F * H * 2;
    for (const [i, dir] of dirs.entries()) {
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'index.json'), JSON.stringify({ model: `bench/compact-${i}`, num_layers: L, num_feats: F, hidden_size: H, vocab_size: V }));
      await writeRandomF16(join(dir, 'embeddings.bin'), V * H * 2, 30 + i);
    }
    // B shares A's gate and down except every 4th layer (re-drawn): similarity 1 there… and k/H elsewhere.
    for (const [file, seed] of [['gate_vectors.bin', 41], ['down_features.bin', 42]]) {
      await writeRandomF16(join(dirs[0], file), L * layerBytes, seed);
      const a = readFileSync(join(dirs[0], file));
      const other = Buffer.from(a);
      const fresh = await writeRandomF16(join(dirs[1], file), L * layerBytes, seed + 100);
      const freshBytes = Buffer.from(fresh.buffer, fresh.byteOffset, fresh.byteLength);
      for (let l = 0; l < L; l += 4) freshBytes.copy(other, l * layerBytes, (l * layerBytes) % (freshBytes.length - layerBytes), ((l * layerBytes) % (freshBytes.length - layerBytes)) + layerBytes);
      writeFileSync(join(dirs[1], file), other);
    }
    const total = dirs.reduce((s, d) => s + ['index.json', 'embeddings.bin', 'gate_vectors.bin', 'down_features.bin'].reduce((x, f) => x + statSync(join(d, f)).size, 0), 0);
    note(C, `generated two compact geometries in bench/tmp in ${((performance.now() - t) / 1000).toFixed(1)} s: gate and down ${fmtBytes(L * layerBytes)} f16 each, embeddings ${fmtBytes(V * H * 2)}; B = A except layers 0, 4, 8, …`);

    const { module } = await vite.runnerImport(join(ROOT, 'src/engine/engine.ts'));
    const engine = module.createEngine();
    const keys = [];
    for (const [i, dir] of dirs.entries()) {
      const files = [];
      for (const name of ['index.json', 'embeddings.bin', 'gate_vectors.bin', 'down_features.bin']) {
        const blob = await openAsBlob(join(dir, name));
        files.push({ name, size: blob.size, file: new File([blob], name) });
      }
      const location = { key: `local:bench-cmp-${i}`, src: null, label: `cmp-${i}`, kind: 'local', files };
      await engine.open({ location, demoUrl: 'http://x/' }, `open${i}`, () => {});
      keys.push(location.key);
    }
    t = performance.now();
    const layers = [];
    const summary = await engine.compareLayers(keys[0], keys[1], 'cmp', (r) => void layers.push(r), () => {});
    const ms = performance.now() - t;
    if (layers.length !== L || layers.some((l) => l.gate === null || l.down === null || l.row === null)) throw new Error('comparison incomplete');

    // Naive: both folders' gate and down files read whole, decoded to f64, explicit MGS per layer.
    t = performance.now();
    const naiveGate = [];
    for (const file of ['gate_vectors.bin', 'down_features.bin']) {
      const [a, b] = dirs.map((d) => readFileSync(join(d, file)));
      for (let l = 0; l < L; l++) {
        const rows = (buf) => maths.decodeLayerF64(buf, l * layerBytes, F, H);
        const s = maths.mgsSimilarity(rows(a), rows(b), F, H);
        if (file === 'gate_vectors.bin') naiveGate.push(s);
      }
    }
    const naiveMs = performance.now() - t;
    const worst = Math.max(...layers.map((l, i) => Math.abs(l.gate - naiveGate[i])));
    if (!(worst < 1e-9)) throw new Error(`engine and naive gate subspace similarities differ by ${worst}`);
    record(C, `compare two Qwen3-8B compact geometries (${L} layers, gate + down), real engine, ms`, ms, 'ms', naiveMs, { baselineName: 'read whole, Gram–Schmidt per layer' });
    record(C, 'same, bytes read', summary.bytesRead, 'bytes', total, { baselineName: 'both folders whole', note: 'the comparison reads gate and down, never embeddings' });
    const same = layers.filter((l) => l.layer % 4 === 0).map((l) => l.gate.toFixed(4));
    note(C, `engine results equal the naive MGS within ${worst.toExponential(1)}; re-drawn layers score ${[...new Set(same)].join(', ')} … (k/H = ${(F / H).toFixed(4)}), shared ones 1`);
  } finally {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
