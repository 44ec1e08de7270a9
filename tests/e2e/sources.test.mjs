// Opening a vindex from every kind of source, in headless Chromium against local servers:
// an http(s) folder, hf: model and dataset repos on a fake Hub (302 to a CDN origin), a folder picked
// through the directory input, a synthetic drop, and folders that are not vindexes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, waitScored, realErrors } from './harness.mjs';

const SHA_MODEL = 'a1'.repeat(20);
const SHA_DATASET = 'b2'.repeat(20);
const expected = (name) => JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8'));
let app, data, chrome;

before(async () => {
  app = await startApp();
  data = await startVindexServer({
    root: FIXTURES,
    hubRepos: {
      'model:tester/larql-f16': { dir: join(FIXTURES, 'larql-v2-f16'), sha: SHA_MODEL },
      'dataset:tester/compact': { dir: join(FIXTURES, 'compact'), sha: SHA_DATASET },
    },
  });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
});

async function overviewText(page) {
  const o = page.getByRole('region', { name: 'Overview' });
  await o.waitFor({ timeout: 20000 });
  return o.innerText();
}

test('an http folder URL pasted into the source box opens, and ?src=…&view=overview reopens it', async () => {
  const e = expected('larql-v2-f16');
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  await page.getByLabel('Vindex source').fill(`${data.url}larql-v2-f16/`);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  const text = await overviewText(page);
  assert.ok(text.includes(e.model), e.model);
  assert.match(text, new RegExp(`Layers\\s+${e.num_layers}`));
  assert.match(text, new RegExp(`Hidden size\\s+${e.hidden_size}`));
  const url = page.url();
  assert.match(url, /view=overview/);
  const again = await newPage(chrome.browser);
  await again.page.goto(url);
  assert.ok((await overviewText(again.page)).includes(e.model));
  assert.deepEqual(realErrors(errors), []);
});

