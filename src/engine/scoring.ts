import { scoreLayerRows } from '../compute/scorer';
import { vectorNorm } from '../compute/matVec';
import type { Session } from './session';
import type { MatrixStore } from './matrixStore';
import { queryVector } from './queryVector';
import type { RemoteGates } from './remoteGates';

/** Callbacks of a streaming score. */
export interface ScoreSink {
  /** Awaited: a comlink callback travels on its own MessagePort, so only its answer proves delivery. */
  layer(layer: number, scores: Float32Array | null, problem: string | null): void | Promise<void>;
  progress(done: number, total: number, label: string): void;
}

const LOOKAHEAD = 2;

/** Gate layers in scorer workers: `slots` of them beside the engine. */
export interface GatePool {
  slots: number;
  gates: RemoteGates;
}

/**
 * Scores q = mean embedding of `ids` against every gate row, layer by layer, fetching the next layers
 * while the current one is scored, so the heatmap fills as bytes arrive.
 * cos: (G·q)/(‖G‖·‖q‖ + 1e-8); dot: G·q with q already scaled by embed_scale (LarQL's gate KNN).
 *
 * With a pool, layer i of the scan is scored by thread i mod (slots + 1), 0 being the engine itself: a
 * fixed assignment, so a layer is always resident in the same place and a second query in the page
 * reads nothing. A layer already resident in the engine (e.g. from a neighbours scan) is scored there.
 * Without a pool every layer is scored here: the reference path (and the one Node runs).
 */
export async function scoreLayers(
  session: Session, gates: MatrixStore, ids: number[], metric: 'cos' | 'dot', sink: ScoreSink, signal: AbortSignal,
  pool: GatePool | null = null,
): Promise<void> {
  const d = session.description;
  const q = await queryVector(session, ids, signal);
  const qNorm = vectorNorm(q);

  const dtype = d.dtypes.gate;
  const layers = d.layers.filter((l) => l.numFeatures > 0);
  const total = layers.reduce((a, l) => a + (l.gate ? l.gate.end - l.gate.start : 0), 0);
  let done = 0;
  sink.progress(0, total, 'Scoring gate layers');

  const start = (i: number): Promise<Float32Array> => {
    const l = layers[i];
    if (!l.gate || !dtype) return Promise.reject(new Error(l.gateProblem ?? `gate_vectors.bin: layer ${l.layer} has no readable bytes`));
    const slot = pool && !gates.has(l.layer) ? i % (pool.slots + 1) : 0;
    if (slot > 0) return pool!.gates.score(slot - 1, l.layer, l.gate, l.numFeatures, dtype, q, qNorm, metric, signal);
    return gates.get(l.layer, l.gate, l.numFeatures, dtype, signal).then((m) => {
      const out = new Float32Array(m.rows);
      scoreLayerRows(m.data, m.dtype, m.rows, m.hidden, m.norms, q, qNorm, metric, out);
      return out;
    });
  };
  const pending = new Map<number, ReturnType<typeof start>>();
  for (let i = 0; i < layers.length; i++) {
    for (let j = i; j < Math.min(layers.length, i + 1 + LOOKAHEAD); j++) {
      if (!pending.has(j)) {
        const p = start(j);
        p.catch(() => undefined); // handled when awaited below; avoids an unhandled rejection meanwhile
        pending.set(j, p);
      }
    }
    const l = layers[i];
    signal.throwIfAborted();
    try {
      const out = await pending.get(i)!;
      pending.delete(i);
      await sink.layer(l.layer, out, null);
    } catch (e) {
      pending.delete(i);
      if (signal.aborted || (e as Error)?.name === 'AbortError') throw e;
      await sink.layer(l.layer, null, (e as Error).message ?? String(e));
    }
    done += l.gate ? l.gate.end - l.gate.start : 0;
    sink.progress(done, total, 'Scoring gate layers');
  }
}
