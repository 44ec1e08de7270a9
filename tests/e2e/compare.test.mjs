// Two vindexes side by side in the built app: the token view (both heatmaps, both token lists, B − A),
// the "Vindex comparison" region against the float64 values of tests/fixtures/make-compare-fixtures.mjs,
// the feature view in compare mode, permalinks that reopen each comparison, and bad input.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, realErrors } from './harness.mjs';

const SHA = 'c0'.repeat(20);
const EXPECTED = JSON.parse(readFileSync(join(FIXTURES, 'cmp-expected.json'), 'utf8'));
const pair = (a, b) => EXPECTED.pairs.find((p) => p.a === a && p.b === b);
let app, data, chrome;

before(async () => {
  app = await startApp();
  data = await startVindexServer({
    root: FIXTURES,
    hubRepos: {
      'model:tester/cmp-a': { dir: join(FIXTURES, 'cmp-a'), sha: SHA },
      'model:tester/cmp-a-patched': { dir: join(FIXTURES, 'cmp-a-patched'), sha: SHA.replace(/c/g, 'e') },
    },
  });
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  await data?.close();
  await app?.close();
});

const url = (name) => encodeURIComponent(`${data.url}${name}/`);
const hf = (name) => `hf:tester/${name}`;

function assertTop(got, want, what) {
  assert.equal(got.length, Math.min(20, want.length), `${what}: row count`);
  got.forEach((row, i) => {
    assert.ok(Math.abs(row.score - want[i].score) <= 5e-4 * Math.max(1, Math.abs(want[i].score)), `${what} row ${i}: ${row.score} vs ${want[i].score}`);
    if (row.layer !== want[i].layer || row.feature !== want[i].feature) {
      const other = want.find((x) => x.layer === row.layer && x.feature === row.feature);
      assert.ok(other && Math.abs(other.score - want[i].score) < 1e-5, `${what} row ${i}: L${row.layer} F${row.feature} vs L${want[i].layer} F${want[i].feature}`);
    }
  });
}

/** The "Layer similarity" table as numbers (null for an empty cell) and the empty cells' texts. */
async function readSimilarity(page, rows) {
  const table = page.getByRole('table', { name: 'Layer similarity', exact: true });
  await table.locator('tbody tr').nth(rows - 1).locator('td').first().waitFor();
  await page.getByText(/^Compared \d+ layers/).waitFor();
  const headers = await table.locator('thead th').allTextContents();
  assert.deepEqual(headers.slice(0, 3), ['Layer', 'Row similarity', 'Subspace similarity']);
  const cells = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')));
  return cells.map((c) => ({ layer: Number(c[0]), row: c[1], gate: c[2], down: c[3] }));
}

const value = (text) => (text.startsWith('—') ? null : Number(text));
function assertLayers(got, want) {
  assert.equal(got.length, want.layers.length);
  want.layers.forEach((w, i) => {
    for (const k of ['row', 'gate', 'down']) {
      const g = value(got[i][k]);
      if (w[k] === null) assert.equal(g, null, `L${i} ${k}: expected empty, got ${got[i][k]}`);
      else assert.ok(Math.abs(g - w[k]) <= 5.1e-5, `L${i} ${k}: ${g} vs ${w[k]}`);
    }
  });
}

