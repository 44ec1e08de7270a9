// Divinci's MoE summary vindexes (e.g. deepseek-v4-flash-vindex, kimi-k2-instruct-vindex):
// gate_vectors.bin holds, per MoE layer, f32 [n_experts, num_feats, hidden]: the top right singular
// vectors of each expert's gate_proj, expert-major. gate_vectors_index.json says where each layer is:
//   { num_feats, layers: {"<L>": {file_offset, shape: [E, F, H], median_var64, q25_var64, q75_var64}},
//     model_config: {moe: {n_routed_experts, hidden_size}, …} }
// Everything in it is checked against the file size before any range is used: a hostile index
// (2^31 experts, offsets past the end) loses its layer, with a problem naming the numbers.
import { VindexFormatError } from './types';
import type { ByteRange, DType, FileProblem, LayerInfo, MoeSummaryInfo, VindexDescription } from './types';
import { MAX_FEATURES, unusableGate, show, type LayerTable } from './layerTable';
import { findOverlap } from './overlaps';
import { finishDescription, obj } from './description';
import { MAX_HIDDEN, MAX_LAYERS, MAX_VOCAB, pick, requiredDim } from './dims';

const FILE = 'gate_vectors_index.json';
const GATE = 'gate_vectors.bin';
/** More experts than this in one layer is a corrupt index, not a model (Kimi K2 has 384). */
export const MAX_EXPERTS = 65536;

/** A positive integer up to max, or null. */
function posInt(v: unknown, max: number): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 1 && v <= max ? v : null;
}

