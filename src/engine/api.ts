import type { VindexLocation } from '../io/ByteSource';
import type { EncodedQuery, OpenedVindex, OverviewExtras, TokenizerInfo, TokenRef, TokenSuggestion, SayersResult } from './types';
import type { CompareApi } from './compareApi';
import type { FeatureDetail, ProjectionResult, Neighbour, DescribeResult, DescribeOptions, TokenOutputs } from './featureTypes';

/** Progress callback passed through comlink.proxy (throttled by the engine). */
export type ProgressCallback = (done: number, total: number, label: string) => void;

/** Called once per scored layer; `scores` is transferred (null when the layer is unavailable). */
export type LayerCallback = (layer: number, scores: Float32Array | null, problem: string | null) => void | Promise<void>;

/** What to open: a permalink `src` (demo, hf:, http URL) or a local location built on the main thread. */
export interface OpenRequest {
  src?: string;
  endpoint?: string | null;
  location?: VindexLocation;
  /** Absolute URL of the embedded demo folder (the worker cannot see the page URL). */
  demoUrl: string;
  /** A permalink's tokenizer=<repo>@<sha>: the base-model tokenizer to use when the vindex has none. */
  tokenizer?: string | null;
}

/** What the persistent store holds (Settings). */
export interface CacheUsage {
  bytes: number;
  files: number;
  /** The limit in force, bytes, and whether it is the default share of the quota. */
  limit: number;
  automatic: boolean;
  available: boolean;
  /** Per vindex (location key), most recently used first. */
  vindexes: { vindex: string; bytes: number; files: number; lastUsed: number }[];
}

/** The worker's API (exposed by workers/vindex.worker.ts through comlink). */
export interface EngineApi extends CompareApi {
  /** Resolves a source and reads its metadata files. */
  open(req: OpenRequest, opId: string, onProgress: ProgressCallback): Promise<OpenedVindex>;
  /** The model card and manifest (read on first call). */
  extras(key: string): Promise<OverviewExtras>;
  /** Bytes [start, end) of a small side file (at most 4 MiB per call), e.g. the rest of a long model card. */
  readRange(key: string, file: string, start: number, end: number): Promise<Uint8Array>;
  /** Cancels the operation `opId` (its promise rejects with an AbortError). */
  cancel(opId: string): void;
  /** Loads the tokenizer with byte progress (cancellable); says which one it is. */
  tokenizer(key: string, opId: string, onProgress: ProgressCallback): Promise<TokenizerInfo>;
  /** Which tokenizer a vindex uses (reads the model card for a base model's; downloads nothing). */
  tokenizerInfo(key: string): Promise<TokenizerInfo>;
  /** Turns a query (text, spaces kept, or "#id,#id") into tokens. */
  encode(key: string, q: string): Promise<EncodedQuery>;
  /** Tokens of ids: exact texts and raw strings (no tokenizer → "#id"). */
  decode(key: string, ids: number[]): Promise<TokenRef[]>;
  /** Vocabulary tokens whose text starts with `prefix` (both variants of a word), best first. */
  suggest(key: string, prefix: string, limit: number): Promise<TokenSuggestion[]>;
  /** Scores the mean query vector of `ids` against every gate row, layer by layer. */
  score(
    key: string, opId: string, req: { ids: number[]; metric: 'cos' | 'dot' },
    onLayer: LayerCallback, onProgress: ProgressCallback,
  ): Promise<{ bytesRead: number }>;
  /** Bytes in the persistent store per vindex and in total, the limit in force, and whether a store exists here. */
  cacheUsage(): Promise<CacheUsage>;
  /** Deletes the stored files of one vindex (by location key), or of all vindexes and the cached tokenizers. */
  clearCache(vindex?: string): Promise<void>;
  /** Sets the persistent store's size limit in bytes (0 disables writing; null = half of the browser's quota). */
  setCacheLimit(bytes: number | null): void;
  /**
   * The keys of the vindexes the page shows (A, and B when comparing): the others release their
   * resident memory, and only they may be closed when more than a few are open.
   */
  shown(keys: string[]): void;
  /** Sets the memory budget for resident gate layers. */
  setGateBudget(bytes: number): void;
  /** Top output tokens (down_meta) of several features of one layer, for tooltips and tables. */
  tokenOutputs(key: string, layer: number, features: number[]): Promise<TokenOutputs[]>;
  /** Labels, band, expert and stored output tokens of one feature. */
  feature(key: string, layer: number, feature: number): Promise<FeatureDetail>;
  /** Full vocabulary projection of a feature's down (says) or gate (hears) row. */
  projection(
    key: string, opId: string, req: { layer: number; feature: number; vector: 'down' | 'gate'; k: number },
    onProgress: ProgressCallback,
  ): Promise<ProjectionResult>;
  /** Most similar features by cosine of gate rows or of down rows. */
  neighbours(
    key: string, opId: string, req: { layer: number; feature: number; vector: 'down' | 'gate'; scope: 'layer' | 'all'; k: number },
    onProgress: ProgressCallback,
  ): Promise<Neighbour[]>;
  /** Every feature whose down_meta lists the word (every single-token spelling) or "#id", by logit. */
  sayers(key: string, opId: string, query: string, onProgress: ProgressCallback): Promise<SayersResult>;
  /** LarQL's DESCRIBE entity view. */
  describe(key: string, opId: string, ids: number[], opts: DescribeOptions, onProgress: ProgressCallback): Promise<DescribeResult>;
}
