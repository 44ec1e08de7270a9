// The persistent store in real Chromium (OPFS, sync access handles, Web Locks): what it holds is checked
// byte for byte (SHA-256 of every stored extent against the same range of the served file), through a
// reload, a file replaced on the server with the same size (issue 12.1), a data file shorter than its
// index, storage cleared by the browser while a session runs, and two tabs writing one vindex at once.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, SYNTHETIC, startApp, launch, newPage, readTopFeatures, realErrors, waitScored, plantedManifest } from './harness.mjs';

const ROOT = join(FIXTURES, 'store-e2e-root');
const DIR = join(ROOT, 'v');
const { capital } = plantedManifest();
let app, data, chrome;

before(async () => {
  rmSync(ROOT, { recursive: true, force: true });
  mkdirSync(ROOT, { recursive: true });
  cpSync(SYNTHETIC, DIR, { recursive: true });
  app = await startApp();
  data = await startVindexServer({ root: ROOT });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
  rmSync(ROOT, { recursive: true, force: true });
});

const src = () => encodeURIComponent(`${data.url}v/`);
const tokenUrl = (q) => `${app.url}?src=${src()}&view=token&q=${encodeURIComponent(q)}`;
const featureUrl = (l, f) => `${app.url}?src=${src()}&view=feature&layer=${l}&feature=${f}`;
const fetched = (file) => data.requests.filter((r) => r.path.endsWith(`/${file}`) && r.status === 206 && r.bytes > 1).reduce((a, r) => a + r.bytes, 0);
const sha = (b) => createHash('sha256').update(b).digest('hex');

/** Every stored file's index and the SHA-256 of each stored extent, read on a page with no vindex open. */
async function dumpStore(context) {
  const page = await context.newPage();
  await page.goto(app.url);
  const out = await page.evaluate(async () => {
    const hex = (b) => Array.from(new Uint8Array(b), (x) => x.toString(16).padStart(2, '0')).join('');
    const root = await navigator.storage.getDirectory();
    let d;
    try {
      d = await root.getDirectoryHandle('vindex-store-v2');
    } catch {
      return [];
    }
    const files = [];
    for await (const [n, h] of d.entries()) {
      if (!n.endsWith('.idx')) continue;
      const ix = JSON.parse(await (await h.getFile()).text());
      const bin = await (await d.getFileHandle(`${n.slice(0, -4)}.bin`)).getFile();
      const ext = [];
      for (const [s, e] of ix.extents) ext.push([s, e, hex(await crypto.subtle.digest('SHA-256', await bin.slice(s, e).arrayBuffer()))]);
      files.push({ name: ix.name, identity: ix.identity, binSize: bin.size, ext });
    }
    return files;
  });
  await page.close();
  return out;
}

/** Asserts every stored extent equals the served file's bytes; returns bytes stored per file name. */
function checkStore(files) {
  const stored = {};
  for (const f of files) {
    const bytes = readFileSync(join(DIR, f.name));
    for (const [s, e, h] of f.ext) assert.equal(h, sha(bytes.subarray(s, e)), `${f.name} bytes ${s}–${e} as stored`);
    stored[f.name] = f.ext.reduce((a, [s, e]) => a + e - s, 0);
  }
  return stored;
}

/** Top features for `q` in a fresh profile (nothing cached): the reference for a cached profile. */
async function freshTop(q) {
  const { page, context } = await newPage(chrome.browser);
  await page.goto(tokenUrl(q));
  await waitScored(page, 30000);
  const top = (await readTopFeatures(page)).map((r) => r.text.join('|'));
  await context.close();
  return top;
}

let profile; // one browser profile shared by the tests below, in order

test('a heatmap stores the gate; after a reload it is read from the store (no gate bytes refetched), exact bytes', async () => {
  profile = await newPage(chrome.browser);
  const { page, errors, context } = profile;
  await page.goto(tokenUrl('Paris'));
  await waitScored(page, 30000);
  const first = (await readTopFeatures(page)).map((r) => r.text.join('|'));
  const gateSize = readFileSync(join(DIR, 'gate_vectors.bin')).length;
  assert.equal(fetched('gate_vectors.bin'), gateSize);
  data.requests.length = 0;
  await page.reload();
  await waitScored(page, 30000);
  assert.equal(fetched('gate_vectors.bin'), 0, 'no gate bytes fetched after the reload');
  assert.deepEqual((await readTopFeatures(page)).map((r) => r.text.join('|')), first);
  const stored = checkStore(await dumpStore(context));
  assert.equal(stored['gate_vectors.bin'], gateSize);
  assert.deepEqual(realErrors(errors), []);
});

