// Case "engine" (was (a)): the Qwen3-8B compact geometry (36 × 128 × 4096 f16 gate, full 151,936-token
// embeddings, bench/tmp/qwen3-8b shared with the qwen case) scored in Node, in-process, by the real
// engine (src/engine/engine.ts loaded through Vite's runnerImport), against the naive way in the same
// run: read the whole gate, decode every half to f32, plain cosine loop.
import { openAsBlob, readFileSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { halfTable } from '../lib/data.mjs';
import { qwenData, QWEN } from '../lib/datasets.mjs';

setFlagsFromString('--expose-gc');
/** @type {() => void} */
const gc = runInNewContext('gc');
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** JS heap + external (ArrayBuffers, Blob reads) of this Node process, bytes. */
const nodeMem = () => {
  const m = process.memoryUsage();
  return { js: m.heapUsed + m.external, rss: m.rss };
};
/** Forces a full GC and lets V8's concurrent ArrayBuffer sweeper release freed backing stores. */
async function settle() {
  for (let i = 0; i < 3; i++) {
    gc();
    await sleep(30);
  }
}
async function peakTracker() {
  await settle();
  const start = nodeMem();
  const peak = { ...start };
  const sample = () => {
    const m = nodeMem();
    if (m.js > peak.js) peak.js = m.js;
    if (m.rss > peak.rss) peak.rss = m.rss;
  };
  const timer = setInterval(sample, 5);
  return {
    sample,
    stop() {
      clearInterval(timer);
      sample();
      return { js: peak.js - start.js, rss: peak.rss - start.rss };
    },
  };
}

/** Runs the case; `ctx`: {ROOT, TMP, record, note}. */
export async function engineCase({ ROOT, TMP, record, note }) {
  const C = 'engine';
  const { L, F, H } = QWEN;
  const query = 123;
  const data = await qwenData(TMP);
  const dir = data.dir;
  note(C, data.text);
  let t = performance.now();
  const vite = await import('vite');
  const { module } = await vite.runnerImport(join(ROOT, 'src/engine/engine.ts'));
  if (typeof module?.createEngine !== 'function') throw new Error('runnerImport(src/engine/engine.ts) has no createEngine export');
  note(C, `engine loaded with Vite runnerImport in ${((performance.now() - t) / 1000).toFixed(2)} s (createEngine ok); files opened with fs.openAsBlob wrapped in File (read by Blob.slice, not held in memory)`);

  const names = ['index.json', 'gate_vectors.bin', 'embeddings.bin'];
  const key = 'local:bench';
  /** A fresh engine with the folder opened (each File wraps fs.openAsBlob: bytes are read on demand). */
  const openEngine = async () => {
    const engine = module.createEngine();
    const files = [];
    for (const name of names) {
      const blob = await openAsBlob(join(dir, name));
      files.push({ name, size: blob.size, file: new File([blob], name) });
    }
    const location = { key, src: null, label: 'bench', kind: 'local', files };
    const t0 = performance.now();
    const opened = await engine.open({ location, demoUrl: 'http://x/' }, 'op1', () => {});
    const openMs = performance.now() - t0;
    if (opened.description.numLayers !== L) throw new Error(`opened ${opened.description.numLayers} layers, expected ${L}`);
    const problems = opened.problems.map((p) => p.message);
    return { engine, openMs, problems };
  };

  const runEngine = async (engine, opId) => {
    const scores = new Array(L).fill(null);
    const mem = await peakTracker();
    const t0 = performance.now();
    let firstLayerMs = null;
    const res = await engine.score(key, opId, { ids: [query], metric: 'cos' }, (layer, s, problem) => {
      if (firstLayerMs === null) firstLayerMs = performance.now() - t0;
      if (problem) throw new Error(`layer ${layer}: ${problem}`);
      scores[layer] = s;
      mem.sample();
    }, () => {});
    const ms = performance.now() - t0;
    return { ms, firstLayerMs, bytes: res.bytesRead, mem: mem.stop(), scores };
  };

  // Naive: read the whole gate file, decode all f16 to a Float32Array, cosine loop in plain JS.
  const gatePath = join(dir, 'gate_vectors.bin');
  const embPath = join(dir, 'embeddings.bin');
  const naive = async () => {
    const mem = await peakTracker();
    const t0 = performance.now();
    const fh = await openFile(embPath, 'r');
    const row = Buffer.alloc(H * 2);
    await fh.read(row, 0, H * 2, query * H * 2);
    await fh.close();
    const gate = readFileSync(gatePath);
    const tab = halfTable();
    const bits = new Uint16Array(gate.buffer, gate.byteOffset, gate.byteLength / 2);
    const m = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) m[i] = tab[bits[i]];
    mem.sample(); // file bytes + decoded floats alive: the peak
    const rb = new Uint16Array(row.buffer, row.byteOffset, H);
    const q = new Float32Array(H);
    let qq = 0;
    for (let h = 0; h < H; h++) { q[h] = tab[rb[h]]; qq += q[h] * q[h]; }
    const qn = Math.sqrt(qq);
    const out = new Float32Array(L * F);
    for (let r = 0; r < L * F; r++) {
      let s = 0, n = 0;
      const b = r * H;
      for (let h = 0; h < H; h++) { const x = m[b + h]; s += x * q[h]; n += x * x; }
      out[r] = s / (Math.sqrt(n) * qn + 1e-8);
    }
    const ms = performance.now() - t0;
    mem.sample();
    return { ms, bytes: gate.byteLength + row.byteLength, mem: mem.stop(), out };
  };

  // Three rounds, each: a fresh engine (open, cold query, warm query), then two naive runs. Medians are
  // reported; round 1 alone pays the JIT warm-up of the kernels.
  const ROUNDS = 3;
  const rounds = [];
  const naives = [];
  for (let i = 0; i < ROUNDS; i++) {
    const { engine, openMs, problems } = await openEngine();
    if (i === 0 && problems.length) note(C, `open reported: ${problems.join('; ')}`);
    const cold = await runEngine(engine, `c${i}`);
    const warm = await runEngine(engine, `w${i}`);
    rounds.push({ openMs, cold, warm });
    naives.push(await naive(), await naive());
  }
  const med = (xs) => xs.slice().sort((a, b) => a - b)[xs.length >> 1];
  const medOf = (list, f) => med(list.map(f));
  const cold = { ms: medOf(rounds, (r) => r.cold.ms), firstLayerMs: medOf(rounds, (r) => r.cold.firstLayerMs), bytes: rounds[0].cold.bytes, mem: { js: medOf(rounds, (r) => r.cold.mem.js), rss: medOf(rounds, (r) => r.cold.mem.rss) } };
  const warm = { ms: medOf(rounds, (r) => r.warm.ms), bytes: rounds[0].warm.bytes, mem: { js: medOf(rounds, (r) => r.warm.mem.js) }, scores: rounds[0].warm.scores };
  const n1 = { ms: medOf(naives, (n) => n.ms), bytes: naives[0].bytes, mem: { js: medOf(naives, (n) => n.mem.js), rss: medOf(naives, (n) => n.mem.rss) }, out: naives[0].out };
  const n2 = n1;
  const openMs = medOf(rounds, (r) => r.openMs);
  const list = (xs) => xs.map((x) => x.toFixed(0)).join(', ');
  note(C, `per round (ms): open ${list(rounds.map((r) => r.openMs))}; cold ${list(rounds.map((r) => r.cold.ms))}; warm ${list(rounds.map((r) => r.warm.ms))}; naive ${list(naives.map((n) => n.ms))}`);

  // Cross-check: engine scores against the naive ones.
  let maxDiff = 0;
  for (let l = 0; l < L; l++) for (let f = 0; f < F; f++) maxDiff = Math.max(maxDiff, Math.abs(warm.scores[l][f] - n1.out[l * F + f]));
  note(C, `engine vs naive cosine scores: max |Δ| = ${maxDiff.toExponential(2)} over ${L * F} features${maxDiff < 1e-4 ? ' (agree)' : ' (DISAGREE!)'}`);

  note(C, `open (index.json, side files): ${openMs.toFixed(0)} ms (median; no baseline: the naive way has no open step)`);
  record(C, 'query #123 cold: time (first query, gate read from disk)', cold.ms, 'ms', n1.ms);
  record(C, 'query #123 cold: time to first layer', cold.firstLayerMs, 'ms', n1.ms, { note: 'naive has no partial result: its first layer arrives with the last' });
  record(C, 'query #123 cold: bytes read', cold.bytes, 'bytes', n1.bytes);
  record(C, 'query #123 cold: peak memory (JS heap + external, above start)', cold.mem.js, 'bytes', n1.mem.js);
  record(C, 'query #123 warm: time (gate resident)', warm.ms, 'ms', n2.ms);
  record(C, 'query #123 warm: bytes read', warm.bytes, 'bytes', n2.bytes);
  record(C, 'query #123 warm: peak memory (JS heap + external, above start)', warm.mem.js, 'bytes', n2.mem.js);
  note(C, `figures are medians of ${ROUNDS} rounds (fresh engine each: open, cold query, warm query) and of ${naives.length} naive runs. Baseline = naive: readFileSync the whole gate, decode every half to a Float32Array (table), cosine loop; it caches nothing, so it is the baseline for both the cold and the warm query. The files are in the OS page cache for both (generated or read earlier): "cold" means cold in the app, not on disk.`);
  note(C, 'Node 20 reports no typed-array memory separately: peak = max sampled (heapUsed + external) minus the level after forced GCs at the start; sampled every 5 ms, after every layer (engine) and right after the decode (naive). RSS is not reported here: in one long-lived process freed pages are reused, so its increase is mostly noise.');
}
