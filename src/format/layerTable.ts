// The per-layer feature counts and gate byte ranges of both index.json families.
import { VindexFormatError } from './types';
import type { ByteRange, DType, FileProblem } from './types';
import { cumulativeRanges, dtypeFromSize, dtypeOfBytesPerFloat } from './layout';

/** Upper bound on features per layer; anything larger is a corrupt index, not a model. */
export const MAX_FEATURES = 1 << 24;

/** Per-layer counts and gate placement, before the other files are considered. */
export interface LayerTable {
  counts: number[];
  /** Gate byte range per layer (null: no features, or gate_vectors.bin absent). */
  gate: (ByteRange | null)[];
  gateDtype: DType | null;
  moe: ({ numExperts: number; featuresPerExpert: number } | null)[];
  problems: FileProblem[];
}

const GATE = 'gate_vectors.bin';
const INDEX = 'index.json';

/** A JSON value as shown in a message. */
function show(v: unknown): string {
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

/** Reads LarQL's layers[] ({layer, num_features, offset, length} in bytes) and checks it against the gate. */
export function larqlLayerTable(layers: unknown[], numLayers: number, hidden: number, gateSize: number | undefined): LayerTable {
  const counts = new Array<number>(numLayers).fill(0);
  const offsets = new Array<ByteRange | null>(numLayers).fill(null);
  const moe = new Array<LayerTable['moe'][number]>(numLayers).fill(null);
  const seenAt = new Map<number, number>();
  const problems: FileProblem[] = [];
  let withRange = 0;
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
    if (e.offset === undefined && e.length === undefined) {
      withoutRange++;
    } else {
      const offset = entryInt(e, 'offset', i, Number.MAX_SAFE_INTEGER);
      const length = entryInt(e, 'length', i, Number.MAX_SAFE_INTEGER);
      offsets[l] = { start: offset, end: offset + length };
      withRange++;
    }
    moe[l] = moeOf(e, f, l, problems);
  });
  if (withRange > 0 && withoutRange > 0) {
    throw new VindexFormatError(INDEX, `${withoutRange} layers[] entries have no offset/length while ${withRange} do`);
  }
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) {
    problems.push({ file: INDEX, message: `${INDEX}: no layer has any features` });
    return { counts, gate: offsets.map(() => null), gateDtype: null, moe, problems };
  }
  if (gateSize === undefined) {
    return { counts, gate: offsets.map(() => null), gateDtype: null, moe, problems: [...problems, gateMissing()] };
  }
  if (withoutRange > 0) {
    // No offsets at all (older writers): the gate is the layers back to back, like the compact family.
    const t = contiguousGate(counts, hidden, gateSize, `ΣF=${total} × H=${hidden}`);
    return { ...t, moe, problems: [...problems, ...t.problems] };
  }
  let gateDtype: DType | null = null;
  let firstLayer = -1;
  for (let l = 0; l < numLayers; l++) {
    const r = offsets[l];
    if (r === null) continue;
    // Why check the range first: a truncated file is the commonest cause and this message says so.
    if (r.end > gateSize) {
      throw new VindexFormatError(GATE, `layer ${l} needs bytes ${r.start}–${r.end}, file has ${gateSize}`);
    }
    const floats = counts[l] * hidden;
    const dt = dtypeOfBytesPerFloat((r.end - r.start) / floats);
    if (dt === null) {
      throw new VindexFormatError(
        GATE,
        `layer ${l} has ${r.end - r.start} bytes; expected ${floats * 2} (F=${counts[l]} × H=${hidden} × 2) or ${floats * 4} (× 4)`,
      );
    }
    if (gateDtype !== null && dt !== gateDtype) {
      throw new VindexFormatError(GATE, `layer ${firstLayer} is ${gateDtype} but layer ${l} is ${dt}: one file holds one dtype`);
    }
    gateDtype = dt;
    if (firstLayer < 0) firstLayer = l;
  }
  return { counts, gate: offsets, gateDtype, moe, problems };
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
export function contiguousGate(
  counts: number[],
  hidden: number,
  gateSize: number,
  shape: string,
): Omit<LayerTable, 'moe' | 'counts'> & { counts: number[] } {
  const total = counts.reduce((a, b) => a + b, 0);
  const dt = dtypeFromSize(gateSize, total * hidden, shape);
  if (typeof dt !== 'string') throw new VindexFormatError(GATE, dt.detail);
  return { counts, gate: cumulativeRanges(counts, hidden, dt), gateDtype: dt, problems: [] };
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
  if (total === 0) {
    return { counts, gate: counts.map(() => null), gateDtype: null, moe, problems: [{ file: INDEX, message: `${INDEX}: ${featsKey} is 0` }] };
  }
  if (gateSize === undefined) return { counts, gate: counts.map(() => null), gateDtype: null, moe, problems: [gateMissing()] };
  const shape = valid(feats) ? `L=${numLayers} × F=${feats} × H=${hidden}` : `ΣF=${total} × H=${hidden}`;
  return { ...contiguousGate(counts, hidden, gateSize, shape), moe };
}