test('a gate replaced on the server with the same size (new ETag): the stored bytes are discarded, a notice names the file, scores are the new ones', async () => {
  const { page, context } = profile;
  const file = join(DIR, 'gate_vectors.bin');
  const old = readFileSync(file);
  const flipped = Buffer.from(old);
  for (let i = 1; i < flipped.length; i += 2) flipped[i] ^= 0x80; // f16 sign bits: every gate row negated
  writeFileSync(file, flipped);
  utimesSync(file, new Date(), new Date(Date.now() + 5000)); // a different mtime, hence ETag
  data.requests.length = 0;
  await page.goto(`${app.url}?src=${src()}&view=overview`);
  await page.getByText(/gate_vectors\.bin: changed on the server since it was cached/).waitFor({ timeout: 20000 });
  await page.goto(tokenUrl('Paris'));
  await waitScored(page, 30000);
  const top = (await readTopFeatures(page)).map((r) => r.text.join('|'));
  assert.equal(fetched('gate_vectors.bin'), old.length, 'the whole new gate was fetched');
  assert.deepEqual(top, await freshTop('Paris'), 'the same scores as a fresh profile');
  const stored = checkStore(await dumpStore(context));
  assert.equal(stored['gate_vectors.bin'], old.length);
});

test('a stored file shorter than its index claims: the missing bytes are fetched, never served', async () => {
  const { page, context } = profile;
  await page.goto(app.url); // no vindex open: no handle holds the file
  const gateSize = readFileSync(join(DIR, 'gate_vectors.bin')).length;
  const keep = 700_000;
  const cut = await page.evaluate(async (keep) => {
    const d = await (await navigator.storage.getDirectory()).getDirectoryHandle('vindex-store-v2');
    for await (const [n, h] of d.entries()) {
      if (!n.startsWith('gate_vectors.bin') || !n.endsWith('.bin')) continue;
      const w = await h.createWritable({ keepExistingData: true });
      await w.truncate(keep);
      await w.close();
      return n;
    }
    return null;
  }, keep);
  assert.ok(cut, 'found the stored gate');
  data.requests.length = 0;
  await page.goto(tokenUrl('Berlin'));
  await waitScored(page, 30000);
  assert.equal(fetched('gate_vectors.bin'), gateSize - keep, 'exactly the lost tail was fetched');
  data.requests.length = 0;
  assert.deepEqual((await readTopFeatures(page)).map((r) => r.text.join('|')), await freshTop('Berlin'));
  const stored = checkStore(await dumpStore(context));
  assert.equal(stored['gate_vectors.bin'], gateSize);
});

test('storage cleared by the browser while a session runs: the projection reads the network, right, and says so', async () => {
  const { page, context } = profile;
  const [l, f] = [capital.layer, capital.feature];
  const region = (p, ff) => p.getByRole('region', { name: `Feature L${l} F${ff}` });
  const chart = (p) => p.getByRole('img', { name: 'Computed outputs by dot product' });
  await page.goto(featureUrl(l, f));
  await region(page, f).getByRole('button', { name: 'Compute full projection' }).click();
  await chart(page).waitFor({ timeout: 30000 });
  // another feature (its result is not in the page's query cache), in a session whose handles are open on the stored embeddings
  await page.goto(featureUrl(l, f + 1));
  await region(page, f + 1).waitFor({ timeout: 20000 });
  await page.waitForTimeout(300);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Storage.clearDataForOrigin', { origin: new URL(app.url).origin, storageTypes: 'file_systems' });
  data.requests.length = 0;
  await region(page, f + 1).getByRole('button', { name: 'Compute full projection' }).click();
  await chart(page).waitFor({ timeout: 30000 });
  const tokens = await chart(page).locator('text').allTextContents();
  assert.equal(fetched('embeddings.bin'), readFileSync(join(DIR, 'embeddings.bin')).length, 'embeddings read from the network');
  await page.getByText(/persistent cache: .*(stored copy of embeddings\.bin was removed|browser removed the stored files)/).first().waitFor({ timeout: 5000 });
  const fresh = await newPage(chrome.browser);
  await fresh.page.goto(featureUrl(l, f + 1));
  await region(fresh.page, f + 1).getByRole('button', { name: 'Compute full projection' }).click();
  await chart(fresh.page).waitFor({ timeout: 30000 });
  assert.deepEqual(tokens, await chart(fresh.page).locator('text').allTextContents(), 'the same outputs as a fresh profile');
  await fresh.context.close();
  checkStore(await dumpStore(context)); // whatever is stored now is exact
});

test('two tabs writing one vindex at once: both right, the store holds exactly the served bytes', async () => {
  const { browser } = chrome;
  const context = await browser.newContext();
  const pages = await Promise.all([context.newPage(), context.newPage()]);
  const url = featureUrl(capital.layer, capital.feature);
  await Promise.all(pages.map((p) => p.goto(url)));
  const charts = pages.map((p) => p.getByRole('img', { name: 'Computed outputs by dot product' }));
  await Promise.all(pages.map((p) => p.getByRole('region', { name: `Feature L${capital.layer} F${capital.feature}` })
    .getByRole('button', { name: 'Compute full projection' }).click()));
  await Promise.all(charts.map((c) => c.waitFor({ timeout: 30000 })));
  const [a, b] = await Promise.all(charts.map((c) => c.locator('text').allTextContents()));
  assert.deepEqual(a, b);
  await Promise.all(pages.map((p) => p.goto(app.url))); // close the sessions (handles, queued writes)
  const stored = checkStore(await dumpStore(context));
  assert.equal(stored['embeddings.bin'], readFileSync(join(DIR, 'embeddings.bin')).length);
  await context.close();
});
