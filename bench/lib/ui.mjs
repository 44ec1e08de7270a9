// Driving the built app through its accessible names (shared/DESIGN.md) and timing UI events in the
// page itself: a watcher installed just before the click notes performance.now() when the awaited
// element or status text appears, so timings do not include the CDP round trips of polling.
const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/**
 * Installs the in-page watcher. `what`:
 *  - {kind: 'images', names: [...]}: each `svg[role=img]` with that aria-label (e.g. "Computed outputs
 *    by dot product", the Says panel's chart); done when all have appeared;
 *  - {kind: 'scored', q}: the token view's status line "Scoring… n of N layers for “q”": first = n ≥ 1,
 *    done = "Scored N of N layers for “q”".
 * New role=alert elements stop the watch with their text. t0 is the install time.
 */
export async function startWatch(page, what) {
  await page.evaluate((what) => {
    const alertsBefore = new Set(Array.from(document.querySelectorAll('[role=alert]')).map((e) => e.textContent));
    const w = { t0: performance.now(), first: null, done: null, seen: {}, alert: null, status: '' };
    window.__benchWatch = w;
    const check = () => {
      const now = performance.now() - w.t0;
      for (const a of document.querySelectorAll('[role=alert]')) {
        const t = a.textContent ?? '';
        if (t && !alertsBefore.has(t)) w.alert = t.slice(0, 400);
      }
      if (what.kind === 'images') {
        for (const n of what.names) {
          if (w.seen[n] === undefined && document.querySelector(`svg[role=img][aria-label="${n}"]`)) w.seen[n] = now;
        }
        if (w.first === null && Object.keys(w.seen).length > 0) w.first = now;
        if (what.names.every((n) => w.seen[n] !== undefined)) w.done = now;
      } else {
        for (const p of document.querySelectorAll('p.muted')) {
          const t = p.textContent ?? '';
          if (!t.includes(`for “${what.q}”`)) continue;
          const m = /(Scoring…|Scored|Stopped at) (\d+) of (\d+) layers/.exec(t);
          if (!m) continue;
          w.status = t;
          if (w.first === null && Number(m[2]) >= 1) w.first = now;
          if (m[1] === 'Scored' && m[2] === m[3]) w.done = now;
        }
      }
      if (w.done === null && w.alert === null) setTimeout(check, 10);
    };
    setTimeout(check, 0);
  }, what);
}

/** Waits for the watcher to finish; returns {ms, firstMs, seen, status}; throws on an alert, a crash or the timeout. */
export async function waitWatch(page, timeoutMs, label, crashed = () => false) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (crashed()) throw new Error(`${label}: the page crashed`);
    const w = await page.evaluate(() => window.__benchWatch);
    if (w.alert) throw new Error(`${label}: the app showed an alert: ${w.alert}`);
    if (w.done !== null) return { ms: w.done, firstMs: w.first, seen: w.seen, status: w.status };
    if (Date.now() > deadline) throw new Error(`${label}: not done after ${timeoutMs / 1000} s (status: ${w.status || 'none'}; seen: ${JSON.stringify(w.seen)})`);
    await sleep(200);
  }
}

/** Sets Settings → "Persistent cache limit (MiB, 0 = off)" through the UI and checks it was saved. */
export async function setCacheLimit(page, mib) {
  await page.getByText('Settings', { exact: true }).click();
  const input = page.getByLabel(/^Persistent cache limit/);
  await input.fill(String(mib));
  await input.press('Enter');
  await page.getByText('Settings', { exact: true }).click(); // close the panel again
  // The setting lives in localStorage (it survives the navigation that follows); check it took.
  const saved = await page.evaluate(() => {
    for (let i = 0; i < localStorage.length; i++) {
      const v = localStorage.getItem(localStorage.key(i));
      if (v && v.includes('cacheLimitMiB')) return JSON.parse(v).cacheLimitMiB;
    }
    return null;
  });
  if (saved !== mib) throw new Error(`Settings → Persistent cache limit: typed ${mib}, saved ${saved}`);
}

/** Token ids of a "… by dot product" chart, best first (its labels carry data-token-id). */
export async function chartIds(page, name) {
  return page.locator(`svg[role=img][aria-label="${name}"] text[data-token-id]`).evaluateAll((ts) => ts.map((t) => Number(t.getAttribute('data-token-id'))));
}

/** The first row of the "Top features" table as {layer, feature, score}. */
export async function topFeature(page) {
  const cells = await page.getByRole('table', { name: 'Top features', exact: true }).locator('tbody tr').first().locator('td').allTextContents();
  return { layer: Number(cells[0]), feature: Number(cells[1]), score: Number(cells[2]) };
}
