// A source without traffic counters says why where the Traffic columns are (the demo with
// --demo-traffic 0 as a real source does), and at 1024×700 that note gives way before the baseline
// bar's controls: it is cut with an ellipsis and its title has the whole text.
import { expect, test } from './fixtures';

test.use({ netmonArgs: ['--source', 'demo', '--demo-connections', '200'] });

test('1024×700: the Traffic columns say why they are empty, and the baseline controls stay whole', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await app.getByRole('checkbox', { name: 'Traffic columns' }).check();
  const note = app.locator('.tab-note');
  await expect(note).toHaveAttribute('title', 'Traffic counters: none in this demo (simulated traffic is off)');
  const only = app.getByText('Only not in baseline');
  await expect(only).toBeVisible();
  const fit = await only.evaluate((el) => {
    const r = el.getBoundingClientRect();
    let clip: DOMRect | null = null;
    for (let p = el.parentElement; p && !clip; p = p.parentElement) if (getComputedStyle(p).overflow !== 'visible') clip = p.getBoundingClientRect();
    return { right: r.right, window: window.innerWidth, clipRight: clip ? clip.right : Infinity };
  });
  expect(fit.right).toBeLessThanOrEqual(Math.min(fit.window, fit.clipRight) + 0.5);
});
