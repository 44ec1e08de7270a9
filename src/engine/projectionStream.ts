import { createProjection, type ProjectionHit } from '../compute/projection';
import type { Session } from './session';
import { typedRows } from './matrixStore';
import type { ProgressCallback } from './api';

const BLOCK_BYTES = 8 * 1024 * 1024;
const IN_FLIGHT = 3;

/**
 * Vocabulary projection of v over every embedding row: logits E·v (unscaled E, as down_meta was made)
 * and cosine. embeddings.bin is streamed in row-aligned blocks, several in flight, each block folded
 * into a bounded top-k as it arrives, so memory stays at a few blocks whatever the vocabulary size.
 */
export async function projectOverEmbeddings(
  session: Session, v: Float32Array, k: number, progress: ProgressCallback, signal: AbortSignal,
): Promise<{ byDot: ProjectionHit[]; byCos: ProjectionHit[]; lowDot: ProjectionHit[]; lowCos: ProjectionHit[]; bytesRead: number }> {
  const d = session.description;
  const dtype = d.dtypes.embeddings;
  if (!dtype) throw new Error('embeddings.bin is missing or has the wrong size: a projection needs it');
  const rowBytes = d.hiddenSize * (dtype === 'f16' ? 2 : 4);
  const rowsPerBlock = Math.max(1, Math.floor(BLOCK_BYTES / rowBytes));
  const acc = createProjection(v, d.hiddenSize, k, { cosine: true, low: true });
  const blocks: { first: number; count: number }[] = [];
  for (let first = 0; first < d.vocabSize; first += rowsPerBlock) blocks.push({ first, count: Math.min(rowsPerBlock, d.vocabSize - first) });
  const total = d.vocabSize * rowBytes;
  let done = 0;
  const fetchBlock = (b: { first: number; count: number }) =>
    session.sources.read('embeddings.bin', b.first * rowBytes, (b.first + b.count) * rowBytes, signal);
  const pending: Promise<Uint8Array>[] = [];
  for (let i = 0; i < blocks.length; i++) {
    while (pending.length < IN_FLIGHT && i + pending.length < blocks.length) {
      const p = fetchBlock(blocks[i + pending.length]);
      p.catch(() => undefined); // awaited below
      pending.push(p);
    }
    const bytes = await pending.shift()!;
    signal.throwIfAborted();
    acc.addBlock(typedRows(bytes, dtype), dtype, blocks[i].first, blocks[i].count);
    done += bytes.byteLength;
    progress(done, total, 'Projecting over embeddings.bin');
  }
  const r = acc.result();
  return { byDot: r.byDot, byCos: r.byCos, lowDot: r.lowDot, lowCos: r.lowCos, bytesRead: done };
}
