// Expected SHA-256 of each file: SHA256SUMS text, index.json `checksums`, and the Hub's LFS oids.

/** Parsed SHA256SUMS: file name → lowercase hex, plus lines that were not understood (1-based). */
export interface ParsedSha256Sums {
  sums: Map<string, string>;
  badLines: { line: number; text: string }[];
}

/** Removes leading "./" (sha256sum run as `sha256sum ./*`). */
function bareName(name: string): string {
  let n = name;
  while (n.startsWith('./')) n = n.slice(2);
  return n;
}

/**
 * Parses `sha256sum` output: `<64 hex>  <name>` (text mode) and `<64 hex> *<name>` (binary mode),
 * plus the BSD/`--tag` form `SHA256 (<name>) = <64 hex>`. Blank and `#` lines are ignored.
 */
export function parseSha256Sums(text: string): ParsedSha256Sums {
  const sums = new Map<string, string>();
  const badLines: { line: number; text: string }[] = [];
  text.replace(/^\uFEFF/, '').split(/\r?\n/).forEach((raw, i) => {
    let line = raw;
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    // Why: GNU sha256sum prefixes a line with "\" when the name contains "\" or a newline, and escapes those.
    const escaped = line.startsWith('\\');
    if (escaped) line = line.slice(1);
    const gnu = /^([0-9a-fA-F]{64}) [ *](.+)$/.exec(line);
    const bsd = gnu === null ? /^SHA256 ?\((.+)\) ?= ?([0-9a-fA-F]{64})$/.exec(line.trim()) : null;
    const m = gnu !== null ? { hash: gnu[1], name: gnu[2] } : bsd !== null ? { hash: bsd[2], name: bsd[1] } : null;
    if (m === null) {
      badLines.push({ line: i + 1, text: raw });
      return;
    }
    const hash = m.hash.toLowerCase();
    let name = m.name;
    if (escaped) name = name.replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'));
    sums.set(bareName(name), hash);
  });
  return { sums, badLines };
}

/** Where an expected checksum came from. */
export type ChecksumOrigin = 'index.json' | 'SHA256SUMS' | 'Hub LFS';

/** The expected checksum of one file, and any other source that disagrees. */
export interface ExpectedChecksum {
  expected: string;
  from: ChecksumOrigin;
  /** Every source that gave a checksum for the file, in priority order. */
  all: { from: ChecksumOrigin; sha256: string }[];
  /** True when two sources give different checksums for the same file. */
  disagree: boolean;
}

type Sums = ReadonlyMap<string, string> | Readonly<Record<string, string>> | null | undefined;

/** Entries of a Map or a plain record. */
function entriesOf(s: Sums): [string, string][] {
  if (s === null || s === undefined) return [];
  return s instanceof Map ? [...s.entries()] : Object.entries(s);
}

/**
 * Merges the three sources per file. Priority: index.json, then SHA256SUMS (the producer's own
 * claims), then the Hub's LFS oid (what the Hub measured on upload). A disagreement is itself worth
 * showing: it usually means a file was rewritten after its checksum was recorded.
 */
export function collectExpectedChecksums(input: {
  indexChecksums?: Sums;
  sha256sums?: Sums;
  lfs?: Sums;
}): Record<string, ExpectedChecksum> {
  const out: Record<string, ExpectedChecksum> = {};
  const add = (from: ChecksumOrigin, s: Sums): void => {
    for (const [rawName, rawHash] of entriesOf(s)) {
      if (typeof rawHash !== 'string' || !/^[0-9a-fA-F]{64}$/.test(rawHash)) continue;
      const name = bareName(rawName);
      const sha256 = rawHash.toLowerCase();
      const cur = out[name];
      if (cur === undefined) {
        out[name] = { expected: sha256, from, all: [{ from, sha256 }], disagree: false };
      } else {
        cur.all.push({ from, sha256 });
        if (sha256 !== cur.expected) cur.disagree = true;
      }
    }
  };
  add('index.json', input.indexChecksums);
  add('SHA256SUMS', input.sha256sums);
  add('Hub LFS', input.lfs);
  return out;
}
