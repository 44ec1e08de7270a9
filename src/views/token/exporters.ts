/** Provenance written into every exported file. */
export interface ExportMeta {
  source: string;
  commit: string | null;
  query: string;
  tokenIds: number[];
  /** The raw vocabulary strings of tokenIds ("ĠParis"), so a file says exactly which tokens were scored. */
  tokens: (string | null)[];
  /** Which tokenizer encoded the query: "vindex:tokenizer.json", "<repo>@<sha>", "none" or "ids". */
  tokenizer: string;
  metric: string;
  rank: string;
  /** Per-layer normalisation of the colours and the ranking ('raw', 'z', 'pct'), when it applies. */
  norm?: string;
  /** Visible feature range of a zoomed figure, "start–end". */
  zoom?: string | null;
  /** What the rows are: neurons, or SVD directions with arbitrary signs (said in every export). */
  units?: string;
  /** A filter applied to the top features (e.g. one MoE expert), when one is. */
  filter?: string;
}

/** JSON in plain ASCII: other characters as \uXXXX escapes, so raw tokens ("ĠParis") survive ASCII-only headers. */
export function asciiJson(v: unknown): string {
  return JSON.stringify(v).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A score grid padded to L × maxF, NaN where a layer has fewer features or was not scored. */
export function denseGrid(grid: (Float32Array | null)[], maxF: number): Float32Array {
  const out = new Float32Array(grid.length * maxF).fill(NaN);
  grid.forEach((row, l) => row && out.set(row.subarray(0, maxF), l * maxF));
  return out;
}

/**
 * A CSV cell that a spreadsheet cannot run: text starting with = + - @ tab or CR is prefixed with
 * a quote (OWASP's CSV-injection rule), then quoted when it holds a comma, quote or line break.
 * Numbers are written as numbers (a negative score is data, not a formula).
 */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  if (typeof v === 'number') return String(v);
  const s = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  // quoted also with outer whitespace, so a token's leading space (" Paris") survives readers that trim
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Provenance as "# key: value" comment lines. Values are JSON-encoded when they hold line breaks or
 * are not plain text, so a query such as "Paris\n=HYPERLINK(…)" cannot start a line of its own.
 */
export function csvComments(meta: Record<string, unknown>): string[] {
  return Object.entries(meta).map(([k, v]) => {
    // token strings may hold spaces or commas, so they are written as JSON
    if (k === 'tokens') return `# ${k}: ${JSON.stringify(v)}`;
    const text = Array.isArray(v) ? v.join(' ') : typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v);
    return `# ${k}: ${/[\r\n\u2028\u2029]/.test(text) ? JSON.stringify(text) : text}`;
  });
}

function metaLines(meta: ExportMeta): string {
  return csvComments({ ...meta }).join('\n');
}

/** The score matrix as CSV: provenance comment lines, then one row per layer (NaN where empty). */
export function scoresCsv(grid: (Float32Array | null)[], maxF: number, meta: ExportMeta): string {
  const header = ['layer', ...Array.from({ length: maxF }, (_, f) => `f${f}`)].join(',');
  const rows = grid.map((row, l) =>
    [l, ...Array.from({ length: maxF }, (_, f) => (row && f < row.length ? String(row[f]) : 'NaN'))].join(','),
  );
  return `${metaLines(meta)}\n${header}\n${rows.join('\n')}\n`;
}

/**
 * The score matrix as a NumPy .npy (format 1.0, little-endian float32, C order, shape (L, maxF)).
 * Provenance goes in a Python comment after the header dict: numpy parses the header with
 * ast.literal_eval, which ignores comments, and rejects extra dict keys, so a comment is the one place.
 */
export function scoresNpy(grid: (Float32Array | null)[], maxF: number, meta: ExportMeta): Uint8Array {
  const data = denseGrid(grid, maxF);
  const ascii = `{'descr': '<f4', 'fortran_order': False, 'shape': (${grid.length}, ${maxF}), } # ${asciiJson(meta)}`; // the header must be ASCII
  const pre = 10;
  const total = Math.ceil((pre + ascii.length + 1) / 64) * 64;
  const header = ascii + ' '.repeat(total - pre - ascii.length - 1) + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(new Uint8Array(data.buffer), total);
  return out;
}

/** Top features as CSV with provenance comment lines. */
export function topCsv(hits: { layer: number; feature: number; score: number }[], meta: ExportMeta): string {
  return `${metaLines(meta)}\nlayer,feature,score\n${hits.map((h) => `${h.layer},${h.feature},${h.score}`).join('\n')}\n`;
}

/** Top features as JSON with provenance. */
export function topJson(hits: { layer: number; feature: number; score: number }[], meta: ExportMeta): string {
  return JSON.stringify({ ...meta, topFeatures: hits.map((h) => ({ ...h, score: Number.isFinite(h.score) ? h.score : String(h.score) })) }, null, 2);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Inserts a PNG tEXt chunk (keyword "vindex-explorer", JSON provenance) after IHDR. Canvas toBlob
 * cannot add metadata, and this is one small chunk, so it is written here rather than pulling a PNG library.
 */
export function pngWithText(png: Uint8Array, meta: ExportMeta): Uint8Array {
  const text = new TextEncoder().encode(`vindex-explorer\0${asciiJson(meta)}`);
  const chunk = new Uint8Array(12 + text.length);
  const dv = new DataView(chunk.buffer);
  dv.setUint32(0, text.length);
  chunk.set([0x74, 0x45, 0x58, 0x74], 4); // "tEXt"
  chunk.set(text, 8);
  dv.setUint32(8 + text.length, crc32(chunk.subarray(4, 8 + text.length)));
  const ihdrEnd = 8 + 8 + 13 + 4; // signature, IHDR length+type, 13 bytes of data, CRC
  const out = new Uint8Array(png.length + chunk.length);
  out.set(png.subarray(0, ihdrEnd), 0);
  out.set(chunk, ihdrEnd);
  out.set(png.subarray(ihdrEnd), ihdrEnd + chunk.length);
  return out;
}
