#!/usr/bin/env node
// Vindex Explorer benchmark: `npm run bench` runs every case; `node bench/run.mjs qwen gemma` runs the
// named ones; `node bench/run.mjs --markdown` prints the last bench/results.json as the README's table
// (with case names, or `all`, it runs them first). BENCH_DIST=/abs/path/to/dist measures another build of the app;
// BENCH_RESULTS=/abs/path.json writes the results elsewhere (and --markdown reads them from there).
//
// Every figure is printed beside a baseline measured in the same run, as a ratio (value ÷ baseline);
// figures that carry one of issue 7's targets say whether it is met. Nothing here asserts a time.
// Generated data lives in bench/tmp/ (gitignored) and is reused by later runs; browser profiles are
// deleted after each scenario. One failing case prints its error and the others still run; the exit
// code is 1 only when every case failed.
//
// Cases (one file each in bench/cases/):
//   engine   Qwen3-8B compact geometry scored in Node by the real engine   vs read-all-then-loop
//   kernel   the f16 compute kernel alone                                  vs decode-all-then-loop
//   compare  comparing two vindexes (maths, and a whole comparison)        vs explicit Gram–Schmidt
//   qwen     full projection at Qwen3-8B size in Chromium                  vs fetch floor / numpy
//   gemma    heatmap at Gemma-3-4B size in Chromium, peak PSS, memory      vs fetch floor / numpy / idle PSS
import { mkdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { rows, note, record, detail, failures, fmtBytes, printTable, writeResults, readResults, markdownTable } from './lib/record.mjs';
import { machineInfo } from './lib/machine.mjs';
import { cleanProfiles } from './lib/browser.mjs';
import { engineCase } from './cases/engine.mjs';
import { kernelCase } from './cases/kernel.mjs';
import { compareCase } from './cases/compare.mjs';
import { qwenCase } from './cases/qwen.mjs';
import { gemmaCase } from './cases/gemma.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const TMP = join(ROOT, 'bench', 'tmp');
const DIST = resolve(process.env.BENCH_DIST ?? join(ROOT, 'dist'));
const RESULTS = resolve(process.env.BENCH_RESULTS ?? join(ROOT, 'bench', 'results.json'));

const CASES = [
  ['engine', 'Qwen3-8B compact geometry (36 × 128 × 4096 f16), one cosine query, real engine in Node', engineCase],
  ['kernel', 'compute kernel alone (bench/kernelBench.ts)', kernelCase],
  ['compare', 'comparing two vindexes: subspace and row similarity maths, and a whole Qwen3-8B compact comparison in the real engine', compareCase],
  ['qwen', 'Qwen3-8B compact geometry at full vocabulary (embeddings 151,936 × 4,096 f16 = 1.24 GB): "Compute full projection" in headless Chromium', qwenCase],
  ['gemma', 'Gemma-3-4B geometry (34 × 10,240 × 2,560 f16 gate = 1.78 GB, embeddings 262,144 × 2,560): one-token cosine heatmap in headless Chromium, memory', gemmaCase],
];
/** Old one-letter names still work (b was the Gemma case). */
const ALIASES = { a: 'engine', b: 'gemma', c: 'kernel', d: 'compare' };

async function main() {
  const args = process.argv.slice(2);
  const markdown = args.includes('--markdown');
  let names = args.filter((a) => !a.startsWith('--')).map((a) => ALIASES[a] ?? a);
  if (names.includes('all')) names = CASES.map(([id]) => id);
  const unknown = names.filter((n) => !CASES.some(([id]) => id === n));
  if (unknown.length) {
    console.error(`unknown case(s): ${unknown.join(', ')}; cases: ${CASES.map(([id]) => id).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  if (markdown && names.length === 0) {
    console.log(markdownTable(readResults(RESULTS)));
    return;
  }
  const t0 = performance.now();
  const machine = machineInfo();
  console.log('Vindex Explorer benchmark');
  console.log(`  CPU: ${machine.cpu} · ${machine.cores} cores · RAM ${(machine.ramBytes / 2 ** 30).toFixed(1)} GiB · ${machine.platform}`);
  console.log(`  Node ${machine.node} · ${machine.chromium} · app build ${DIST}`);
  mkdirSync(TMP, { recursive: true });
  cleanProfiles(TMP);
  const ctx = { ROOT, TMP, DIST, record, note, detail, fmtBytes };
  const status = {};
  for (const [id, title, fn] of CASES) {
    if (names.length && !names.includes(id)) continue;
    const t = performance.now();
    const loadBefore = loadavg()[0];
    try {
      await fn(ctx);
      status[id] = 'ok';
    } catch (e) {
      status[id] = 'failed';
      failures.push({ case: id, error: String(e?.stack ?? e) });
      note(id, `FAILED: ${String(e?.message ?? e).split('\n')[0]}`);
    }
    // why: this 2-core machine is shared; a load far above 2 means other work competed with the run
    note(id, `load average (1 min) ${loadBefore.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (${machine.cores} cores)`);
    printTable(id, `${id}: ${title}  [${((performance.now() - t) / 1000).toFixed(0)} s]`);
    if (status[id] === 'failed') console.log(`  error: ${failures.at(-1).error.split('\n').slice(0, 4).join('\n         ')}`);
  }
  const totalSeconds = (performance.now() - t0) / 1000;
  console.log(`\nTotal ${totalSeconds.toFixed(0)} s. ratio = value ÷ the baseline measured in this run (for times, bytes and memory, below 1 is better).`);
  const out = writeResults(RESULTS, { date: new Date().toISOString(), machine, dist: DIST, totalSeconds, status });
  console.log(`Wrote ${RESULTS} (${rows.length} figures)`);
  if (markdown) console.log(`\n${markdownTable(out)}`);
  const ran = Object.values(status);
  process.exitCode = ran.length > 0 && ran.every((s) => s === 'failed') ? 1 : 0;
}

await main();