test('an hf: model repo opens through the Hub API and the permalink is pinned to the commit sha', async () => {
  const e = expected('larql-v2-f16');
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=hf:tester/larql-f16&endpoint=${encodeURIComponent(data.origin)}&view=overview`);
  const text = await overviewText(page);
  assert.ok(text.includes(e.model));
  assert.ok(text.includes(SHA_MODEL), 'the Hub commit is shown');
  await page.waitForURL(new RegExp(`src=hf%3Atester%2Flarql-f16%40${SHA_MODEL}`));
  assert.deepEqual(realErrors(errors), []);
});

test('an hf:datasets/ repo opens (compact vindex, no tokenizer) and scores token ids', async () => {
  const e = expected('compact');
  const { page, errors } = await newPage(chrome.browser);
  const q = e.queries.find((x) => !x.text);
  await page.goto(`${app.url}?src=hf:datasets/tester/compact&endpoint=${encodeURIComponent(data.origin)}&view=token&q=${encodeURIComponent(q.ids.map((i) => `#${i}`).join(','))}`);
  await waitScored(page);
  const top = await readTopFeatures(page);
  const want = q.cos.top_signed.slice(0, top.length);
  assert.deepEqual(top.map((r) => [r.layer, r.feature]), want.map((r) => [r.layer, r.feature]));
  await page.waitForURL(new RegExp(`datasets%2Ftester%2Fcompact%40${SHA_DATASET}`));
  // a text query without any tokenizer says so and offers ids
  await page.getByLabel('Query', { exact: true }).fill('hello');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: /tokenizer/ }).filter({ hasText: /#/ }).first().waitFor();
  assert.deepEqual(realErrors(errors), []);
});

test('a folder picked through the directory input opens', async () => {
  const e = expected('larql-v2-f32');
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  await page.getByLabel('Pick folder').setInputFiles(join(FIXTURES, 'larql-v2-f32'));
  const text = await overviewText(page);
  assert.ok(text.includes(e.model));
  // the permalink records the local identity, not a URL
  await page.waitForURL(/src=local%3A/);
  assert.deepEqual(realErrors(errors), []);
});

test('a folder dropped on the page opens (synthetic drop with the folder files)', async () => {
  const e = expected('moe');
  const dir = join(FIXTURES, 'moe');
  const files = ['index.json', 'gate_vectors.bin', 'embeddings.bin', 'down_features.bin', 'down_meta.bin', 'tokenizer.json']
    .filter((n) => { try { readFileSync(join(dir, n)); return true; } catch { return false; } })
    .map((n) => ({ name: n, b64: readFileSync(join(dir, n)).toString('base64') }));
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name));
    }
    window.dispatchEvent(new DragEvent('dragenter', { dataTransfer: dt, bubbles: true }));
    window.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
  const text = await overviewText(page);
  assert.ok(text.includes(e.model));
  assert.match(text, /experts/i);
  assert.deepEqual(realErrors(errors), []);
});

test('a folder that is not a vindex gets an alert saying what was expected and found; the app stays usable', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  await page.getByLabel('Pick folder').setInputFiles(join(FIXTURES, 'not-a-vindex'));
  const alert = page.getByRole('alert').filter({ hasText: 'index.json' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /\.jpg/);
  // an http folder without index.json
  await page.getByLabel('Vindex source').fill(`${data.url}not-a-vindex/`);
  await page.getByRole('button', { name: 'Open', exact: true }).click();
  await page.getByRole('alert').filter({ hasText: /no index\.json/i }).waitFor();
  // still usable: open the demo
  await page.getByRole('button', { name: 'Open demo' }).click();
  await page.getByRole('region', { name: 'Overview' }).waitFor();
  assert.deepEqual(realErrors(errors), []);
});

test('bad index.json, truncated embeddings and absurd dimensions each name the file and numbers', async () => {
  const { page } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}bad-json/`)}&view=overview`);
  await page.getByRole('alert').filter({ hasText: 'index.json' }).waitFor();
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}absurd-dims/`)}&view=overview`);
  const absurd = page.getByRole('alert').filter({ hasText: /\d{6,}/ });
  await absurd.waitFor();
  const te = expected('truncated-embeddings');
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}truncated-embeddings/`)}&view=overview`);
  const text = await overviewText(page);
  assert.match(text, /embeddings\.bin/);
  assert.ok(text.includes(String(te.files['embeddings.bin'].bytes)), 'the actual size is named');
});

test('a Hub vindex without tokenizer.json uses its base model\'s tokenizer from the Hub, and says so', async () => {
  const { mkdtempSync, cpSync, writeFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const dir = mkdtempSync(join(tmpdir(), 'vindex-card-'));
  cpSync(join(FIXTURES, 'compact'), dir, { recursive: true });
  writeFileSync(join(dir, 'README.md'), '---\nbase_model: tester/base\nlicense: mit\n---\n# compact vindex with a base model\n');
  const hub = await startVindexServer({
    hubRepos: {
      'model:tester/compact-card': { dir, sha: 'f6'.repeat(20) },
      'model:tester/base': { dir: join(FIXTURES, 'larql-v2-f32'), sha: 'a7'.repeat(20) },
    },
  });
  try {
    const base = expected('larql-v2-f32').tokenizer.texts.find((t) => t.text === 'Paris');
    const { page, errors } = await newPage(chrome.browser);
    await page.goto(`${app.url}?src=hf:tester/compact-card&endpoint=${encodeURIComponent(hub.origin)}&view=token&q=Paris`);
    await waitScored(page);
    const tokens = await page.getByLabel('Query tokens').innerText();
    assert.match(tokens, new RegExp(`#${base.ids[0]}\\b`));
    assert.match(tokens, /base model tester\/base/);
    // read through the base model's resolved commit, not its branch
    assert.ok(hub.requests.some((r) => r.path.endsWith(`/tester/base/resolve/${'a7'.repeat(20)}/tokenizer.json`)), 'the base tokenizer was fetched');
    assert.deepEqual(realErrors(errors), []);
  } finally {
    await hub.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a local-folder permalink asks for the folder again, restores the view, and notices a different folder', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  await page.getByLabel('Pick folder').setInputFiles(join(FIXTURES, 'larql-v2-f32'));
  await page.getByRole('region', { name: 'Overview' }).waitFor();
  await page.getByRole('tab', { name: 'Feature' }).click();
  await page.getByLabel('Layer', { exact: true }).fill('1');
  await page.getByLabel('Feature', { exact: true }).fill('4');
  await page.getByRole('button', { name: 'Show' }).click();
  await page.waitForURL(/src=local%3A.*view=feature.*layer=1&feature=4/);
  const link = page.url();

  const again = await newPage(chrome.browser);
  await again.page.goto(link);
  await again.page.getByText(/Drop that folder on the page, or pick it/).waitFor();
  await again.page.getByLabel('Pick folder').setInputFiles(join(FIXTURES, 'larql-v2-f32'));
  await again.page.getByRole('region', { name: 'Feature L1 F4' }).waitFor();
  assert.equal(await again.page.getByText(/the link was made for/).count(), 0);

  const other = await newPage(chrome.browser);
  await other.page.goto(link);
  await other.page.getByLabel('Pick folder').setInputFiles(join(FIXTURES, 'larql-v2-f16'));
  await other.page.getByText(/the link was made for/).waitFor();
  assert.deepEqual(realErrors([...errors, ...again.errors, ...other.errors]), []);
});
