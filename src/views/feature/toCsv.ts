import { csvCell, csvComments } from '../token/exporters';

/** Rows as CSV with provenance comments and a header; cells are quoted and neutralised by {@link csvCell}. */
export function toCsv(header: string[], rows: (string | number | null)[][], meta: Record<string, unknown>): string {
  return [...csvComments(meta), header.map(csvCell).join(','), ...rows.map((r) => r.map(csvCell).join(','))].join('\n') + '\n';
}
