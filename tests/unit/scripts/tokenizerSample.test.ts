// The demo's tokenizer.json, loaded by @huggingface/tokenizers as the app loads it, encodes a saved
// sample of 5,100 words and sentences to exactly the ids that llama.cpp's own tokenizer of the
// same GGUF gave (tests/fixtures/smollm2-tokenizer-sample.json, made by scripts/tokenizer-sample.py).
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { Tokenizer } from '@huggingface/tokenizers';

const json = (p: string) => JSON.parse(readFileSync(p, 'utf8'));
const sample = json('tests/fixtures/smollm2-tokenizer-sample.json') as { gguf_sha256: string; tokenizer: string; samples: { text: string; ids: number[] }[] };
const manifest = json('public/demo/manifest.json');
const index = json('public/demo/index.json');

describe('demo tokenizer.json against llama.cpp', () => {
  it('the sample was made from the GGUF the demo was extracted from', () => {
    expect(sample.tokenizer).toMatch(/^llama\.cpp/);
    expect(sample.gguf_sha256).toBe(manifest.gguf.sha256);
    expect(sample.gguf_sha256).toBe(index.source.gguf_sha256);
  });

  it('encodes every sample text to llama.cpp\'s ids', () => {
    const tok = new Tokenizer(json('public/demo/tokenizer.json'), {});
    expect(sample.samples.length).toBeGreaterThan(5000);
    const kinds = { leadingSpace: 0, digits: 0, nonAscii: 0 };
    const wrong: string[] = [];
    for (const { text, ids } of sample.samples) {
      const got = tok.encode(text, { add_special_tokens: false }).ids;
      if (got.length !== ids.length || got.some((x, i) => x !== ids[i])) wrong.push(`${JSON.stringify(text)}: ${JSON.stringify(got)} ≠ ${JSON.stringify(ids)}`);
      if (text.startsWith(' ')) kinds.leadingSpace++;
      if (/\d/.test(text)) kinds.digits++;
      if ([...text].some((c) => c.codePointAt(0)! > 127)) kinds.nonAscii++;
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    // the sample covers what the issue asks for: " Paris"-style words, digits, non-ASCII text
    expect(kinds.leadingSpace).toBeGreaterThan(1000);
    expect(kinds.digits).toBeGreaterThan(300);
    expect(kinds.nonAscii).toBeGreaterThanOrEqual(9);
  });

  it('"Paris" and " Paris" are different single tokens; digits are split one by one', () => {
    const tok = new Tokenizer(json('public/demo/tokenizer.json'), {});
    const ids = (t: string) => tok.encode(t, { add_special_tokens: false }).ids;
    const want = (t: string) => sample.samples.find((s) => s.text === t)?.ids;
    expect(ids('Paris')).toEqual(want('Paris'));
    expect(ids(' Paris')).toEqual(want(' Paris'));
    expect(ids('Paris')).toHaveLength(1);
    expect(ids(' Paris')[0]).not.toBe(ids('Paris')[0]);
    expect(ids('1969')).toHaveLength(4);
  });
});
