import type { DType, LayerInfo } from '../format/types';
import { bytesPerFloat } from '../format/layout';
import type { RowData } from '../compute/matVec';
import { subspaceSimilarity, leadingK } from '../compute/subspace';
import { pairedRows, mostMoved } from '../compute/rowSimilarity';
import type { Session } from './session';
import type { MatrixStore } from './matrixStore';
import { typedRows } from './matrixStore';
import type { CompareSummary, LayerSimilarity, LayerSimilarityCallback, MovedRow } from './compareTypes';

/** One side of a comparison: an opened session and its resident gate layers. */
export interface CompareSide {
  session: Session;
  gates: MatrixStore;
}

/** Callbacks of a streaming comparison. */
export interface CompareSink {
  /** Awaited, so every layer has reached the page before the comparison resolves. */
  layer: LayerSimilarityCallback;
  progress(done: number, total: number, label: string): void;
}

type Which = 'gate' | 'down';
const FILE: Record<Which, string> = { gate: 'gate_vectors.bin', down: 'down_features.bin' };

/** What one layer needs read, decided before anything is read. */
interface LayerPlan {
  layer: number;
  a: LayerInfo | null;
  b: LayerInfo | null;
  rows: boolean;
  k: number;
  down: boolean;
  whyRow: string | null;
  whyGate: string | null;
  whyDown: string | null;
  bytes: number;
}

function fileOf(side: CompareSide, which: Which): { dtype: DType | null; has: boolean } {
  const d = side.session.description;
  const dtype = which === 'gate' ? d.dtypes.gate : d.dtypes.down;
  return { dtype, has: dtype !== null && side.session.sources.has(FILE[which]) };
}

function plan(A: CompareSide, B: CompareSide, layer: number): LayerPlan {
  const dA = A.session.description;
  const dB = B.session.description;
  const a = dA.layers[layer] ?? null;
  const b = dB.layers[layer] ?? null;
  const p: LayerPlan = { layer, a, b, rows: false, k: 0, down: false, whyRow: null, whyGate: null, whyDown: null, bytes: 0 };
  const none = (why: string) => ({ ...p, whyRow: why, whyGate: why, whyDown: why });
  if (dA.hiddenSize !== dB.hiddenSize) return none(`hidden sizes differ (A ${dA.hiddenSize}, B ${dB.hiddenSize})`);
  if (!a || !b) return none(`layer ${layer} exists only in ${a ? 'A' : 'B'}`);
  if (a.numFeatures === 0 || b.numFeatures === 0) return none(`layer ${layer} has no features in ${a.numFeatures === 0 ? (b.numFeatures === 0 ? 'A or B' : 'A') : 'B'}`);
  const H = dA.hiddenSize;
  const gA = fileOf(A, 'gate');
  const gB = fileOf(B, 'gate');
  if (!a.gate || !b.gate || !gA.dtype || !gB.dtype) {
    const why = `no readable gate rows in ${!a.gate || !gA.dtype ? 'A' : 'B'}`;
    p.whyRow = why;
    p.whyGate = why;
  } else {
    p.rows = a.numFeatures === b.numFeatures;
    if (!p.rows) p.whyRow = `row counts differ (A ${a.numFeatures}, B ${b.numFeatures})`;
    p.k = leadingK(a.numFeatures, b.numFeatures, H);
    if (p.k === 0) p.whyGate = `hidden size ${H} is too small for a subspace`;
    const rowsRead = (x: LayerInfo, dt: DType) => (p.rows ? x.numFeatures : p.k) * H * bytesPerFloat(dt);
    p.bytes += rowsRead(a, gA.dtype) + (A.session === B.session ? 0 : rowsRead(b, gB.dtype));
  }
  const dnA = fileOf(A, 'down');
  const dnB = fileOf(B, 'down');
  const k = leadingK(a.numFeatures, b.numFeatures, H);
  if (!a.down || !dnA.has || !dnA.dtype) p.whyDown = 'no down_features.bin rows in A';
  else if (!b.down || !dnB.has || !dnB.dtype) p.whyDown = 'no down_features.bin rows in B';
  else if (k === 0) p.whyDown = `hidden size ${H} is too small for a subspace`;
  else {
    p.down = true;
    p.k = k;
    p.bytes += k * H * (bytesPerFloat(dnA.dtype) + (A.session === B.session ? 0 : bytesPerFloat(dnB.dtype)));
  }
  return p;
}

/** Rows [0, rows) of one side's layer: the resident gate layer when there is one, else a bounded read. */
async function leadingRows(side: CompareSide, which: Which, info: LayerInfo, rows: number, signal: AbortSignal): Promise<RowData> {
  const { dtype } = fileOf(side, which);
  const range = which === 'gate' ? info.gate! : info.down!;
  const H = side.session.description.hiddenSize;
  if (which === 'gate' && (rows === info.numFeatures || side.gates.has(info.layer))) {
    const m = await side.gates.get(info.layer, range, info.numFeatures, dtype!, signal);
    return m.data.subarray(0, rows * H);
  }
  const end = range.start + rows * H * bytesPerFloat(dtype!);
  if (end > range.end) throw new Error(`${FILE[which]}: layer ${info.layer} holds fewer than ${rows} rows`);
  const bytes = await side.session.sources.read(FILE[which], range.start, end, signal);
  if (bytes.byteLength !== end - range.start) {
    throw new Error(`${FILE[which]}: layer ${info.layer} needs bytes ${range.start}–${end}, got ${bytes.byteLength}`);
  }
  return typedRows(bytes, dtype!);
}

