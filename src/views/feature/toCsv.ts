/** Rows as CSV with a header (values quoted when they contain commas, quotes or newlines). */
export function toCsv(header: string[], rows: (string | number | null)[][], meta: Record<string, unknown>): string {
  const q = (v: string | number | null) => {
    const s = v === null ? '' : String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  const comments = Object.entries(meta).map(([k, v]) => `# ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [...comments, header.join(','), ...rows.map((r) => r.map(q).join(','))].join('\n') + '\n';
}
