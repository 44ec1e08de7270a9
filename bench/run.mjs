#!/usr/bin/env node
// Vindex Explorer benchmark: `npm run bench` (run `npm run build` first; case (b) needs dist/).
//
// Every figure is printed beside a baseline measured in the same run (the naive way: read the whole
// file, decode every f16 to a Float32Array, score with a plain loop), and written to bench/results.json.
//
//  (a) Qwen3-8B compact geometry (36 × 128 × 4096 f16 gate), scored in Node in-process by the real
//      engine (src/engine/engine.ts loaded through Vite's runnerImport) from a generated local folder.
//  (b) Gemma-3-4B-size LarQL geometry (34 × 10240 × 2560 f16 gate, 1.78 GB), served by the project's
//      Range-capable test server and streamed into headless Chromium running the built app.
//  (c) the compute kernel alone (bench/kernelBench.ts).
//
// Generated data lives in bench/tmp/ (gitignored) and is deleted at the end. One failing case prints
// its error and the others still run; the exit code is 1 only when every case failed.
//
// `node bench/run.mjs b` runs only the named case(s) (a, b, c, d). BENCH_NO_SAMPLER=1 turns off the
// periodic memory sampling of case (b) (to check that sampling does not disturb the timings).
import { openAsBlob, existsSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync, rmdirSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import { execFileSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { cpus, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { caseD } from './compareCase.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const TMP = join(ROOT, 'bench', 'tmp');
const DIST = join(ROOT, 'dist');
const RESULTS = join(ROOT, 'bench', 'results.json');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MiB = 1024 * 1024;
const BENCH_T0 = performance.now();

setFlagsFromString('--expose-gc');
/** @type {() => void} */
const gc = runInNewContext('gc');
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

// ------------------------------------------------------------------------------------------------
// Recording and printing

/** @type {{case: string, name: string, value: number|null, unit: string, baseline: number|null, better: 'lower'|'higher', note?: string}[]} */
const rows = [];
const notes = {};
const failures = [];
/** Extra structured detail for results.json. */
const results = {};

function record(caseId, name, value, unit, baseline = null, better = 'lower', note) {
  const row = { case: caseId, name, value, unit, baseline, better };
  if (note) row.note = note;
  rows.push(row);
  return row;
}
function note(caseId, text) {
  (notes[caseId] ??= []).push(text);
}

function fmtBytes(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = -1;
  while (v >= 1000 && u < units.length - 1) {
    v /= 1000;
    u++;
  }
  return `${v >= 100 ? v.toFixed(0) : v.toFixed(v >= 10 ? 1 : 2)} ${units[u]}`;
}
function fmt(v, unit) {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '—';
  if (unit === 'bytes') return fmtBytes(v);
  if (unit === 'ms') return v >= 10000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`;
  if (unit === 'GB/s') return `${v.toFixed(2)} GB/s`;
  return `${v} ${unit}`;
}
function ratio(r) {
  if (r.value === null || r.baseline === null || !r.value || !r.baseline) return '';
  const k = r.better === 'lower' ? r.baseline / r.value : r.value / r.baseline;
  if (!Number.isFinite(k)) return '';
  if (k > 0.98 && k < 1.02) return 'same';
  return k >= 1 ? `${k >= 100 ? k.toFixed(0) : k.toFixed(1)}× better` : `${(1 / k).toFixed(1)}× worse`;
}

function printTable(caseId, title) {
  const rs = rows.filter((r) => r.case === caseId);
  console.log(`\n${title}`);
  if (rs.length === 0) {
    console.log('  (no figures)');
  } else {
    const cells = rs.map((r) => [r.name, fmt(r.value, r.unit), fmt(r.baseline, r.unit), ratio(r)]);
    const head = ['figure', 'value', 'baseline (same run)', 'vs baseline'];
    const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c) => `  ${c[0].padEnd(w[0])}  ${c[1].padStart(w[1])}  ${c[2].padStart(w[2])}  ${c[3].padEnd(w[3])}`.trimEnd();
    console.log(line(head));
    console.log(`  ${w.map((n) => '-'.repeat(n)).join('  ')}`);
    for (const c of cells) console.log(line(c));
  }
  for (const r of rs) if (r.note) console.log(`  note (${r.name}): ${r.note}`);
  for (const n of notes[caseId] ?? []) console.log(`  note: ${n}`);
}

// ------------------------------------------------------------------------------------------------
// Machine info

function machineInfo() {
  let cpu = 'unknown';
  try {
    cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch { /* not Linux */ }
  let chromium = 'unknown';
  try {
    chromium = execFileSync(CHROMIUM, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 15000 }).trim();
  } catch (e) {
    chromium = `unavailable (${e.message.split('\n')[0]})`;
  }
  return { cpu, cores: cpus().length, ramBytes: totalmem(), node: process.version, chromium, platform: `${process.platform} ${process.arch}` };
}

// ------------------------------------------------------------------------------------------------
// Synthetic f16 data

/** xorshift32. */
function xorshift(seed) {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

/** f32 → nearest-ish half bits (truncating; fine for synthetic data; never Inf/NaN for |x| < 1). */
function toHalfBits(x) {
  const f = new Float32Array([x]);
  const bits = new Uint32Array(f.buffer)[0];
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const sign = (bits >>> 16) & 0x8000;
  if (exp <= 0) return sign;
  return sign | (exp << 10) | ((bits >>> 13) & 0x3ff);
}

/** `n` bytes of weight-like random halves (|x| mostly 1e-4…0.1, both signs, no Inf/NaN). */
function randomHalves(nBytes, seed) {
  const next = xorshift(seed);
  const palette = new Uint16Array(4096);
  for (let i = 0; i < palette.length; i++) palette[i] = toHalfBits(((next() / 4294967296) - 0.5) * 0.08 * (1 + (next() & 7)) / 4);
  const out = new Uint16Array(nBytes / 2);
  for (let i = 0; i < out.length; i++) out[i] = palette[next() & 4095];
  return out;
}

/**
 * Writes `total` bytes of random halves fast: one 64 MiB random buffer, written repeatedly, each chunk
 * rotated by a chunk-dependent offset and with a sparse low-mantissa-bit flip so no two chunks match.
 */
async function writeRandomF16(path, total, seed, base) {
  const buf = base ?? randomHalves(64 * MiB, seed);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const fh = await openFile(path, 'w');
  try {
    let pos = 0;
    for (let chunk = 0; pos < total; chunk++) {
      for (let i = chunk % 997; i < buf.length; i += 997) buf[i] ^= 1; // perturb (stays finite)
      const rot = ((chunk * 7919 * 2 + seed * 2) % bytes.length) & ~1;
      const parts = [bytes.subarray(rot), bytes.subarray(0, rot)];
      for (const p of parts) {
        if (pos >= total) break;
        const n = Math.min(p.length, total - pos);
        await fh.write(p, 0, n, pos);
        pos += n;
      }
    }
    await fh.sync(); // flush now, so disk writeback does not compete with the timed runs
  } finally {
    await fh.close();
  }
  return buf;
}

/** Exact half → number table (independent of src/, for the baselines). */
let HALF = null;
function halfTable() {
  if (HALF) return HALF;
  HALF = new Float32Array(65536);
  for (let b = 0; b < 65536; b++) {
    const s = b & 0x8000 ? -1 : 1;
    const e = (b >> 10) & 0x1f;
    const m = b & 0x3ff;
    HALF[b] = e === 0 ? s * m * 2 ** -24 : e === 31 ? (m ? NaN : s * Infinity) : s * (1024 + m) * 2 ** (e - 25);
  }
  return HALF;
}

// ------------------------------------------------------------------------------------------------
// Memory helpers (Node)

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
  let peak = { ...start };
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

// ------------------------------------------------------------------------------------------------
// (a) Qwen3-8B compact geometry, Node in-process

async function caseA() {
  const C = 'a';
  const L = 36, F = 128, H = 4096, V = 32768;
  const dir = join(TMP, 'qwen-compact');
  const query = 123;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  try {
    let t = performance.now();
    const index = { model: 'bench/qwen3-8b-compact-geometry (random)', num_layers: L, num_feats: F, hidden_size: H, vocab_size: V };
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 1));
    const base = await writeRandomF16(join(dir, 'gate_vectors.bin'), L * F * H * 2, 11);
    await writeRandomF16(join(dir, 'embeddings.bin'), V * H * 2, 12, base);
    note(C, `generated bench/tmp/qwen-compact in ${((performance.now() - t) / 1000).toFixed(1)} s: gate ${fmtBytes(L * F * H * 2)} f16 [36×128×4096]; embeddings.bin f16 [V×4096] with V=${V} (${fmtBytes(V * H * 2)}; real Qwen3 V=151936 — only one row is read, so V does not change the figures)`);

    t = performance.now();
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

    record(C, 'open (index.json, side files)', openMs, 'ms', null);
    record(C, 'query #123 cold: time (first query, gate read from disk)', cold.ms, 'ms', n1.ms);
    record(C, 'query #123 cold: time to first layer', cold.firstLayerMs, 'ms', n1.ms, 'lower', 'naive has no partial result: its first layer arrives with the last');
    record(C, 'query #123 cold: bytes read', cold.bytes, 'bytes', n1.bytes);
    record(C, 'query #123 cold: peak memory (JS heap + external, above start)', cold.mem.js, 'bytes', n1.mem.js);
    record(C, 'query #123 warm: time (gate resident)', warm.ms, 'ms', n2.ms);
    record(C, 'query #123 warm: bytes read', warm.bytes, 'bytes', n2.bytes);
    record(C, 'query #123 warm: peak memory (JS heap + external, above start)', warm.mem.js, 'bytes', n2.mem.js);
    note(C, `figures are medians of ${ROUNDS} rounds (fresh engine each: open, cold query, warm query) and of ${naives.length} naive runs. Baseline = naive: readFileSync the whole gate, decode every half to a Float32Array (table), cosine loop; it caches nothing, so it is the baseline for both the cold and the warm query. Files were just written (and fsync'd), so the OS page cache is warm for both: "cold" means cold in the app, not on disk.`);
    note(C, 'Node 20 reports no typed-array memory separately: peak = max sampled (heapUsed + external) minus the level after forced GCs at the start; sampled every 5 ms, after every layer (engine) and right after the decode (naive). RSS is not reported here: in one long-lived process freed pages are reused, so its increase is mostly noise.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------------------------------------
// (b) Gemma-3-4B-size LarQL geometry, streamed into headless Chromium

/** PIDs of this process's chromium renderer descendants. */
function rendererPids() {
  const parent = new Map();
  const cmd = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
      cmd.set(Number(d), readFileSync(`/proc/${d}/cmdline`, 'utf8'));
    } catch { /* gone */ }
  }
  const mine = (pid) => {
    for (let p = pid, i = 0; p > 1 && i < 64; p = parent.get(p) ?? 0, i++) if (p === process.pid) return true;
    return false;
  };
  return [...cmd.keys()].filter((p) => cmd.get(p).includes('--type=renderer') && mine(p));
}
function procStatus(pid, field) {
  try {
    const m = new RegExp(`^${field}:\\s*(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}
function resetHwm(pids) {
  for (const p of pids) {
    try { writeFileSync(`/proc/${p}/clear_refs`, '5'); } catch { /* not permitted: VmHWM stays lifetime */ }
  }
}

/** Samples worker and main-thread heap (CDP Runtime.getHeapUsage) and renderer RSS while a phase runs. */
function makeSampler(cdp) {
  const workers = new Map(); // sessionId → url
  const pending = new Map();
  let id = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') workers.set(e.sessionId, e.targetInfo.url);
  });
  cdp.on('Target.detachedFromTarget', (e) => workers.delete(e.sessionId));
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    let msg;
    try { msg = JSON.parse(e.message); } catch { return; }
    const p = pending.get(msg.id);
    if (p) {
      pending.delete(msg.id);
      p(msg.result ?? null);
    }
  });
  const heapOf = (r) => (r ? r.usedSize + (r.backingStorageSize ?? 0) : null);
  const workerHeap = async (sessionId) => {
    const mid = id++;
    const p = new Promise((ok) => pending.set(mid, ok));
    await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id: mid, method: 'Runtime.getHeapUsage' }) });
    return Promise.race([p, sleep(5000).then(() => null)]);
  };
  const vindexWorker = () => [...workers].find(([, url]) => url.includes('vindex.worker'))?.[0] ?? null;

  let phase = null;
  return {
    async attach() {
      await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    },
    vindexWorker,
    workerHeap: async () => {
      const s = vindexWorker();
      return s ? heapOf(await workerHeap(s)) : null;
    },
    mainHeap: async () => heapOf(await cdp.send('Runtime.getHeapUsage').catch(() => null)),
    /** Starts a phase: resets renderer VmHWM and samples every `ms`. */
    start(ms = 50) {
      if (process.env.BENCH_NO_SAMPLER) ms = 1e9; // diagnostics: no periodic sampling
      const pids = rendererPids();
      resetHwm(pids);
      const st = { worker: 0, main: 0, rssSum: 0, rssStart: pids.reduce((a, p) => a + procStatus(p, 'VmRSS'), 0), running: true, workerSamples: 0, mainSamples: 0 };
      phase = st;
      (async () => {
        if (process.env.BENCH_NO_SAMPLER) return;
        while (st.running) {
          const s = vindexWorker();
          await Promise.all([
            s ? workerHeap(s).then((r) => { const v = heapOf(r); if (v !== null) { st.workerSamples++; st.worker = Math.max(st.worker, v); } }) : null,
            cdp.send('Runtime.getHeapUsage').then((r) => { st.mainSamples++; st.main = Math.max(st.main, heapOf(r)); }, () => {}),
          ]).catch(() => {});
          await sleep(ms);
        }
      })();
      (async () => {
        if (process.env.BENCH_NO_SAMPLER) return;
        while (st.running) {
          const pids2 = rendererPids();
          st.rssSum = Math.max(st.rssSum, pids2.reduce((a, p) => a + procStatus(p, 'VmRSS'), 0));
          await sleep(ms);
        }
      })();
      return st;
    },
    stop() {
      const st = phase;
      st.running = false;
      const pids = rendererPids();
      st.hwmSum = pids.reduce((a, p) => a + procStatus(p, 'VmHWM'), 0);
      st.rssPeak = Math.max(st.rssSum, st.hwmSum);
      return st;
    },
  };
}

async function caseB() {
  const C = 'b';
  const L = 34, F = 10240, H = 2560, V = 8192;
  const embedScale = Math.sqrt(H); // 50.596…
  const layerBytes = F * H * 2;
  const gateBytes = L * layerBytes;
  const dir = join(TMP, 'gemma');
  if (!existsSync(join(DIST, 'index.html'))) {
    console.log('  dist/ is missing: running "npm run build" …');
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  }
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const { startVindexServer } = await import('../tests/server/vindexServer.mjs');
  const { chromium } = await import('playwright-core');
  let appSrv = null, vSrv = null, browser = null;
  try {
    let t = performance.now();
    const index = {
      version: 2, model: 'bench/gemma-3-4b-size (random)', family: 'gemma3', dtype: 'f16',
      num_layers: L, hidden_size: H, intermediate_size: F, vocab_size: V, embed_scale: embedScale,
      layers: Array.from({ length: L }, (_, l) => ({ layer: l, num_features: F, offset: l * layerBytes, length: layerBytes })),
    };
    writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 1));
    const base = await writeRandomF16(join(dir, 'gate_vectors.bin'), gateBytes, 21);
    await writeRandomF16(join(dir, 'embeddings.bin'), V * H * 2, 22, base);
    note(C, `generated bench/tmp/gemma in ${((performance.now() - t) / 1000).toFixed(1)} s: index.json v2 (family gemma3, embed_scale ${embedScale.toFixed(2)}, layers[] byte offsets), gate ${fmtBytes(gateBytes)} f16 [34×10240×2560], embeddings.bin f16 V=${V} (${fmtBytes(V * H * 2)}), no tokenizer, no down_meta`);

    const bundle = readdirSync(join(DIST, 'assets')).filter((f) => /^(index|vindex\.worker)-.*\.js$/.test(f)).sort().join(', ');
    note(C, `built app measured: dist/assets ${bundle}`);
    results.appBundle = bundle;
    appSrv = await startVindexServer({ root: DIST });
    vSrv = await startVindexServer({ root: dir });
    // The test server hashes each file on its first request (1.78 GB ≈ seconds): do it now, untimed.
    t = performance.now();
    for (const f of ['index.json', 'gate_vectors.bin', 'embeddings.bin']) await fetch(vSrv.url + f, { method: 'HEAD' });
    note(C, `app served from dist/ and the vindex from a second test-server instance (cross-origin, CORS); server ETag hashing pre-warmed untimed (${((performance.now() - t) / 1000).toFixed(1)} s)`);
    vSrv.requests.length = 0;
    const served = () => vSrv.requests.reduce((a, r) => a + r.bytes, 0);

    browser = await chromium.launch({
      executablePath: CHROMIUM, headless: true,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const page = await context.newPage();
    const pageErrors = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));
    let crashed = false;
    page.on('crash', () => { crashed = true; });
    // In-page watcher: polls the status line every 10 ms, timestamps relative to navigation start.
    await page.addInitScript(() => {
      const w = { t0: 0, q: null, first: null, started: null, done: null, text: '' };
      const poll = () => {
        const scope = w.q ? document.querySelector(`section[aria-label="Query ${w.q}"]`) : document;
        if (scope) {
          for (const p of scope.querySelectorAll('p.muted')) {
            const m = /(Scoring…|Scored) (\d+) of (\d+) layers/.exec(p.textContent ?? '');
            if (!m) continue;
            const now = performance.now();
            if (w.started === null) w.started = now - w.t0;
            if (w.first === null && Number(m[2]) >= 1) w.first = now - w.t0;
            if (m[1] === 'Scored' && m[2] === m[3] && w.done === null) { w.done = now - w.t0; w.text = p.textContent; }
            break;
          }
        }
        if (w.done === null) setTimeout(poll, 10);
      };
      w.watch = (q) => {
        Object.assign(w, { t0: performance.now(), q, first: null, started: null, done: null, text: '' });
        setTimeout(poll, 0);
      };
      window.__bench = w;
      setTimeout(poll, 0);
    });
    const cdp = await context.newCDPSession(page);
    const sampler = makeSampler(cdp);
    await sampler.attach();

    const waitDone = async (timeoutMs) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (crashed) throw new Error('the page crashed');
        const w = await page.evaluate(() => { const b = window.__bench; return { first: b.first, started: b.started, done: b.done, text: b.text }; });
        if (w.done !== null) return w;
        if (Date.now() > deadline) {
          const status = await page.locator('p.muted').allTextContents().catch(() => []);
          const alerts = await page.getByRole('alert').allTextContents().catch(() => []);
          throw new Error(`not scored after ${timeoutMs / 1000} s (first layer at ${w.first ?? 'never'}; status: ${status.join(' | ').slice(0, 200)}; alerts: ${alerts.join(' | ').slice(0, 300)})`);
        }
        await sleep(100);
      }
    };

    // --- first query, #123, from navigation
    const vindexUrl = vSrv.url;
    const appUrl = `${appSrv.url}index.html?src=${encodeURIComponent(vindexUrl)}&view=token&q=%23123`;
    const ph1 = sampler.start();
    await page.goto(appUrl);
    const w1 = await waitDone(120000);
    const st1 = sampler.stop();
    const bytes1 = served();
    const req1 = vSrv.requests.length;
    const rs1 = requestStats(vSrv.requests);
    const top1 = await topRow(page, 'Query #123');
    const storageUsage = () => page.evaluate(async () => (await navigator.storage?.estimate?.())?.usage ?? null).catch(() => null);
    const stored1 = await storageUsage();

    // --- second query, #456, in the same page
    vSrv.requests.length = 0;
    await page.getByLabel('Query', { exact: true }).fill('#456');
    const ph2 = sampler.start();
    await page.evaluate(() => {
      window.__bench.watch('#456');
      document.querySelector('form.query-form').requestSubmit();
    });
    const w2 = await waitDone(120000);
    const st2 = sampler.stop();
    const bytes2 = served();
    const req2 = vSrv.requests.length;
    const rs2 = requestStats(vSrv.requests);
    const residentAfter = await sampler.workerHeap();
    const stored2 = await storageUsage();
    void ph1; void ph2;

    // --- baseline: the naive way, in the same page (main thread)
    vSrv.requests.length = 0;
    const naiveArgs = { gateUrl: vindexUrl + 'gate_vectors.bin', embUrl: vindexUrl + 'embeddings.bin', L, F, H, id: 123, scale: embedScale };
    let nb = null;
    let nbSt = null;
    let nbHeld = null;
    let halfNote = null;
    for (const layers of [L, Math.floor(L / 2)]) {
      vSrv.requests.length = 0;
      const mainBefore = await sampler.mainHeap();
      const st = sampler.start();
      try {
        const r = await page.evaluate(naiveInPage, { ...naiveArgs, layers, whole: layers === L });
        nbHeld = await sampler.mainHeap(); // buffers still held by window.__naiveHold: the peak
        nbSt = sampler.stop();
        if (r.error) throw new Error(r.error);
        nb = { ...r, bytes: served(), mainBefore };
        await page.evaluate(() => { delete window.__naiveHold; });
        break;
      } catch (e) {
        if (st.running) sampler.stop();
        const msg = `naive whole-file baseline with ${layers} layers failed: ${e.message.split('\n')[0]}`;
        if (layers === L) {
          halfNote = `${msg}; retried with half the layers (${Math.floor(L / 2)}), fetched with one Range request`;
          if (crashed) throw new Error(`${msg} (the page crashed, so no half-size retry)`);
        } else {
          throw new Error(msg);
        }
      }
    }
    if (halfNote) note(C, halfNote);

    // Cross-check: app's top feature vs the naive argmax (same query #123, cosine).
    if (top1 && nb?.top) {
      const same = top1.layer === nb.top.layer && top1.feature === nb.top.feature;
      note(C, `top feature for #123: app L${top1.layer} F${top1.feature} (${top1.score}), naive L${nb.top.layer} F${nb.top.feature} (${nb.top.score.toFixed(4)})${same ? ' — agree' : nb.layers < L ? ' (naive saw only half the layers)' : ' — DISAGREE'}`);
    }

    const nbTime = nb?.ms ?? null;
    const nbBytes = nb?.bytes ?? null;
    const nbPeak = nb ? Math.max(nbSt?.main ?? 0, nbHeld ?? 0) - (nb.mainBefore ?? 0) : null;
    const half = nb && nb.layers < L ? ' (baseline: half the layers)' : '';
    record(C, `query #123 (from navigation): time to first heatmap layer${half}`, w1.first, 'ms', nbTime, 'lower', 'naive shows nothing until all is scored');
    record(C, `query #123 (from navigation): time to all 34 layers${half}`, w1.done, 'ms', nbTime);
    record(C, `query #123: bytes fetched from the vindex server (${req1} requests)${half}`, bytes1, 'bytes', nbBytes);
    record(C, `query #123: peak worker memory (CDP JS heap + ArrayBuffers)${half}`, st1.worker || null, 'bytes', nbPeak, 'lower', 'baseline: main-thread heap + ArrayBuffers above its start');
    record(C, `query #123: peak renderer RSS (all renderer processes)`, st1.rssPeak, 'bytes', nbSt?.rssPeak ?? null);
    record(C, `query #456 (same page): time to first heatmap layer${half}`, w2.first, 'ms', nbTime);
    record(C, `query #456 (same page): time to all 34 layers${half}`, w2.done, 'ms', nbTime);
    record(C, `query #456: bytes fetched from the vindex server (${req2} requests)${half}`, bytes2, 'bytes', nbBytes);
    record(C, `query #456: peak worker memory (CDP JS heap + ArrayBuffers)${half}`, st2.worker || null, 'bytes', nbPeak);
    note(C, `app status lines: "${w1.text.trim()}" then "${w2.text.trim()}"; query #123 scoring started (status line shown) ${(w1.started / 1000).toFixed(2)} s after navigation; worker heap after both queries ${fmtBytes(residentAfter)}`);
    note(C, `memory: worker figures are CDP Runtime.getHeapUsage (usedSize + backingStorageSize, i.e. typed-array memory included) of the vindex worker, sampled every ~50 ms (${st1.workerSamples}+${st2.workerSamples} samples); renderer RSS = max of summed VmRSS samples and summed VmHWM (reset via clear_refs) of this run's renderer processes${nb ? `; renderer RSS before the baseline ${fmtBytes(nbSt?.rssStart)} (the worker still holds its resident layers)` : ''}`);
    if (nb) {
      note(C, `baseline = naive, same page, main thread: one plain fetch() of ${nb.whole ? 'the whole gate file' : `the first ${nb.layers} layers (one Range request)`} + arrayBuffer() (${(nb.fetchMs / 1000).toFixed(2)} s), decode all to one Float32Array via ${nb.decode} (${(nb.decodeMs / 1000).toFixed(2)} s), plain cosine loop (${(nb.scoreMs / 1000).toFixed(2)} s); allocated ${fmtBytes(nb.allocated)} in two buffers; q from one Range read of embeddings.bin row 123`);
    }
    const rsLine = (rs) => `${rs.requests} requests, ${fmtBytes(rs.bytes)} sent (gate ${fmtBytes(rs.byFile['/gate_vectors.bin']?.bytes)} in ${rs.byFile['/gate_vectors.bin']?.requests ?? 0} requests, ${fmtBytes(rs.byFile['/gate_vectors.bin']?.distinctBytes)} distinct), ${rs.aborted} answers aborted by the client (${fmtBytes(rs.abortedBytes)} sent for them), ${fmtBytes(rs.bytesSentTwiceOrMore)} sent more than once`;
    note(C, `browser storage in use (navigator.storage.estimate(), e.g. a persistent OPFS block cache; fresh profile each run): ${fmtBytes(stored1)} after query #123, ${fmtBytes(stored2)} after query #456; the resident gate layers are kept within the app's default 1 GiB gate budget, so the layers of #456 beyond it come from the server or that store`);
    results.storageUsage = { afterQ123: stored1, afterQ456: stored2 };
    note(C, `server log, query #123: ${rsLine(rs1)}`);
    note(C, `server log, query #456: ${rsLine(rs2)}`);
    results.requestLog = { q123: rs1, q456: rs2 };
    if (pageErrors.length) note(C, `page errors: ${pageErrors.slice(0, 3).join(' | ')}`);
  } finally {
    await browser?.close().catch(() => {});
    await appSrv?.close().catch(() => {});
    await vSrv?.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Request log summary: bytes per file, aborted answers, and bytes sent more than once (overlapping ranges). */
function requestStats(requests) {
  const byFile = {};
  for (const r of requests) {
    const f = (byFile[r.path] ??= { requests: 0, bytes: 0, aborted: 0, abortedBytes: 0, spans: [] });
    f.requests++;
    f.bytes += r.bytes;
    if (r.aborted) { f.aborted++; f.abortedBytes += r.bytes; }
    const m = /^bytes=(\d+)-(\d*)$/.exec(r.range ?? '');
    const start = m ? Number(m[1]) : 0;
    if (r.bytes > 0) f.spans.push([start, start + r.bytes]);
  }
  let total = 0, dup = 0, aborted = 0, abortedBytes = 0;
  for (const f of Object.values(byFile)) {
    f.spans.sort((a, b) => a[0] - b[0]);
    let covered = 0, end = -1;
    for (const [a, b] of f.spans) {
      if (b <= end) continue;
      covered += b - Math.max(a, end);
      end = Math.max(end, b);
    }
    f.distinctBytes = covered;
    delete f.spans;
    total += f.bytes;
    dup += f.bytes - covered;
    aborted += f.aborted;
    abortedBytes += f.abortedBytes;
  }
  return { requests: requests.length, bytes: total, bytesSentTwiceOrMore: dup, aborted, abortedBytes, byFile };
}

/** First row of the section's "Top features" table as {layer, feature, score}. */
async function topRow(page, section) {
  try {
    const cells = await page.locator(`section[aria-label="${section}"] table tbody tr`).first().locator('td').allTextContents();
    return { layer: Number(cells[0]), feature: Number(cells[1]), score: cells[2] };
  } catch {
    return null;
  }
}

/** Runs in the page: the naive way (whole fetch, decode everything, plain loop). */
async function naiveInPage({ gateUrl, embUrl, F, H, id, scale, layers, whole }) {
  try {
    const t0 = performance.now();
    const er = await fetch(embUrl, { headers: { Range: `bytes=${id * H * 2}-${(id + 1) * H * 2 - 1}` } });
    const eb = new Uint16Array(await er.arrayBuffer());
    const res = await fetch(gateUrl, whole ? {} : { headers: { Range: `bytes=0-${layers * F * H * 2 - 1}` } });
    const buf = await res.arrayBuffer();
    const t1 = performance.now();
    const F16 = globalThis.Float16Array;
    let m;
    let decode;
    if (typeof F16 === 'function') {
      m = new Float32Array(new F16(buf));
      decode = 'new Float32Array(new Float16Array(buf))';
    } else {
      const tab = new Float32Array(65536);
      for (let b = 0; b < 65536; b++) {
        const s = b & 0x8000 ? -1 : 1, e = (b >> 10) & 31, mm = b & 1023;
        tab[b] = e === 0 ? s * mm * 2 ** -24 : e === 31 ? (mm ? NaN : s * Infinity) : s * (1024 + mm) * 2 ** (e - 25);
      }
      const bits = new Uint16Array(buf);
      m = new Float32Array(bits.length);
      for (let i = 0; i < bits.length; i++) m[i] = tab[bits[i]];
      decode = 'a lookup table';
    }
    const t2 = performance.now();
    const qe = typeof F16 === 'function' ? new Float32Array(new F16(eb.buffer)) : null;
    const q = new Float32Array(H);
    let qq = 0;
    for (let h = 0; h < H; h++) { q[h] = (qe ? qe[h] : 0) * scale; qq += q[h] * q[h]; }
    const qn = Math.sqrt(qq);
    const out = new Float32Array(layers * F);
    let best = -Infinity, bestAt = 0;
    for (let r = 0; r < layers * F; r++) {
      let s = 0, n = 0;
      const b = r * H;
      for (let h = 0; h < H; h++) { const x = m[b + h]; s += x * q[h]; n += x * x; }
      const c = s / (Math.sqrt(n) * qn + 1e-8);
      out[r] = c;
      if (c > best) { best = c; bestAt = r; }
    }
    const t3 = performance.now();
    window.__naiveHold = [buf, m, out]; // kept until the caller has sampled memory at the peak
    return {
      ms: t3 - t0, fetchMs: t1 - t0, decodeMs: t2 - t1, scoreMs: t3 - t2, decode, layers, whole,
      allocated: buf.byteLength + m.byteLength,
      top: { layer: Math.floor(bestAt / F), feature: bestAt % F, score: best },
    };
  } catch (e) {
    return { error: `${e?.name ?? 'Error'}: ${e?.message ?? e}` };
  }
}

// ------------------------------------------------------------------------------------------------
// (c) compute kernel

async function caseC() {
  const C = 'c';
  const vite = await import('vite');
  const { module } = await vite.runnerImport(join(ROOT, 'bench/kernelBench.ts'));
  const res = await module.runKernelBench();
  for (const r of res) record(C, r.name, r.value, r.unit, r.baseline ?? null, r.unit === 'GB/s' ? 'higher' : 'lower');
  note(C, 'bench/kernelBench.ts in Node (one thread, synthetic data, medians); baseline = decode the whole matrix to f32 first, then loop');
}

// ------------------------------------------------------------------------------------------------

const CASES = [
  ['a', '(a) Qwen3-8B compact geometry (36 layers × 128 features × 4096 hidden, f16), one query, real engine in Node', caseA],
  ['b', '(b) Gemma-3-4B-size LarQL geometry (34 × 10240 × 2560 f16 = 1.78 GB gate), streamed into headless Chromium running the built app', caseB],
  ['c', '(c) compute kernel alone (bench/kernelBench.ts)', caseC],
  ['d', '(d) comparing two vindexes: subspace and row similarity maths, and a whole Qwen3-8B compact comparison in the real engine',
    () => caseD({ ROOT, TMP, record, note, writeRandomF16, fmtBytes })],
];

async function main() {
  const only = process.argv.slice(2).filter((a) => /^[abcd]$/.test(a));
  const machine = machineInfo();
  console.log('Vindex Explorer benchmark');
  console.log(`  CPU: ${machine.cpu} · ${machine.cores} cores · RAM ${(machine.ramBytes / 2 ** 30).toFixed(1)} GiB · ${machine.platform}`);
  console.log(`  Node ${machine.node} · ${machine.chromium}`);
  mkdirSync(TMP, { recursive: true });
  const status = {};
  let cleanup = () => {
    for (const d of ['qwen-compact', 'gemma']) rmSync(join(TMP, d), { recursive: true, force: true });
    try { rmdirSync(TMP); } catch { /* not empty: someone else's files */ }
  };
  process.once('SIGINT', () => { cleanup(); process.exit(130); });
  try {
    for (const [id, title, fn] of CASES) {
      if (only.length && !only.includes(id)) continue;
      const t0 = performance.now();
      try {
        await fn();
        status[id] = 'ok';
      } catch (e) {
        status[id] = 'failed';
        failures.push({ case: id, error: String(e?.stack ?? e) });
        note(id, `FAILED: ${String(e?.message ?? e).split('\n')[0]}`);
      }
      printTable(id, `${title}  [${((performance.now() - t0) / 1000).toFixed(1)} s]`);
      if (status[id] === 'failed') console.log(`  error: ${failures.at(-1).error.split('\n').slice(0, 4).join('\n         ')}`);
    }
  } finally {
    cleanup();
  }
  const totalS = (performance.now() - BENCH_T0) / 1000;
  console.log(`\nTotal ${totalS.toFixed(1)} s. "vs baseline": how many times less time/bytes/memory (or more GB/s) than the naive baseline measured in this run.`);
  writeFileSync(RESULTS, JSON.stringify({
    date: new Date().toISOString(), machine, totalSeconds: totalS, status,
    figures: rows.map((r) => ({ ...r, vsBaseline: ratio(r) || null })), notes, details: results, failures,
  }, null, 2) + '\n');
  console.log(`Wrote ${RESULTS.slice(ROOT.length + 1)}`);
  const ran = Object.values(status);
  process.exitCode = ran.length > 0 && ran.every((s) => s === 'failed') ? 1 : 0;
}

await main();
