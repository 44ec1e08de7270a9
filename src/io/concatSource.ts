import { abortError, ioError, type ByteSource } from './ByteSource';

/** A byte range of one source, as a piece of a concatenation. */
export interface SourcePiece {
  source: ByteSource;
  /** First byte of the piece in `source`. */
  start: number;
  /** End (exclusive) of the piece in `source`. */
  end: number;
}

/**
 * Pieces of other sources presented as one contiguous ByteSource: a gate split across shard files
 * (`<base>-NNNNN-of-NNNNN.bin`) reads as one virtual gate_vectors.bin, so scoring and projections need
 * no second path. A read spanning pieces fetches each part in parallel and joins them; a read inside
 * one piece is that piece's own bytes (no copy). Each piece keeps its own caching below.
 */
export function concatSource(key: string, pieces: readonly SourcePiece[]): ByteSource {
  const starts: number[] = [];
  let size = 0;
  for (const p of pieces) {
    if (!(p.start >= 0 && p.end >= p.start && p.end <= p.source.size)) {
      throw ioError('OutOfRangeError', `${key}: piece ${p.start}–${p.end} lies outside ${p.source.key} (${p.source.size} bytes)`);
    }
    starts.push(size);
    size += p.end - p.start;
  }
  /** Index of the last piece starting at or before `pos`. */
  const pieceAt = (pos: number): number => {
    let lo = 0;
    let hi = pieces.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  return {
    key,
    size,
    async read(start, end, signal) {
      if (signal?.aborted) throw abortError(signal);
      if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end >= start && end <= size)) {
        throw ioError('OutOfRangeError', `${key}: bytes ${start}–${end} are outside the file (${size} bytes)`);
      }
      if (start === end) return new Uint8Array(0);
      const parts: { piece: SourcePiece; from: number; to: number; at: number }[] = [];
      for (let i = pieceAt(start); i < pieces.length && starts[i] < end; i++) {
        const p = pieces[i];
        const from = Math.max(start, starts[i]) - starts[i] + p.start;
        const to = Math.min(end, starts[i] + (p.end - p.start)) - starts[i] + p.start;
        if (to > from) parts.push({ piece: p, from, to, at: Math.max(start, starts[i]) - start });
      }
      const got = await Promise.all(parts.map((x) => x.piece.source.read(x.from, x.to, signal)));
      if (got.length === 1) return got[0];
      const out = new Uint8Array(end - start);
      got.forEach((bytes, i) => out.set(bytes, parts[i].at));
      return out;
    },
  };
}
