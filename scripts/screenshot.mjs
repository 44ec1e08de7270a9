// Regenerates docs/screenshot.png: the built app on the demo vindex, token view for "7" (its top feature, L29 F1454, writes digits).
// Usage: npm run build && node scripts/screenshot.mjs
import { join } from 'node:path';
import { startApp, launch, newPage, waitScored, ROOT } from '../tests/e2e/harness.mjs';

const app = await startApp();
const chrome = await launch();
try {
  const { page } = await newPage(chrome.browser);
  await page.setViewportSize({ width: 1400, height: 1100 });
  await page.goto(`${app.url}?src=demo&view=token&q=7`);
  await waitScored(page, 60000);
  await page.getByRole('table', { name: 'Top features', exact: true }).locator('tbody tr').nth(5).waitFor();
  await page.waitForTimeout(500);
  const box = await page.getByRole('img', { name: /^Heatmap/ }).boundingBox();
  await page.mouse.move(box.x + box.width * (1454.5 / 1536), box.y + box.height * (29.5 / 30));
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(ROOT, 'docs/screenshot.png'), clip: { x: 0, y: 0, width: 1400, height: 1000 } });
  console.log('wrote docs/screenshot.png');
} finally {
  await chrome.close();
  await app.close();
}