interface Loaded {
  gateA: RowData | null;
  gateB: RowData | null;
  downA: RowData | null;
  downB: RowData | null;
}

async function load(A: CompareSide, B: CompareSide, p: LayerPlan, signal: AbortSignal): Promise<Loaded> {
  const out: Loaded = { gateA: null, gateB: null, downA: null, downB: null };
  if (!p.a || !p.b) return out;
  if (p.rows || p.whyGate === null) {
    const n = p.rows ? p.a.numFeatures : p.k;
    [out.gateA, out.gateB] = await Promise.all([leadingRows(A, 'gate', p.a, n, signal), leadingRows(B, 'gate', p.b, n, signal)]);
  }
  if (p.down) {
    out.downA = await leadingRows(A, 'down', p.a, p.k, signal);
    out.downB = await leadingRows(B, 'down', p.b, p.k, signal);
  }
  return out;
}

function compute(A: CompareSide, B: CompareSide, p: LayerPlan, data: Loaded, movedPerLayer: number): LayerSimilarity {
  const H = A.session.description.hiddenSize;
  const r: LayerSimilarity = {
    layer: p.layer, rowsA: p.a?.numFeatures ?? 0, rowsB: p.b?.numFeatures ?? 0,
    row: null, rowWhy: p.whyRow, rowSkipped: 0, k: p.k, gate: null, gateWhy: p.whyGate, down: null, downWhy: p.whyDown,
    baseline: p.k > 0 ? p.k / H : null, gateRanks: null, moved: [],
  };
  const dtA = A.session.description.dtypes;
  const dtB = B.session.description.dtypes;
  if (p.rows && data.gateA && data.gateB) {
    const pr = pairedRows(data.gateA, dtA.gate!, data.gateB, dtB.gate!, r.rowsA, H);
    r.row = pr.mean;
    r.rowSkipped = pr.skipped;
    if (Number.isNaN(pr.mean)) r.rowWhy = 'every row holds NaN or ±inf';
    r.moved = mostMoved(pr.cos, movedPerLayer).map((f): MovedRow => ({
      layer: p.layer, feature: f, cos: pr.cos[f], normA: pr.normA[f], normB: pr.normB[f], relChange: pr.relChange[f],
    }));
  }
  if (p.whyGate === null && data.gateA && data.gateB) {
    const s = subspaceSimilarity(data.gateA, dtA.gate!, p.k, data.gateB, dtB.gate!, p.k, H);
    r.gate = Number.isNaN(s.similarity) ? null : s.similarity;
    r.gateRanks = [s.rankA, s.rankB];
    if (r.gate === null) r.gateWhy = `the leading rows span nothing (ranks ${s.rankA} and ${s.rankB})`;
  }
  if (p.down && data.downA && data.downB) {
    const s = subspaceSimilarity(data.downA, dtA.down!, p.k, data.downB, dtB.down!, p.k, H);
    r.down = Number.isNaN(s.similarity) ? null : s.similarity;
    if (r.down === null) r.downWhy = `the leading down rows span nothing (ranks ${s.rankA} and ${s.rankB})`;
  }
  return r;
}

/**
 * Compares two vindexes layer by layer (gate row similarity, gate and down subspace similarity),
 * reading the next layer while the current one is computed. Reads are bounded: full gate layers only
 * where row similarity needs them, otherwise the k leading rows; never embeddings.
 */
export async function compareLayers(
  A: CompareSide, B: CompareSide, sink: CompareSink, signal: AbortSignal, movedPerLayer = 20,
): Promise<CompareSummary> {
  const L = Math.max(A.session.description.numLayers, B.session.description.numLayers);
  const plans = Array.from({ length: L }, (_, l) => plan(A, B, l));
  const total = plans.reduce((s, p) => s + p.bytes, 0);
  const before = A.session.sources.bytesRead + (A.session === B.session ? 0 : B.session.sources.bytesRead);
  let done = 0;
  sink.progress(0, total, 'Comparing layers');
  const start = (l: number) => {
    const p = load(A, B, plans[l], signal);
    p.catch(() => undefined); // handled when awaited; avoids an unhandled rejection meanwhile
    return p;
  };
  let next = L > 0 ? start(0) : null;
  for (let l = 0; l < L; l++) {
    signal.throwIfAborted();
    const current = next!;
    next = l + 1 < L ? start(l + 1) : null;
    let result: LayerSimilarity;
    try {
      result = compute(A, B, plans[l], await current, movedPerLayer);
    } catch (e) {
      if (signal.aborted || (e as Error)?.name === 'AbortError') throw e;
      const why = (e as Error).message ?? String(e);
      result = { ...compute(A, B, plans[l], { gateA: null, gateB: null, downA: null, downB: null }, 0), rowWhy: why, gateWhy: why, downWhy: why, row: null, gate: null, down: null };
    }
    await sink.layer(result);
    done += plans[l].bytes;
    sink.progress(done, total, `Compared layer ${l} of ${L}`);
  }
  const after = A.session.sources.bytesRead + (A.session === B.session ? 0 : B.session.sources.bytesRead);
  return { bytesRead: after - before };
}
