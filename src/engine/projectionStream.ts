import { transfer } from 'comlink';
import { createProjectionSet, mergeProjections, type ProjectionHit } from '../compute/projection';
import type { Session } from './session';
import { typedRows } from './matrixStore';
import type { ProgressCallback } from './api';
import { ownBuffer, type ScorerPool, type ScorerEndpoint } from './scorerPool';

/**
 * Bytes of embeddings.bin per block (one read, one unit of work for a thread). Why 32 MiB: in
 * `node bench/run.mjs qwen` (1.24 GB embeddings, cold, persisting off) 8 MiB blocks took 7.8 s, 32 MiB
 * 4.4 s and 64 MiB 4.4 s, each request costing the worker a fixed overhead; 64 MiB raised peak PSS from
 * 0.66 to 0.89 GiB for no gain.
 */
const BLOCK_BYTES = 32 * 1024 * 1024;
const IN_FLIGHT = 3;
/** Blocks handed to one scorer and not yet scored: enough to keep it busy, few enough that a cancel stops soon. */
const QUEUED_PER_SCORER = 2;

let nextJob = 1;

export interface EmbeddingProjection {
  byDot: ProjectionHit[];
  byCos: ProjectionHit[];
  lowDot: ProjectionHit[];
  lowCos: ProjectionHit[];
  bytesRead: number;
}

/**
 * Vocabulary projection of v over every embedding row: logits E·v (unscaled E, as down_meta was made)
 * and cosine. embeddings.bin is streamed in row-aligned blocks, several in flight, each block folded
 * into a bounded top-k as it arrives, so memory stays at a few blocks whatever the vocabulary size.
 *
 * With a pool, block i is projected by thread i mod (size + 1), 0 being the engine itself; a scorer's
 * blocks are transferred to it (not copied) and its bounded top-k lists are merged here at the end
 * (mergeProjections: exact). Without a pool every block is projected here: the reference path.
 */
export async function projectOverEmbeddings(
  session: Session, v: Float32Array, k: number, progress: ProgressCallback, signal: AbortSignal, pool: ScorerPool | null = null,
  blockBytes = BLOCK_BYTES,
): Promise<EmbeddingProjection> {
  return (await projectManyOverEmbeddings(session, [v], [k], progress, signal, pool, blockBytes))[0];
}

/**
 * Projections of several vectors (k = ks[j] each) in ONE pass over embeddings.bin: each block is read
 * once and each of its rows decoded and normed once for all the vectors (createProjectionSet); the
 * results are the same bits as separate projectOverEmbeddings calls. One signal stops the whole pass.
 */
export async function projectManyOverEmbeddings(
  session: Session, vs: Float32Array[], ks: number[], progress: ProgressCallback, signal: AbortSignal,
  pool: ScorerPool | null = null, blockBytes = BLOCK_BYTES,
): Promise<EmbeddingProjection[]> {
  const d = session.description;
  const dtype = d.dtypes.embeddings;
  if (!dtype) throw new Error('embeddings.bin is missing or has the wrong size: a projection needs it');
  const H = d.hiddenSize;
  const rowBytes = H * (dtype === 'f16' ? 2 : 4);
  const rowsPerBlock = Math.max(1, Math.floor(blockBytes / rowBytes));
  const acc = createProjectionSet(vs, H, ks);
  const blocks: { first: number; count: number }[] = [];
  for (let first = 0; first < d.vocabSize; first += rowsPerBlock) blocks.push({ first, count: Math.min(rowsPerBlock, d.vocabSize - first) });
  const total = d.vocabSize * rowBytes;
  let done = 0;
  const fetchBlock = (b: { first: number; count: number }) =>
    session.sources.read('embeddings.bin', b.first * rowBytes, (b.first + b.count) * rowBytes, signal);

  const threads = pool ? pool.size + 1 : 1;
  const job = `proj${nextJob++}`;
  const started: ScorerEndpoint[] = [];
  const queued: Promise<void>[][] = Array.from({ length: threads }, () => []);
  const toScorer = (t: number, bytes: Uint8Array, b: { first: number; count: number }): Promise<void> => {
    const ep = pool!.slot(t - 1);
    if (!started.includes(ep)) {
      started.push(ep);
      ep.projStart(job, vs, H, ks).catch(() => undefined); // a failure shows in projBlock/projFinish
    }
    const own = ownBuffer(bytes);
    const n = own.byteLength;
    return ep.projBlock(job, transfer(own, [own.buffer]), dtype, b.first, b.count).then(() => {
      done += n;
      progress(done, total, 'Projecting over embeddings.bin');
    });
  };

  let finished = false;
  try {
    const pending: Promise<Uint8Array>[] = [];
    for (let i = 0; i < blocks.length; i++) {
      while (pending.length < IN_FLIGHT && i + pending.length < blocks.length) {
        const p = fetchBlock(blocks[i + pending.length]);
        p.catch(() => undefined); // awaited below
        pending.push(p);
      }
      const bytes = await pending.shift()!;
      signal.throwIfAborted();
      const t = i % threads;
      if (t === 0) {
        acc.addBlock(typedRows(bytes, dtype), dtype, blocks[i].first, blocks[i].count);
        done += bytes.byteLength;
        progress(done, total, 'Projecting over embeddings.bin');
      } else {
        const q = queued[t];
        const p = toScorer(t, bytes, blocks[i]);
        p.catch(() => undefined); // awaited below
        q.push(p);
        if (q.length > QUEUED_PER_SCORER) await q.shift();
      }
    }
    for (const q of queued) for (const p of q) await p;
    signal.throwIfAborted();
    const parts = [acc.results(), ...(await Promise.all(started.map((ep) => ep.projFinish(job))))];
    finished = true;
    return vs.map((_, j) => {
      const r = parts.length === 1 ? parts[0][j] : mergeProjections(parts.map((p) => p[j]), ks[j]);
      return { byDot: r.byDot, byCos: r.byCos, lowDot: r.lowDot, lowCos: r.lowCos, bytesRead: done };
    });
  } finally {
    // a cancelled (or failed) projection: the scorers drop the job and ignore its blocks still queued
    if (!finished) for (const ep of started) ep.projCancel(job).catch(() => undefined);
  }
}

