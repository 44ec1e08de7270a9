// The per-layer feature counts and gate byte ranges of both index.json families.
//
// A malformed index.json (wrong types, repeated layers) throws. A gate that disagrees with index.json
// (truncated, overlapping layers, bad shards) does not: the layers it affects get no gate range and a
// reason, a problem names the file and the numbers, and everything else of the vindex stays usable.
import { VindexFormatError } from './types';
import type { ByteRange, DType, FileProblem, ShardPiece } from './types';
import { cumulativeRanges, dtypeFromSize, dtypeOfBytesPerFloat } from './layout';
import { shardedGate, type ShardEntry } from './shards';
import { findOverlap } from './overlaps';

/** Upper bound on features per layer; anything larger is a corrupt index, not a model. */
export const MAX_FEATURES = 1 << 24;

/** Per-layer counts and gate placement, before the other files are considered. */
export interface LayerTable {
  counts: number[];
  /** Gate byte range per layer (null: no features, gate absent, or unreadable; see gateProblems). */
  gate: (ByteRange | null)[];
  gateDtype: DType | null;
  moe: ({ numExperts: number; featuresPerExpert: number } | null)[];
  problems: FileProblem[];
  /** Why a layer with features has no gate range (null when it has one, or has no features). */
  gateProblems: (string | null)[];
  /** Shard pieces of a gate split across files, in virtual order (null: one gate_vectors.bin). */
  shards: ShardPiece[] | null;
}

const GATE = 'gate_vectors.bin';
const INDEX = 'index.json';

/** A JSON value as shown in a message. */
export function show(v: unknown): string {
  return v === undefined ? 'missing' : JSON.stringify(v);
}

/** A non-negative integer field of one layers[] entry, or a thrown error naming it. */
function entryInt(e: Record<string, unknown>, key: string, i: number, max: number): number {
  const v = e[key];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) {
    throw new VindexFormatError(INDEX, `layers[${i}].${key} = ${show(v)} is not an integer in 0–${max}`);
  }
  return v;
}

/** The gate message for a file missing or empty of features: non-fatal (the overview still works). */
function gateMissing(): FileProblem {
  return { file: GATE, message: `${GATE} is missing: feature scores are unavailable` };
}

/** A table whose gate cannot be used at all: every layer with features gets `message` as its reason. */
export function unusableGate(counts: number[], moe: LayerTable['moe'], problems: FileProblem[], file: string, message: string): LayerTable {
  return {
    counts,
    gate: counts.map(() => null),
    gateDtype: null,
    moe,
    problems: [...problems, { file, message, severity: 'error' }],
    gateProblems: counts.map((f) => (f > 0 ? message : null)),
    shards: null,
  };
}

