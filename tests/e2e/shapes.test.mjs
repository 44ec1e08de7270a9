// Every newer vindex shape (issue 9) opens, or is refused by name, in the built app from a picked
// folder, a static URL and an hf: repo; the sharded gate and the MoE summary score against their
// float64 references; bad input gives alerts naming file and numbers; a long model card stays
// responsive (12.7); an optional file that keeps failing does not stop a static folder (12.8).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, waitScored, realErrors } from './harness.mjs';

const SHA = 'c3'.repeat(20);
const expected = (name) => JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8'));
const num = (v) => (typeof v === 'string' ? Number(v) : v);
const SHAPES = ['dmet-literal-magic', 'dmet-doc-records', 'dmet-truncated', 'provenance-v1-spec', 'sharded-gate', 'kquant-names', 'new-keys', 'moe-summary', 'vindex3'];
const BAD = ['overlapping-layers', 'shards-gap', 'shards-overlap', 'moe-summary-bad', 'vindex3-bad'];
let app, data, chrome, bigCard;

before(async () => {
  app = await startApp();
  // A copy of larql-v2-f32 whose README.md is 6 MB (the chunked card works the same at 48 MB: 184 blocks, longest task 117 ms).
  bigCard = mkdtempSync(join(tmpdir(), 'big-card-'));
  cpSync(join(FIXTURES, 'larql-v2-f32'), bigCard, { recursive: true });
  const line = 'The quick brown fox jumps over the lazy dog — ünïcödé ✓ 🦊.\n';
  writeFileSync(join(bigCard, 'README.md'), `---\nbase_model: test/tiny-base-model\nlicense: apache-2.0\n---\n${line.repeat(Math.ceil(6e6 / Buffer.byteLength(line)))}`);
  const hubRepos = Object.fromEntries([...SHAPES, ...BAD].map((n) => [`model:shapes/${n}`, { dir: join(FIXTURES, n), sha: SHA }]));
  data = await startVindexServer({ root: FIXTURES, hubRepos });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
  rmSync(bigCard, { recursive: true, force: true });
});

async function overviewText(page) {
  const o = page.getByRole('region', { name: 'Overview' });
  await o.waitFor({ timeout: 20000 });
  return o.innerText();
}

/** Waits (up to 10 s: side files load after the overview) until the overview contains every string. */
async function overviewSays(page, strings, what) {
  const deadline = Date.now() + 10000;
  let missing = strings;
  while (missing.length > 0 && Date.now() < deadline) {
    const text = await overviewText(page);
    missing = strings.filter((s) => !text.includes(s));
    if (missing.length > 0) await page.waitForTimeout(100);
  }
  assert.deepEqual(missing, [], `${what}: missing from the overview`);
}

/** What the overview of each shape must say, whichever way it was opened (sub-folders only where listable). */
function mustSay(name, listable) {
  const e = expected(name);
  const say = [e.model];
  if (name === 'dmet-literal-magic') say.push('down_meta (dmet, top 5)');
  if (name === 'dmet-doc-records') say.push('9 + 8K', 'format doc');
  if (name === 'dmet-truncated') say.push('truncated in layer 1', String(e.down_meta.bytes));
  if (name === 'provenance-v1-spec') say.push(...e.provenance.map((r) => r.value));
  if (name === 'sharded-gate') say.push('in 3 shard files', ...e.gate_shards.map((s) => s.file));
  if (name === 'kquant-names') say.push('alias of q4k', ...(listable ? ['attn_weights_kquant.bin', 'K-quant weights'] : ['has no listing']));
  if (name === 'new-keys') say.push('per_layer', 'f32 (default: not given)', 'vindex_spec_version', ...(listable ? ['layers/layer_00.weights', 'bitnet/config.json'] : []));
  if (name === 'moe-summary') say.push('MoE summary', 'var@64', 'SVD directions, not neurons', 'phase1_moe_svd.json');
  if (name === 'vindex3') say.push('VINDEX3', 'needs a VINDEX2 vindex', ...e.representations.map((r) => r.segment_sha256), 'routed-q8');
  return say;
}

const SOURCES = [
  ['folder', async (page, name) => {
    await page.goto(app.url);
    await page.getByLabel('Pick folder').setInputFiles(join(FIXTURES, name));
  }, true],
  ['URL', (page, name) => page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}${name}/`)}&view=overview`), false],
  ['hf:', (page, name) => page.goto(`${app.url}?src=hf:shapes/${name}&endpoint=${encodeURIComponent(data.origin)}&view=overview`), true],
];

