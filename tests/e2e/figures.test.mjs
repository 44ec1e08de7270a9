// What the numbers are, and figures a paper can use (issue 10): paper-ready SVG/PNG exports with axes,
// ticks, band strip, colour bar and zoom range; per-layer normalisation; layer histograms; the
// per-layer chart aligned with the heatmap rows and showing |score| maxima; zoom in the permalink,
// reset by button and double-click, followed by the keyboard cursor. Expected values are computed
// here in float64 from expected.json (the fixture generator's reference scores).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, waitScored, realErrors } from './harness.mjs';

const NAME = 'larql-v2-f32';
const e = JSON.parse(readFileSync(join(FIXTURES, NAME, 'expected.json'), 'utf8'));
const q3 = e.queries.find((q) => q.name === 'single-3');
const num = (v) => (typeof v === 'string' ? Number(v) : v);
let app, data, chrome;

before(async () => {
  app = await startApp();
  data = await startVindexServer({ root: FIXTURES });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
});

const base = () => `${app.url}?src=${encodeURIComponent(`${data.url}${NAME}/`)}&view=token&q=%233`;
const finite = (row) => row.map(num).filter(Number.isFinite);
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));

async function download(page, name) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name, exact: true }).click()]);
  return readFileSync(await dl.path());
}

test('the SVG export is a vector figure: cells as rects, layer and feature axes, band strip, colour bar, title', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(base());
  await waitScored(page);
  const svg = (await download(page, 'SVG')).toString('utf8');
  const L = e.num_layers;
  const F = e.features_per_layer[0];
  const cells = svg.slice(svg.indexOf('<g clip-path="url(#plot)"'), svg.indexOf('</g>', svg.indexOf('<g clip-path="url(#plot)"')));
  assert.equal((cells.match(/<rect /g) ?? []).length - 1, L * F, 'one rect per cell (plus the background)');
  assert.ok(!svg.includes('<image'), 'no raster below 50,000 cells');
  // axes text: every layer label, feature ticks, axis titles, band names, colour-bar unit
  for (let l = 0; l < L; l++) assert.match(svg, new RegExp(`>L${l}</text>`));
  for (const t of ['>layer<', '>feature<', '>0<', '>cos score<', '>NaN<']) assert.ok(svg.includes(t), t);
  assert.match(svg, /font-size="14" font-weight="bold">cos scores for “#3”<\/text>/);
  assert.ok(svg.includes(`${data.url}${NAME}/ · rank signed · raw scores · all ${F} features`));
  // the planted NaN (gate L1 F2): 18 px rows for 4 layers, 720/12 = 60 px per feature
  assert.match(cells, /<rect x="120" y="18" width="60" height="18" fill="rgb\(150,150,150\)"\/>/);
  // the band strip spans index.json's layer_bands
  const [ka, kb] = e.layer_bands.knowledge;
  assert.ok(svg.includes(`<rect x="4" y="${ka * 18}" width="14" height="${(kb - ka + 1) * 18}"`), 'knowledge band');
  // provenance
  const meta = JSON.parse(svg.match(/<metadata>(.*)<\/metadata>/)[1].replace(/&quot;/g, '"').replace(/&amp;/g, '&'));
  assert.equal(meta.norm, 'raw');
  assert.deepEqual(meta.tokenIds, q3.ids);
  assert.deepEqual(realErrors(errors), []);
});