interface Member {
  vector: Promise<Float32Array>;
  k: number;
  progress: ProgressCallback;
  /** Settled, or left (cancelled, or its vector could not be read). */
  gone: boolean;
  resolve(r: EmbeddingProjection): void;
  reject(e: unknown): void;
}

interface Pass {
  members: Member[];
  ctl: AbortController;
}

/** Passes still gathering members, per session and block size. */
const gathering = new WeakMap<Session, Map<number, Pass>>();

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('Aborted', 'AbortError');
}

/**
 * A projection that shares its pass over embeddings.bin with the other projections of the session asked
 * for at the same time. Why: "Compute says, hears and neighbours" asks for the down and the gate
 * projection back to back, and two separate passes decoded and normed every embedding row twice. Measured
 * (npm run bench qwen, Qwen3-8B size, Chromium, 2 cores, builds alternated): second feature warm
 * 1.97–2.10 s with two passes, 1.21–1.29 s with one; numpy's single projection 1.2–1.6 s in the same runs.
 *
 * Joining is open while the pass gathers: until every member's vector (`vector`, read by the caller) has
 * arrived and one more task has run with no newcomer. A later request starts a pass of its own (its
 * reads still share the store's in-flight reads). Cancellation is reference-counted as in SharedLoads:
 * a caller whose signal aborts rejects alone and stops receiving progress; the pass stops only when
 * every caller has gone. Each result is the same bits as projectOverEmbeddings would give.
 */
export function joinProjection(
  session: Session, vector: Promise<Float32Array>, k: number, progress: ProgressCallback, signal: AbortSignal,
  pool: ScorerPool | null = null, blockBytes = BLOCK_BYTES,
): Promise<EmbeddingProjection> {
  vector.catch(() => undefined); // the pass hands the failure to this caller alone
  if (signal.aborted) return Promise.reject(abortReason(signal));
  let passes = gathering.get(session);
  if (!passes) gathering.set(session, (passes = new Map()));
  let pass = passes.get(blockBytes);
  if (!pass) {
    const fresh: Pass = { members: [], ctl: new AbortController() };
    const all = passes;
    passes.set(blockBytes, fresh);
    pass = fresh;
    void runPass(session, fresh, pool, blockBytes, () => {
      if (all.get(blockBytes) === fresh) all.delete(blockBytes);
    });
  }
  const p = pass;
  return new Promise<EmbeddingProjection>((resolve, reject) => {
    const m: Member = {
      vector, k, progress, gone: false,
      resolve: (r) => settle(() => resolve(r)),
      reject: (e) => settle(() => reject(e)),
    };
    const onAbort = () => {
      m.reject(abortReason(signal));
      // the last caller left: nobody wants the pass, so stop reading and scoring
      if (p.members.every((x) => x.gone)) p.ctl.abort(abortReason(signal));
    };
    function settle(f: () => void) {
      signal.removeEventListener('abort', onAbort);
      if (m.gone) return;
      m.gone = true;
      f();
    }
    signal.addEventListener('abort', onAbort, { once: true });
    p.members.push(m);
  });
}

async function runPass(session: Session, pass: Pass, pool: ScorerPool | null, blockBytes: number, close: () => void): Promise<void> {
  try {
    // gather: requests posted together arrive as consecutive messages, each reading its vector first
    for (let seen = 0; ; ) {
      await new Promise((r) => setTimeout(r, 0));
      if (pass.members.length === seen || pass.ctl.signal.aborted) break;
      seen = pass.members.length;
      await Promise.allSettled(pass.members.map((m) => m.vector));
    }
  } finally {
    close();
  }
  const live: Member[] = [];
  const vs: Float32Array[] = [];
  for (const m of pass.members) {
    try {
      const v = await m.vector;
      if (!m.gone) {
        live.push(m);
        vs.push(v);
      }
    } catch (e) {
      m.reject(e);
    }
  }
  if (live.length === 0) return;
  try {
    const res = await projectManyOverEmbeddings(
      session, vs, live.map((m) => m.k),
      (done, total, label) => {
        for (const m of live) if (!m.gone) m.progress(done, total, label);
      },
      pass.ctl.signal, pool, blockBytes,
    );
    live.forEach((m, j) => m.resolve(res[j]));
  } catch (e) {
    for (const m of live) m.reject(e);
  }
}
