// down_meta.jsonl (legacy LarQL): one JSON object per feature,
// {"l":layer,"f":feature,"t":top_token,"i":top_id,"c":c_score,"k":[{"t":token,"i":id,"s":logit},...]}.
// Token strings are inline, so no tokenizer is needed.

/** One feature's metadata from down_meta.jsonl. */
export interface JsonlDownMeta {
  topToken: string;
  topTokenId: number;
  cScore: number;
  entries: { id: number; token: string; logit: number }[];
}

/** A line that could not be used, 1-based. */
export interface BadLine {
  line: number;
  reason: string;
}

/** Parsed down_meta.jsonl: records keyed `${layer}:${feature}`, plus the lines that were skipped. */
export interface ParsedDownMetaJsonl {
  records: Map<string, JsonlDownMeta>;
  badLines: BadLine[];
  /** A one-line summary of bad lines for the UI, or null when every line was usable. */
  notice: string | null;
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

/** Validates one parsed line; returns the key and record, or a reason. */
function recordOf(o: Record<string, unknown>): { key: string; rec: JsonlDownMeta } | string {
  if (!isIndex(o.l) || !isIndex(o.f)) return `"l" and "f" must be non-negative integers, found l=${JSON.stringify(o.l)} f=${JSON.stringify(o.f)}`;
  const k = o.k ?? [];
  if (!Array.isArray(k)) return `"k" should be a list, found ${JSON.stringify(k)}`;
  const entries: JsonlDownMeta['entries'] = [];
  for (const [j, e] of k.entries()) {
    const x = e as Record<string, unknown> | null;
    if (typeof x !== 'object' || x === null || !isIndex(x.i) || !isNum(x.s)) {
      return `k[${j}] should be {"t": token, "i": id, "s": logit}, found ${JSON.stringify(e)}`;
    }
    entries.push({ id: x.i, token: typeof x.t === 'string' ? x.t : '', logit: x.s });
  }
  // Top token fields default to the first entry: c_score is defined as that entry's logit.
  const topTokenId = isIndex(o.i) ? o.i : entries[0]?.id;
  if (topTokenId === undefined) return `no top token ("i") and no entries`;
  return {
    key: `${o.l}:${o.f}`,
    rec: {
      topToken: typeof o.t === 'string' ? o.t : (entries[0]?.token ?? ''),
      topTokenId,
      cScore: isNum(o.c) ? o.c : (entries[0]?.logit ?? 0),
      entries,
    },
  };
}

/** Parses down_meta.jsonl; `_header` lines and blank lines are skipped, bad lines are reported, never thrown. */
export function parseDownMetaJsonl(text: string): ParsedDownMetaJsonl {
  const records = new Map<string, JsonlDownMeta>();
  const badLines: BadLine[] = [];
  // Why split on \r?\n: files written on Windows end lines with CRLF.
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      badLines.push({ line: i + 1, reason: `not JSON (${e instanceof Error ? e.message : String(e)})` });
      return;
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      badLines.push({ line: i + 1, reason: 'not a JSON object' });
      return;
    }
    const o = v as Record<string, unknown>;
    if ('_header' in o) return;
    const r = recordOf(o);
    if (typeof r === 'string') badLines.push({ line: i + 1, reason: r });
    else records.set(r.key, r.rec);
  });
  let notice: string | null = null;
  if (badLines.length > 0) {
    const shown = badLines.slice(0, 5).map((b) => b.line).join(', ');
    notice =
      `down_meta.jsonl: ${badLines.length} unusable line${badLines.length === 1 ? '' : 's'} skipped ` +
      `(line${badLines.length === 1 ? '' : 's'} ${shown}${badLines.length > 5 ? ', …' : ''}: ${badLines[0].reason})`;
  }
  return { records, badLines, notice };
}