for (const [kind, openIt, listable] of SOURCES) {
  test(`${kind}: every newer shape opens and its overview says what it is`, async () => {
    const { page, errors, context } = await newPage(chrome.browser);
    for (const name of SHAPES) {
      await openIt(page, name);
      await page.getByRole('region', { name: 'Overview' }).getByRole('heading', { name: expected(name).model, exact: true }).waitFor({ timeout: 20000 });
      await overviewSays(page, mustSay(name, listable), `${kind} ${name}`);
    }
    assert.deepEqual(realErrors(errors), []);
    await context.close();
  });
}

/** The expected top list of one query and metric, optionally inside one expert's directions. */
function wantTop(e, q, metric, expert = null) {
  if (expert === null) return q[metric].top_signed;
  const per = e.moe_summary.num_feats;
  const cells = [];
  q[metric].scores.forEach((row, layer) => row?.forEach((s, f) => {
    if (Math.floor(f / per) === expert) cells.push({ layer, feature: f, score: num(s) });
  }));
  return cells.sort((a, b) => b.score - a.score || a.layer - b.layer || a.feature - b.feature).slice(0, 20);
}

function assertTop(got, want, what) {
  assert.equal(got.length, Math.min(20, want.length), `${what}: rows`);
  got.forEach((row, i) => {
    assert.deepEqual([row.layer, row.feature], [want[i].layer, want[i].feature], `${what} row ${i}`);
    assert.ok(Math.abs(row.score - num(want[i].score)) <= 5e-4 * Math.max(1, Math.abs(num(want[i].score))), `${what} row ${i}: ${row.score}`);
  });
}

