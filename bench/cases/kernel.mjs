// Case "kernel" (was (c)): the compute kernel alone (bench/kernelBench.ts, one thread, synthetic data,
// medians) against decode-the-whole-matrix-to-f32-then-loop in the same run.
import { join } from 'node:path';

/** Runs the case; `ctx`: {ROOT, record, note}. */
export async function kernelCase({ ROOT, record, note }) {
  const C = 'kernel';
  const vite = await import('vite');
  const { module } = await vite.runnerImport(join(ROOT, 'bench/kernelBench.ts'));
  const res = await module.runKernelBench();
  for (const r of res) record(C, r.name, r.value, r.unit, r.baseline ?? null, { better: r.unit === 'GB/s' ? 'higher' : 'lower', baselineName: 'decode all to f32, then loop' });
  note(C, 'bench/kernelBench.ts in Node (one thread, synthetic data, medians); baseline = decode the whole matrix to f32 first, then loop');
}
