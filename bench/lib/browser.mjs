// Headless Chromium for the browser cases: playwright-core driving /usr/bin/chromium with a persistent
// user-data-dir (bench/tmp/profiles/<name>), so OPFS and IndexedDB survive a reload exactly as in a
// real profile. Each scenario gets its own fresh profile (named with this process's pid, so two runs
// at once never share one); profiles are deleted when closed, on Ctrl-C, and when their run has died.
import { rmSync, mkdirSync, readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Launches Chromium on a fresh profile `name`; returns {context, page, errors, dir, close}. */
export async function launchProfile(tmp, name) {
  const { chromium } = await import('playwright-core');
  const dir = join(tmp, 'profiles', `${name}-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const errors = [];
  let crashed = false;
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('crash', () => { crashed = true; errors.push('the page crashed'); });
  return {
    context, page, errors, dir,
    crashed: () => crashed,
    /** Closes the browser and deletes the profile (OPFS included). */
    async close() {
      await context.close().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** navigator.storage.estimate().usage of the page's origin (OPFS, IndexedDB, …), or null. */
export function storageUsage(page) {
  return page.evaluate(async () => (await navigator.storage?.estimate?.())?.usage ?? null).catch(() => null);
}

/** Deletes profiles left by runs that are no longer alive, and this run's own on Ctrl-C. */
export function cleanProfiles(tmp) {
  const root = join(tmp, 'profiles');
  const own = () => {
    if (!existsSync(root)) return;
    for (const d of readdirSync(root)) if (d.endsWith(`-${process.pid}`)) rmSync(join(root, d), { recursive: true, force: true });
  };
  if (existsSync(root)) {
    for (const d of readdirSync(root)) {
      const pid = Number(/-(\d+)$/.exec(d)?.[1]);
      if (!pid || !existsSync(`/proc/${pid}`)) rmSync(join(root, d), { recursive: true, force: true });
    }
  }
  process.once('SIGINT', () => {
    own();
    process.exit(130);
  });
}
