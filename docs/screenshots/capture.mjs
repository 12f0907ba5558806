// Captures the README/docs screenshots from a running `netmon serve --source demo`:
//   node docs/screenshots/capture.mjs "<URL printed by serve>" [outDir]
import { chromium } from 'playwright-core';
const url = process.argv[2];
const out = process.argv[3] ?? 'docs/screenshots';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-background-networking','--disable-component-update','--disable-sync','--no-first-run'] });
for (const scheme of ['light', 'dark']) {
  const ctx = await browser.newContext({ viewport: { width: 1500, height: 860 }, colorScheme: scheme, acceptDownloads: true });
  const page = await ctx.newPage();
  const errs = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') errs.push(m.text()); });
  page.on('pageerror', (e) => errs.push(String(e)));
  await page.goto(url);
  await page.getByRole('grid', { name: 'Connections' }).waitFor();
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `${out}/connections-${scheme}.png` });
  // select a row -> details
  const rows = page.locator('[role="grid"][aria-label="Connections"] [role="row"][data-id]');
  console.log(scheme, 'rows in DOM', await rows.count(), 'total', await page.getByTestId('count-total').textContent());
  await rows.nth(3).click();
  await page.getByRole('region', { name: 'Details' }).waitFor();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${out}/details-${scheme}.png` });
  await page.getByRole('textbox', { name: 'Filter' }).fill('port:80x state:');
  await page.waitForTimeout(400);
  await page.screenshot({ path: `${out}/filter-error-${scheme}.png` });
  await page.getByRole('textbox', { name: 'Filter' }).fill('');
  await page.getByRole('tab', { name: 'Events' }).click();
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/events-${scheme}.png` });
  console.log(scheme, 'errors:', errs.slice(0, 10));
  await ctx.close();
}
await browser.close();
