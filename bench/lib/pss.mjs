// Memory of the whole browser: the sum of Pss (proportional set size: shared pages split between the
// processes that map them, so the sum is not inflated by shared libraries) from
// /proc/<pid>/smaps_rollup over every Chromium process started by this benchmark.
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';

const GiB = 2 ** 30;
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** PIDs of Chromium processes descended from this Node process. */
export function chromiumPids() {
  const parent = new Map();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const mine = (pid) => {
    for (let p = parent.get(pid), i = 0; p > 1 && i < 64; p = parent.get(p) ?? 0, i++) if (p === process.pid) return true;
    return false;
  };
  const out = [];
  for (const pid of parent.keys()) {
    if (!mine(pid)) continue;
    try {
      if (/chrom/i.test(readlinkSync(`/proc/${pid}/exe`))) out.push(pid);
    } catch { /* gone or not ours */ }
  }
  return out;
}

/**
 * Pss and private bytes (Private_Clean + Private_Dirty) of one process (0 when it has gone). Private
 * is reported beside Pss because Pss splits shared pages (Chromium's own code) with every process
 * mapping them, including other Chromium instances on this shared machine, which lowers it a little.
 */
export function memOf(pid) {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    const kb = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(t)?.[1] ?? 0) * 1024;
    return { pss: kb('Pss'), priv: kb('Private_Clean') + kb('Private_Dirty') };
  } catch {
    return { pss: 0, priv: 0 };
  }
}

/** Sum of Pss (`bytes`) and of private bytes over the browser's processes, and how many were counted. */
export function browserPss() {
  const pids = chromiumPids();
  let bytes = 0;
  let priv = 0;
  for (const p of pids) {
    const m = memOf(p);
    bytes += m.pss;
    priv += m.priv;
  }
  return { bytes, priv, processes: pids.length };
}

/**
 * Samples browserPss() every `ms` (default 250 ms, ~4×/s) until stopped, starting in phase `first`. `phase(name)` starts a named
 * phase; `stop()` returns the overall peak, the peak per phase and the sample count, in GiB.
 */
export function startPssSampler(ms = 250, first = 'start') {
  let running = true;
  let phase = first;
  const peaks = {};
  let peak = 0;
  let peakPriv = 0;
  let samples = 0;
  let maxProcesses = 0;
  const loop = (async () => {
    while (running) {
      const s = browserPss();
      samples++;
      maxProcesses = Math.max(maxProcesses, s.processes);
      peak = Math.max(peak, s.bytes);
      peakPriv = Math.max(peakPriv, s.priv);
      peaks[phase] = Math.max(peaks[phase] ?? 0, s.bytes);
      await sleep(ms);
    }
  })();
  return {
    phase(name) { phase = name; },
    async stop() {
      running = false;
      await loop;
      const g = Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, v / GiB]));
      return { peakGiB: peak / GiB, peakPrivateGiB: peakPriv / GiB, phasePeaksGiB: g, samples, maxProcesses };
    },
  };
}

/** Settled memory: samples for `seconds` at 4×/s; the median of the last half of Pss and of private bytes, GiB. */
export async function settledPss(seconds = 4) {
  const xs = [];
  for (let i = 0; i < seconds * 4; i++) {
    xs.push(browserPss());
    await sleep(250);
  }
  const med = (k) => {
    const tail = xs.slice(xs.length >> 1).map((x) => x[k]).sort((a, b) => a - b);
    return tail[tail.length >> 1] / GiB;
  };
  return { pss: med('bytes'), priv: med('priv') };
}
