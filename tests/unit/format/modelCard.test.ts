import { describe, it, expect } from 'vitest';
import { parseModelCard, parseFrontMatter } from '../../../src/format/modelCard';
import { parseManifest } from '../../../src/format/manifest';

const card = `---
license: apache-2.0
base_model: Qwen/Qwen3-8B   # the source model
library_name: "larql"
pipeline_tag: 'feature-extraction'
tags:
  - vindex
  - "interpretability"
- larql
datasets: [a, "b c"]
num_layers: 36
private: false
extra:
  created: 2025-01-02
  by: divinci
---

# Qwen3-8B vindex

Body text.
`;

describe('parseModelCard', () => {
  const c = parseModelCard(card);

  it('reads scalars, quoted strings, lists and one nested level', () => {
    expect(c.frontMatter).toEqual({
      license: 'apache-2.0',
      base_model: 'Qwen/Qwen3-8B',
      library_name: 'larql',
      pipeline_tag: 'feature-extraction',
      tags: ['vindex', 'interpretability', 'larql'],
      datasets: ['a', 'b c'],
      num_layers: 36,
      private: false,
      extra: { created: '2025-01-02', by: 'divinci' },
    });
  });

  it('exposes base model, license and body', () => {
    expect(c.baseModel).toBe('Qwen/Qwen3-8B');
    expect(c.license).toBe('apache-2.0');
    expect(c.body).toBe('# Qwen3-8B vindex\n\nBody text.\n');
  });

  it('takes the first base_model of a list', () => {
    expect(parseModelCard('---\nbase_model:\n- google/gemma-3-4b-it\n- other/x\n---\nhi').baseModel).toBe('google/gemma-3-4b-it');
  });

  it('treats a card without front matter as all body', () => {
    const p = parseModelCard('# Title\nno yaml');
    expect(p.frontMatter).toEqual({});
    expect(p.baseModel).toBeNull();
    expect(p.license).toBeNull();
    expect(p.body).toBe('# Title\nno yaml');
  });

  it('handles CRLF and single-quote escapes', () => {
    expect(parseFrontMatter("a: 'it''s'\r\nb: ~\r\nc: 1.5e3")).toEqual({ a: "it's", b: null, c: 1500 });
  });
});

describe('parseManifest', () => {
  it('returns the object', () => {
    expect(parseManifest('{"tool": "divinci", "layers": 36}')).toEqual({ value: { tool: 'divinci', layers: 36 }, notice: null });
  });
  it('returns null with a notice on failure', () => {
    const bad = parseManifest('{oops');
    expect(bad.value).toBeNull();
    expect(bad.notice).toMatch(/^manifest\.json: not valid JSON/);
    expect(parseManifest('[1]')).toEqual({ value: null, notice: 'manifest.json: expected a JSON object, found a list; ignored' });
  });
});
