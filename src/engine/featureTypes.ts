import type { TokenRef } from './types';

/** Output tokens of one feature from down_meta (stored projections). */
export interface TokenOutputs {
  feature: number;
  /** Best first; empty when the feature has no metadata. */
  tokens: (TokenRef & { logit: number })[];
  cScore: number | null;
}

/** Everything about one feature that needs no heavy compute. */
export interface FeatureDetail {
  layer: number;
  feature: number;
  numFeatures: number;
  band: 'syntax' | 'knowledge' | 'output' | null;
  expert: number | null;
  label: { text: string; source: 'probe' | 'cluster' } | null;
  outputs: TokenOutputs | null;
  /** Why outputs are missing, when they are. */
  outputsNote: string | null;
  hasDown: boolean;
  hasGate: boolean;
}

/** Top tokens of a vocabulary projection. */
export interface ProjectionResult {
  byDot: (TokenRef & { score: number })[];
  byCos: (TokenRef & { score: number })[];
  /** The most negative tokens (what the vector suppresses), most negative first. */
  lowDot: (TokenRef & { score: number })[];
  lowCos: (TokenRef & { score: number })[];
  bytesRead: number;
  /** Set when the persistent cache could not store the blocks (e.g. quota); the projection is complete anyway. */
  cacheNote: string | null;
}

/** A similar feature. */
export interface Neighbour {
  layer: number;
  feature: number;
  cosine: number;
  /** The feature's top stored output token. */
  top: TokenRef | null;
}

/** A feature that lists a token among its down_meta outputs. */
export interface Sayer {
  layer: number;
  feature: number;
  logit: number;
  rank: number;
}

/** DESCRIBE thresholds (visible and adjustable in the UI). */
export interface DescribeOptions {
  perLayer: number;
  minScore: number;
  cleanAt: number;
  moderateAt: number;
}

/** One merged DESCRIBE edge. */
export interface DescribeEdge {
  /** The best hit's top output token, exactly (edges merge tokens by lower-cased trimmed text). */
  token: TokenRef;
  score: number;
  layer: number;
  feature: number;
  band: 'syntax' | 'knowledge' | 'output' | null;
  /** Other (layer, feature) places the same token was hit. */
  also: { layer: number; feature: number; score: number }[];
}

/** DESCRIBE result. */
export interface DescribeResult {
  edges: DescribeEdge[];
  signal: 'clean' | 'moderate' | 'diffuse';
  /** Best edge score (NaN when no edge passed the filters). */
  maxScore: number;
  /** The largest signed score among every layer's top hits, before the filters (null when nothing was scored). */
  strongest: { layer: number; feature: number; score: number } | null;
}
