// Recording, printing and saving of benchmark figures. Every figure sits beside a baseline measured in
// the same run and is shown as a ratio (value ÷ baseline); some also carry one of issue 7's targets.
import { readFileSync, writeFileSync } from 'node:fs';

/**
 * @typedef {{case: string, name: string, value: number|null, unit: string, baseline: number|null,
 *   baselineName?: string, better: 'lower'|'higher', target?: Target, note?: string}} Figure
 * @typedef {{label: string, maxRatio?: number, max?: number}} Target  met when value ÷ baseline ≤ maxRatio, or value ≤ max
 */

/** @type {Figure[]} */
export const rows = [];
/** @type {Record<string, string[]>} */
export const notes = {};
/** Extra structured detail per case, for results.json. */
export const details = {};
export const failures = [];

/** Records one figure; `opts`: baselineName, better ('lower' default), target, note. */
export function record(caseId, name, value, unit, baseline = null, opts = {}) {
  const row = { case: caseId, name, value, unit, baseline, better: opts.better ?? 'lower' };
  if (opts.baselineName) row.baselineName = opts.baselineName;
  if (opts.target) row.target = opts.target;
  if (opts.note) row.note = opts.note;
  rows.push(row);
  return row;
}
/** Adds a free-text note to a case. */
export function note(caseId, text) {
  (notes[caseId] ??= []).push(text);
}
/** Stores structured detail for results.json under the case id. */
export function detail(caseId, key, value) {
  (details[caseId] ??= {})[key] = value;
}

/** Bytes in decimal units (MB, GB), as file sizes are usually quoted. */
export function fmtBytes(n) {
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
/** A value in its unit, short. */
export function fmt(v, unit) {
  if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) return '—';
  if (unit === 'bytes') return fmtBytes(v);
  if (unit === 'GiB') return `${v.toFixed(2)} GiB`;
  if (unit === 'ms') return v >= 10000 ? `${(v / 1000).toFixed(1)} s` : v >= 1000 ? `${(v / 1000).toFixed(2)} s` : `${v.toFixed(v >= 100 ? 0 : 1)} ms`;
  if (unit === 'GB/s') return `${v.toFixed(2)} GB/s`;
  return `${v} ${unit}`;
}
/** value ÷ baseline as "1.84×" (with an arrow saying which way is better), or '' when undefined. */
export function ratio(r) {
  if (r.value === null || r.baseline === null || !Number.isFinite(r.value) || !Number.isFinite(r.baseline)) return '';
  if (r.baseline === 0) return r.value === 0 ? '—' : '';
  const k = r.value / r.baseline;
  const s = k >= 100 ? k.toFixed(0) : k >= 10 ? k.toFixed(1) : k.toFixed(2);
  return `${s}×`;
}
/** "met" / "missed" for a figure with a target, else ''. */
export function targetState(r) {
  const t = r.target;
  if (!t || r.value === null || !Number.isFinite(r.value)) return '';
  let ok;
  if (t.maxRatio !== undefined) ok = r.baseline !== null && r.baseline > 0 && r.value / r.baseline <= t.maxRatio;
  else ok = r.value <= t.max;
  return `${ok ? 'met' : 'missed'} (${t.label})`;
}

const cellsOf = (r) => [r.name, fmt(r.value, r.unit), r.baseline === null ? '—' : `${fmt(r.baseline, r.unit)}${r.baselineName ? ` (${r.baselineName})` : ''}`, ratio(r), targetState(r)];

/** Prints one case's figures as an aligned text table, then its notes. */
export function printTable(caseId, title) {
  const rs = rows.filter((r) => r.case === caseId);
  console.log(`\n${title}`);
  if (rs.length === 0) {
    console.log('  (no figures)');
  } else {
    const cells = rs.map(cellsOf);
    const head = ['figure', 'value', 'baseline (same run)', 'ratio', 'target'];
    const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
    const line = (c) => `  ${c[0].padEnd(w[0])}  ${c[1].padStart(w[1])}  ${c[2].padEnd(w[2])}  ${c[3].padStart(w[3])}  ${c[4]}`.trimEnd();
    console.log(line(head));
    console.log(`  ${w.map((n) => '-'.repeat(n)).join('  ')}`);
    for (const c of cells) console.log(line(c));
  }
  for (const r of rs) if (r.note) console.log(`  note (${r.name}): ${r.note}`);
  for (const n of notes[caseId] ?? []) console.log(`  note: ${n}`);
}

/** The figures of a results.json object as one Markdown table (for README.md's Benchmarks section). */
export function markdownTable(results) {
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  const out = ['| case | figure | value | baseline (same run) | ratio | issue 7 target |', '|---|---|---|---|---|---|'];
  for (const r of results.figures) {
    const c = cellsOf(r);
    out.push(`| ${esc(r.case)} | ${esc(c[0])} | ${esc(c[1])} | ${esc(c[2])} | ${esc(c[3])} | ${esc(c[4])} |`);
  }
  const m = results.machine;
  const head = `Run of ${results.date.slice(0, 16).replace('T', ' ')} UTC on ${m.cpu}, ${m.cores} cores, ${(m.ramBytes / 2 ** 30).toFixed(0)} GiB, ${m.chromium}, Node ${m.node}; app build: ${results.dist}; ${Math.round(results.totalSeconds)} s in all.`;
  const loads = Object.entries(results.notes ?? {})
    .map(([c, ns]) => [c, ns.find((n) => n.startsWith('load average'))])
    .filter(([, n]) => n)
    .map(([c, n]) => `${c} ${/([\d.]+) at the start, ([\d.]+) at the end/.exec(n)?.slice(1).join('→') ?? '?'}`);
  const load = loads.length ? ` Load average (1 min) per case, start→end: ${loads.join(', ')}.` : '';
  return `${head}${load}\n\n${out.join('\n')}\n`;
}

/** Writes results.json. */
export function writeResults(path, meta) {
  const out = { ...meta, figures: rows.map((r) => ({ ...r, ratio: ratio(r) || null, targetState: targetState(r) || null })), notes, details, failures };
  writeFileSync(path, JSON.stringify(out, null, 2) + '\n');
  return out;
}
/** Reads a results.json written by writeResults. */
export function readResults(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}
