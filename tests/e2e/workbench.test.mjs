// The workbench keeps its place (issue 10): Back/Forward walk token → feature → neighbour, a reload
// keeps computed panels (both ends of says/hears, neighbours), a projection survives a tab switch or
// says it was cancelled, J/K step features, tabs follow the ARIA pattern, focus lands on the opened
// feature, a folder opens with the keyboard alone, a failed open keeps the open vindex, numeric
// settings validate on blur/Enter, and a redirect loop is named as such.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, waitScored, realErrors } from './harness.mjs';

const NAME = 'larql-v2-f32';
const e = JSON.parse(readFileSync(join(FIXTURES, NAME, 'expected.json'), 'utf8'));
let app, data, slow, chrome;

before(async () => {
  app = await startApp();
  data = await startVindexServer({ root: FIXTURES });
  // the same fixture with every embeddings read slowed down, to catch a projection in flight
  slow = await startVindexServer({ root: FIXTURES, faults: { 'embeddings.bin': { type: 'delay', ms: 2500 } } });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await slow?.close();
  await data?.close();
  await app?.close();
});

const src = (server = data) => encodeURIComponent(`${server.url}${NAME}/`);
const region = (page, l, f) => page.getByRole('region', { name: `Feature L${l} F${f}` });

/** float64 reference: E·v for every token of the fixture (f32 files, read as stored). */
function logits(file, layer, feature) {
  const H = e.hidden_size;
  const f32 = (name, start, end) => {
    const b = readFileSync(join(FIXTURES, NAME, name)).subarray(start, end);
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.length)); // a Buffer may sit in a shared pool
  };
  const E = f32('embeddings.bin');
  const spec = (file === 'down' ? e.down_features : e.gate).layers[layer];
  const M = f32(file === 'down' ? 'down_features.bin' : 'gate_vectors.bin', spec.start, spec.end);
  const v = M.subarray(feature * H, feature * H + H);
  const out = [];
  for (let t = 0; t < e.vocab_size; t++) {
    let s = 0;
    for (let i = 0; i < H; i++) s += E[t * H + i] * v[i];
    out.push({ id: t, score: s });
  }
  return out;
}

test('Back and Forward walk token view → feature → neighbour, and focus lands on the opened feature', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src()}&view=token&q=%233`);
  await waitScored(page);
  const top = (await readTopFeatures(page))[0];
  await page.getByRole('table', { name: 'Top features', exact: true }).locator('tbody tr').first().click();
  const first = region(page, top.layer, top.feature);
  await first.waitFor();
  // focus moved to the opened feature's heading
  assert.equal(await page.evaluate(() => document.activeElement?.tagName + ' ' + document.activeElement?.textContent), `H2 Feature L${top.layer} F${top.feature}`);
  await first.getByRole('button', { name: 'Find neighbours' }).click();
  const nb = first.getByRole('table', { name: 'Neighbours' });
  await nb.locator('tbody tr').first().waitFor();
  const [nl, nf] = (await nb.locator('tbody tr').first().locator('td').allInnerTexts()).map(Number);
  await nb.locator('tbody tr').first().click();
  await region(page, nl, nf).waitFor();

  await page.goBack();
  await first.waitFor();
  assert.match(page.url(), new RegExp(`view=feature.*layer=${top.layer}&feature=${top.feature}`));
  await page.goBack();
  await page.getByRole('table', { name: 'Top features', exact: true }).waitFor();
  assert.equal(await page.getByLabel('Query', { exact: true }).inputValue(), '#3');
  assert.equal(await page.getByRole('tab', { name: 'Token' }).getAttribute('aria-selected'), 'true');
  await page.goForward();
  await first.waitFor();
  await page.goForward();
  await region(page, nl, nf).waitFor();
  // metric changes rewrite the entry instead of adding one: Back from here is still the first feature
  await page.getByRole('tab', { name: 'Token' }).click();
  await page.getByLabel('Metric').selectOption('dot');
  await waitScored(page, 30000, '#3');
  await page.goBack();
  await region(page, nl, nf).waitFor();
  assert.deepEqual(realErrors(errors), []);
});

test('tabs follow the ARIA pattern; J and K step features; the buttons do the same', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src()}&view=feature&layer=0&feature=11`);
  await region(page, 0, 11).waitFor();
  await page.keyboard.press('j'); // last feature of layer 0 → first of layer 1
  await region(page, 1, 0).waitFor();
  await page.keyboard.press('k');
  await region(page, 0, 11).waitFor();
  await page.getByRole('button', { name: /Next feature/ }).click();
  await region(page, 1, 0).waitFor();
  // typing in a field is not a shortcut
  await page.getByLabel('Layer', { exact: true }).press('j');
  await region(page, 1, 0).waitFor();

  const featureTab = page.getByRole('tab', { name: 'Feature' });
  assert.equal(await featureTab.getAttribute('tabindex'), '0');
  assert.equal(await page.getByRole('tab', { name: 'Overview' }).getAttribute('tabindex'), '-1');
  await featureTab.focus();
  await page.keyboard.press('ArrowLeft');
  assert.equal(await page.getByRole('tab', { name: 'Token' }).getAttribute('aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Token');
  await page.keyboard.press('Home');
  await page.getByRole('region', { name: 'Overview' }).waitFor();
  await page.keyboard.press('End');
  assert.equal(await page.getByRole('tab', { name: 'Compare' }).getAttribute('aria-selected'), 'true');
  await page.keyboard.press('ArrowLeft');
  await region(page, 1, 0).waitFor();
  assert.equal(await page.getByRole('tabpanel').count(), 1);
  assert.deepEqual(realErrors(errors), []);
});

