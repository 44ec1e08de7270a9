// Runs bench/lib/numpy_baseline.py (python3 with numpy: `pip install numpy` when missing).
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const PY = process.env.BENCH_PYTHON ?? 'python3';

/** Runs one numpy baseline; returns {ms (median of the warm runs), times, result, numpy}. */
export function numpyBaseline(args, repeat = 4) {
  let text;
  try {
    text = execFileSync(PY, [join(import.meta.dirname, 'numpy_baseline.py'), JSON.stringify({ ...args, repeat })], { encoding: 'utf8', maxBuffer: 1 << 24 });
  } catch (e) {
    const why = String(e.stderr ?? e.message);
    if (/No module named 'numpy'/.test(why)) throw new Error('the numpy baseline needs numpy: pip install numpy');
    throw new Error(`numpy baseline failed: ${why.split('\n').slice(-3).join(' ')}`);
  }
  const r = JSON.parse(text);
  const warm = r.times.slice(1).sort((a, b) => a - b);
  return { ms: warm[warm.length >> 1] ?? r.times[0], times: r.times, result: r.result, numpy: r.numpy };
}
