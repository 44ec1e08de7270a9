import { embeddingRowRange } from '../format/layout';
import { meanOfRows } from '../compute/meanVector';
import type { Session } from './session';
import { typedRows } from './matrixStore';

/** Reads the embedding rows of `ids` (by range) and returns q = mean of embed_scale·E[id]. */
export async function queryVector(session: Session, ids: number[], signal?: AbortSignal): Promise<Float32Array> {
  const d = session.description;
  const dtype = d.dtypes.embeddings;
  if (!dtype) {
    const p = d.problems.find((x) => x.file === 'embeddings.bin');
    throw new Error(p ? `embeddings.bin: ${p.message}` : 'embeddings.bin is missing: a query vector needs it');
  }
  // ids ≥ V are skipped (VINDEX-FORMAT "Query vector"); reading their rows would run past embeddings.bin
  const used = ids.filter((id) => Number.isInteger(id) && id >= 0 && id < d.vocabSize);
  if (used.length === 0) throw new Error('The query has no tokens to score');
  const unique = [...new Set(used)];
  const rows = await Promise.all(
    unique.map(async (id) => {
      const r = embeddingRowRange(id, d.hiddenSize, dtype);
      return [id, typedRows(await session.sources.read('embeddings.bin', r.start, r.end, signal), dtype)] as const;
    }),
  );
  const byId = new Map(rows);
  // duplicates count: "the cat the" weighs "the" twice, as LarQL's mean does
  return meanOfRows(used.map((id) => byId.get(id)!), dtype, d.hiddenSize, d.embedScale);
}
