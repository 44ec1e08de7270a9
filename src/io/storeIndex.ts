/**
 * The persisted index of one stored file: which byte ranges of the remote file are present in its
 * sparse local copy, the remote file's identity, and when it was last used.
 *
 * Why byte extents rather than a bitmap of aligned 1 MiB blocks: layer byte ranges are not
 * block-aligned in general (SmolLM2's gate layers are 1,769,472 bytes), so a bitmap would force a bulk
 * read to widen its request to block boundaries and then copy the requested range out of the widened
 * buffer, or leave the two edge blocks of every layer unpersisted (refetched on every visit). Extents
 * store exactly what was fetched; adjacent ranges merge, so a gate read layer by layer is one extent.
 */
export interface StoreIndex {
  /** Format version of this record. */
  v: 2;
  /** Location key of the vindex (pins the Hub commit) and the file's name inside it. */
  vindex: string;
  name: string;
  /** Size of the remote file, bytes. */
  size: number;
  /** The remote bytes' identity: Hub LFS sha256, or a static host's ETag / Last-Modified. */
  identity: string;
  /** Date.now() of the last read or write, for LRU eviction across files. */
  lastUsed: number;
  /** Present byte ranges [start, end), sorted, disjoint and not touching. */
  extents: [number, number][];
}

/** Total bytes present. */
export function presentBytes(ix: Pick<StoreIndex, 'extents'>): number {
  let n = 0;
  for (const [s, e] of ix.extents) n += e - s;
  return n;
}

/** Adds [start, end) to sorted disjoint extents, merging overlapping and touching ones (returns a new array). */
export function addExtent(extents: readonly [number, number][], start: number, end: number): [number, number][] {
  if (end <= start) return extents.slice();
  const out: [number, number][] = [];
  let s = start;
  let e = end;
  let placed = false;
  for (const [a, b] of extents) {
    if (b < s) out.push([a, b]);
    else if (a > e) {
      if (!placed) {
        out.push([s, e]);
        placed = true;
      }
      out.push([a, b]);
    } else {
      s = Math.min(s, a);
      e = Math.max(e, b);
    }
  }
  if (!placed) out.push([s, e]);
  return out;
}

/** Union of two extent lists. */
export function unionExtents(a: readonly [number, number][], b: readonly [number, number][]): [number, number][] {
  let out = a.slice();
  for (const [s, e] of b) out = addExtent(out, s, e);
  return out;
}

/** Keeps only the parts of the extents below `limit` (a stored file found shorter than its index claims). */
export function clipExtents(extents: readonly [number, number][], limit: number): [number, number][] {
  const out: [number, number][] = [];
  for (const [s, e] of extents) if (s < limit) out.push([s, Math.min(e, limit)]);
  return out;
}

/** Splits [start, end) into the parts present in `extents` and the gaps, both in order. */
export function splitRange(
  extents: readonly [number, number][], start: number, end: number,
): { present: [number, number][]; gaps: [number, number][] } {
  const present: [number, number][] = [];
  const gaps: [number, number][] = [];
  let at = start;
  for (const [a, b] of extents) {
    if (b <= at) continue;
    if (a >= end) break;
    if (a > at) gaps.push([at, a]);
    const to = Math.min(b, end);
    present.push([Math.max(a, at), to]);
    at = to;
    if (at >= end) break;
  }
  if (at < end) gaps.push([at, end]);
  return { present, gaps };
}

/** Serialises an index (JSON: a few hundred bytes for a gate read whole). */
export function encodeIndex(ix: StoreIndex): string {
  return JSON.stringify(ix);
}

/**
 * Parses a stored index; null when it is unreadable or inconsistent (a torn write, another version),
 * so the file is treated as empty rather than trusted.
 */
export function decodeIndex(text: string | null): StoreIndex | null {
  if (!text) return null;
  let j: Partial<StoreIndex>;
  try {
    j = JSON.parse(text) as Partial<StoreIndex>;
  } catch {
    return null;
  }
  if (typeof j !== 'object' || j === null || j.v !== 2) return null;
  if (typeof j.vindex !== 'string' || typeof j.name !== 'string' || typeof j.identity !== 'string') return null;
  if (!Number.isSafeInteger(j.size) || j.size! < 0 || !Number.isFinite(j.lastUsed) || !Array.isArray(j.extents)) return null;
  let prev = -1;
  for (const x of j.extents) {
    if (!Array.isArray(x) || x.length !== 2 || !Number.isSafeInteger(x[0]) || !Number.isSafeInteger(x[1])) return null;
    if (x[0] <= prev || x[1] <= x[0] || x[1] > j.size!) return null;
    prev = x[1];
  }
  return j as StoreIndex;
}
