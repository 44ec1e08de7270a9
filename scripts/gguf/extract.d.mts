/** Streaming sha256 of a file. */
export function sha256File(path: string): Promise<string>;
/** LarQL's layer bands for a family and layer count. */
export function layerBands(family: string, L: number): { syntax: [number, number]; knowledge: [number, number]; output: [number, number] } | null;
/** Options of extractVindex. */
export interface ExtractOptions {
  gguf: string; dir: string; layout?: 'browse' | 'compact'; model?: string; topK?: number; directions?: number;
  threads?: number; log?: (line: string) => void; source?: Record<string, unknown>;
}
/** Extracts a GGUF into the folder `dir`. */
export function extractVindex(o: ExtractOptions): Promise<{
  index: Record<string, unknown>; files: string[]; gguf: { file: string; sha256: string; bytes: number };
  records: { top_token_id: number; c_score: number; top_k: [number, number][] }[][];
}>;
/** A fresh temporary folder beside `out`. */
export function tempDirFor(out: string): string;
/** Moves the finished `tmp` folder to `out`. */
export function replaceDir(tmp: string, out: string): void;