/** Reads LarQL's layers[] ({layer, num_features, offset, length} in bytes, or shards[]) and checks it against the gate. */
export function larqlLayerTable(layers: unknown[], numLayers: number, hidden: number, fileSizes: Record<string, number>): LayerTable {
  const gateSize = fileSizes[GATE];
  const counts = new Array<number>(numLayers).fill(0);
  const offsets = new Array<ByteRange | null>(numLayers).fill(null);
  const shardLists: (ShardEntry[] | null)[] = new Array<ShardEntry[] | null>(numLayers).fill(null);
  const moe = new Array<LayerTable['moe'][number]>(numLayers).fill(null);
  const seenAt = new Map<number, number>();
  const problems: FileProblem[] = [];
  let withRange = 0;
  let withShards = 0;
  let withoutRange = 0;
  layers.forEach((raw, i) => {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
      throw new VindexFormatError(INDEX, `layers[${i}] should be an object, found ${show(raw)}`);
    }
    const e = raw as Record<string, unknown>;
    const l = e.layer;
    if (typeof l !== 'number' || !Number.isInteger(l) || l < 0 || l >= numLayers) {
      throw new VindexFormatError(INDEX, `layers[${i}].layer = ${show(l)} is out of range 0–${numLayers - 1} (num_layers = ${numLayers})`);
    }
    const prev = seenAt.get(l);
    if (prev !== undefined) throw new VindexFormatError(INDEX, `layers[${i}] repeats layer ${l} (also layers[${prev}])`);
    seenAt.set(l, i);
    const f = entryInt(e, 'num_features', i, MAX_FEATURES);
    counts[l] = f;
    // Why: a layer with num_features 0 has no features whatever its offset/length say.
    if (f === 0) return;
    if (Array.isArray(e.shards)) {
      // The public v1 spec: a gate above 20 GiB is split into <base>-NNNNN-of-NNNNN.bin pieces.
      shardLists[l] = e.shards.map((s, j) => shardEntry(s, i, j));
      withShards++;
    } else if (e.shards !== undefined && e.shards !== null) {
      throw new VindexFormatError(INDEX, `layers[${i}].shards should be a list of {file, offset, length}, found ${show(e.shards).slice(0, 60)}`);
    } else if (e.offset === undefined && e.length === undefined) {
      withoutRange++;
    } else {
      const offset = entryInt(e, 'offset', i, Number.MAX_SAFE_INTEGER);
      const length = entryInt(e, 'length', i, Number.MAX_SAFE_INTEGER);
      offsets[l] = { start: offset, end: offset + length };
      withRange++;
    }
    moe[l] = moeOf(e, f, l, problems);
  });
  const kinds = [withRange && 'offset/length', withShards && 'shards', withoutRange && 'neither'].filter(Boolean);
  if (kinds.length > 1) {
    throw new VindexFormatError(INDEX, `layers[] mixes entries with ${kinds.join(' and ')} (${withRange} with offset/length, ${withShards} with shards, ${withoutRange} with neither)`);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  const none: LayerTable = { counts, gate: offsets.map(() => null), gateDtype: null, moe, problems, gateProblems: counts.map(() => null), shards: null };
  if (total === 0) return { ...none, problems: [...problems, { file: INDEX, message: `${INDEX}: no layer has any features` }] };
  if (withShards > 0) {
    const t = shardedGate(counts, shardLists, hidden, fileSizes);
    return { ...t, moe, problems: [...problems, ...t.problems] };
  }
  if (gateSize === undefined) return { ...none, problems: [...problems, gateMissing()] };
  if (withoutRange > 0) {
    // No offsets at all (older writers): the gate is the layers back to back, like the compact family.
    const t = contiguousGate(counts, hidden, gateSize, `ΣF=${total} × H=${hidden}`, moe);
    return { ...t, problems: [...problems, ...t.problems] };
  }
  return checkedRanges(counts, offsets, hidden, gateSize, moe, problems, GATE);
}

/**
 * Checks per-layer byte ranges of one gate file: each inside the file (else that layer is unreadable),
 * each F·H·2 or F·H·4 bytes, one dtype for the file, and no two layers sharing bytes (else the whole
 * gate is unusable: which of two overlapping layers is right cannot be known).
 */
export function checkedRanges(
  counts: number[], ranges: (ByteRange | null)[], hidden: number, fileSize: number,
  moe: LayerTable['moe'], problems: FileProblem[], file: string,
): LayerTable {
  const overlap = findOverlap(ranges);
  if (overlap !== null) {
    const [a, b] = overlap;
    const ra = ranges[a]!;
    const rb = ranges[b]!;
    return unusableGate(counts, moe, problems, file,
      `${file}: layers ${a} and ${b} overlap: layer ${a} has bytes ${ra.start}–${ra.end}, layer ${b} has bytes ${rb.start}–${rb.end}; the gate cannot be used`);
  }
  const gate = ranges.slice();
  const gateProblems = counts.map((): string | null => null);
  const out = [...problems];
  let gateDtype: DType | null = null;
  let firstLayer = -1;
  for (let l = 0; l < counts.length; l++) {
    const r = ranges[l];
    if (r === null || counts[l] === 0) continue;
    let why: string | null = null;
    const floats = counts[l] * hidden;
    const dt = dtypeOfBytesPerFloat((r.end - r.start) / floats);
    // Why check the range first: a truncated file is the commonest cause and this message says so.
    if (r.end > fileSize) why = `${file}: layer ${l} needs bytes ${r.start}–${r.end}, file has ${fileSize}`;
    else if (dt === null) why = `${file}: layer ${l} has ${r.end - r.start} bytes; expected ${floats * 2} (F=${counts[l]} × H=${hidden} × 2) or ${floats * 4} (× 4)`;
    if (why !== null) {
      gate[l] = null;
      gateProblems[l] = why;
      out.push({ file, message: why, severity: 'error' });
      continue;
    }
    if (gateDtype !== null && dt !== gateDtype) {
      return unusableGate(counts, moe, problems, file, `${file}: layer ${firstLayer} is ${gateDtype} but layer ${l} is ${dt}: one file holds one dtype`);
    }
    gateDtype = dt;
    if (firstLayer < 0) firstLayer = l;
  }
  return { counts, gate, gateDtype, moe, problems: out, gateProblems, shards: null };
}