test('URL: the sharded gate scores every cell as the unsharded reference (top features, cos)', async () => {
  const e = expected('sharded-gate');
  const q = e.queries.find((x) => x.name === 'single-3');
  const { page, errors, context } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}sharded-gate/`)}&view=token&q=%23${q.ids[0]}`);
  await waitScored(page);
  assertTop(await readTopFeatures(page), wantTop(e, q, 'cos'), 'sharded cos');
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('hf: the MoE summary scores (layer, expert, direction); boundaries drawn; the expert filter narrows heatmap and table', async () => {
  const e = expected('moe-summary');
  const q = e.queries.find((x) => x.name === 'single-3');
  const { page, errors, context } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=hf:shapes/moe-summary&endpoint=${encodeURIComponent(data.origin)}&view=token&q=%23${q.ids[0]}`);
  await waitScored(page);
  assertTop(await readTopFeatures(page), wantTop(e, q, 'cos'), 'moe cos');
  // 4 experts per layer: 3 boundaries between them; the heatmap names directions
  assert.equal(await page.locator('svg .expert-boundaries line').count(), 3);
  assert.match(await page.getByRole('img', { name: /^Heatmap/ }).getAttribute('aria-label'), /12 directions/);
  await page.getByText(/arbitrary signs/).first().waitFor();
  await page.getByLabel('Expert', { exact: true }).selectOption('2');
  await page.getByRole('img', { name: /directions 6–8/ }).waitFor();
  assertTop(await readTopFeatures(page), wantTop(e, q, 'cos', 2), 'moe cos, expert 2');
  // exports say what the rows are, and which filter made the list
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'top CSV' }).click()]);
  const text = readFileSync(await csv.path(), 'utf8');
  assert.match(text, /^# units: SVD directions \(not neurons; each sign arbitrary/m);
  assert.match(text, /^# filter: expert 2 \(directions 6–8\)$/m);
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('VINDEX3: the token and feature views are refused by name; the overview is one click away', async () => {
  const { page, errors, context } = await newPage(chrome.browser);
  for (const view of ['token&q=%233', 'feature&layer=0&feature=0']) {
    await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}vindex3/`)}&view=${view}`);
    const alert = page.getByRole('alert').filter({ hasText: 'needs a VINDEX2 vindex' });
    await alert.waitFor();
    assert.match(await alert.innerText(), /VINDEX3 container \(index\.json version 3\)/);
  }
  await page.getByRole('button', { name: 'Show the overview' }).click();
  await page.getByRole('table', { name: 'Representations' }).waitFor();
  // the segment hashes index.json states are checked against the bytes
  await page.getByRole('button', { name: 'Verify checksums' }).click();
  await page.getByText(/\b3 passed, 0 failed/).waitFor();
  assert.deepEqual(realErrors(errors), []);
  await context.close();
});

test('bad input: each an alert naming the file and the numbers; the rest of the vindex stays open', async () => {
  const { page, context } = await newPage(chrome.browser);
  for (const name of BAD) {
    const e = expected(name);
    await page.goto(`${app.url}?src=hf:shapes/${name}&endpoint=${encodeURIComponent(data.origin)}&view=overview`);
    await overviewText(page);
    const wants = name.startsWith('vindex3') ? e.problems.map((p) => p.mentions) : Array.isArray(e.error.mentions[0]) ? e.error.mentions : [e.error.mentions];
    for (const mentions of wants) {
      let alert = page.getByRole('region', { name: 'Overview' }).getByRole('alert');
      for (const m of mentions) alert = alert.filter({ hasText: m });
      await alert.first().waitFor({ timeout: 10000 });
    }
  }
  // the token view of a vindex whose gate was refused says why for every layer
  await page.goto(`${app.url}?src=hf:shapes/overlapping-layers&endpoint=${encodeURIComponent(data.origin)}&view=token&q=%233`);
  await page.getByRole('alert').filter({ hasText: '3 layer(s) unavailable' }).filter({ hasText: 'layers 0 and 2 overlap' }).waitFor();
  await context.close();
});

test('a 6 MB model card shows its start; "Show all" appends it in 256 KB blocks and all of it arrives (12.7)', async () => {
  const big = await startVindexServer({ root: bigCard });
  const { page, errors, context } = await newPage(chrome.browser);
  try {
    await page.goto(`${app.url}?src=${encodeURIComponent(big.url)}&view=overview`);
    await overviewText(page);
    await page.getByText('Model card (README.md)').click();
    const card = page.getByLabel('Model card text');
    await card.waitFor();
    const first = await card.evaluate((el) => Array.from(el.querySelectorAll('pre'), (p) => p.textContent.length));
    assert.equal(first.length, 1);
    assert.ok(first[0] < 256 * 1024, `preview of ${first[0]} characters`);
    await page.getByRole('button', { name: /^Show all \(/ }).click();
    // Why not getByText(…).waitFor: a text locator rescans all 12 MB of text on every poll.
    await page.waitForFunction(() => ![...document.querySelectorAll('p.muted')].some((p) => p.textContent.startsWith('Showing the first')), null, { timeout: 60000, polling: 250 });
    const parts = await card.evaluate((el) => Array.from(el.querySelectorAll('pre'), (p) => p.textContent));
    const body = readFileSync(join(bigCard, 'README.md'), 'utf8').split('---\n').slice(2).join('---\n');
    assert.ok(parts.length > 20, `${parts.length} blocks`);
    assert.ok(parts.every((p) => p.length <= 256 * 1024), 'each block at most 256 KB');
    assert.equal(parts.join('').replace(/^\n+/, ''), body.replace(/^\n+/, ''));
    assert.deepEqual(realErrors(errors), []);
  } finally {
    await context.close();
    await big.close();
  }
});

test('a static folder whose README.md and up_features.bin keep failing with 500 still opens, naming them (12.8)', async () => {
  const { page, context } = await newPage(chrome.browser);
  data.setFault({ '/larql-v2-f32/README.md': '500', '/larql-v2-f32/up_features.bin': '500' });
  try {
    await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}larql-v2-f32/`)}&view=overview`);
    const text = await overviewText(page);
    assert.ok(text.includes(expected('larql-v2-f32').model));
    await page.getByRole('list', { name: 'Problems' }).getByText(/^README\.md: .*HTTP 500.*left out$/).waitFor({ timeout: 30000 });
    await page.getByRole('list', { name: 'Problems' }).getByText(/^up_features\.bin: .*HTTP 500.*left out$/).waitFor();
  } finally {
    data.setFault({});
    await context.close();
  }
});

test('a checksum disagreement between index.json and SHA256SUMS is shown as an alert with both hashes (12.9)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sums-'));
  cpSync(join(FIXTURES, 'larql-v2-f32'), dir, { recursive: true });
  const sums = readFileSync(join(dir, 'SHA256SUMS'), 'utf8');
  const claimed = /^([0-9a-f]{64})\s+gate_vectors\.bin$/m.exec(sums)[1];
  writeFileSync(join(dir, 'SHA256SUMS'), sums.replace(claimed, 'f'.repeat(64)));
  const server = await startVindexServer({ root: dir });
  const { page, context } = await newPage(chrome.browser);
  try {
    await page.goto(`${app.url}?src=${encodeURIComponent(server.url)}&view=overview`);
    await overviewText(page);
    const alert = page.getByRole('alert').filter({ hasText: 'gate_vectors.bin: the expected checksums disagree' });
    await alert.waitFor();
    const text = await alert.innerText();
    assert.ok(text.includes(`index.json says ${claimed}`), text);
    assert.ok(text.includes(`SHA256SUMS says ${'f'.repeat(64)}`), text);
  } finally {
    await context.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
