// The feature view end to end: output tokens on every kind of vindex (DMET with a tokenizer, compact
// without one, legacy jsonl, empty down_meta), neighbours, "which features say this token", DESCRIBE,
// and the persistent block cache across a reload.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, realErrors, SYNTHETIC, plantedManifest } from './harness.mjs';

const SHA = 'e5'.repeat(20);
const expected = (name) => JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8'));
const { manifest, capital } = plantedManifest();
let app, data, chrome;

before(async () => {
  app = await startApp();
  data = await startVindexServer({ root: FIXTURES, hubRepos: { 'model:tester/demo': { dir: SYNTHETIC, sha: SHA } } });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
});

const featureUrl = (src, l, f, extra = '') => `${app.url}?src=${src}&view=feature&layer=${l}&feature=${f}${extra}`;
async function outputTokens(page, l, f) {
  const region = page.getByRole('region', { name: `Feature L${l} F${f}` });
  const list = region.getByRole('list', { name: 'Output tokens' });
  await list.waitFor({ timeout: 20000 });
  return (await list.getByRole('listitem').allInnerTexts()).map((s) => s.trim());
}

test('compact vindex without a tokenizer: output tokens are shown as #id, best first', async () => {
  const e = expected('compact');
  const rec = e.down_meta.records.find((r) => !r.empty);
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(featureUrl(encodeURIComponent(`${data.url}compact/`), rec.layer, rec.feature));
  assert.deepEqual(await outputTokens(page, rec.layer, rec.feature), rec.top_k.map(([id]) => `#${id}`));
  assert.deepEqual(realErrors(errors), []);
});

test('legacy down_meta.jsonl: output tokens come inline from the file', async () => {
  const e = expected('jsonl');
  const rec = e.down_meta.records[0];
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(featureUrl(encodeURIComponent(`${data.url}jsonl/`), rec.l, rec.f));
  assert.deepEqual(await outputTokens(page, rec.l, rec.f), rec.k.map((x) => x.t));
  assert.deepEqual(realErrors(errors), []);
});

test('an empty down_meta.bin is said plainly and the computed projection is offered instead', async () => {
  const e = expected('dmet-empty');
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(featureUrl(encodeURIComponent(`${data.url}dmet-empty/`), 0, 0));
  const region = page.getByRole('region', { name: 'Feature L0 F0' });
  await region.getByText(/down_meta\.bin is empty/).first().waitFor();
  await region.getByRole('button', { name: 'Compute full projection' }).click();
  const list = region.getByRole('list', { name: 'Output tokens' });
  await list.waitFor();
  const proj = e.projections.find((p) => p.layer === 0 && p.feature === 0 && p.of === 'down');
  assert.ok(proj, 'the fixture has a reference projection for L0 F0');
  const ids = await list.getByRole('listitem').evaluateAll((lis) => lis.map((li) => Number(li.querySelector('.tok').dataset.tokenId)));
  assert.deepEqual(ids.slice(0, proj.dot.ids.length), proj.dot.ids);
  assert.deepEqual(realErrors(errors), []);
});

test('neighbours, sayers and DESCRIBE on the synthetic vindex are clickable and point at the planted structure', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(featureUrl(encodeURIComponent(`${data.url}synthetic-demo/`), capital.layer, capital.feature, '&q=Paris'));
  const region = page.getByRole('region', { name: `Feature L${capital.layer} F${capital.feature}` });
  await region.getByText(/Query “Paris”: cos score/).waitFor({ timeout: 20000 });
  assert.match(await region.innerText(), /rank 1 of all features/);

  // neighbours across all layers by gate rows: the planted "weak" capital echoes are the nearest
  await region.getByLabel('Neighbour scope').selectOption('all');
  await region.getByRole('button', { name: 'Find neighbours' }).click();
  const nb = region.getByRole('table', { name: 'Neighbours' });
  await nb.waitFor({ timeout: 20000 });
  const echoes = manifest.planted.filter((p) => p.label.startsWith('capital → country (weak)')).map((p) => `${p.layer}:${p.feature}`);
  const rows = await nb.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.cells).map((c) => c.textContent)));
  assert.ok(echoes.length > 0 && echoes.every((k) => rows.slice(0, 5).some((r) => `${r[0]}:${r[1]}` === k)), `echoes ${echoes} in ${rows.slice(0, 5)}`);

  // which features say "France": the planted capital feature is among them
  await region.getByLabel('Token to find').fill(capital.down_meta_top_tokens[0].trim());
  await region.getByRole('button', { name: 'Find', exact: true }).click();
  const sayers = region.getByRole('table', { name: 'Features that say the token' });
  await sayers.waitFor({ timeout: 20000 });
  const srows = await sayers.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.cells).map((c) => c.textContent)));
  assert.ok(srows.some((r) => Number(r[0]) === capital.layer && Number(r[1]) === capital.feature), JSON.stringify(srows.slice(0, 5)));

  // DESCRIBE "Paris": the planted feature's top token appears as an edge in the knowledge band
  await region.getByRole('button', { name: 'Describe' }).click();
  const know = region.getByRole('list', { name: 'DESCRIBE knowledge' });
  await know.waitFor({ timeout: 20000 });
  const edges = (await know.getByRole('listitem').allInnerTexts()).join('\n');
  assert.ok(edges.includes(`L${capital.layer} F${capital.feature}`), edges);
  // an edge opens its feature
  await know.getByRole('button').first().click();
  await page.waitForURL(/view=feature/);
  assert.deepEqual(realErrors(errors), []);
});

test('a full projection is kept in the persistent cache: after a reload it reads no embeddings from the network', async () => {
  const { page, errors } = await newPage(chrome.browser);
  const url = `${app.url}?src=hf:tester/demo@${SHA}&endpoint=${encodeURIComponent(data.origin)}&view=feature&layer=${capital.layer}&feature=${capital.feature}`;
  await page.goto(url);
  const region = page.getByRole('region', { name: `Feature L${capital.layer} F${capital.feature}` });
  data.requests.length = 0;
  await region.getByRole('button', { name: 'Compute full projection' }).click();
  await page.getByRole('img', { name: 'Computed outputs by dot product' }).waitFor({ timeout: 20000 });
  const emb = (reqs) => reqs.filter((r) => r.path.endsWith('embeddings.bin') && r.status === 206).reduce((a, r) => a + r.bytes, 0);
  const size = readFileSync(join(SYNTHETIC, 'embeddings.bin')).length;
  assert.equal(emb(data.requests), size, 'the first projection reads the whole embeddings file once');
  const firstTokens = await page.getByRole('img', { name: 'Computed outputs by dot product' }).locator('text').allTextContents();
  await page.waitForTimeout(500); // let the block writes finish
  await page.reload();
  await region.waitFor();
  data.requests.length = 0;
  await region.getByRole('button', { name: 'Compute full projection' }).click();
  await page.getByRole('img', { name: 'Computed outputs by dot product' }).waitFor({ timeout: 20000 });
  assert.equal(emb(data.requests), 0, 'the second projection read embeddings from the persistent cache');
  assert.deepEqual(await page.getByRole('img', { name: 'Computed outputs by dot product' }).locator('text').allTextContents(), firstTokens);
  // the settings show the cache and can clear it
  await page.getByText('Settings').click();
  await page.getByLabel('Persistent cache usage').filter({ hasText: /in [1-9]\d* files/ }).waitFor();
  await page.getByRole('button', { name: 'Clear cache' }).click();
  await page.getByLabel('Persistent cache usage').filter({ hasText: /0 B in 0 files/ }).waitFor();
  assert.deepEqual(realErrors(errors), []);
});
