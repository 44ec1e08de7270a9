// The token view end to end on fixtures served over HTTP and as hf: repos: "Top features" against
// the float64 reference in expected.json, the counting server's view of what was read, bad input,
// compare, and exports.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, waitScored, realErrors, SYNTHETIC, plantedManifest } from './harness.mjs';

const SHA = 'd4'.repeat(20);
const expected = (name) => JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8'));
const num = (v) => (typeof v === 'string' ? Number(v) : v);
let app, data, chrome;

before(async () => {
  app = await startApp();
  data = await startVindexServer({
    root: FIXTURES,
    hubRepos: {
      'model:tester/f32': { dir: join(FIXTURES, 'larql-v2-f32'), sha: SHA },
      'model:tester/demo': { dir: SYNTHETIC, sha: SHA },
    },
  });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
});

/** Compares a table read from the page with a reference top list (scores shown with ≥ 4 significant digits). */
function assertTop(got, want, what) {
  assert.equal(got.length, Math.min(20, want.length), `${what}: row count`);
  got.forEach((row, i) => {
    const w = want[i];
    const ws = num(w.score);
    if (!Number.isFinite(ws)) {
      assert.equal(String(row.score), String(ws), `${what} row ${i}: non-finite shown as such`);
    } else {
      assert.ok(Math.abs(row.score - ws) <= 5e-4 * Math.max(1, Math.abs(ws)), `${what} row ${i}: ${row.score} vs ${ws}`);
    }
    // near-ties (within display precision) may swap; otherwise the order must match exactly
    if (row.layer !== w.layer || row.feature !== w.feature) {
      const other = want.find((x) => x.layer === row.layer && x.feature === row.feature);
      assert.ok(other && Math.abs(num(other.score) - ws) < 1e-5 * Math.max(1, Math.abs(ws)), `${what} row ${i}: L${row.layer} F${row.feature} vs L${w.layer} F${w.feature}`);
    }
  });
}

const SOURCES = [
  ['http folder', (name) => encodeURIComponent(`${data.url}${name}/`)],
  ['hf: repo', () => `hf:tester/f32&endpoint=${encodeURIComponent(data.origin)}`],
];

for (const [kind, src] of SOURCES) {
  test(`${kind}: every query of larql-v2-f32 matches the reference for cos/dot × signed/abs`, async () => {
    const e = expected('larql-v2-f32');
    const { page, errors } = await newPage(chrome.browser);
    for (const q of e.queries) {
      const query = q.text ?? q.ids.map((i) => `#${i}`).join(',');
      for (const metric of ['cos', 'dot']) {
        for (const rank of ['signed', 'abs']) {
          await page.goto(`${app.url}?src=${src('larql-v2-f32')}&view=token&q=${encodeURIComponent(query)}&metric=${metric}&rank=${rank}`);
          await waitScored(page);
          assertTop(await readTopFeatures(page), q[metric][rank === 'signed' ? 'top_signed' : 'top_abs'], `${q.name} ${metric}/${rank}`);
        }
      }
    }
    assert.deepEqual(realErrors(errors), []);
  });
}

test('non-finite cells (a NaN and a +inf planted in the gate) are shown as such and ranked last', async () => {
  const e = expected('larql-v2-f32');
  const { page } = await newPage(chrome.browser);
  const q = e.queries.find((x) => x.name === 'single-3');
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}larql-v2-f32/`)}&view=token&q=%23${q.ids[0]}`);
  await waitScored(page);
  // open settings to raise the table size to every cell, so the tail with the non-finite cells is visible
  const cellCount = e.features_per_layer.reduce((a, b) => a + b, 0);
  await page.getByText('Settings').click();
  await page.getByLabel('Top features shown').fill(String(cellCount));
  await page.waitForFunction((n) => document.querySelectorAll('table[aria-label="Top features"] tbody tr').length === n, cellCount);
  const rows = await readTopFeatures(page);
  const show = (v) => (Number.isNaN(v) ? 'NaN' : v > 0 ? '+inf' : '-inf');
  const nonFinite = q.cos.scores.flat().map(num).filter((v) => v !== null && !Number.isFinite(v));
  assert.equal(nonFinite.length, 2, 'the fixture plants two non-finite cells');
  const tail = rows.slice(-2).map((r) => r.text[2]);
  assert.deepEqual(tail.sort(), nonFinite.map(show).sort());
  assert.ok(rows.slice(0, -2).every((r) => Number.isFinite(r.score)));
});

test('bad input: an empty query, ids beyond the vocabulary, and unknown text each get a clear message', async () => {
  const e = expected('larql-v2-f32');
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}larql-v2-f32/`)}&view=token`);
  await page.getByLabel('Query', { exact: true }).fill(`#3,#${e.vocab_size + 5}`);
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: `#${e.vocab_size + 5}` }).waitFor();
  await waitScored(page);
  const top = await readTopFeatures(page);
  assertTop(top, e.queries.find((x) => x.name === 'single-3').cos.top_signed, 'id beyond V skipped');
  await page.getByLabel('Query', { exact: true }).fill(`#${e.vocab_size}`);
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: /no tokens to score|skipped/ }).first().waitFor();
  await page.getByLabel('Query', { exact: true }).fill('#abc');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: /#abc|token id/i }).first().waitFor();
  // an empty query scores nothing and says what to type; no progress bar is left running
  await page.getByLabel('Query', { exact: true }).fill('   ');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await page.getByText(/^Type a word/).waitFor();
  assert.equal(await page.getByRole('progressbar').count(), 0);
  assert.deepEqual(realErrors(errors), []);
});

