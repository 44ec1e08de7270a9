// Tokens, exactly (issue 10.1), on the GPT-2 style fixture (tests/fixtures/make-token-fixtures.mjs,
// ids confirmed by Python `tokenizers`): " Paris" reaches the space-prefixed #6342, the query box
// previews and autocompletes tokens, every token shown marks its spaces and names its id, "which
// features say" searches every spelling, and exports carry the raw token strings.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';
import { FIXTURES, startApp, launch, newPage, readTopFeatures, waitScored, realErrors } from './harness.mjs';

const e = JSON.parse(readFileSync(join(FIXTURES, 'gpt2-bpe', 'expected.json'), 'utf8'));
const ids = e.ids;
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

const src = () => encodeURIComponent(`${data.url}gpt2-bpe/`);
/** [visible text, id] of every TokenText inside a locator. */
const tokensIn = (loc) => loc.locator('.tok').evaluateAll((els) => els.map((el) => {
  const id = el.querySelector('.tok-id');
  return [id ? el.textContent.slice(0, -id.textContent.length) : el.textContent, Number(el.dataset.tokenId)];
}));

test('typing " Paris" scores the space-prefixed token #6342 (not "Paris" #40313), previewed before Score; reload keeps the space', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src()}&view=token`);
  const box = page.getByLabel('Query', { exact: true });
  await box.fill(' Paris');
  // the live preview names the token before anything is scored
  const preview = page.getByRole('status', { name: 'Query tokenization' });
  await preview.getByText('#6342').waitFor();
  assert.deepEqual(await tokensIn(preview), [['␣Paris', ids['ĠParis']]]);
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, ' Paris');
  assert.deepEqual(await tokensIn(page.getByLabel('Query tokens')), [['␣Paris', 6342]]);
  assert.equal(await page.getByLabel('Query tokens').locator('.tok').getAttribute('title'), '#6342 · raw "ĠParis"');
  const want = e.queries.find((q) => q.text === ' Paris');
  assert.deepEqual(want.ids, [6342]);
  const top = await readTopFeatures(page);
  assert.deepEqual([top[0].layer, top[0].feature], [e.planted.hears_space_paris.layer, e.planted.hears_space_paris.feature]);
  want.cos_top_signed.slice(0, 5).forEach((w, i) => {
    assert.deepEqual([top[i].layer, top[i].feature], [w.layer, w.feature]);
    assert.ok(Math.abs(top[i].score - w.score) < 1e-4, `${top[i].score} vs ${w.score}`);
  });
  assert.match(page.url(), /[?&]q=\+Paris(&|$)/);
  await page.reload();
  await waitScored(page, 30000, ' Paris');
  assert.equal(await box.inputValue(), ' Paris');
  assert.deepEqual(await tokensIn(page.getByLabel('Query tokens')), [['␣Paris', 6342]]);

  // without the space: the other token, and the other planted feature
  await box.fill('Paris');
  await page.getByRole('button', { name: 'Score', exact: true }).click();
  await waitScored(page, 30000, 'Paris');
  assert.deepEqual(await tokensIn(page.getByLabel('Query tokens')), [['Paris', 40313]]);
  const top2 = await readTopFeatures(page);
  const want2 = e.queries.find((q) => q.text === 'Paris');
  assert.deepEqual([top2[0].layer, top2[0].feature], [want2.cos_top_signed[0].layer, want2.cos_top_signed[0].feature]);
  assert.ok(Math.abs(top2[0].score - want2.cos_top_signed[0].score) < 1e-4);
  assert.deepEqual(realErrors(errors), []);
});

test('the query box autocompletes from the vocabulary, both variants of a word, by keyboard', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src()}&view=token`);
  const box = page.getByRole('combobox', { name: 'Query' });
  await box.click();
  await box.pressSequentially('Paris', { delay: 20 });
  const list = page.getByRole('listbox', { name: 'Query suggestions' });
  await list.getByRole('option').first().waitFor();
  assert.equal(await box.getAttribute('aria-expanded'), 'true');
  const options = await tokensIn(list);
  assert.deepEqual(options.slice(0, 2), [['␣Paris', 6342], ['Paris', 40313]]);
  // ↓ moves the active option (announced through aria-activedescendant), Enter takes it
  await box.press('ArrowDown');
  await box.press('ArrowDown');
  const active = await box.getAttribute('aria-activedescendant');
  assert.equal(await page.locator(`[id="${active}"]`).getAttribute('aria-selected'), 'true');
  assert.deepEqual(await tokensIn(page.locator(`[id="${active}"]`)), [['Paris', 40313]]);
  await box.press('ArrowUp');
  await box.press('Enter');
  assert.equal(await box.inputValue(), ' Paris');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  // Enter again submits the form
  await box.press('Enter');
  await waitScored(page, 30000, ' Paris');
  assert.deepEqual(await tokensIn(page.getByLabel('Query tokens')), [['␣Paris', 6342]]);
  // Escape closes the list; typing opens it again
  await box.fill('');
  await box.pressSequentially('Nether', { delay: 20 });
  await list.getByRole('option').first().waitFor();
  const nether = await tokensIn(list);
  // the word piece "Nether" itself first (both variants), then the words it starts
  assert.deepEqual(nether.slice(0, 2).map(([t]) => t), ['Nether', '␣Nether']);
  assert.ok(nether.some(([, id]) => id === ids['ĠNetherlands']) && nether.some(([, id]) => id === ids.Netherlands), JSON.stringify(nether));
  await box.press('Escape');
  assert.equal(await box.getAttribute('aria-expanded'), 'false');
  assert.deepEqual(realErrors(errors), []);
});

