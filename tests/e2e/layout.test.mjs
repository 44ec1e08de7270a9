// Phone and scale (issues 10 and 12): at 390 px nothing overflows and the per-layer chart stacks under
// the heatmap; on a phone a vindex over 100 MB asks before the first large download; a 4,096-layer
// vindex paints each new layer's row once instead of repainting every layer per update.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, symlinkSync, truncateSync, rmSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, waitScored, realErrors } from './harness.mjs';

const NAME = 'larql-v2-f32';
const SHA = 'f7'.repeat(20);
let app, data, chrome, dir;

/** A deep vindex made here: 4,096 layers × 4 features, hidden size 4, 8 tokens, f32; values from a fixed LCG. */
function makeDeep(root) {
  const L = 4096, F = 4, H = 4, V = 8;
  let s = 12345;
  const rnd = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const gate = new Float32Array(L * F * H).map(rnd);
  const emb = new Float32Array(V * H).map(rnd);
  const folder = join(root, 'deep');
  const fs = { gate: Buffer.from(gate.buffer), emb: Buffer.from(emb.buffer) };
  const layers = Array.from({ length: L }, (_, l) => ({ layer: l, num_features: F, offset: l * F * H * 4, length: F * H * 4 }));
  const index = { version: 2, model: 'test/deep', family: 'llama', num_layers: L, hidden_size: H, intermediate_size: F, vocab_size: V, embed_scale: 1, layers, down_top_k: 0, dtype: 'f32' };
  return { folder, L, F, H, V, gate, emb, write: () => {
    writeFileSync(join(folder, 'index.json'), JSON.stringify(index));
    writeFileSync(join(folder, 'gate_vectors.bin'), fs.gate);
    writeFileSync(join(folder, 'embeddings.bin'), fs.emb);
  } };
}

let deep;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vx-layout-'));
  // a copy of larql-v2-f32 (links) plus a 150 MB sparse file: a "big" vindex that costs nothing on disk
  const big = join(dir, 'big');
  mkdirSync(big);
  for (const f of readdirSync(join(FIXTURES, NAME))) if (f !== 'expected.json') symlinkSync(join(FIXTURES, NAME, f), join(big, f));
  writeFileSync(join(big, 'attn_weights.bin'), '');
  truncateSync(join(big, 'attn_weights.bin'), 150_000_000);
  deep = makeDeep(dir);
  mkdirSync(deep.folder);
  deep.write();
  app = await startApp();
  data = await startVindexServer({ root: FIXTURES, hubRepos: { 'model:tester/big': { dir: big, sha: SHA } } });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function phone(opts = {}) {
  const context = await chrome.browser.newContext({ viewport: { width: 390, height: 844 }, acceptDownloads: true, ...opts });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && errors.push(`console: ${m.text()}`));
  return { page, errors };
}
const overflow = (page) => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

test('at 390 px nothing is wider than the screen, and the per-layer chart sits under the heatmap', async () => {
  const { page, errors } = await phone();
  const src = encodeURIComponent(`${data.url}${NAME}/`);
  await page.goto(`${app.url}?src=${src}&view=token&q=%233`);
  await waitScored(page);
  assert.equal(await overflow(page), 0, 'token view');
  const heat = await page.getByRole('img', { name: /^Heatmap/ }).boundingBox();
  const chart = await page.getByRole('img', { name: /^Per-layer maximum/ }).boundingBox();
  assert.ok(chart.y >= heat.y + heat.height, `chart top ${chart.y} under heatmap bottom ${heat.y + heat.height}`);
  for (const name of ['Pick folder', 'Pick files', 'Open demo']) {
    const b = await page.getByRole('button', { name, exact: true }).boundingBox();
    assert.ok(b.x >= 0 && b.x + b.width <= 390, `${name} on screen`);
  }
  await page.getByRole('table', { name: 'Top features', exact: true }).locator('tbody tr').first().click();
  await page.getByRole('heading', { level: 2, name: /^Feature L/ }).waitFor();
  assert.equal(await overflow(page), 0, 'feature view');
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByRole('region', { name: 'Overview' }).waitFor();
  assert.equal(await overflow(page), 0, 'overview');
  assert.deepEqual(realErrors(errors), []);
});

test('on a phone, a vindex over 100 MB asks before reading the gate; nothing large is read until then', async () => {
  const { page, errors } = await phone({ isMobile: true, hasTouch: true });
  const start = data.requests.length;
  await page.goto(`${app.url}?src=hf:tester/big&endpoint=${encodeURIComponent(data.origin)}&view=token&q=%233`);
  const ask = page.getByRole('region', { name: 'Download size' });
  await ask.waitFor();
  assert.match(await ask.innerText(), /This vindex is 150 MB\. Scoring a query reads from it/);
  await page.waitForTimeout(500);
  const gateReads = () => data.requests.slice(start).filter((r) => r.path.endsWith('/gate_vectors.bin') && r.bytes > 1).length;
  assert.equal(gateReads(), 0, 'no gate bytes before the answer');
  await ask.getByRole('button', { name: 'Download as needed' }).click();
  await waitScored(page);
  assert.ok(gateReads() > 0);
  assert.equal(await overflow(page), 0);
  assert.deepEqual(realErrors(errors), []);
});

test('4,096 layers: each streamed layer paints its own row once; whole repaints stay few', async () => {
  const { page, errors } = await newPage(chrome.browser);
  const server = await startVindexServer({ root: dir });
  try {
    await page.goto(`${app.url}?src=${encodeURIComponent(`${server.url}deep/`)}&view=token&q=%231`);
    await waitScored(page, 120000);
    const canvas = page.getByRole('img', { name: /^Heatmap/ });
    const rows = Number(await canvas.getAttribute('data-rows-painted'));
    const full = Number(await canvas.getAttribute('data-full-repaints'));
    const { L, F, H, gate, emb } = deep;
    assert.ok(full <= 16, `${full} whole repaints`);
    assert.ok(rows <= (full + 1) * L, `${rows} rows painted for ${L} layers and ${full} whole repaints`);
    // and the numbers: cos of embedding row 1 against every gate row, float64
    const q = emb.subarray(H, 2 * H);
    const qn = Math.hypot(...q);
    let best = { l: -1, f: -1, v: -Infinity };
    for (let l = 0; l < L; l++) for (let f = 0; f < F; f++) {
      const g = gate.subarray((l * F + f) * H, (l * F + f + 1) * H);
      const v = g.reduce((a, x, i) => a + x * q[i], 0) / (Math.hypot(...g) * qn + 1e-8);
      if (v > best.v) best = { l, f, v };
    }
    const top = (await readTopFeatures(page))[0];
    assert.deepEqual([top.layer, top.feature], [best.l, best.f]);
    assert.ok(Math.abs(top.score - best.v) < 1e-4);
  } finally {
    await server.close();
  }
  assert.deepEqual(realErrors(errors), []);
});
