// Server faults, end to end: the synthetic vindex served as a Hub repo (large files 302 to a CDN origin)
// with one fault injected on gate_vectors.bin at a time. Each gets a retry or an alert that names the
// file, and the app stays usable: once the fault is cleared the next query works.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { startApp, launch, newPage, readTopFeatures, waitScored, SYNTHETIC, plantedManifest } from './harness.mjs';

const SHA = 'c3'.repeat(20);
const { capital } = plantedManifest();
const paris = capital.queries.find((q) => q.text === 'Paris').ids[0];
const berlin = capital.queries.find((q) => q.text === 'Berlin').ids[0];
let app, hub, chrome, bigDir;

before(async () => {
  // A vindex whose gate (2 × 1024 × 2560 f16 = 10.5 MB) is too big to accept from a server that ignores Range.
  bigDir = mkdtempSync(join(tmpdir(), 'vindex-big-'));
  const L = 2, F = 1024, H = 2560, V = 16;
  const layerBytes = F * H * 2;
  writeFileSync(join(bigDir, 'index.json'), JSON.stringify({
    version: 2, model: 'big-gate', family: 'test', num_layers: L, hidden_size: H, intermediate_size: F, vocab_size: V,
    embed_scale: 1, down_top_k: 0, dtype: 'f16',
    layers: [0, 1].map((l) => ({ layer: l, num_features: F, offset: l * layerBytes, length: layerBytes })),
  }));
  writeFileSync(join(bigDir, 'gate_vectors.bin'), Buffer.alloc(L * layerBytes, 0x3c)); // 0x3c3c ≈ 1.06 in f16
  writeFileSync(join(bigDir, 'embeddings.bin'), Buffer.alloc(V * H * 2, 0x3c));
  app = await startApp();
  hub = await startVindexServer({
    root: bigDir,
    hubRepos: { 'model:tester/demo': { dir: SYNTHETIC, sha: SHA } },
  });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await hub?.close();
  await app?.close();
  rmSync(bigDir, { recursive: true, force: true });
});

const demoUrl = (id) => `${app.url}?src=hf:tester/demo@${SHA}&endpoint=${encodeURIComponent(hub.origin)}&view=token&q=%23${id}`;

async function expectRecovers(page) {
  hub.setFault('gate_vectors.bin', null);
  await page.getByLabel('Query', { exact: true }).fill(`#${berlin}`);
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, `#${berlin}`);
  const top = await readTopFeatures(page);
  assert.deepEqual([top[0].layer, top[0].feature], [capital.layer, capital.feature]);
}

for (const fault of ['429-once', '500-once']) {
  test(`${fault} on the gate file is retried and the scores are right`, async () => {
    hub.setFault('gate_vectors.bin', fault);
    const { page } = await newPage(chrome.browser);
    await page.goto(demoUrl(paris));
    await waitScored(page, 60000);
    const top = await readTopFeatures(page);
    assert.deepEqual([top[0].layer, top[0].feature], [capital.layer, capital.feature]);
    assert.ok(hub.requests.some((r) => r.status === Number(fault.slice(0, 3))), `the server did answer ${fault}`);
    hub.setFault('gate_vectors.bin', null);
  });
}

const alerting = [
  ['404', /gate_vectors\.bin.*404|404.*gate_vectors\.bin/s],
  ['416', /gate_vectors\.bin/],
  ['etag-change', /changed/i],
  ['hide-content-range', /Content-Range/],
  ['short-body', /gate_vectors\.bin/],
];
for (const [fault, pattern] of alerting) {
  test(`${fault} on the gate file gives an alert naming it, and the app recovers`, async () => {
    const { page } = await newPage(chrome.browser);
    // open on the overview (which reads no gate bytes), then break the gate and query
    await page.goto(demoUrl(paris).replace('view=token', 'view=overview'));
    await page.getByRole('region', { name: 'Overview' }).waitFor();
    hub.setFault('gate_vectors.bin', fault);
    await page.getByRole('tab', { name: 'Token' }).click();
    await page.getByLabel('Query', { exact: true }).fill(`#${paris + 1}`);
    await page.getByRole('button', { name: 'Score', exact: true }).click();
    const alert = page.getByRole('alert').filter({ hasText: pattern }).first();
    await alert.waitFor({ timeout: 60000 });
    await expectRecovers(page);
  });
}

test('a server that ignores Range on a large file gets a clear alert instead of a gigabyte download', async () => {
  hub.setFault('gate_vectors.bin', 'ignore-range');
  const { page } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${encodeURIComponent(hub.url)}&view=overview`);
  const alert = page.getByRole('alert').filter({ hasText: /Range/ }).first();
  await alert.waitFor({ timeout: 30000 });
  assert.match(await alert.innerText(), /gate_vectors\.bin/);
  hub.setFault('gate_vectors.bin', null);
  await page.getByRole('button', { name: 'Open demo' }).click();
  await page.getByRole('region', { name: 'Overview' }).waitFor();
});

test('a slow read can be cancelled from its progress bar; pressing Score again retries and succeeds', async () => {
  const { page } = await newPage(chrome.browser);
  await page.goto(demoUrl(paris).replace('view=token', 'view=overview'));
  await page.getByRole('region', { name: 'Overview' }).waitFor();
  hub.setFault('gate_vectors.bin', { type: 'delay', ms: 4000 });
  await page.getByRole('tab', { name: 'Token' }).click();
  await page.getByLabel('Query', { exact: true }).fill(`#${paris}`);
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  const bar = page.getByRole('progressbar', { name: /Scoring/ });
  await bar.waitFor();
  await page.getByRole('button', { name: 'Cancel' }).click();
  await bar.waitFor({ state: 'detached' });
  assert.equal(await page.getByRole('alert').count(), 0, 'a cancel is not an error');
  // not an empty panel: the view says what happened and what to do
  await page.getByText('Cancelled — Score to retry.').waitFor();
  hub.setFault('gate_vectors.bin', null);
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, `#${paris}`);
  assert.equal(await page.getByText('Cancelled — Score to retry.').count(), 0);
  const top = await readTopFeatures(page);
  assert.deepEqual([top[0].layer, top[0].feature], [capital.layer, capital.feature]);
});