test('one Compute runs says, hears and neighbours; both ends match a float64 reference; a reload keeps them', async () => {
  const { page, errors } = await newPage(chrome.browser);
  // a feature the fixture has reference projections for, so the reference below is itself checked
  const { layer: l, feature: f } = e.projections.find((p) => p.of === 'down' && e.projections.some((q) => q.of === 'gate' && q.layer === p.layer && q.feature === p.feature));
  await page.goto(`${app.url}?src=${src()}&view=feature&layer=${l}&feature=${f}`);
  const r = region(page, l, f);
  await r.getByRole('button', { name: 'Compute says, hears and neighbours' }).click();
  await r.getByRole('img', { name: 'Computed outputs by dot product' }).waitFor();
  await r.getByRole('img', { name: 'Input tokens, most negative, by dot product' }).waitFor();
  await r.getByRole('table', { name: 'Neighbours' }).waitFor();

  // the CSV export carries both ends with ids: compare with E·down and E·gate in float64
  for (const [panel, file] of [['Says', 'down'], ['Hears', 'gate']]) {
    const [dl] = await Promise.all([page.waitForEvent('download'), r.getByRole('region', { name: panel }).getByRole('button', { name: 'CSV' }).click()]);
    const rows = readFileSync(await dl.path(), 'utf8').split('\n').filter((x) => /^dot(-lowest)?,/.test(x)).map((x) => x.split(','));
    const ref = logits(file, l, f).sort((a, b) => a.score - b.score || a.id - b.id);
    const lowest = rows.filter((x) => x[0] === 'dot-lowest');
    assert.equal(lowest.length, 30);
    assert.deepEqual(lowest.slice(0, 10).map((x) => Number(x[2])), ref.slice(0, 10).map((x) => x.id), `${panel}: most negative ids`);
    lowest.slice(0, 10).forEach((x, i) => assert.ok(Math.abs(Number(x[x.length - 1]) - ref[i].score) < 1e-4, `${panel} low ${i}`));
    const highest = rows.filter((x) => x[0] === 'dot');
    const top = [...ref].sort((a, b) => b.score - a.score || a.id - b.id);
    assert.deepEqual(top.slice(0, 10).map((x) => x.id), e.projections.find((p) => p.of === file && p.layer === l && p.feature === f).dot.ids);
    assert.deepEqual(highest.slice(0, 10).map((x) => Number(x[2])), top.slice(0, 10).map((x) => x.id), `${panel}: highest ids`);
  }
  const nbRows = await r.getByRole('table', { name: 'Neighbours' }).locator('tbody tr').allInnerTexts();

  await page.waitForTimeout(800); // the persister writes at most every 500 ms
  await page.reload();
  const again = region(page, l, f);
  // no button pressed: the panels come back from the persisted cache
  await again.getByRole('img', { name: 'Computed outputs by dot product' }).waitFor();
  await again.getByRole('img', { name: 'Input tokens by dot product' }).waitFor();
  assert.deepEqual(await again.getByRole('table', { name: 'Neighbours' }).locator('tbody tr').allInnerTexts(), nbRows);
  assert.equal(await page.getByRole('progressbar').count(), 0);
  assert.deepEqual(realErrors(errors), []);
});

