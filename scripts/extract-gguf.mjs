#!/usr/bin/env node
// extract-gguf.mjs: turns a GGUF file into a vindex folder (see scripts/gguf/extract.mjs).
//
//   node scripts/extract-gguf.mjs model.gguf out/ [--layout browse|compact] [--directions 64]
//        [--top-k 10] [--model owner/name] [--threads N]
//
// The vindex is written to a temporary folder beside `out` and renamed into place at the end, so
// a refused or interrupted extraction never leaves a half vindex. Exits 1 with the reason.
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { rmSync, writeFileSync } from 'node:fs';
import { extractVindex, replaceDir, sha256File, tempDirFor } from './gguf/extract.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    layout: { type: 'string', default: 'browse' },
    directions: { type: 'string', default: '64' },
    'top-k': { type: 'string', default: '10' },
    model: { type: 'string' },
    threads: { type: 'string' },
  },
});
if (positionals.length !== 2 || !['browse', 'compact'].includes(values.layout)) {
  console.error('usage: node scripts/extract-gguf.mjs model.gguf out/ [--layout browse|compact] [--directions K] [--top-k K] [--model name] [--threads N]');
  process.exit(2);
}
const [gguf, out] = positionals.map((p) => resolve(p));
const tmp = tempDirFor(out);
try {
  const t0 = Date.now();
  const r = await extractVindex({
    gguf, dir: tmp, layout: values.layout, model: values.model,
    topK: Number(values['top-k']), directions: Number(values.directions),
    threads: values.threads ? Number(values.threads) : undefined,
    log: (line) => console.error(line),
  });
  if (values.layout === 'compact') {
    const manifest = { model: r.index.model, method: 'svd', num_feats: r.index.num_feats, dtype: 'f16', tool: 'vindex-explorer scripts/extract-gguf.mjs', source_gguf: r.gguf, singular_values: r.singular };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    r.files.push('manifest.json');
  }
  const names = [...r.files, 'index.json'].sort();
  const lines = [];
  for (const f of names) lines.push(`${await sha256File(join(tmp, f))}  ${f}`);
  writeFileSync(join(tmp, 'SHA256SUMS'), lines.join('\n') + '\n');
  replaceDir(tmp, out);
  console.error(`wrote ${out} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
} catch (e) {
  rmSync(tmp, { recursive: true, force: true });
  console.error(e.name === 'GgufError' ? e.message : e.stack);
  process.exit(1);
}
