// Small helpers for showing side files: a one-line JSON summary, and a UTF-8 cut point.

/** "components: 3 items, objects: 12 items, version: 3" for an object; "N items" for a list. */
export function summariseJson(value: unknown): string {
  const one = (v: unknown): string =>
    Array.isArray(v) ? `${v.length} item${v.length === 1 ? '' : 's'}`
      : typeof v === 'object' && v !== null ? `${Object.keys(v).length} key${Object.keys(v).length === 1 ? '' : 's'}`
        : JSON.stringify(v).slice(0, 60);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return one(value);
  const entries = Object.entries(value as Record<string, unknown>);
  const shown = entries.slice(0, 12).map(([k, v]) => `${k}: ${one(v)}`);
  return shown.join(', ') + (entries.length > 12 ? `, … (${entries.length} keys)` : '');
}

/**
 * The largest n ≤ bytes.length such that bytes[0, n) ends on a UTF-8 character boundary (a cut there
 * leaves no half character on either side). Looks back at most 3 bytes.
 */
export function utf8Boundary(bytes: Uint8Array): number {
  let n = bytes.length;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character…
  let i = n - 1;
  while (i >= 0 && i >= n - 4 && (bytes[i] & 0xc0) === 0x80) i--;
  if (i < 0) return n;
  const lead = bytes[i];
  const need = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  // …and cut before it when that character is not complete.
  if (i + need > n) n = i;
  return n;
}