test('a projection keeps running across a tab switch, and a cancelled one says so', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src(slow)}&view=feature&layer=1&feature=4`);
  const r = region(page, 1, 4);
  await r.getByRole('button', { name: 'Compute full projection' }).click();
  await page.getByRole('progressbar', { name: /Projecting L1 F4 \(says\)/ }).waitFor();
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByRole('region', { name: 'Overview' }).waitFor();
  await page.getByRole('tab', { name: 'Feature' }).click();
  await region(page, 1, 4).getByRole('img', { name: 'Computed outputs by dot product' }).waitFor({ timeout: 20000 });

  // a fresh profile: the first projection put embeddings.bin in this profile's persistent block cache
  const { page: p2, errors: e2 } = await newPage(chrome.browser);
  await p2.goto(`${app.url}?src=${src(slow)}&view=feature&layer=1&feature=6`);
  const r2 = region(p2, 1, 6);
  await r2.getByRole('button', { name: 'Compute full projection' }).click();
  const bar = p2.locator('.activity').filter({ hasText: 'Projecting L1 F6 (says)' });
  await bar.getByRole('button', { name: 'Cancel' }).click();
  await r2.getByRole('region', { name: 'Says' }).getByText('Cancelled — Compute to retry.').waitFor();
  await r2.getByRole('button', { name: 'Compute full projection' }).click();
  await r2.getByRole('img', { name: 'Computed outputs by dot product' }).waitFor({ timeout: 20000 });
  assert.deepEqual(realErrors([...errors, ...e2]), []);
});

test('keyboard only: Tab reaches Pick folder, Enter opens the chooser, and the folder opens', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(app.url);
  await page.getByRole('button', { name: 'Pick folder' }).waitFor();
  // listen first: Playwright turns on file-chooser interception asynchronously when a listener is added
  const chooserEvent = page.waitForEvent('filechooser');
  await page.waitForTimeout(100);
  let found = false;
  for (let i = 0; i < 20 && !found; i++) {
    await page.keyboard.press('Tab');
    found = await page.evaluate(() => document.activeElement?.textContent?.trim() === 'Pick folder');
  }
  assert.ok(found, 'Tab reaches Pick folder');
  await page.keyboard.press('Enter');
  const chooser = await chooserEvent;
  await chooser.setFiles(join(FIXTURES, NAME));
  await page.getByRole('region', { name: 'Overview' }).getByText(e.model).first().waitFor();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Open demo');
  assert.deepEqual(realErrors(errors), []);
});

test('a source that fails to open keeps the open vindex; a redirect loop is called one', async () => {
  const loop = createServer((req, res) => {
    res.writeHead(302, { Location: req.url, 'Access-Control-Allow-Origin': '*' });
    res.end();
  });
  await new Promise((ok) => loop.listen(0, '127.0.0.1', ok));
  try {
    const { page } = await newPage(chrome.browser);
    await page.goto(`${app.url}?src=${src()}&view=overview`);
    await page.getByRole('region', { name: 'Overview' }).getByText(e.model).first().waitFor();
    await page.getByLabel('Vindex source').fill(`http://127.0.0.1:${loop.address().port}/vindex/`);
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: /redirect loop/ });
    await alert.waitFor({ timeout: 30000 });
    assert.match(await alert.innerText(), /still showing/);
    assert.doesNotMatch(await alert.innerText(), /offline, or blocked by CORS/);
    await page.getByRole('region', { name: 'Overview' }).getByText(e.model).first().waitFor();
    assert.match(page.url(), new RegExp(encodeURIComponent(`${data.url}${NAME}/`).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  } finally {
    loop.close();
  }
});

test('numeric settings keep what is typed and check it on Enter or blur, with a message', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src()}&view=overview`);
  await page.getByText('Settings').click();
  const budget = page.getByLabel('Gate memory budget (MiB)');
  await budget.fill('768'); // "7" and "76" are below the minimum of 16 on the way: they must not interfere
  await budget.press('Enter');
  assert.equal(await budget.inputValue(), '768');
  const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('vindex-explorer:settings')).gateBudgetMiB);
  assert.equal(await stored(), 768);
  await budget.fill('5');
  await budget.press('Enter');
  await page.getByRole('alert').filter({ hasText: 'Gate memory budget (MiB): 5 is below the minimum, 16; keeping 768.' }).waitFor();
  assert.equal(await budget.getAttribute('aria-invalid'), 'true');
  assert.equal(await budget.inputValue(), '5'); // the text stays as typed, to be corrected
  assert.equal(await stored(), 768);
  const top = page.getByLabel('Top features shown');
  await top.fill('02.5');
  await top.blur();
  await page.getByRole('alert').filter({ hasText: 'Top features shown: 2.5 is not a whole number' }).waitFor();
  await top.fill('030');
  await top.blur();
  assert.equal(await top.inputValue(), '30');
  assert.deepEqual(realErrors(errors), []);
});
