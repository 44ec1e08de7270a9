// README.md model card: YAML front matter + Markdown body.
//
// Full YAML is not needed: the overview shows a handful of top-level keys (base_model, license,
// tags, ...). This reader understands `key: value` scalars (plain, 'single' and "double" quoted,
// numbers, booleans, null), `[a, b]` flow lists, `- item` block lists and one level of nested
// `key: value` mappings. Anything else (anchors, multi-line strings, deeper nesting) is skipped.

/** A parsed model card. */
export interface ModelCard {
  frontMatter: Record<string, unknown>;
  /** `base_model` (the first one when it is a list), or null. */
  baseModel: string | null;
  license: string | null;
  /** The Markdown after the front matter. */
  body: string;
}

/** Strips a trailing ` # comment` from an unquoted value. */
function stripComment(v: string): string {
  const i = v.search(/\s#/);
  return i >= 0 ? v.slice(0, i).trimEnd() : v;
}

/** One YAML scalar (or flow list) as a JS value. */
export function parseYamlScalar(raw: string): unknown {
  const v = raw.trim();
  if (v.startsWith('"')) {
    const end = v.lastIndexOf('"');
    try {
      // Double-quoted YAML escapes are close enough to JSON's for the strings cards contain.
      return JSON.parse(v.slice(0, end > 0 ? end + 1 : v.length));
    } catch {
      return v.slice(1, end > 0 ? end : v.length);
    }
  }
  if (v.startsWith("'")) {
    const end = v.lastIndexOf("'");
    return v.slice(1, end > 0 ? end : v.length).replace(/''/g, "'");
  }
  const plain = stripComment(v);
  if (plain.startsWith('[') && plain.endsWith(']')) {
    const inner = plain.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((x) => parseYamlScalar(x));
  }
  if (plain === '' || plain === '~' || plain === 'null') return null;
  if (plain === 'true') return true;
  if (plain === 'false') return false;
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(plain)) return Number(plain);
  return plain;
}

/** Reads the YAML subset described above into a plain object. */
export function parseFrontMatter(yaml: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  let openKey: string | null = null; // key whose value is the indented block below it
  for (const line of yaml.split(/\r?\n/)) {
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indented = /^\s/.test(line);
    const item = /^\s*-\s+(.*)$/.exec(line) ?? /^\s*-$/.exec(line);
    if (openKey !== null && (indented || item !== null)) {
      const cur = out[openKey];
      if (item !== null) {
        // `- item` under a key: a block list (a `- key: value` item is kept as its raw text).
        const list: unknown[] = Array.isArray(cur) ? cur : [];
        list.push(parseYamlScalar(item[1] ?? ''));
        out[openKey] = list;
        continue;
      }
      const kv = /^\s+([^:#]+?):\s*(.*)$/.exec(line);
      if (kv !== null && !Array.isArray(cur)) {
        const nested = (typeof cur === 'object' && cur !== null ? cur : {}) as Record<string, unknown>;
        nested[kv[1].trim()] = parseYamlScalar(kv[2]);
        out[openKey] = nested;
      }
      continue; // deeper structure than we read: skipped
    }
    if (indented) continue;
    const kv = /^([^:#\s][^:#]*?):(?:\s+(.*))?$/.exec(line);
    if (kv === null) {
      openKey = null;
      continue;
    }
    const key = kv[1].trim();
    const rest = (kv[2] ?? '').trim();
    if (rest === '' || rest === '|' || rest === '>') {
      out[key] = null;
      openKey = key;
    } else {
      out[key] = parseYamlScalar(rest);
      openKey = null;
    }
  }
  return out;
}

/** Splits a model card into front matter (between `---` lines at the very top) and body. */
export function parseModelCard(text: string): ModelCard {
  const t = text.replace(/^\uFEFF/, '');
  let frontMatter: Record<string, unknown> = {};
  let body = t;
  const lines = t.split(/\r?\n/);
  if (lines[0]?.trim() === '---') {
    // The closing fence is `---` (or YAML's document end `...`).
    const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
    if (end > 0) {
      frontMatter = parseFrontMatter(lines.slice(1, end).join('\n'));
      body = lines.slice(end + 1).join('\n');
    }
  }
  const base = frontMatter.base_model;
  const first = Array.isArray(base) ? base[0] : base;
  const license = frontMatter.license;
  return {
    frontMatter,
    baseModel: typeof first === 'string' && first !== '' ? first : null,
    license: typeof license === 'string' && license !== '' ? license : null,
    body: body.replace(/^\s*\n/, ''),
  };
}