test('the first heatmap reads only index.json, gate, embedding rows, tokenizer and down_meta parts; a second query only new embedding rows', async () => {
  const { page, errors } = await newPage(chrome.browser);
  const paris = plantedManifest().capital.queries.find((q) => q.text === 'Paris').ids[0];
  data.requests.length = 0;
  await page.goto(`${app.url}?src=hf:tester/demo@${SHA}&endpoint=${encodeURIComponent(data.origin)}&view=token&q=Paris`);
  await waitScored(page);
  await readTopFeatures(page);
  await page.waitForTimeout(300);
  const files = (reqs) => reqs.filter((r) => r.path.includes('/resolve/') || r.listener === 'cdn').map((r) => r.path.split('/').pop());
  const allowed = new Set(['index.json', 'gate_vectors.bin', 'embeddings.bin', 'tokenizer.json', 'down_meta.bin', 'feature_labels.json']);
  const first = files(data.requests);
  assert.ok(first.includes('gate_vectors.bin') && first.includes('embeddings.bin'), first.join(' '));
  for (const f of first) assert.ok(allowed.has(f), `unexpected read of ${f}`);
  const embBytes = data.requests.filter((r) => r.path.endsWith('embeddings.bin')).reduce((a, r) => a + r.bytes, 0);
  // one row of 256 bytes lies in at most two 64 KiB blocks of the block cache (1 MiB blocks read 1 MiB here)
  assert.ok(embBytes <= 2 * 64 * 1024, `embeddings read ${embBytes} bytes for one token`);
  // a token in another 64 KiB block of embeddings.bin (rows are 256 bytes: 256 per block)
  const other = paris < 4096 ? 5000 : 100;
  data.requests.length = 0;
  await page.getByLabel('Query', { exact: true }).fill(`#${other}`);
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, `#${other}`);
  await page.waitForTimeout(300);
  const second = files(data.requests).filter((f) => f !== 'down_meta.bin'); // new top features' stored outputs
  assert.ok(second.length >= 1, 'the new embedding row was read');
  assert.deepEqual([...new Set(second)], ['embeddings.bin']);
  assert.deepEqual(realErrors(errors), []);
});

test('compare: a second query beside the first, and their difference with its own Top features', async () => {
  const e = expected('larql-v2-f32');
  const a = e.queries.find((x) => x.name === 'single-3');
  const b = e.queries.find((x) => x.name === 'single-Paris');
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}larql-v2-f32/`)}&view=token&q=%23${a.ids[0]}&q2=%23${b.ids[0]}`);
  await page.getByRole('table', { name: 'Top features (A − B)' }).waitFor({ timeout: 20000 });
  const diff = await readTopFeatures(page, 'Top features (A − B)');
  // reference: A − B from the two float64 score matrices, finite cells only, ranked by signed value
  const cells = [];
  a.cos.scores.forEach((row, l) => row?.forEach((v, f) => {
    const d = num(v) - num(b.cos.scores[l][f]);
    if (Number.isFinite(d)) cells.push({ layer: l, feature: f, score: d });
  }));
  cells.sort((x, y) => y.score - x.score || x.layer - y.layer || x.feature - y.feature);
  assertTop(diff, cells.slice(0, 20), 'A − B');
  assertTop(await readTopFeatures(page, 'Top features (B)'), b.cos.top_signed, 'B');
  assert.deepEqual(realErrors(errors), []);
});

test('exports: the score matrix as .npy has the right header, shape and values', async () => {
  const e = expected('larql-v2-f32');
  const q = e.queries.find((x) => x.name === 'single-3');
  const { page } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}larql-v2-f32/`)}&view=token&q=%23${q.ids[0]}`);
  await waitScored(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'scores .npy' }).click()]);
  const buf = readFileSync(await download.path());
  assert.equal(buf.subarray(0, 6).toString('latin1'), '\x93NUMPY');
  const hlen = buf.readUInt16LE(8);
  const header = buf.subarray(10, 10 + hlen).toString('latin1');
  const F = Math.max(...e.features_per_layer);
  assert.match(header, new RegExp(`'shape': \\(${e.num_layers}, ${F}\\)`));
  assert.match(header, /"tokenIds":\[3\]/);
  const values = new Float32Array(buf.buffer.slice(buf.byteOffset + 10 + hlen, buf.byteOffset + buf.length));
  assert.equal(values.length, e.num_layers * F);
  const ref = num(q.cos.scores[2][8]);
  assert.ok(Math.abs(values[2 * F + 8] - ref) < 1e-5, `${values[2 * F + 8]} vs ${ref}`);
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'top CSV' }).click()]);
  const text = readFileSync(await csv.path(), 'utf8');
  assert.match(text, /# metric: cos/);
  assert.match(text, /# tokenIds: 3/);
});

test('keyboard: arrow keys move the heatmap cursor and Enter opens that feature', async () => {
  const { page } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}larql-v2-f32/`)}&view=token&q=%233`);
  await waitScored(page);
  const heat = page.getByRole('img', { name: /^Heatmap/ });
  await heat.focus();
  await page.keyboard.press('ArrowRight'); // first key press places the cursor at L0 F1
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await page.getByText(/^Cursor: L1 F2/).waitFor();
  await page.keyboard.press('Enter');
  await page.getByRole('region', { name: 'Feature L1 F2' }).waitFor();
  assert.match(page.url(), /view=feature&.*layer=1&feature=2/);
});
