// Loading tokenizers, end to end: byte progress with Cancel (10.6), a base model's tokenizer pinned to
// a commit in the permalink and exports (10.7), fetch faults that do not stick (12.6), a hostile regex
// that cannot freeze the app (12.4), an unknown model type (12.9), and re-picking a changed folder (12.5).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, waitScored, realErrors } from './harness.mjs';

const expected = (name) => JSON.parse(readFileSync(join(FIXTURES, name, 'expected.json'), 'utf8'));
const SHA_VINDEX = 'c3'.repeat(20);
const SHA_BASE = 'd4'.repeat(20);
const SHA_BASE_NEXT = 'f7'.repeat(20);
const hubRepos = {
  'model:tester/gpt2-notok': { dir: join(FIXTURES, 'gpt2-bpe-notok'), sha: SHA_VINDEX },
  'model:tester/gpt2-base': { dir: join(FIXTURES, 'gpt2-base'), sha: SHA_BASE },
};
let app, data, chrome;

before(async () => {
  app = await startApp();
  data = await startVindexServer({ root: FIXTURES, hubRepos });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
});

const hubLink = (extra) => `${app.url}?src=hf:tester/gpt2-notok&endpoint=${encodeURIComponent(data.origin)}${extra}`;
const chips = (page) => page.getByLabel('Query tokens').locator('.tok').evaluateAll((els) => els.map((el) => el.textContent));

test('tokenizer.json loads with bytes, percent and Cancel; after a cancel, Score loads it again', async () => {
  data.setFault({ '/gpt2-bpe/tokenizer.json': { type: 'throttle', bytesPerSec: 100_000 } });
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}gpt2-bpe/`)}&view=token`);
  const bar = page.locator('.activity').filter({ hasText: 'Loading tokenizer.json of the vindex' });
  await bar.filter({ hasText: /\d+(\.\d+)? KB of 1\.08 MB \(\d+%\)/ }).waitFor({ timeout: 10000 });
  const pct = Number((await bar.innerText()).match(/\((\d+)%\)/)[1]);
  assert.ok(pct < 100, `${pct}% while loading`);
  await bar.getByRole('button', { name: 'Cancel' }).click();
  await page.getByText('Loading the tokenizer was cancelled: press Score to load it again.').waitFor();
  assert.equal(await bar.count(), 0);
  // the download really stopped
  await page.waitForTimeout(300);
  const served = data.requests.filter((r) => r.path === '/gpt2-bpe/tokenizer.json').reduce((a, r) => a + r.bytes, 0);
  assert.ok(served < 1_082_672, `${served} bytes served`);
  data.setFault({});
  await page.getByLabel('Query', { exact: true }).fill(' Paris');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, ' Paris');
  assert.deepEqual(await chips(page), ['␣Paris #6342']);
  assert.deepEqual(realErrors(errors), []);
});

