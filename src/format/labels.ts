// Feature labels: feature_labels.json (probe labels) and relation_clusters.json + feature_clusters.jsonl.
// Nothing here throws: a label file in an unexpected shape is ignored with a notice.

/** A label attached to one feature. */
export interface FeatureLabel {
  label: string;
  /** 'probe' from feature_labels.json, 'cluster' from the relation clusters. */
  source: 'probe' | 'cluster';
  confidence?: number;
  examples?: string[];
  /** The list form's own `source` field (e.g. how the probe was made), when given. */
  origin?: string;
}

/** Labels keyed `${layer}:${feature}`, plus a notice when (part of) the file was ignored. */
export interface ParsedLabels {
  labels: Map<string, FeatureLabel>;
  notice: string | null;
}

/** What a JSON value is, for notices. */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** JSON.parse that reports failure as a message instead of throwing. */
function tryJson(file: string, text: string): { value: unknown } | { notice: string } {
  try {
    return { value: JSON.parse(text.replace(/^\uFEFF/, '')) };
  } catch (e) {
    return { notice: `${file}: not valid JSON (${e instanceof Error ? e.message : String(e)}); ignored` };
  }
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** `${layer}:${feature}` from "L27_F9515" or "27:9515", else null. */
function keyOf(k: string): string | null {
  const m = /^L(\d+)_F(\d+)$/i.exec(k.trim()) ?? /^(\d+):(\d+)$/.exec(k.trim());
  return m === null ? null : `${Number(m[1])}:${Number(m[2])}`;
}

/** Optional probe details (confidence, examples, origin) from an object. */
function details(o: Record<string, unknown>): Partial<FeatureLabel> {
  const d: Partial<FeatureLabel> = {};
  if (typeof o.confidence === 'number' && Number.isFinite(o.confidence)) d.confidence = o.confidence;
  if (Array.isArray(o.examples)) d.examples = o.examples.map((x) => (typeof x === 'string' ? x : JSON.stringify(x)));
  if (typeof o.source === 'string') d.origin = o.source;
  return d;
}

const FL = 'feature_labels.json';
const SHAPE = `expected {"L<layer>_F<feature>": label} or a list of {layer, feature, relation}`;

/** Parses feature_labels.json in its object form ("L27_F9515" or "27:9515" keys) or list form. */
export function parseFeatureLabels(text: string): ParsedLabels {
  const labels = new Map<string, FeatureLabel>();
  const parsed = tryJson(FL, text);
  if ('notice' in parsed) return { labels, notice: parsed.notice };
  const v = parsed.value;
  let skipped = 0;
  let firstSkipped: string | null = null;
  const skip = (what: string): void => {
    skipped++;
    firstSkipped ??= what;
  };
  if (Array.isArray(v)) {
    for (const item of v) {
      const o = item as Record<string, unknown> | null;
      const label = o !== null && typeof o === 'object' ? (o.relation ?? o.label) : undefined;
      if (o === null || typeof o !== 'object' || !isIndex(o.layer) || !isIndex(o.feature) || typeof label !== 'string') {
        skip(JSON.stringify(item)?.slice(0, 60) ?? String(item));
        continue;
      }
      labels.set(`${o.layer}:${o.feature}`, { label, source: 'probe', ...details(o) });
    }
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
      const key = keyOf(k);
      const o = typeof val === 'object' && val !== null && !Array.isArray(val) ? (val as Record<string, unknown>) : null;
      const label = typeof val === 'string' ? val : (o?.relation ?? o?.label);
      if (key === null || typeof label !== 'string') {
        skip(`"${k}"`);
        continue;
      }
      labels.set(key, { label, source: 'probe', ...(o !== null ? details(o) : {}) });
    }
  } else {
    return { labels, notice: `${FL}: ${SHAPE}, found ${kindOf(v)}; ignored` };
  }
  if (skipped === 0) return { labels, notice: null };
  if (labels.size === 0) return { labels, notice: `${FL}: ${SHAPE}, found ${firstSkipped}; ignored` };
  return { labels, notice: `${FL}: ${skipped} entries not understood (first: ${firstSkipped}); skipped` };
}

/** relation_clusters.json as needed for labelling (centres are not needed to name a feature's cluster). */
export interface RelationClusters {
  k: number;
  labels: string[];
  counts: number[] | null;
  topTokens: string[][] | null;
}

const RC = 'relation_clusters.json';

/** Parses relation_clusters.json ({k, centres, labels, counts, top_tokens}); null + notice when unusable. */
export function parseRelationClusters(text: string): { clusters: RelationClusters | null; notice: string | null } {
  const parsed = tryJson(RC, text);
  if ('notice' in parsed) return { clusters: null, notice: parsed.notice };
  const v = parsed.value as Record<string, unknown> | null;
  if (typeof v !== 'object' || v === null || Array.isArray(v) || !Array.isArray(v.labels)) {
    return { clusters: null, notice: `${RC}: expected an object with a "labels" list, found ${kindOf(v)}${v !== null && typeof v === 'object' && !Array.isArray(v) ? ' without one' : ''}; ignored` };
  }
  const labels = v.labels.map((x) => (typeof x === 'string' ? x : String(x)));
  const k = isIndex(v.k) ? v.k : labels.length;
  const counts = Array.isArray(v.counts) && v.counts.every((c) => typeof c === 'number') ? (v.counts as number[]) : null;
  const topTokens = Array.isArray(v.top_tokens)
    ? v.top_tokens.map((row) => (Array.isArray(row) ? row.map((t) => (typeof t === 'string' ? t : String(t))) : []))
    : null;
  const notice = k !== labels.length ? `${RC}: k = ${k} but ${labels.length} labels` : null;
  return { clusters: { k, labels, counts, topTokens }, notice };
}

/** Cluster label per feature from feature_clusters.jsonl lines {"l":..,"f":..,"c":cluster}; bad lines are counted. */
export function parseFeatureClusters(
  jsonlText: string,
  clusterLabels: readonly string[],
): { labels: Map<string, FeatureLabel>; badLines: number[]; notice: string | null } {
  const labels = new Map<string, FeatureLabel>();
  const badLines: number[] = [];
  jsonlText.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let o: Record<string, unknown> | null = null;
    try {
      o = JSON.parse(line) as Record<string, unknown> | null;
    } catch {
      o = null;
    }
    if (o === null || typeof o !== 'object' || !isIndex(o.l) || !isIndex(o.f) || !isIndex(o.c)) {
      badLines.push(i + 1);
      return;
    }
    // A cluster id without a label still groups features: name it by number.
    labels.set(`${o.l}:${o.f}`, { label: clusterLabels[o.c] ?? `cluster ${o.c}`, source: 'cluster' });
  });
  const notice =
    badLines.length > 0
      ? `feature_clusters.jsonl: ${badLines.length} unusable line${badLines.length === 1 ? '' : 's'} skipped (first: line ${badLines[0]})`
      : null;
  return { labels, badLines, notice };
}

/** Merges probe and cluster labels; a probe label wins over a cluster label for the same feature. */
export function mergeLabels(
  probe: ReadonlyMap<string, FeatureLabel>,
  cluster: ReadonlyMap<string, FeatureLabel>,
): Map<string, FeatureLabel> {
  const out = new Map(cluster);
  for (const [k, v] of probe) out.set(k, v);
  return out;
}