/** A finite number, or null. */
function finite(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Describes a MoE summary from gate_vectors_index.json, with index.json's keys when the folder has one. */
export function describeMoeSummary(
  gateIndex: Record<string, unknown>, index: Record<string, unknown> | null, fileSizes: Record<string, number>,
): VindexDescription {
  const problems: FileProblem[] = [];
  const mc = obj(gateIndex.model_config) ?? obj(index?.model_config) ?? {};
  const moeCfg = obj(mc.moe) ?? {};
  const meta: Record<string, unknown> = { ...gateIndex, ...(index ?? {}), model_config: mc };
  const hidden = requiredDim({ hidden_size: moeCfg.hidden_size ?? mc.hidden_size ?? gateIndex.hidden_size ?? index?.hidden_size }, ['hidden_size'], MAX_HIDDEN, FILE);
  const numFeats = requiredDim(gateIndex, ['num_feats'], 1 << 16, FILE);
  const routed = moeCfg.n_routed_experts;
  const nRouted = posInt(routed, MAX_EXPERTS);
  if (routed !== undefined && nRouted === null) {
    problems.push({ file: FILE, message: `${FILE}: model_config.moe.n_routed_experts = ${show(routed)} is not a count in 1–${MAX_EXPERTS}; each layer's shape is used instead`, severity: 'error' });
  }
  const rawLayers = obj(gateIndex.layers);
  if (rawLayers === null) throw new VindexFormatError(FILE, `layers should be an object {"<layer>": {file_offset, shape, …}}, found ${show(gateIndex.layers).slice(0, 60)}`);
  const keys = Object.keys(rawLayers);
  const maxKey = keys.reduce((m, k) => (/^\d+$/.test(k) && Number(k) < MAX_LAYERS ? Math.max(m, Number(k)) : m), -1);
  const declared = pick({ ...mc, ...(index ?? {}) }, ['num_layers', 'num_hidden_layers', 'n_layers']);
  const numLayers = declared !== null ? requiredDim({ n: declared[1] }, ['n'], MAX_LAYERS, declared[0] === 'num_layers' && index ? 'index.json' : FILE) : maxKey + 1;
  const vocabPick = pick({ ...gateIndex, ...mc, ...(index ?? {}) }, ['vocab_size', 'n_vocab']);
  const vocab = vocabPick !== null ? requiredDim({ v: vocabPick[1] }, ['v'], MAX_VOCAB, FILE) : 0;

  const counts = new Array<number>(numLayers).fill(0);
  const ranges = new Array<ByteRange | null>(numLayers).fill(null);
  const moe = new Array<LayerTable['moe'][number]>(numLayers).fill(null);
  const gateProblems = new Array<string | null>(numLayers).fill(null);
  const variance: (LayerInfo['variance'] | null)[] = new Array(numLayers).fill(null);
  const shapes: { layer: number; experts: number; offset: number }[] = [];
  const bad = (layer: number | null, message: string) => {
    problems.push({ file: FILE, message: `${FILE}: ${message}`, severity: 'error' });
    if (layer !== null) gateProblems[layer] = `${FILE}: ${message}`;
  };
  for (const key of keys.sort((a, b) => Number(a) - Number(b))) {
    const e = obj(rawLayers[key]);
    if (!/^\d+$/.test(key) || Number(key) >= numLayers) {
      bad(null, `layer "${key}" is not a layer number in 0–${numLayers - 1}; skipped`);
      continue;
    }
    const l = Number(key);
    const shape = Array.isArray(e?.shape) ? e!.shape : null;
    const offset = e?.file_offset;
    if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0 || offset > Number.MAX_SAFE_INTEGER) {
      bad(l, `layer ${l}: file_offset = ${show(offset)} is not a byte offset; layer skipped`);
      continue;
    }
    if (shape === null || shape.length !== 3 || !shape.every((x) => typeof x === 'number' && Number.isInteger(x) && x >= 1)) {
      bad(l, `layer ${l}: shape = ${show(e?.shape)} is not [experts, num_feats, hidden]; layer skipped`);
      continue;
    }
    const [E, F, H] = shape as number[];
    if (F !== numFeats || H !== hidden) {
      bad(l, `layer ${l}: shape [${E}, ${F}, ${H}] disagrees with num_feats ${numFeats} and hidden size ${hidden}; layer skipped`);
      continue;
    }
    // Why before any arithmetic on sizes: E·F·H·4 of a hostile E overflows what a layer can be.
    if (E > MAX_EXPERTS || E * F > MAX_FEATURES) {
      bad(l, `layer ${l}: shape [${E}, ${F}, ${H}] claims ${E} experts × ${F} = ${E * F} directions (more than ${Math.min(MAX_EXPERTS * F, MAX_FEATURES)}); layer skipped`);
      continue;
    }
    if (nRouted !== null && E !== nRouted) {
      problems.push({ file: FILE, message: `${FILE}: layer ${l} has ${E} experts, model_config.moe.n_routed_experts says ${nRouted}; using the layer's shape` });
    }
    counts[l] = E * F;
    moe[l] = { numExperts: E, featuresPerExpert: F };
    shapes.push({ layer: l, experts: E, offset });
    variance[l] = { median: finite(e!.median_var64), q25: finite(e!.q25_var64), q75: finite(e!.q75_var64) };
  }

  const gateSize = fileSizes[GATE];
  const total = counts.reduce((a, b) => a + b, 0) * hidden;
  // f32 by Divinci's description; a file of exactly half that size is the same layout in f16.
  const dtype: DType = gateSize !== undefined && gateSize === total * 2 && total > 0 ? 'f16' : 'f32';
  const bpf = dtype === 'f16' ? 2 : 4;
  for (const s of shapes) ranges[s.layer] = { start: s.offset, end: s.offset + counts[s.layer] * hidden * bpf };
  let table: LayerTable;
  const base = { counts, moe, problems: [] as FileProblem[], shards: null };
  if (shapes.length === 0) {
    table = { ...base, gate: ranges, gateDtype: null, gateProblems, problems: [{ file: FILE, message: `${FILE}: no usable MoE layer`, severity: 'error' }] };
  } else if (gateSize === undefined) {
    table = { ...base, gate: ranges.map(() => null), gateDtype: null, gateProblems, problems: [{ file: GATE, message: `${GATE} is missing: direction scores are unavailable` }] };
  } else {
    const overlap = findOverlap(ranges);
    if (overlap !== null) {
      const [a, b] = overlap;
      table = unusableGate(counts, moe, [], FILE,
        `${FILE}: layers ${a} and ${b} overlap in ${GATE}: layer ${a} has bytes ${ranges[a]!.start}–${ranges[a]!.end}, layer ${b} has bytes ${ranges[b]!.start}–${ranges[b]!.end}; the gate cannot be used`);
    } else {
      const gate = ranges.slice();
      const out: FileProblem[] = [];
      for (const s of shapes) {
        const r = ranges[s.layer]!;
        if (r.end <= gateSize) continue;
        const why = `${GATE}: layer ${s.layer} needs bytes ${r.start}–${r.end} ([${s.experts}, ${numFeats}, ${hidden}] ${dtype} from file_offset ${r.start}), file has ${gateSize}`;
        gate[s.layer] = null;
        gateProblems[s.layer] = why;
        out.push({ file: GATE, message: why, severity: 'error' });
      }
      table = { ...base, gate, gateDtype: dtype, gateProblems, problems: out };
    }
  }
  const info: MoeSummaryInfo = {
    file: FILE,
    numFeats,
    nRoutedExperts: nRouted,
    layers: shapes.map((s) => ({ layer: s.layer, experts: s.experts, start: ranges[s.layer]!.start, end: ranges[s.layer]!.end, ...variance[s.layer]! })),
  };
  const d = finishDescription(
    { flavour: 'moe-summary', featureKind: 'direction', numLayers, hidden, vocab, table: { ...table, problems: [...problems, ...table.problems] }, index: meta, rowFiles: false, variance },
    fileSizes,
  );
  return { ...d, moeSummary: info };
}