test('a base model\'s tokenizer is pinned to its commit: overview, permalink, exports; a moved branch changes nothing', async () => {
  data.setFault({});
  const { page, errors } = await newPage(chrome.browser);
  // the overview names the model card's base model (index.json's model is "test/gpt2-bpe")
  await page.goto(hubLink('&view=overview'));
  const overview = page.getByRole('region', { name: 'Overview' });
  await overview.getByText(/Tokenizer of the base model tester\/gpt2-base \(from the Hub\); loaded when text is first tokenized/).waitFor({ timeout: 20000 });
  await page.getByRole('tab', { name: 'Token' }).click();
  await page.getByLabel('Query', { exact: true }).fill(' Paris');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, ' Paris');
  assert.deepEqual(await chips(page), ['␣Paris #6342']);
  assert.match(await page.getByLabel('Query tokens').innerText(), new RegExp(`the tokenizer of the base model tester/gpt2-base@${SHA_BASE.slice(0, 8)} \\(from the Hub\\)`));
  await page.waitForURL(new RegExp(`tokenizer=tester%2Fgpt2-base%40${SHA_BASE}`));
  assert.ok(data.requests.some((r) => r.path === `/tester/gpt2-base/resolve/${SHA_BASE}/tokenizer.json`));
  assert.ok(!data.requests.some((r) => r.path.startsWith('/tester/gpt2-base/resolve/main/')), 'never read through the branch');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'top CSV' }).click()]);
  assert.match(readFileSync(await csv.path(), 'utf8'), new RegExp(`^# tokenizer: tester/gpt2-base@${SHA_BASE}$`, 'm'));
  const link = page.url();
  await page.getByRole('tab', { name: 'Overview' }).click();
  await overview.getByText(`Tokenizer of the base model tester/gpt2-base@${SHA_BASE.slice(0, 8)} (from the Hub) (commit ${SHA_BASE}); BPE, 50,257 tokens`).waitFor();
  // a reload reads the pinned file from the cache, not the network
  const before = data.requests.length;
  await page.reload();
  await overview.waitFor();
  await page.getByRole('tab', { name: 'Token' }).click();
  await waitScored(page, 30000, ' Paris');
  assert.ok(!data.requests.slice(before).some((r) => r.path.endsWith('/tokenizer.json')), 'the pinned tokenizer came from the cache');

  // the base model's main branch moves on; the permalink still uses the commit it names
  hubRepos['model:tester/gpt2-base'].sha = SHA_BASE_NEXT;
  hubRepos['model:tester/gpt2-base'].revisions = { old: SHA_BASE };
  try {
    const other = await newPage(chrome.browser);
    await other.page.goto(link);
    await waitScored(other.page, 30000, ' Paris');
    assert.ok(data.requests.some((r) => r.path === `/tester/gpt2-base/resolve/${SHA_BASE}/tokenizer.json` && r.listener === 'main'));
    assert.ok(!data.requests.some((r) => r.path.includes(`/resolve/${SHA_BASE_NEXT}/`)), 'the moved branch was not used');
    assert.match(other.page.url(), new RegExp(`tokenizer=tester%2Fgpt2-base%40${SHA_BASE}`));
    assert.deepEqual(realErrors(other.errors), []);
  } finally {
    hubRepos['model:tester/gpt2-base'].sha = SHA_BASE;
    delete hubRepos['model:tester/gpt2-base'].revisions;
  }
  assert.deepEqual(realErrors(errors), []);
});

test('tokenizer fetch faults do not stick: a 503 is a server error and Score retries; an HTML 200 is never cached', async () => {
  const { page, errors } = await newPage(chrome.browser);
  data.setFault({ 'tokenizer.json': '503' });
  await page.goto(hubLink('&view=token&q=+Paris'));
  const alert = page.getByRole('alert').filter({ hasText: /tokenizer\.json: HTTP 503 \(server error\)/ });
  await alert.first().waitFor({ timeout: 30000 });
  assert.doesNotMatch(await alert.first().innerText(), /not found/);
  data.setFault({});
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, ' Paris');
  assert.deepEqual(await chips(page), ['␣Paris #6342']);
  // Settings → Clear cache also forgets cached tokenizers
  const cached = () => page.evaluate(async () => (await (await caches.open('vindex-explorer-tokenizers-v2')).keys()).length);
  assert.equal(await cached(), 1);
  await page.getByText('Settings').click();
  await page.getByRole('button', { name: 'Clear cache' }).click();
  await page.waitForFunction(async () => !(await caches.has('vindex-explorer-tokenizers-v2')));

  const second = await newPage(chrome.browser);
  data.setFault({ 'tokenizer.json': 'html-200' });
  await second.page.goto(hubLink('&view=token&q=+Paris'));
  await second.page.getByRole('alert').filter({ hasText: /^tokenizer\.json: / }).first().waitFor({ timeout: 30000 });
  data.setFault({});
  await second.page.reload();
  await waitScored(second.page, 30000, ' Paris');
  assert.deepEqual(await chips(second.page), ['␣Paris #6342']);
  assert.deepEqual(realErrors(errors), []);
});