test('every token shown marks its spaces and names its id: output list, table, bars, neighbours, DESCRIBE', async () => {
  const { page, errors } = await newPage(chrome.browser);
  const rec = e.records.find((r) => r.layer === 1 && r.feature === 3);
  await page.goto(`${app.url}?src=${src()}&view=feature&layer=1&feature=3&q=Paris`);
  const region = page.getByRole('region', { name: 'Feature L1 F3' });
  const list = region.getByRole('list', { name: 'Output tokens' });
  await list.getByRole('listitem').first().waitFor({ timeout: 20000 });
  // " Netherlands" and "Netherlands" are two tokens, and look like two
  const shown = await tokensIn(list);
  assert.deepEqual(shown, rec.top_k.map((t) => [t.text.replace(/ /g, '␣'), t.id]));
  assert.deepEqual(shown.slice(0, 2), [['␣Netherlands', ids['ĠNetherlands']], ['Netherlands', ids.Netherlands]]);
  assert.equal(await list.locator('.tok').first().getAttribute('title'), `#${ids['ĠNetherlands']} · raw "ĠNetherlands"`);
  // the stored-logit bars label tokens the same way, with the id on hover
  const bars = region.getByRole('img', { name: 'Stored output logits' });
  assert.equal(await bars.locator('text[data-token-id]').first().evaluate((t) => t.lastChild.textContent), '␣Netherlands');
  assert.equal(await bars.locator('text[data-token-id] title').first().textContent(), `#${ids['ĠNetherlands']} · raw "ĠNetherlands"`);
  // neighbours' top outputs
  await region.getByRole('button', { name: 'Find neighbours' }).click();
  const nb = region.getByRole('table', { name: 'Neighbours' });
  await nb.waitFor({ timeout: 20000 });
  const nbTokens = await tokensIn(nb);
  assert.ok(nbTokens.length > 0 && nbTokens.every(([, id]) => Number.isInteger(id)));
  // DESCRIBE edges are tokens too
  await region.getByLabel('Min score').fill('0');
  await region.getByRole('button', { name: 'Describe' }).click();
  await region.locator('[aria-label^="DESCRIBE "] .tok').first().waitFor({ timeout: 20000 });
  // the Top features table of the token view
  await page.getByRole('tab', { name: 'Token' }).click();
  await waitScored(page, 30000, 'Paris');
  const table = page.getByRole('table', { name: 'Top features', exact: true });
  const first = await tokensIn(table.locator('tbody tr').first());
  assert.deepEqual(first, rec.top_k.map((t) => [t.text.replace(/ /g, '␣'), t.id]));
  assert.deepEqual(realErrors(errors), []);
});

