// A gate split across shard files (`layers[].shards: [{file, offset, length}]`, public spec v1: gates
// above 20 GiB are written as <base>-NNNNN-of-NNNNN.bin). The pieces are presented as one virtual
// gate_vectors.bin, layer after layer in layer order, so everything downstream reads one file.
import type { ByteRange, DType, FileProblem, ShardPiece } from './types';
import type { LayerTable } from './layerTable';
import { unusableGate } from './layerTable';
import { dtypeOfBytesPerFloat } from './layout';
import { findOverlap, uncovered } from './overlaps';

/** One piece of a layers[].shards list as index.json gives it. */
export interface ShardEntry {
  file: string;
  offset: number;
  length: number;
}

const SERIES = /^(.*)-(\d{5})-of-(\d{5})\.bin$/;

/**
 * Checks the shard lists against the files and builds the virtual gate: each piece inside its file
 * (else that layer is unreadable), each layer F·H·2 or F·H·4 bytes, one dtype; no byte of a shard
 * claimed twice and none left unclaimed (else the whole gate is unusable, naming file and bytes).
 */
export function shardedGate(counts: number[], lists: readonly (ShardEntry[] | null)[], hidden: number, fileSizes: Record<string, number>): LayerTable {
  const moe = counts.map(() => null);
  const problems: FileProblem[] = [];
  const gateProblems = counts.map((): string | null => null);
  const fail = (l: number, file: string, why: string) => {
    gateProblems[l] = why;
    problems.push({ file, message: why, severity: 'error' });
  };
  let gateDtype: DType | null = null;
  let dtypeLayer = -1;
  const claims: { file: string; layer: number; range: ByteRange }[] = [];
  for (let l = 0; l < counts.length; l++) {
    const list = lists[l];
    if (counts[l] === 0) continue;
    if (list === null || list.length === 0) {
      fail(l, 'index.json', `index.json: layer ${l} has ${counts[l]} features but no shards`);
      continue;
    }
    const bad = list.find((p) => fileSizes[p.file] === undefined);
    if (bad) {
      fail(l, bad.file, `${bad.file}: missing, but layer ${l} needs its bytes ${bad.offset}–${bad.offset + bad.length}`);
      continue;
    }
    const past = list.find((p) => p.offset + p.length > fileSizes[p.file]);
    if (past) {
      fail(l, past.file, `${past.file}: layer ${l} needs bytes ${past.offset}–${past.offset + past.length}, file has ${fileSizes[past.file]}`);
      continue;
    }
    const bytes = list.reduce((a, p) => a + p.length, 0);
    const floats = counts[l] * hidden;
    const dt = dtypeOfBytesPerFloat(bytes / floats);
    if (dt === null) {
      fail(l, list[0].file, `${list[0].file}: layer ${l}'s shards hold ${bytes} bytes; expected ${floats * 2} (F=${counts[l]} × H=${hidden} × 2) or ${floats * 4} (× 4)`);
      continue;
    }
    if (gateDtype !== null && dt !== gateDtype) {
      return unusableGate(counts, moe, problems, list[0].file, `${list[0].file}: layer ${dtypeLayer} is ${gateDtype} but layer ${l} is ${dt}: one gate holds one dtype`);
    }
    gateDtype = dt;
    if (dtypeLayer < 0) dtypeLayer = l;
    for (const p of list) claims.push({ file: p.file, layer: l, range: { start: p.offset, end: p.offset + p.length } });
  }

  // Overlaps and gaps, per shard file.
  const byFile = new Map<string, typeof claims>();
  for (const c of claims) byFile.set(c.file, [...(byFile.get(c.file) ?? []), c]);
  for (const [file, list] of [...byFile.entries()].sort((a, b) => a[0].localeCompare(b[0]))) {
    const o = findOverlap(list.map((c) => c.range));
    if (o !== null) {
      const [a, b] = [list[o[0]], list[o[1]]];
      return unusableGate(counts, moe, problems, file,
        `${file}: layers ${a.layer} and ${b.layer} overlap: layer ${a.layer} has bytes ${a.range.start}–${a.range.end}, layer ${b.layer} has bytes ${b.range.start}–${b.range.end}; the gate cannot be used`);
    }
    const gaps = uncovered(list.map((c) => c.range), fileSizes[file]);
    if (gaps.length > 0 && problems.length === 0) {
      const g = gaps[0];
      return unusableGate(counts, moe, problems, file,
        `${file}: bytes ${g.start}–${g.end} belong to no layer (a gap in layers[].shards${gaps.length > 1 ? `, and ${gaps.length - 1} more` : ''}); the gate cannot be used`);
    }
  }
  const series = seriesProblems(byFile, fileSizes);
  problems.push(...series);

  // The virtual file: readable layers back to back, in layer order.
  const gate = counts.map((): ByteRange | null => null);
  const pieces: ShardPiece[] = [];
  let pos = 0;
  for (let l = 0; l < counts.length; l++) {
    if (counts[l] === 0 || gateProblems[l] !== null || lists[l] === null) continue;
    const start = pos;
    for (const p of lists[l]!) {
      pieces.push({ file: p.file, start: p.offset, end: p.offset + p.length });
      pos += p.length;
    }
    gate[l] = { start, end: pos };
  }
  return { counts, gate, gateDtype, moe, problems, gateProblems, shards: pieces };
}

/** Members of a <base>-NNNNN-of-NNNNN.bin series that are referenced elsewhere but absent from the folder. */
function seriesProblems(referenced: Map<string, unknown>, fileSizes: Record<string, number>): FileProblem[] {
  const out: FileProblem[] = [];
  const seen = new Set<string>();
  for (const name of referenced.keys()) {
    const m = SERIES.exec(name);
    if (!m) continue;
    const [, base, , of] = m;
    const n = Number(of);
    if (seen.has(`${base}/${of}`) || n > 100000) continue;
    seen.add(`${base}/${of}`);
    const missing: string[] = [];
    for (let i = 1; i <= n; i++) {
      const f = `${base}-${String(i).padStart(5, '0')}-of-${of}.bin`;
      if (fileSizes[f] === undefined) missing.push(f);
    }
    if (missing.length > 0) out.push({ file: missing[0], message: `${missing[0]}: shard ${missing.length === 1 ? 'is' : `and ${missing.length - 1} more are`} missing from the series of ${n}` });
  }
  return out;
}
