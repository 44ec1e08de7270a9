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

/** A token as the UI shows it: its id, exact text (" Paris" keeps its space) and raw vocabulary string. */
export interface TokenRef {
  id: number;
  /** The decoded text, spaces kept; "#id" when there is no tokenizer; '' for special tokens. */
  text: string;
  /** The vocabulary string ("ĠParis", "▁Paris", "<eos>"), or null without a tokenizer. */
  raw: string | null;
}

/** A token of a query as the UI shows it. */
export type QueryToken = TokenRef;

/** Which tokenizer a vindex uses, once known; what exports and the permalink record. */
export interface TokenizerInfo {
  kind: 'vindex' | 'base-model' | 'none';
  /** A phrase for the UI: "tokenizer.json of the vindex", "the tokenizer of the base model owner/name@1a2b3c4d (from the Hub)". */
  label: string;
  /** The base model repo in use (or to be used), for base-model tokenizers. */
  repo: string | null;
  /** Its commit sha, once resolved. */
  sha: string | null;
  /** What exports record as tokenizer=: "vindex:tokenizer.json", "<repo>@<sha>", or "none". */
  provenance: string;
  /** Whether the tokenizer is loaded (vocabulary known). */
  loaded: boolean;
  vocabSize: number | null;
  modelType: string | null;
}

/** A vocabulary suggestion for the query box. */
export interface TokenSuggestion extends TokenRef {
  /** True when typing `text` encodes to exactly this token (else the box uses "#id"). */
  exact: boolean;
}

/** "Which features say this word": every single-token spelling searched, and the features found. */
export interface SayersResult {
  /** Spellings tried (as typed, with/without a leading space, case variants) that are one token each. */
  searched: { spelling: string; token: TokenRef; count: number }[];
  /** Spellings that are not a single token (so not searched). */
  notSingle: string[];
  sayers: { layer: number; feature: number; logit: number; rank: number; token: TokenRef }[];
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
