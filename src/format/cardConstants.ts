// The "Universal Constants" table of a model card (Divinci's cards publish one): a Markdown heading
// whose text contains "Universal Constants", then the first pipe table below it, before the next
// heading. Cells are returned as plain text (emphasis and code marks stripped); the caller renders
// them as text, never as HTML.

/** One row of the table: the first cell names the constant, the second holds its value. */
export interface CardConstant {
  name: string;
  value: string;
  /** The remaining cells (notes, units, sources), as given. */
  rest: string[];
}

/** The parsed table. */
export interface CardConstants {
  heading: string;
  columns: string[];
  rows: CardConstant[];
}

const MAX_ROWS = 500;

/** Splits one Markdown table line into trimmed cells (`\|` is a literal pipe). */
export function tableCells(line: string): string[] {
  const t = line.trim().replace(/^\|/, '').replace(/(?<!\\)\|$/, '');
  return t.split(/(?<!\\)\|/).map((c) => plain(c.replace(/\\\|/g, '|')));
}

/** Cell text without Markdown emphasis or code marks. */
function plain(cell: string): string {
  return cell.trim().replace(/\*\*(.*?)\*\*/g, '$1').replace(/__(.*?)__/g, '$1').replace(/`([^`]*)`/g, '$1').replace(/^\*(.*)\*$/, '$1').trim();
}

const isSeparator = (line: string) => /^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line);

/** Finds the "Universal Constants" table in a card's Markdown body; null when there is none. */
export function parseCardConstants(body: string): CardConstants | null {
  const lines = body.split(/\r?\n/);
  const at = lines.findIndex((l) => /^\s{0,3}#{1,6}\s.*universal\s+constants/i.test(l) || /^\s*\*\*[^*]*universal\s+constants[^*]*\*\*\s*:?\s*$/i.test(l));
  if (at < 0) return null;
  const heading = lines[at].replace(/^\s*#+\s*/, '').replace(/\*\*/g, '').trim();
  for (let i = at + 1; i + 1 < lines.length; i++) {
    if (/^\s{0,3}#{1,6}\s/.test(lines[i])) return null; // the section ended without a table
    if (!lines[i].includes('|') || !isSeparator(lines[i + 1])) continue;
    const columns = tableCells(lines[i]);
    const rows: CardConstant[] = [];
    for (let j = i + 2; j < lines.length && lines[j].includes('|') && rows.length < MAX_ROWS; j++) {
      const cells = tableCells(lines[j]);
      if (cells.every((c) => c === '')) continue;
      rows.push({ name: cells[0] ?? '', value: cells[1] ?? '', rest: cells.slice(2) });
    }
    return { heading, columns, rows };
  }
  return null;
}

/** The structural quantities the explorer computes itself, by the name a card would give them. */
export type KnownConstant = 'layers' | 'hidden' | 'features' | 'vocab' | 'embedScale';

/** Which computed quantity a card's constant name refers to, if any ("Hidden size" → hidden). */
export function knownConstant(name: string): KnownConstant | null {
  const n = name.toLowerCase();
  if (/embed(ding)?[\s_-]*scale/.test(n)) return 'embedScale';
  if (/vocab/.test(n)) return 'vocab';
  if (/features?\s*(per|\/)\s*layer|num_feats|intermediate|ffn\s*(dim|width|size)|neurons\s*per/.test(n)) return 'features';
  if (/hidden|d_model|model\s*dim|residual\s*(dim|width)/.test(n)) return 'hidden';
  if (/^((number of |num[_ ]?)?layers|layer count|n_layers|depth)$/.test(n.trim())) return 'layers';
  return null;
}

/** The first number in a value cell ("4,096", "1.5e-3 (mean)"), or null. */
export function numberIn(value: string): number | null {
  const m = /[-+]?(\d[\d,_\u202f\u2009]*\.?\d*|\.\d+)([eE][-+]?\d+)?/.exec(value);
  if (!m) return null;
  const v = Number(m[0].replace(/[,_\u202f\u2009]/g, ''));
  return Number.isFinite(v) ? v : null;
}
