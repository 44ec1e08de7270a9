// The synthetic vindex with planted features (tests/fixtures/make-synthetic-demo.mjs; the embedded
// demo before it became a real model), end to end in headless Chromium over HTTP: token view,
// feature view, permalinks, zoom and hover. Expected values come from its manifest.json (computed
// in float64 by tests/fixtures/synthetic-demo/build.mjs), never from the app.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, waitScored, realErrors, plantedManifest } from './harness.mjs';

const { capital } = plantedManifest();
let app, data, chrome, src;

before(async () => {
  app = await startApp();
  data = await startVindexServer({ root: FIXTURES });
  src = encodeURIComponent(`${data.url}synthetic-demo/`);
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
});

test('a token query finds the planted capital feature at the top, with the reference score', async () => {
  const { page, errors } = await newPage(chrome.browser);
  const q = capital.queries.find((x) => x.text === 'Paris');
  await page.goto(`${app.url}?src=${src}&view=token&q=Paris`);
  await waitScored(page);
  const top = await readTopFeatures(page);
  assert.equal(top.length, 20);
  assert.deepEqual([top[0].layer, top[0].feature], [capital.layer, capital.feature]);
  assert.ok(Math.abs(top[0].score - q.cos) < 1e-3, `${top[0].score} vs ${q.cos}`);
  // scores are listed best first
  for (let i = 1; i < top.length; i++) assert.ok(top[i - 1].score >= top[i].score);
  assert.ok((await page.getByRole('img', { name: /^Heatmap/ }).count()) === 1);
  // the query tokens are shown with their ids
  assert.match(await page.getByLabel('Query tokens').innerText(), new RegExp(`#${q.ids[0]}`));

  // metric dot, rank abs, through the controls; the URL follows
  await page.getByLabel('Metric').selectOption('dot');
  await page.getByText(/^Scored \d+ of \d+ layers for “Paris” \(dot\)/).waitFor();
  const dotTop = await readTopFeatures(page);
  assert.deepEqual([dotTop[0].layer, dotTop[0].feature], [capital.layer, capital.feature]);
  assert.ok(Math.abs(dotTop[0].score - q.dot) < 1e-2, `${dotTop[0].score} vs ${q.dot}`);
  assert.match(page.url(), /metric=dot/);

  // reload restores the exact view
  await page.reload();
  await waitScored(page);
  const again = await readTopFeatures(page);
  assert.deepEqual(again.map((r) => [r.layer, r.feature]), dotTop.map((r) => [r.layer, r.feature]));
  assert.equal(await page.getByLabel('Metric').inputValue(), 'dot');
  assert.deepEqual(realErrors(errors), []);
});

test('clicking a top feature opens its feature view with the stored output tokens; the permalink reopens it', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src}&view=token&q=Paris`);
  await waitScored(page);
  await page.getByRole('table', { name: 'Top features', exact: true }).locator('tbody tr').first().click();
  const region = page.getByRole('region', { name: `Feature L${capital.layer} F${capital.feature}` });
  await region.waitFor();
  const items = await region.getByRole('list', { name: 'Output tokens' }).getByRole('listitem').allInnerTexts();
  // exact token texts, spaces shown as ␣ (" France" and "France" are different tokens)
  assert.deepEqual(items.map((s) => s.trim()), capital.down_meta_top_tokens.map((s) => s.replace(/ /g, '␣')));
  assert.match(page.url(), new RegExp(`view=feature.*layer=${capital.layer}.*feature=${capital.feature}`));
  await page.reload();
  const list = region.getByRole('list', { name: 'Output tokens' });
  await list.getByRole('listitem').first().waitFor();
  assert.equal(await list.getByRole('listitem').count(), capital.down_meta_top_tokens.length);
  assert.deepEqual(realErrors(errors), []);
});

test('the computed projection of a down row agrees with its stored down_meta record', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src}&view=feature&layer=${capital.layer}&feature=${capital.feature}`);
  await page.getByRole('button', { name: 'Compute full projection' }).click();
  const chart = page.getByRole('img', { name: 'Computed outputs by dot product' });
  await chart.waitFor({ timeout: 20000 });
  // each bar's token label (its <title> holds the id and raw string; spaces show as ␣)
  const tokens = await chart.locator('text[data-token-id]').evaluateAll((ts) => ts.map((t) => t.lastChild.textContent));
  assert.deepEqual(tokens.slice(0, 10), capital.down_meta_top_tokens.map((t) => t.replace(/ /g, '␣')));
  assert.deepEqual(realErrors(errors), []);
});

test('an out-of-range feature permalink gives an alert naming the range, and the app stays usable', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src}&view=feature&layer=99&feature=0`);
  const alert = page.getByRole('alert').filter({ hasText: 'Layer 99' });
  await alert.waitFor();
  assert.match(await alert.innerText(), /12 layers \(0–11\)/);
  await page.getByRole('tab', { name: 'Token' }).click();
  await page.getByLabel('Query', { exact: true }).fill('Berlin');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, 'Berlin');
  const top = await readTopFeatures(page);
  assert.deepEqual([top[0].layer, top[0].feature], [capital.layer, capital.feature]);
  assert.deepEqual(realErrors(errors), []);
});

test('the wheel zooms the feature axis, and a hovered cell shows its layer, feature, score and outputs', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src}&view=token&q=Paris`);
  await waitScored(page);
  const heat = page.getByRole('img', { name: /^Heatmap/ });
  const box = await heat.boundingBox();
  const ticks = () => page.locator('svg.axis g[transform^="translate"] text').allTextContents();
  const before = (await ticks()).map(Number).filter(Number.isFinite);
  assert.equal(Math.min(...before), 0);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, -300);
  await page.waitForFunction(() => {
    const t = [...document.querySelectorAll('svg.axis g[transform^="translate"] text')].map((e) => Number(e.textContent)).filter(Number.isFinite);
    return t.length > 0 && Math.min(...t) > 0;
  });
  const after = (await ticks()).map(Number).filter(Number.isFinite);
  assert.ok(Math.min(...after) > 0 && Math.max(...after) < 512, `zoomed ticks ${after}`);
  // hover: the tooltip names the cell under the pointer and, from down_meta, what it says
  await page.mouse.move(box.x + box.width / 2, box.y + (capital.layer + 0.5) * (box.height / 12));
  const tip = page.locator('.tooltip');
  await tip.waitFor();
  assert.match(await tip.innerText(), new RegExp(`L${capital.layer} F\\d+ score`));
  await tip.getByText(/says:/).waitFor();
  assert.deepEqual(realErrors(errors), []);
});
