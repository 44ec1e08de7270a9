/** Human-readable byte count: 1536 → "1.5 KB" (decimal units, as the Hub shows sizes). */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v.toFixed(v >= 100 ? 0 : v >= 10 ? 1 : 2)} ${units[i]}`;
}

/** A score with at least 4 significant digits; NaN and ±inf spelled out. */
export function formatScore(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+inf';
  if (x === -Infinity) return '-inf';
  if (x === 0) return '0.0000';
  const abs = Math.abs(x);
  if (abs >= 1e6 || abs < 1e-4) return x.toExponential(4);
  return abs >= 1 ? x.toFixed(4) : x.toPrecision(4);
}
