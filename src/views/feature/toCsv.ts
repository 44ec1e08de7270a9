/** Rows as CSV with a header (values quoted when they contain commas, quotes, newlines or outer spaces). */
export function toCsv(header: string[], rows: (string | number | null)[][], meta: Record<string, unknown>): string {
  const q = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    // quoted also with outer whitespace, so a token's leading space (" Paris") survives readers that trim
    return /[",\n\r]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const comments = Object.entries(meta).map(([k, v]) => `# ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [...comments, header.join(','), ...rows.map((r) => r.map(q).join(','))].join('\n') + '\n';
}