test('one query, two models: both heatmaps and token lists, a note that they differ, B − A, and a shared or own colour scale', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${url('cmp-other')}&view=token&q=Paris`);
  await page.getByRole('table', { name: 'Top features (vindex B − A)' }).waitFor({ timeout: 20000 });
  const check = async () => {
    assertTop(await readTopFeatures(page, 'Top features'), EXPECTED.queries['cmp-a'].Paris.top_signed, 'A');
    assertTop(await readTopFeatures(page, 'Top features (vindex B)'), EXPECTED.queries['cmp-other'].Paris.top_signed, 'B');
    assertTop(await readTopFeatures(page, 'Top features (vindex B − A)'), EXPECTED.paris_other_minus_a.top_signed, 'B − A');
  };
  await check();
  const note = page.getByRole('note', { name: 'Token lists differ' });
  assert.match(await note.textContent(), /1 token: Paris \(#6\).*2 tokens: Par \(#6\) ##is \(#7\)/);
  const regionA = page.getByRole('region', { name: 'Vindex A: cmp-a' });
  const regionB = page.getByRole('region', { name: 'Vindex B: cmp-other' });
  await regionA.getByRole('img', { name: /^Heatmap/ }).waitFor();
  await regionB.getByRole('img', { name: /^Heatmap/ }).waitFor();
  const legend = async (r) => r.getByRole('img', { name: /^Colour legend/ }).getAttribute('aria-label');
  assert.equal((await legend(regionA)).replace(/^.* from/, ''), (await legend(regionB)).replace(/^.* from/, ''), 'shared scale: same bounds');
  await page.getByRole('radio', { name: 'per vindex' }).check();
  await page.waitForFunction(() => {
    const l = [...document.querySelectorAll('[aria-label^="Colour legend"]')].map((e) => e.getAttribute('aria-label').replace(/^.* from/, ''));
    return l[0] !== l[1];
  });
  // the choice survives a reload, and the permalink reopens the same comparison
  await page.reload();
  await page.getByRole('table', { name: 'Top features (vindex B − A)' }).waitFor({ timeout: 20000 });
  assert.ok(await page.getByRole('radio', { name: 'per vindex' }).isChecked());
  await check();
  await page.getByRole('radio', { name: 'shared by A and B' }).check();
  assert.deepEqual(realErrors(errors), []);
});

test('what changed: the layer similarity of a patched copy over hf: repos matches the reference; B is pinned to its commit', async () => {
  const { page, errors } = await newPage(chrome.browser);
  const endpoint = encodeURIComponent(data.origin);
  await page.goto(`${app.url}?src=${hf('cmp-a')}&endpoint=${endpoint}&src2=${hf('cmp-a-patched')}&view=compare`);
  await page.getByRole('region', { name: 'Vindex comparison' }).waitFor();
  assertLayers(await readSimilarity(page, 4), pair('cmp-a', 'cmp-a-patched'));
  await page.waitForFunction(() => /src2=hf%3Atester%2Fcmp-a-patched%40(e0){20}(&|$)/.test(location.search));
  assert.doesNotMatch(page.url(), /endpoint2/); // same endpoint as A
  // the chart and the moved rows
  await page.getByRole('img', { name: /^Layer similarity chart over 4 layers/ }).waitFor();
  const moved = page.getByRole('table', { name: 'Rows that moved most' });
  const first = await moved.locator('tbody tr').first().locator('td').allTextContents();
  assert.deepEqual(first.slice(0, 2), ['3', '5']);
  // the DMET diff, as a table and as CSV
  const diff = page.getByRole('table', { name: 'down_meta differences' });
  const rows = await diff.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td')).slice(0, 3).map((td) => td.textContent).join(' ')));
  assert.deepEqual(rows, pair('cmp-a', 'cmp-a-patched').dmet_diff.rows.map((r) => `${r.layer} ${r.feature} ${r.status}`));
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const csv = readFileSync(await dl.path(), 'utf8').split('\n');
  const mod = pair('cmp-a', 'cmp-a-patched').dmet_diff.rows.find((r) => r.status === 'modified');
  assert.ok(csv.some((l) => l.startsWith(`${mod.layer},${mod.feature},modified,${mod.a.id},${mod.a.text},${mod.a.c},${mod.b.id},${mod.b.text},${mod.b.c},`)), csv.join('\n'));
  assert.ok(csv.some((l) => /^# compared 32, modified 1, added 1, removed 1, unchanged 29/.test(l)));
  // the cards' constants beside the computed ones
  const card = page.getByRole('table', { name: 'Card constants' });
  assert.deepEqual((await card.locator('thead th').allTextContents()).slice(1), ['A: reported by the card', 'A: computed here', 'B: reported by the card', 'B: computed here']);
  const hidden = await card.getByRole('row', { name: /^Hidden size/ }).locator('td').allTextContents();
  assert.deepEqual(hidden, ['32', '32', '30', '32 (differs from the card)']);
  const coherence = await card.getByRole('row', { name: /^Gate coherence/ }).locator('td').allTextContents();
  assert.deepEqual(coherence, ['0.173', 'not computed here', '0.173', 'not computed here']);
  // a moved row opens the feature view in compare mode
  await moved.locator('tbody tr').first().click();
  const inB = page.getByRole('region', { name: 'In vindex B' });
  await inB.getByText(/cos with B's same row: 0\.0283/).first().waitFor();
  assert.match(page.url(), /view=feature&.*layer=3&feature=5.*src2=/);
  assert.deepEqual(realErrors(errors), []);
});

test('rows permuted and sign-flipped (a compact copy): row similarity low, subspace 1; the feature view finds the flipped direction; no embeddings read', async () => {
  const { page, errors } = await newPage(chrome.browser);
  data.requests.length = 0;
  await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${url('cmp-a-permuted')}&view=compare`);
  const got = await readSimilarity(page, 4);
  assertLayers(got, pair('cmp-a', 'cmp-a-permuted'));
  for (const l of got) {
    assert.ok(Math.abs(Number(l.row)) < 0.2);
    assert.equal(l.gate, '1.0000');
  }
  await page.getByText(/SVD directions/).first().waitFor();
  await page.getByText(/^32 features with metadata/).waitFor();
  // opening a static folder probes each known file with a 1-byte read; nothing more of embeddings.bin is read
  assert.deepEqual(data.requests.filter((r) => r.path.endsWith('embeddings.bin') && r.range !== 'bytes=0-0'), [], 'the comparison reads no embeddings');
  const i = EXPECTED.permutation.indexOf(6);
  await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${url('cmp-a-permuted')}&view=feature&layer=1&feature=6`);
  const inB = page.getByRole('region', { name: 'In vindex B' });
  await inB.getByText(new RegExp(`Gate: B's best match by \\|cos\\|: F${i} \\(-1\\.0000, opposite sign\\)`)).waitFor();
  await inB.getByRole('list', { name: 'Output tokens in B' }).waitFor();
  assert.deepEqual(realErrors(errors), []);
});

