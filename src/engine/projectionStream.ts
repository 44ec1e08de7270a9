import { transfer } from 'comlink';
import { createProjection, mergeProjections, type ProjectionHit } from '../compute/projection';
import type { Session } from './session';
import { typedRows } from './matrixStore';
import type { ProgressCallback } from './api';
import { ownBuffer, type ScorerPool, type ScorerEndpoint } from './scorerPool';

const BLOCK_BYTES = 8 * 1024 * 1024;
const IN_FLIGHT = 3;
/** Blocks handed to one scorer and not yet scored: enough to keep it busy, few enough that a cancel stops soon. */
const QUEUED_PER_SCORER = 2;

let nextJob = 1;

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
): Promise<{ byDot: ProjectionHit[]; byCos: ProjectionHit[]; lowDot: ProjectionHit[]; lowCos: ProjectionHit[]; bytesRead: number }> {
  const d = session.description;
  const dtype = d.dtypes.embeddings;
  if (!dtype) throw new Error('embeddings.bin is missing or has the wrong size: a projection needs it');
  const H = d.hiddenSize;
  const rowBytes = H * (dtype === 'f16' ? 2 : 4);
  const rowsPerBlock = Math.max(1, Math.floor(blockBytes / rowBytes));
  const acc = createProjection(v, H, k, { cosine: true, low: true });
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
      ep.projStart(job, v, H, k).catch(() => undefined); // a failure shows in projBlock/projFinish
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
    const parts = [acc.result(), ...(await Promise.all(started.map((ep) => ep.projFinish(job))))];
    finished = true;
    const r = parts.length === 1 ? parts[0] : mergeProjections(parts, k);
    return { byDot: r.byDot, byCos: r.byCos, lowDot: r.lowDot, lowCos: r.lowCos, bytesRead: done };
  } finally {
    // a cancelled (or failed) projection: the scorers drop the job and ignore its blocks still queued
    if (!finished) for (const ep of started) ep.projCancel(job).catch(() => undefined);
  }
}