/** One {file, offset, length} of a layers[].shards list; a malformed one is an index.json error. */
function shardEntry(raw: unknown, i: number, j: number): ShardEntry {
  const where = `layers[${i}].shards[${j}]`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new VindexFormatError(INDEX, `${where} should be {file, offset, length}, found ${show(raw)}`);
  const s = raw as Record<string, unknown>;
  const file = s.file;
  // Only names inside the vindex folder: no absolute paths, no "..", no backslashes.
  if (typeof file !== 'string' || file === '' || file.startsWith('/') || file.includes('\\') || file.split('/').some((p) => p === '..' || p === '.' || p === '')) {
    throw new VindexFormatError(INDEX, `${where}.file = ${show(file)} is not a file name inside the vindex`);
  }
  const int = (k: string) => {
    const v = s[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > Number.MAX_SAFE_INTEGER) throw new VindexFormatError(INDEX, `${where}.${k} = ${show(v)} is not a non-negative integer`);
    return v;
  };
  return { file, offset: int('offset'), length: int('length') };
}

/** MoE split of one layers[] entry; inconsistent numbers are reported and ignored (the layer stays dense). */
function moeOf(e: Record<string, unknown>, f: number, l: number, problems: FileProblem[]): LayerTable['moe'][number] {
  const ne = e.num_experts;
  const per = e.num_features_per_expert;
  if (ne === undefined && per === undefined) return null;
  const okInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
  let experts = okInt(ne) ? ne : null;
  let perExpert = okInt(per) ? per : null;
  // Only one of the two given: derive the other when it divides evenly.
  if (experts !== null && perExpert === null && per === undefined && f % experts === 0) perExpert = f / experts;
  if (perExpert !== null && experts === null && ne === undefined && f % perExpert === 0) experts = f / perExpert;
  if (experts === null || perExpert === null || experts * perExpert !== f) {
    problems.push({
      file: INDEX,
      message: `${INDEX}: layer ${l} has num_experts = ${show(ne)} × num_features_per_expert = ${show(per)}, which is not num_features = ${f}; showing it as dense`,
    });
    return null;
  }
  return { numExperts: experts, featuresPerExpert: perExpert };
}

/** Gate laid out layer after layer (compact family, or LarQL entries without offsets): dtype from total size. */
export function contiguousGate(counts: number[], hidden: number, gateSize: number, shape: string, moe: LayerTable['moe']): LayerTable {
  const total = counts.reduce((a, b) => a + b, 0);
  const dt = dtypeFromSize(gateSize, total * hidden, shape);
  if (typeof dt !== 'string') return unusableGate(counts, moe, [], GATE, `${GATE}: ${dt.detail}`);
  return { counts, gate: cumulativeRanges(counts, hidden, dt), gateDtype: dt, moe, problems: [], gateProblems: counts.map(() => null), shards: null };
}

/** The compact family: F features in every layer (or a per-layer list), layer l at l·F·H·bpf. */
export function compactLayerTable(
  feats: unknown,
  featsKey: string,
  numLayers: number,
  hidden: number,
  gateSize: number | undefined,
): LayerTable {
  let counts: number[];
  const valid = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= MAX_FEATURES;
  if (valid(feats)) {
    counts = new Array<number>(numLayers).fill(feats);
  } else if (Array.isArray(feats) && feats.length === numLayers && feats.every(valid)) {
    counts = feats.slice();
  } else {
    throw new VindexFormatError(
      INDEX,
      `${featsKey} = ${show(feats)} should be an integer in 0–${MAX_FEATURES} (or a list of ${numLayers} of them)`,
    );
  }
  const moe = counts.map(() => null);
  const total = counts.reduce((a, b) => a + b, 0);
  const none = { counts, gate: counts.map(() => null), gateDtype: null, moe, gateProblems: counts.map(() => null), shards: null };
  if (total === 0) return { ...none, problems: [{ file: INDEX, message: `${INDEX}: ${featsKey} is 0` }] };
  if (gateSize === undefined) return { ...none, problems: [gateMissing()] };
  const shape = valid(feats) ? `L=${numLayers} × F=${feats} × H=${hidden}` : `ΣF=${total} × H=${hidden}`;
  return contiguousGate(counts, hidden, gateSize, shape, moe);
}
