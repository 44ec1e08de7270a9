/** Types of the two-vindex comparison operations; all serialisable across comlink. */

/** A row whose gate moved most between A and B (same layer shape). */
export interface MovedRow {
  layer: number;
  feature: number;
  /** cos(G_A[l,f], G_B[l,f]); NaN when a row holds NaN or ±inf. */
  cos: number;
  normA: number;
  normB: number;
  /** ‖G_B − G_A‖ / ‖G_A‖. */
  relChange: number;
}

/** One layer of the "Layer similarity" table; a null value always comes with its reason. */
export interface LayerSimilarity {
  layer: number;
  rowsA: number;
  rowsB: number;
  /** Mean over f of cos(G_A[l,f], G_B[l,f]) when row counts and H match. */
  row: number | null;
  rowWhy: string | null;
  /** Rows left out of the mean (non-finite values). */
  rowSkipped: number;
  /** Leading rows per basis (see compute/subspace leadingK); 0 when no subspace was compared. */
  k: number;
  /** ‖Q_Aᵀ Q_B‖_F² / min(rank) of the k leading gate rows. */
  gate: number | null;
  gateWhy: string | null;
  /** The same for the k leading down rows. */
  down: number | null;
  downWhy: string | null;
  /** k / H: what two random k-dimensional subspaces would score. */
  baseline: number | null;
  /** Ranks of the gate bases (below k when rows are dependent or non-finite). */
  gateRanks: [number, number] | null;
  /** The rows that moved most in this layer, lowest cosine first. */
  moved: MovedRow[];
}

/** Called once per compared layer. */
export type LayerSimilarityCallback = (result: LayerSimilarity) => void | Promise<void>;

/** How the whole comparison went. */
export interface CompareSummary {
  /** Bytes read from both vindexes (once when A and B are the same). */
  bytesRead: number;
}

/** One line of the down_meta diff, LarQL DIFF's statuses. */
export interface DmetDiffRow {
  layer: number;
  feature: number;
  status: 'modified' | 'added' | 'removed';
  /** Each side's top token (exact text, raw string) and c_score. */
  a: { id: number; text: string; raw: string | null; cScore: number } | null;
  b: { id: number; text: string; raw: string | null; cScore: number } | null;
}

/** The down_meta diff of two vindexes (LarQL's DIFF: top token changed or |Δc_score| > 0.01). */
export interface DmetDiff {
  /** False when one side has no usable down_meta; `why` says which. */
  available: boolean;
  why: string | null;
  /** 'id' when both share a vocabulary size, else 'text' (decoded by each side's tokenizer). */
  comparedBy: 'id' | 'text';
  counts: { compared: number; modified: number; added: number; removed: number; unchanged: number };
  /** In layer, feature order; at most `limit` of them. */
  rows: DmetDiffRow[];
  truncated: boolean;
}

/** B's counterpart of one feature of A. */
export interface FeatureMatch {
  vector: 'gate' | 'down';
  /** cos(A[l,f], B[l,f]) when B's layer has that row and H matches, else null. */
  sameCos: number | null;
  /** B's rows of the same layer ranked by |cos| with A's row, best first. */
  best: { feature: number; cos: number }[];
  /** Why nothing could be compared (different hidden size, no such layer or file), or null. */
  why: string | null;
}
