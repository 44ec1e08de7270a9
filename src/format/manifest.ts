// manifest.json: free-form build provenance (the compact family ships one). Shown as-is.

/** Parses manifest.json leniently: the object, or null with a notice naming the problem. */
export function parseManifest(text: string): { value: Record<string, unknown> | null; notice: string | null } {
  let v: unknown;
  try {
    v = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    return { value: null, notice: `manifest.json: not valid JSON (${e instanceof Error ? e.message : String(e)}); ignored` };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    const kind = v === null ? 'null' : Array.isArray(v) ? 'a list' : `a ${typeof v}`;
    return { value: null, notice: `manifest.json: expected a JSON object, found ${kind}; ignored` };
  }
  return { value: v as Record<string, unknown>, notice: null };
}