test('unrelated models: subspace similarity near k/H; a different hidden size: empty columns that say why, heatmaps still side by side', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${url('cmp-other')}&view=compare`);
  assertLayers(await readSimilarity(page, 4), pair('cmp-a', 'cmp-other'));
  await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${url('cmp-wide')}&view=compare`);
  const wide = await readSimilarity(page, 4);
  for (const l of wide) for (const k of ['row', 'gate', 'down']) assert.match(l[k], /^— (hidden sizes differ \(A 32, B 48\)|layer 3 exists only in A)/);
  await page.getByRole('note').filter({ hasText: 'Hidden sizes differ' }).waitFor();
  await page.getByRole('tab', { name: 'Token' }).click();
  await page.getByLabel('Query', { exact: true }).fill('Paris');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await page.getByRole('table', { name: 'Top features (vindex B)' }).waitFor({ timeout: 20000 });
  await page.getByRole('table', { name: 'Top features', exact: true }).waitFor();
  await page.getByText(/No B − A heatmap: the layer × feature shapes differ/).waitFor();
  assert.equal(await page.getByRole('img', { name: /^Heatmap/ }).count(), 2);
  assert.deepEqual(realErrors(errors), []);
});

test('bad input: B unreachable or not a vindex gives an alert and leaves A working; the same vindex twice says so and scores 1', async () => {
  const { page } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${encodeURIComponent(`${data.url}no-such-folder/`)}&view=token&q=Paris`);
  await page.getByRole('alert').filter({ hasText: /^Vindex B/ }).waitFor({ timeout: 20000 });
  await page.getByRole('table', { name: 'Top features', exact: true }).waitFor();
  assertTop(await readTopFeatures(page), EXPECTED.queries['cmp-a'].Paris.top_signed, 'A alone');
  await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${url('not-a-vindex')}&view=compare`);
  await page.getByRole('alert').filter({ hasText: /Vindex B.*not a vindex/ }).waitFor({ timeout: 20000 });
  await page.getByRole('tab', { name: 'Overview' }).click();
  await page.getByRole('region', { name: 'Overview' }).waitFor();
  await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${url('cmp-a')}&view=compare`);
  await page.getByRole('note').filter({ hasText: 'A and B are the same vindex' }).waitFor();
  for (const l of await readSimilarity(page, 4)) assert.deepEqual([l.row, l.gate, l.down], ['1.0000', '1.0000', '1.0000']);
});

test('the comparison streams with a progress bar and cancels; Resume finishes it', async () => {
  const { page, errors } = await newPage(chrome.browser);
  data.setFault('/cmp-deep/down_features.bin', { type: 'delay', ms: 5000 });
  try {
    await page.goto(`${app.url}?src=${url('cmp-a')}&src2=${url('cmp-deep')}&view=compare`);
    const bar = page.getByRole('progressbar', { name: /^(Comparing cmp-a with cmp-deep|Comparing layers|Compared layer)/ });
    await bar.waitFor();
    // force: other progress bars (down_meta, model cards) come and go beside it, so the row is never "stable"
    await page.locator('.activity').filter({ hasText: /cmp-deep|Comparing layers|Compared layer/ }).getByRole('button', { name: 'Cancel' }).click({ force: true });
    await page.getByText(/^Cancelled after \d of 5 layers/).waitFor();
    await page.getByRole('button', { name: 'Resume' }).click();
    await readSimilarity(page, 5);
    assertLayers(await readSimilarity(page, 5), pair('cmp-a', 'cmp-deep'));
  } finally {
    data.setFault('/cmp-deep/down_features.bin', null);
  }
  assert.deepEqual(realErrors(errors), []);
});

test('"Compare with…" opens B from a typed source; "Stop comparing" closes it and drops src2 from the link', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${url('cmp-a')}&view=overview`);
  await page.getByRole('button', { name: 'Compare with…' }).click();
  await page.getByLabel('Second vindex source').fill(`${data.url}cmp-a-patched/`);
  await page.getByRole('button', { name: 'Open B' }).click();
  await readSimilarity(page, 4);
  assert.match(page.url(), /view=compare.*src2=/);
  // swapping makes B the main vindex (its own overview, token and feature views) with A beside it
  await page.getByRole('button', { name: 'Swap A ↔ B' }).click();
  await page.waitForFunction(() => /src=[^&]*cmp-a-patched.*src2=[^&]*cmp-a%2F/.test(location.search));
  const who = page.getByRole('region', { name: 'Vindex comparison' }).locator('dl.facts dd');
  await page.waitForFunction(() => /^cmp-a-patched /.test(document.querySelector('.compare-view dl.facts dd')?.textContent ?? ''));
  assert.match(await who.nth(1).textContent(), /^cmp-a /);
  await page.getByRole('button', { name: 'Stop comparing' }).click();
  await page.getByRole('button', { name: 'Compare with…' }).waitFor();
  assert.doesNotMatch(page.url(), /src2=/);
  assert.match(page.url(), /src=[^&]*cmp-a-patched/);
  assert.deepEqual(realErrors(errors), []);
});
