// The Ports view at a small laptop's 1024×700 on a busy machine (the demo source: IPv6 addresses, long
// remote endpoints): every cell stays inside the view, the long lists wrap within their columns.
import path from 'node:path';
import { expect, test } from './fixtures';

test.use({ netmonArgs: ['--source', 'demo', '--demo-connections', '400'] });

test('Ports at 1024×700: no cell runs off the right edge, long endpoints wrap in their column', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await app.getByRole('tab', { name: 'Ports' }).click();
  const view = app.getByRole('region', { name: 'Ports' });
  // The demo's IPv6 address, whose top remote endpoints are the longest text in the table.
  await expect(view.locator('tr[data-address^="tcp 2001:"]').first()).toBeVisible({ timeout: 20_000 });
  const fit = await view.evaluate((el) => {
    const box = el.getBoundingClientRect();
    const cells = [...el.querySelectorAll('th, td')].map((c) => c.getBoundingClientRect().right);
    return { right: box.right, window: window.innerWidth, cellsRight: Math.max(...cells), scroll: el.scrollWidth, client: el.clientWidth };
  });
  expect(fit.cellsRight).toBeLessThanOrEqual(Math.min(fit.right, fit.window) + 0.5);
  expect(fit.scroll).toBeLessThanOrEqual(fit.client);
  await app.screenshot({ path: path.join(__dirname, '..', 'docs', 'screenshots', 'ports-demo-1024x700-light.png') });
});