test('a catastrophically backtracking pre-tokenizer regex is stopped by name; ids, other text and "Open demo" keep working', async () => {
  data.setFault({});
  const e = expected('tok-hostile-regex');
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}tok-hostile-regex/`)}&view=token`);
  const evil = `${'a'.repeat(60)}!`;
  await page.getByRole('button', { name: 'Compare…' }).click();
  await page.getByLabel('Query', { exact: true }).fill(evil);
  await page.getByLabel('Compare with', { exact: true }).fill('#5');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  // the id query scores while the tokenizer worker is stuck: the scoring worker never runs the regex
  await waitScored(page, 20000, '#5');
  const stopped = page.getByRole('alert').filter({ hasText: 'tokenizer.json of the vindex: tokenizing "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" took longer than 3 s, so the tokenizer was stopped' });
  await stopped.first().waitFor({ timeout: 20000 });
  // other text works again at once (a fresh tokenizer worker)
  await page.getByLabel('Query', { exact: true }).fill('hello world');
  await page.getByRole('button', { name: 'Stop comparing' }).click();
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 20000, 'hello world');
  assert.match(await page.getByLabel('Query tokens').innerText(), new RegExp(e.hello_world.ids.map((i) => `#${i}`).join('[\\s\\S]*')));
  await page.getByRole('button', { name: 'Open demo' }).click();
  await page.waitForURL(/[?&]src=demo(&|$)/, { timeout: 20000 });
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByRole('region', { name: 'Overview' }).waitFor({ timeout: 20000 });
  assert.deepEqual(realErrors(errors), []);
});

test('an unknown tokenizer model type is an alert in the token and feature views, never an endless "Scoring…"', async () => {
  data.setFault({});
  const { page, errors } = await newPage(chrome.browser);
  const src = encodeURIComponent(`${data.url}tok-unknown-model/`);
  const why = /tokenizer\.json of the vindex: model type "Mystery" is not supported \(only BPE, WordPiece, Unigram\)/;
  await page.goto(`${app.url}?src=${src}&view=token&q=hello`);
  await page.getByRole('alert').filter({ hasText: why }).first().waitFor({ timeout: 20000 });
  await page.goto(`${app.url}?src=${src}&view=feature&layer=0&feature=1&q=hello`);
  await page.getByRole('region', { name: 'Feature L0 F1' }).getByRole('alert').filter({ hasText: why }).waitFor({ timeout: 20000 });
  assert.equal(await page.getByText(/^Scoring “hello”…/).count(), 0);
  assert.deepEqual(realErrors(errors), []);
});

test('without a tokenizer the token view says so plainly (no "encoded … by the none")', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(`${data.url}compact/`)}&view=token`);
  await page.getByText('No tokenizer: this vindex has no tokenizer.json; query token ids such as #123.').waitFor({ timeout: 20000 });
  assert.doesNotMatch(await page.locator('main').innerText(), /by the none|encoded without special tokens by the/);
  assert.deepEqual(realErrors(errors), []);
});

test('"Choose the folder again" works: re-picking a folder whose file changed on disk opens it afresh', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'vindex-repick-'));
  try {
    for (const f of ['index.json', 'gate_vectors.bin', 'embeddings.bin', 'down_features.bin', 'down_meta.bin', 'tokenizer.json']) {
      cpSync(join(FIXTURES, 'gpt2-bpe', f), join(dir, f));
    }
    const { page, errors } = await newPage(chrome.browser);
    await page.goto(app.url);
    await page.getByLabel('Pick folder').setInputFiles(dir);
    await page.getByRole('region', { name: 'Overview' }).waitFor({ timeout: 20000 });
    await page.getByRole('tab', { name: 'Token' }).click();
    const box = page.getByLabel('Query', { exact: true });
    await box.fill('#6342');
    await page.getByRole('button', { name: 'Score', exact: true }).click();
    await waitScored(page, 20000, '#6342');
    // the file changes on disk (same size, new bytes and time): the picked File can no longer be read
    const emb = readFileSync(join(dir, 'embeddings.bin'));
    emb.reverse();
    writeFileSync(join(dir, 'embeddings.bin'), emb);
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(dir, 'embeddings.bin'), later, later);
    await box.fill('#40313');
    await page.getByRole('button', { name: 'Score', exact: true }).click();
    await page.getByRole('alert').filter({ hasText: /embeddings\.bin: file changed while reading.*Choose the folder again/ }).first().waitFor({ timeout: 20000 });
    // choosing the folder again reads the new files
    await page.getByLabel('Pick folder').setInputFiles(dir);
    await waitScored(page, 20000, '#40313');
    assert.equal(await page.getByRole('alert').filter({ hasText: /file changed/ }).count(), 0);
    assert.deepEqual(realErrors(errors), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
