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

/** Pss of one process in bytes (0 when it has gone). */
export function pssOf(pid) {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Sum of Pss over the browser's processes, bytes, and how many processes were counted. */
export function browserPss() {
  const pids = chromiumPids();
  return { bytes: pids.reduce((a, p) => a + pssOf(p), 0), processes: pids.length };
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
  let samples = 0;
  let maxProcesses = 0;
  const loop = (async () => {
    while (running) {
      const s = browserPss();
      samples++;
      maxProcesses = Math.max(maxProcesses, s.processes);
      peak = Math.max(peak, s.bytes);
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
      return { peakGiB: peak / GiB, phasePeaksGiB: g, samples, maxProcesses };
    },
  };
}

/** Settled memory: samples for `seconds` at 4×/s and returns the median of the last half, GiB. */
export async function settledPss(seconds = 4) {
  const xs = [];
  for (let i = 0; i < seconds * 4; i++) {
    xs.push(browserPss().bytes);
    await sleep(250);
  }
  const tail = xs.slice(xs.length >> 1).sort((a, b) => a - b);
  return tail[tail.length >> 1] / GiB;
}