test('a zoomed export records its range and holds only the visible cells; the PNG is the same figure at 2×', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${base()}&zoom=2-8&norm=z`);
  await waitScored(page);
  await page.getByText('Features 2–8 of 12').waitFor();
  const svg = (await download(page, 'SVG')).toString('utf8');
  const cells = svg.slice(svg.indexOf('<g clip-path="url(#plot)"'), svg.indexOf('</g>', svg.indexOf('<g clip-path="url(#plot)"')));
  assert.equal((cells.match(/<rect /g) ?? []).length - 1, e.num_layers * 6);
  assert.ok(svg.includes('z-score within layer · features 2–8 of 12'));
  assert.ok(svg.includes('>z-score of cos within layer<'));
  const png = await download(page, 'PNG');
  assert.equal(png.subarray(1, 4).toString('latin1'), 'PNG');
  const [w, h] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  const [sw, sh] = svg.match(/<svg[^>]* width="(\d+)" height="(\d+)"/).slice(1).map(Number);
  assert.deepEqual([w, h], [2 * sw, 2 * sh]);
  assert.ok(png.includes(Buffer.from('"zoom":"2\\u20138"')), 'zoom in the PNG text chunk (non-ASCII as a JSON \\u escape)');
  assert.deepEqual(realErrors(errors), []);
});

test('normalisation: z-scores and percentiles within each layer rank the table and match a float64 reference', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(base());
  await waitScored(page);
  await page.getByLabel('Normalisation').selectOption('z');
  await page.waitForURL(/norm=z/);
  const rows = await readTopFeatures(page);
  const ref = [];
  q3.cos.scores.forEach((row, l) => {
    if (!row) return;
    const xs = finite(row);
    row.map(num).forEach((v, f) => Number.isFinite(v) && ref.push({ l, f, z: (v - mean(xs)) / sd(xs), v }));
  });
  ref.sort((a, b) => b.z - a.z || a.l - b.l || a.f - b.f);
  assert.deepEqual([rows[0].layer, rows[0].feature], [ref[0].l, ref[0].f]);
  assert.ok(Math.abs(Number(rows[0].text[3]) - ref[0].z) < 1e-3, `${rows[0].text[3]} vs ${ref[0].z}`);
  assert.ok(Math.abs(rows[0].score - ref[0].v) < 1e-4, 'the Score column stays raw');
  assert.equal(await page.getByRole('columnheader', { name: 'z-score' }).count(), 1);
  await page.getByLabel('Normalisation').selectOption('pct');
  await page.getByRole('columnheader', { name: 'Percentile' }).waitFor();
  const pct = await readTopFeatures(page);
  assert.equal(pct[0].text[3], '100.00'); // each layer's best is its 100th percentile
  assert.equal(pct.filter((r) => r.text[3] === '100.00').length, e.num_layers);
  assert.deepEqual(realErrors(errors), []);
});

test('a layer label shows its score histogram; the feature view says where the query stands in its layer', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(base());
  await waitScored(page);
  const canvas = page.getByRole('img', { name: /^Heatmap/ });
  const box = await canvas.boundingBox();
  const rowH = box.height / e.num_layers;
  await page.mouse.move(box.x - 30, box.y + 1.5 * rowH); // the "L1" label
  const fig = page.locator('.tooltip figure');
  await fig.waitFor();
  const l1 = finite(q3.cos.scores[1]);
  assert.equal(l1.length, 10, 'L1 has a NaN and a +inf, which no statistic counts');
  assert.match(await fig.innerText(), new RegExp(`Layer 1: 10 scores, mean ${mean(l1).toPrecision(4)}`));
  await fig.getByRole('img', { name: /^Score histogram of layer 1: 10 cos scores/ }).waitFor();

  const top = (await readTopFeatures(page))[0];
  await page.getByRole('table', { name: 'Top features', exact: true }).locator('tbody tr').first().click();
  const region = page.getByRole('region', { name: `Feature L${top.layer} F${top.feature}` });
  const row = finite(q3.cos.scores[top.layer]);
  const share = row.filter((v) => v >= top.score - 1e-6).length / row.length;
  await region.getByText(`= top ${+(share * 100).toFixed(share * 100 >= 10 ? 0 : 1)}% of layer ${top.layer}`).first().waitFor();
  await region.getByRole('img', { name: new RegExp(`^Score histogram of layer ${top.layer}`) }).waitFor();
  assert.deepEqual(realErrors(errors), []);
});

test('the per-layer chart lines up with the heatmap rows and, by |score|, shows the largest magnitude with its sign', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${base()}&metric=dot&rank=abs`);
  await waitScored(page);
  const canvas = await page.getByRole('img', { name: /^Heatmap/ }).boundingBox();
  const rowH = canvas.height / e.num_layers;
  const chart = page.getByRole('img', { name: 'Per-layer maximum |score| and argmax' });
  let negatives = 0;
  for (let l = 0; l < e.num_layers; l++) {
    const label = await chart.locator('text', { hasText: new RegExp(`^L${l}$`) }).boundingBox();
    const centre = label.y + label.height / 2;
    assert.ok(Math.abs(centre - (canvas.y + (l + 0.5) * rowH)) <= 2, `L${l}: chart row at ${centre}, heatmap row at ${canvas.y + (l + 0.5) * rowH}`);
    const vals = q3.dot.scores[l].map(num);
    let best = 0;
    vals.forEach((v, f) => Number.isFinite(v) && Math.abs(v) > Math.abs(vals[best] ?? 0) && (best = f));
    if (vals[best] < 0) negatives++;
    const text = await chart.locator('text', { hasText: new RegExp(` F${best}$`) }).first().textContent();
    assert.ok(Math.abs(parseFloat(text) - vals[best]) < 1e-3 * Math.max(1, Math.abs(vals[best])), `L${l}: ${text} vs ${vals[best]}`);
  }
  assert.ok(negatives > 0, 'the fixture has a layer whose largest |dot| is negative');
  assert.deepEqual(realErrors(errors), []);
});

test('zoom is in the permalink; the keyboard cursor pans it; double-click and Reset zoom restore every feature', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${base()}&zoom=0-4`);
  await waitScored(page);
  await page.getByText('Features 0–4 of 12').waitFor();
  const canvas = page.getByRole('img', { name: /^Heatmap/ });
  await canvas.focus();
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
  await page.getByText(/^Cursor: L0 F5/).waitFor();
  await page.getByText('Features 2–6 of 12').waitFor(); // panned just enough to show F5
  await page.waitForURL(/zoom=2-6/);
  await canvas.dblclick();
  await page.getByText('All 12 features').waitFor();
  assert.match(page.url(), /view=token/, 'the double-click did not open a feature');
  await page.waitForURL((u) => !u.search.includes('zoom='));
  await page.goto(`${base()}&zoom=3-9`);
  await page.getByText('Features 3–9 of 12').waitFor();
  await page.getByRole('button', { name: 'Reset zoom' }).click();
  await page.getByText('All 12 features').waitFor();
  // a very long query makes a very long link: the page says so
  await page.goto(`${base().replace('q=%233', `q=${'%233,'.repeat(500)}%233`)}`);
  await page.getByRole('status').filter({ hasText: /link is [\d,]+ characters long/ }).waitFor();
  assert.deepEqual(realErrors(errors), []);
});
