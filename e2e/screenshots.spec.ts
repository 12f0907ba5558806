// Screenshots of the main views, light and dark, for people to look at (e2e/artifacts/, and the
// chosen ones copied to docs/screenshots/ by hand). Each also checks the view it captures.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { bodyRows, expect, rowById, serverSideId, setFilter, test } from './fixtures';

const ARTIFACTS = path.join(__dirname, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

for (const scheme of ['light', 'dark'] as const) {
  test(`screenshots (${scheme})`, async ({ app, loopback }) => {
    await app.emulateMedia({ colorScheme: scheme });
    // A few live loopback connections of our own so the table has something recognisable.
    const clientPorts: number[] = [];
    for (let i = 0; i < 3; i++) clientPorts.push(await loopback.connect());
    await app.waitForTimeout(600);
    expect(await bodyRows(app).count()).toBeGreaterThan(0);
    const bg = await app.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? ['0', '0', '0']).map(Number);
    // The theme follows prefers-color-scheme.
    if (scheme === 'dark') expect(r + g + b).toBeLessThan(3 * 100);
    else expect(r + g + b).toBeGreaterThan(3 * 180);
    await app.screenshot({ path: path.join(ARTIFACTS, `connections-${scheme}.png`) });

    // One connection is reset (red for a while), another closed politely (its client side lingers
    // in TIME-WAIT: a changed row).
    loopback.clients[0]?.resetAndDestroy();
    loopback.clients[2]?.end();
    await setFilter(app, `port:${loopback.port}`);
    await expect(rowById(app, serverSideId(loopback.port, clientPorts[0]))).toHaveAttribute('data-status', 'closed');
    const row = rowById(app, serverSideId(loopback.port, clientPorts[1]));
    await row.click();
    await expect(app.getByRole('region', { name: 'Details' })).toContainText(String(process.pid));
    await app.screenshot({ path: path.join(ARTIFACTS, `details-${scheme}.png`) });

    await setFilter(app, '');
    await app.getByRole('tab', { name: /^Events/ }).click();
    await expect(app.getByRole('grid', { name: 'Events' }).locator('[role="row"][data-type]').first()).toBeVisible();
    await app.screenshot({ path: path.join(ARTIFACTS, `events-${scheme}.png`) });

    await app.getByRole('tab', { name: /^Connections/ }).click();
    await setFilter(app, 'state:bogus');
    await expect(app.getByTestId('filter-error')).toBeVisible();
    await app.screenshot({ path: path.join(ARTIFACTS, `filter-error-${scheme}.png`) });
  });
}

// The layout from a small laptop to a large monitor, light and dark, with the details pane open:
// committed to docs/screenshots/ for people to look at. Each also checks what must not break.
const DOCS = path.join(__dirname, '..', 'docs', 'screenshots');
for (const [w, h] of [
  [1024, 700],
  [1920, 1080],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`layout ${w}×${h} (${scheme})`, async ({ app, loopback }) => {
      await app.setViewportSize({ width: w, height: h });
      await app.emulateMedia({ colorScheme: scheme });
      const clientPort = await loopback.connect();
      await setFilter(app, `port:${loopback.port}`);
      const row = rowById(app, serverSideId(loopback.port, clientPort));
      await row.click();
      const details = app.getByRole('region', { name: 'Details' });
      await expect(details).toBeVisible();
      await expect(row).toBeVisible();
      // The top bar is one line: every control sits on the filter's line.
      const filterBox = await app.locator('header.topbar .filter-field').boundingBox();
      const tops = await app.locator('header.topbar .controls > :is(button, select)').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().top));
      expect(tops.length).toBeGreaterThan(5);
      expect(Math.max(...tops) - Math.min(...tops)).toBeLessThan(4);
      const rights = await app.locator('header.topbar .controls > :is(button, select)').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().right));
      expect(Math.max(...rights)).toBeLessThanOrEqual(w);
      // The filter keeps a usable width (it shrank to ~320 px at 1024 px).
      expect(filterBox?.width ?? 0).toBeGreaterThanOrEqual(400);
      // The key columns are on screen beside the details pane.
      const pane = await details.boundingBox();
      for (const name of [/^Process/, /^Local Address/, /^Remote Address/, /^State/]) {
        const box = await app.getByRole('columnheader', { name }).boundingBox();
        expect(box !== null && pane !== null && box.x + box.width <= pane.x + 1, `${String(name)} beside the pane`).toBe(true);
      }
      // Address columns hold their text without spreading it over most of a wide screen.
      const addr = await app.getByRole('columnheader', { name: /^Local Address/ }).boundingBox();
      expect(addr?.width ?? 0).toBeLessThanOrEqual(300);
      // A filter error does not move the table.
      const gridTop = (await app.getByRole('grid', { name: 'Connections' }).boundingBox())?.y;
      await setFilter(app, `port:${loopback.port} and (`);
      await expect(app.locator('.filter-error')).toBeVisible();
      expect((await app.getByRole('grid', { name: 'Connections' }).boundingBox())?.y).toBe(gridTop);
      await setFilter(app, `port:${loopback.port}`);
      await expect(app.locator('.filter-error')).toHaveCount(0);
      await app.screenshot({ path: path.join(DOCS, `layout-${w}x${h}-${scheme}.png`) });
    });
  }
}
