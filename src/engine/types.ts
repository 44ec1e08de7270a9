import type { VindexLocation } from '../io/ByteSource';
import type { DType, FileProblem, VindexDescription } from '../format/types';

/** One file of an opened vindex as the overview lists it. */
export interface FileSummary {
  name: string;
  size: number;
  /** What the file is for, in a few words. */
  role: string;
  /** Whether the explorer reads this file. */
  used: boolean;
  /** Detected dtype for tensor files. */
  dtype: DType | null;
}

/** How feature output labels are available. */
export interface DownMetaStatus {
  kind: 'dmet' | 'jsonl' | 'empty' | 'unrecognised' | 'absent';
  /** Text shown to the user when labels are not available or differ from index.json. */
  note: string | null;
  topK: number | null;
}

/** Which tokenizer turns text into ids, if any. */
export interface TokenizerStatus {
  kind: 'vindex' | 'base-model' | 'none';
  /** e.g. "tokenizer.json of the vindex" or "tokenizer of Qwen/Qwen3-8B (base model)". */
  label: string;
}

/** Everything the UI needs to know after opening a vindex; serialisable across comlink. */
export interface OpenedVindex {
  location: VindexLocation;
  description: VindexDescription;
  files: FileSummary[];
  tokenizer: TokenizerStatus;
  downMeta: DownMetaStatus;
  /** Number of features with a label (probe or cluster). */
  labelCount: number;
  /** Non-fatal problems across all files, each naming the file. */
  problems: FileProblem[];
  /** Notices (e.g. "feature_labels.json: wrong shape, ignored"). */
  notices: string[];
}

/** Overview-only side files, read when the overview is shown (a token permalink never reads them). */
export interface OverviewExtras {
  modelCard: {
    frontMatter: Record<string, unknown>;
    baseModel: string | null;
    license: string | null;
    /** The body, or its start when the card is long (see `rest`). */
    body: string;
    /** README.md bytes after `body` ([start, end)), read on request in chunks; null when `body` is all of it. */
    rest: { start: number; end: number } | null;
  } | null;
  manifest: unknown;
  /** Other JSON side files shown as provenance (MoE phase files, VINDEX3 system graph): value or a summary. */
  jsonFiles: { file: string; value: unknown; summary: string | null }[];
  /** Files whose expected sha256 differs between index.json, SHA256SUMS and the Hub. */
  checksumConflicts: { file: string; claims: { from: string; sha256: string }[] }[];
  notices: string[];
}

/** A token of a query as the UI shows it. */
export interface QueryToken {
  id: number;
  text: string;
}

/** What a query string became. */
export interface EncodedQuery {
  tokens: QueryToken[];
  /** Ids that were dropped (≥ V) — reported, not scored. */
  skipped: number[];
  /** Which tokenizer encoded the text (or "token ids" for #id queries). */
  tokenizer: string;
}

/** Progress of a long operation. */
export interface Progress {
  label: string;
  done: number;
  total: number;
}
