// Overlap detection over byte ranges (layers[] offsets, shard pieces, MoE index offsets).
import type { ByteRange } from './types';

/**
 * The first two ranges (by start) that share a byte, as their indices [earlier, later], or null.
 * Empty ranges and nulls share nothing. O(n log n): sort by start, keep the furthest end seen.
 */
export function findOverlap(ranges: readonly (ByteRange | null)[]): [number, number] | null {
  const order = ranges
    .map((r, i) => ({ r, i }))
    .filter((x): x is { r: ByteRange; i: number } => x.r !== null && x.r.end > x.r.start)
    .sort((a, b) => a.r.start - b.r.start || a.i - b.i);
  let widest: { r: ByteRange; i: number } | null = null;
  for (const x of order) {
    if (widest !== null && x.r.start < widest.r.end) return widest.i < x.i ? [widest.i, x.i] : [x.i, widest.i];
    if (widest === null || x.r.end > widest.r.end) widest = x;
  }
  return null;
}

/** Byte spans of [0, size) that no range covers (ranges may be unsorted; overlaps are the caller's concern). */
export function uncovered(ranges: readonly ByteRange[], size: number): ByteRange[] {
  const sorted = ranges.filter((r) => r.end > r.start).slice().sort((a, b) => a.start - b.start);
  const gaps: ByteRange[] = [];
  let pos = 0;
  for (const r of sorted) {
    if (r.start > pos) gaps.push({ start: pos, end: Math.min(r.start, size) });
    pos = Math.max(pos, r.end);
  }
  if (pos < size) gaps.push({ start: pos, end: size });
  return gaps.filter((g) => g.end > g.start);
}
