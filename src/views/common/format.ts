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

/** A token string for display: visible markers for leading spaces and control characters. */
export function showToken(text: string): string {
  if (text === '') return '∅';
  return text.replace(/\n/g, '↵').replace(/\t/g, '⇥');
}

/** Distinct display texts in order, for compact summaries ("Paris" and " Paris" both decode to "Paris"). */
export function distinctTexts(texts: string[], max: number): string[] {
  return [...new Set(texts.map(showToken))].slice(0, max);
}

/** A top share as a percentage a reader can say: 0.00098 → "0.098%", 0.034 → "3.4%", 0.5 → "50%". */
export function formatTopShare(share: number): string {
  if (!Number.isFinite(share)) return '–';
  const pct = share * 100;
  return `${pct >= 10 ? pct.toFixed(0) : pct >= 1 ? pct.toFixed(1) : Number(pct.toPrecision(2)).toString()}%`;
}
