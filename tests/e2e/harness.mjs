// Shared end-to-end harness: serves the built app and fixtures on 127.0.0.1 (Range-capable test
// server), launches Debian's headless Chromium through playwright-core, and collects console errors.
import { chromium } from 'playwright-core';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startVindexServer } from '../server/vindexServer.mjs';

export const ROOT = resolve(import.meta.dirname, '../..');
export const DIST = join(ROOT, 'dist');
export const FIXTURES = join(ROOT, 'tests/fixtures/out');
/** The synthetic vindex with planted features (tests/fixtures/make-synthetic-demo.mjs), for tests that need planted values. */
export const SYNTHETIC = join(FIXTURES, 'synthetic-demo');
/** The real embedded demo (SmolLM2-135M), served by the app server at ?src=demo. */
export const DEMO = join(ROOT, 'public/demo');

/** The synthetic vindex's manifest (planted features with float64 reference scores) and its capital → country feature. */
export function plantedManifest() {
  const manifest = JSON.parse(readFileSync(join(SYNTHETIC, 'manifest.json'), 'utf8'));
  return { manifest, capital: manifest.planted.find((p) => p.label === 'capital → country') };
}
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Starts the app server (the built dist/, which includes the demo) with optional Hub repos and faults. */
export async function startApp(opts = {}) {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error('dist/ is missing: run "npm run build" first');
  return startVindexServer({ root: DIST, ...opts });
}

/** Launches headless Chromium with the flags this machine needs; playwright gives it a fresh temporary profile. */
export async function launch() {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const close = async () => {
    await browser.close();
  };
  return { browser, close };
}

/** A new page whose console errors and uncaught exceptions are collected in `errors`. */
export async function newPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return { page, errors, context };
}

/** Reads the "Top features" (or another named) table as [{layer, feature, score}] numbers. */
export async function readTopFeatures(page, name = 'Top features') {
  const table = page.getByRole('table', { name, exact: true });
  await table.waitFor();
  const rows = await table.locator('tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '')),
  );
  return rows.map((cells) => ({ layer: Number(cells[0]), feature: Number(cells[1]), score: Number(cells[2].replace('+inf', 'Infinity').replace('-inf', '-Infinity')), text: cells }));
}

/** Waits until the token view says scoring is complete (for query `q` when given, so a stale grid never counts). */
export async function waitScored(page, timeout = 30000, q = null) {
  const quoted = q === null ? '' : ` for “${q.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}”`;
  await page.getByText(new RegExp(`^Scored \\d+ of \\d+ layers${quoted}`)).first().waitFor({ timeout });
}

/**
 * Console errors that matter. A static folder has no listing, so the app probes the optional vindex
 * files by name; Chromium logs each absent one as "Failed to load resource ... 404" even though the
 * app handles it. Those lines are dropped; every other error is kept.
 */
export function realErrors(errors) {
  return errors.filter((e) => !/Failed to load resource: the server responded with a status of 404/.test(e));
}
