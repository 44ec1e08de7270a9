#!/usr/bin/env node
// check-demo-tokenizer.mjs: loads public/demo/tokenizer.json with @huggingface/tokenizers (the
// library the app uses) and checks that it behaves as make-demo.mjs assumes: "Paris" and " Paris"
// are single tokens that decode back, every planted query in manifest.json encodes to the ids
// recorded there, and every word form of the vocabulary is one token. When generated fixtures
// exist (tests/fixtures/out/*/expected.json), their tokenizer text queries are checked too.
// Exits non-zero on the first mismatch.

import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Tokenizer } from '@huggingface/tokenizers';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'public', 'demo');
let failures = 0;
const fail = (msg) => {
  failures++;
  console.error(`FAIL ${msg}`);
};

const load = (dir) => new Tokenizer(JSON.parse(readFileSync(join(dir, 'tokenizer.json'), 'utf8')), {});

const tok = load(demo);
for (const text of ['Paris', ' Paris', 'Berlin', ' Berlin', 'three', ' December']) {
  const { ids } = tok.encode(text, { add_special_tokens: false });
  if (ids.length !== 1) fail(`demo: ${JSON.stringify(text)} → ${ids.length} ids ${JSON.stringify(ids)}`);
  const back = tok.decode(ids);
  if (back !== text) fail(`demo: decode(${JSON.stringify(ids)}) = ${JSON.stringify(back)}, want ${JSON.stringify(text)}`);
}
const sentence = 'The capital of France is Paris';
const enc = tok.encode(sentence, { add_special_tokens: false });
if (tok.decode(enc.ids) !== sentence) fail(`demo: round trip of ${JSON.stringify(sentence)}`);
const special = tok.decode([0, ...enc.ids], { skip_special_tokens: true });
if (special !== sentence) fail(`demo: skip_special_tokens gave ${JSON.stringify(special)}`);

const manifest = JSON.parse(readFileSync(join(demo, 'manifest.json'), 'utf8'));
for (const p of manifest.planted) {
  for (const q of p.queries) {
    const { ids } = tok.encode(q.text, { add_special_tokens: false });
    if (JSON.stringify(ids) !== JSON.stringify(q.ids)) fail(`demo: ${JSON.stringify(q.text)} → ${JSON.stringify(ids)}, manifest says ${JSON.stringify(q.ids)}`);
  }
}

// Every vocabulary entry that is a whole word form ("word" or "Ġword", letters only) encodes to itself.
const vocab = tok.get_vocab();
let words = 0;
for (const [token, id] of vocab) {
  const m = /^(Ġ?)(\p{L}+)$/u.exec(token);
  if (!m) continue;
  const text = (m[1] ? ' ' : '') + m[2];
  const { ids } = tok.encode(text, { add_special_tokens: false });
  if (ids.length === 1 && ids[0] !== id) fail(`demo: ${JSON.stringify(text)} → ${ids[0]}, vocab says ${id}`);
  if (ids.length === 1) words++;
}
console.log(`demo tokenizer: ${vocab.size} tokens, ${words} single-token letter forms checked`);

const outDir = join(root, 'tests', 'fixtures', 'out');
if (existsSync(outDir)) {
  for (const name of readdirSync(outDir).sort()) {
    const exp = join(outDir, name, 'expected.json');
    if (!existsSync(exp) || !existsSync(join(outDir, name, 'tokenizer.json'))) continue;
    const expected = JSON.parse(readFileSync(exp, 'utf8'));
    const t = load(join(outDir, name));
    for (const q of expected.tokenizer?.texts ?? []) {
      const { ids } = t.encode(q.text, { add_special_tokens: false });
      if (JSON.stringify(ids) !== JSON.stringify(q.ids)) fail(`${name}: ${JSON.stringify(q.text)} → ${JSON.stringify(ids)}, expected.json says ${JSON.stringify(q.ids)}`);
      if (t.decode(ids) !== q.decoded) fail(`${name}: decode → ${JSON.stringify(t.decode(ids))}, expected.json says ${JSON.stringify(q.decoded)}`);
    }
    console.log(`fixture ${name}: ${expected.tokenizer?.texts?.length ?? 0} text queries checked`);
  }
}

if (failures) {
  console.error(`${failures} failure(s)`);
  process.exit(1);
}
console.log('ok');
