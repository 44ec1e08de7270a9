import type { DmetDiff } from '../../engine/compareTypes';

/** One CSV field: quoted when it holds a comma, quote, newline or leading/trailing space (RFC 4180). */
export function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The down_meta diff as CSV: provenance comment lines, then one row per listed difference. */
export function dmetDiffCsv(diff: DmetDiff, sources: { a: string; b: string; commitA: string | null; commitB: string | null }): string {
  const c = diff.counts;
  const meta = [
    `# A: ${sources.a}${sources.commitA ? ` @ ${sources.commitA}` : ''}`,
    `# B: ${sources.b}${sources.commitB ? ` @ ${sources.commitB}` : ''}`,
    `# LarQL DIFF rules: modified = top token changed (compared by ${diff.comparedBy}) or |c_score change| > 0.01; added / removed = metadata on one side only`,
    `# compared ${c.compared}, modified ${c.modified}, added ${c.added}, removed ${c.removed}, unchanged ${c.unchanged}${diff.truncated ? `; the first ${diff.rows.length} differences are listed` : ''}`,
  ];
  const header = 'layer,feature,status,a_top_token_id,a_top_token,a_c_score,b_top_token_id,b_top_token,b_c_score,c_score_change';
  const rows = diff.rows.map((r) =>
    [r.layer, r.feature, r.status, r.a?.id ?? null, r.a?.text ?? null, r.a?.cScore ?? null, r.b?.id ?? null, r.b?.text ?? null, r.b?.cScore ?? null,
      r.a && r.b ? r.b.cScore - r.a.cScore : null].map(csvField).join(','),
  );
  return `${meta.join('\n')}\n${header}\n${rows.join('\n')}\n`;
}