test('"which features say this token" searches every spelling of a word and says which matched', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src()}&view=feature&layer=2&feature=7`);
  const region = page.getByRole('region', { name: 'Feature L2 F7' });
  await region.getByLabel('Token to find').fill('France');
  await region.getByRole('button', { name: 'Find', exact: true }).click();
  const table = region.getByRole('table', { name: 'Features that say the token' });
  await table.waitFor({ timeout: 20000 });
  const searched = await tokensIn(region.getByLabel('Spellings searched'));
  const variants = e.sayers.variants;
  assert.deepEqual(searched.map(([, id]) => id).sort((a, b) => a - b), variants.map((v) => v.id).sort((a, b) => a - b));
  assert.match(await region.getByLabel('Spellings searched').innerText(), /not one token: "FRANCE", " FRANCE"/);
  const rows = await table.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [Number(tr.cells[0].textContent), Number(tr.cells[1].textContent), Number(tr.cells[4].querySelector('.tok').dataset.tokenId)]));
  const want = variants.flatMap((v) => v.sayers.map((s) => [s.layer, s.feature, v.id]));
  const key = (r) => r.join(':');
  assert.deepEqual(rows.map(key).sort(), want.map(key).sort());
  // the planted feature stores " France" (with its space), found from "France" typed without one
  assert.ok(rows.some(([l, f, id]) => l === 2 && f === 7 && id === ids['ĠFrance']));
  assert.deepEqual(realErrors(errors), []);
});

test('exports carry the raw token strings, ids and tokenizer', async () => {
  const { page, errors } = await newPage(chrome.browser);
  await page.goto(`${app.url}?src=${src()}&view=token&q=${encodeURIComponent(' Paris France')}`);
  await waitScored(page, 30000, ' Paris France');
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'top CSV' }).click()]);
  const text = readFileSync(await csv.path(), 'utf8');
  assert.match(text, /^# query: {2}Paris France$/m);
  assert.match(text, new RegExp(`^# tokenIds: ${ids['ĠParis']} ${ids['ĠFrance']}$`, 'm'));
  assert.match(text, /^# tokens: \["ĠParis","ĠFrance"\]$/m);
  assert.match(text, /^# tokenizer: vindex:tokenizer\.json$/m);
  const [json] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'top JSON' }).click()]);
  assert.deepEqual(JSON.parse(readFileSync(await json.path(), 'utf8')).tokens, ['ĠParis', 'ĠFrance']);
  // a computed projection's CSV has the raw string of every token
  await page.goto(`${app.url}?src=${src()}&view=feature&layer=1&feature=3`);
  const region = page.getByRole('region', { name: 'Feature L1 F3' });
  await region.getByRole('button', { name: 'Compute full projection' }).click();
  await page.getByRole('img', { name: 'Computed outputs by dot product' }).waitFor({ timeout: 20000 });
  const [pcsv] = await Promise.all([page.waitForEvent('download'), region.getByRole('button', { name: 'CSV' }).first().click()]);
  const lines = readFileSync(await pcsv.path(), 'utf8').split('\n');
  assert.ok(lines.includes('kind,rank,id,token,raw,score'), lines.slice(0, 8).join('\n'));
  assert.ok(lines.some((l) => l.startsWith(`dot,1,${ids['ĠNetherlands']}," Netherlands",ĠNetherlands,`)), lines.slice(0, 10).join('\n'));
  assert.deepEqual(realErrors(errors), []);
});
