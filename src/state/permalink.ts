/**
 * The permalink codec (contract version 1, see README): view state <-> the app URL's query string.
 * Pure: no DOM access. URLSearchParams is the platform's own, well-specified query-string codec;
 * the contract is a flat list of scalar parameters, so no URL-state library is needed on top.
 */

/** Which view is shown. */
export type ViewName = 'overview' | 'token' | 'feature' | 'compare';
/** Score metric: cosine (the compact vindexes' recipe) or LarQL's raw dot product. */
export type Metric = 'cos' | 'dot';
/** Ranking: by signed value, or by |score| (LarQL's order). */
export type Rank = 'signed' | 'abs';
/** Per-layer normalisation of scores for colour and ranking: raw, z-score within the layer, or percentile. */
export type Norm = 'raw' | 'z' | 'pct';

/** Everything a permalink restores. */
export interface ViewState {
  src: string | null;
  endpoint: string | null;
  view: ViewName;
  q: string;
  /** Second query for the compare panel (extension of contract v1; absent = no compare). */
  q2: string;
  metric: Metric;
  rank: Rank;
  layer: number | null;
  feature: number | null;
  /** A second vindex shown beside the first (same forms as `src`), and its Hub endpoint when it differs. */
  src2: string | null;
  endpoint2: string | null;
  /** The base-model tokenizer a view used, as <repo>@<commit sha> (only for vindexes without tokenizer.json). */
  tokenizer: string | null;
  /** Per-layer normalisation (extension of contract v1; absent = raw). */
  norm: Norm;
  /** Visible feature range [start, end) of the zoomed heatmaps (extension; absent = everything). */
  zoom: [number, number] | null;
}

/** The default rank for a metric: signed for cos, abs for dot (LarQL's gate KNN order). */
export function defaultRank(metric: Metric): Rank {
  return metric === 'dot' ? 'abs' : 'signed';
}

/** The state of an empty URL. */
export const EMPTY_VIEW: ViewState = {
  src: null, endpoint: null, view: 'overview', q: '', q2: '', metric: 'cos', rank: 'signed', layer: null, feature: null,
  src2: null, endpoint2: null, tokenizer: null,
  norm: 'raw', zoom: null,
};

function intParam(v: string | null, name: string, problems: string[]): number | null {
  if (v === null || v === '') return null;
  if (!/^\d+$/.test(v)) {
    problems.push(`permalink: ${name}=${v} is not a non-negative integer; ignored`);
    return null;
  }
  return Number(v);
}

function normParam(v: string | null, problems: string[]): Norm {
  if (v === null || v === '' || v === 'raw') return 'raw';
  if (v === 'z' || v === 'pct') return v;
  problems.push(`permalink: unknown norm "${v}"; using raw scores`);
  return 'raw';
}

/** Zoom ends are kept to 2 decimals: enough for a 262,144-feature axis, short in a link. */
function roundZoom(x: number): string {
  return String(Math.round(x * 100) / 100);
}

function zoomParam(v: string | null, problems: string[]): [number, number] | null {
  if (v === null || v === '') return null;
  const m = /^(\d+(?:\.\d+)?)-(\d+(?:\.\d+)?)$/.exec(v);
  if (!m || !(Number(m[2]) > Number(m[1]))) {
    problems.push(`permalink: zoom=${v} is not a feature range like 100-400; showing every feature`);
    return null;
  }
  return [Number(m[1]), Number(m[2])];
}

/** Decodes a query string (with or without "?") into a view state plus notes about ignored parameters. */
export function decodePermalink(search: string): { state: ViewState; problems: string[] } {
  const p = new URLSearchParams(search);
  const problems: string[] = [];
  const viewRaw = p.get('view');
  const view: ViewName = viewRaw === 'token' || viewRaw === 'feature' || viewRaw === 'overview' || viewRaw === 'compare' ? viewRaw : 'overview';
  if (viewRaw && viewRaw !== view) problems.push(`permalink: unknown view "${viewRaw}"; showing the overview`);
  const metricRaw = p.get('metric');
  const metric: Metric = metricRaw === 'dot' ? 'dot' : 'cos';
  if (metricRaw && metricRaw !== 'dot' && metricRaw !== 'cos') problems.push(`permalink: unknown metric "${metricRaw}"; using cos`);
  const rankRaw = p.get('rank');
  const rank: Rank = rankRaw === 'abs' || rankRaw === 'signed' ? rankRaw : defaultRank(metric);
  const state: ViewState = {
    src: p.get('src') || null,
    endpoint: p.get('endpoint') || null,
    view,
    q: p.get('q') ?? '',
    q2: p.get('q2') ?? '',
    metric,
    rank,
    layer: intParam(p.get('layer'), 'layer', problems),
    feature: intParam(p.get('feature'), 'feature', problems),
    src2: p.get('src2') || null,
    endpoint2: p.get('endpoint2') || null,
    tokenizer: null,
    norm: normParam(p.get('norm'), problems),
    zoom: zoomParam(p.get('zoom'), problems),
  };
  const tok = p.get('tokenizer');
  if (tok && /^[\w.-]+\/[\w.-]+@[0-9a-f]{40}$/i.test(tok)) state.tokenizer = tok;
  else if (tok) problems.push(`permalink: tokenizer=${tok} is not <owner>/<name>@<40-hex commit>; ignored`);
  return { state, problems };
}

/** Encodes a view state as a query string (leading "?"), omitting defaults so links stay short. */
export function encodePermalink(s: ViewState): string {
  const p = new URLSearchParams();
  if (s.src) p.set('src', s.src);
  if (s.endpoint) p.set('endpoint', s.endpoint);
  p.set('view', s.view);
  if (s.q) p.set('q', s.q);
  if (s.q2) p.set('q2', s.q2);
  if (s.metric !== 'cos') p.set('metric', s.metric);
  if (s.rank !== defaultRank(s.metric)) p.set('rank', s.rank);
  if (s.layer !== null) p.set('layer', String(s.layer));
  if (s.feature !== null) p.set('feature', String(s.feature));
  if (s.src2) p.set('src2', s.src2);
  if (s.src2 && s.endpoint2 && s.endpoint2 !== s.endpoint) p.set('endpoint2', s.endpoint2);
  if (s.tokenizer) p.set('tokenizer', s.tokenizer);
  if (s.norm !== 'raw') p.set('norm', s.norm);
  if (s.zoom) p.set('zoom', `${roundZoom(s.zoom[0])}-${roundZoom(s.zoom[1])}`);
  const text = p.toString();
  return text ? `?${text}` : '';
}

/**
 * How a state change enters the browser history: a new entry for navigation (view, feature, source,
 * query), so Back and Forward walk token → feature → neighbour; the current entry is rewritten for
 * adjustments (metric, rank, normalisation, zoom), so sliders and wheels do not flood the history.
 */
export function historyMode(prev: ViewState, next: ViewState): 'push' | 'replace' {
  const nav: (keyof ViewState)[] = ['src', 'endpoint', 'src2', 'endpoint2', 'view', 'layer', 'feature', 'q', 'q2'];
  return nav.some((k) => prev[k] !== next[k]) ? 'push' : 'replace';
}

/**
 * Links longer than this are flagged in the UI: many chat apps, mail clients and some static hosts'
 * request-line limits cut URLs of a few thousand characters, and 2,000 is the old common floor.
 */
export const LONG_PERMALINK = 2000;
