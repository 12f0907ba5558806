// `netmon serve --max-clients`: a tab past the cap is told why in its status bar (the server
// closes it with 1013 "too many clients"), keeps waiting without hammering the server, and gets
// in by itself once another tab leaves.
import { expect, LAYOUTS, statusNumber, test } from './fixtures';

test.use({ netmonArgs: ['--max-clients', '1'] });

test('a second tab past --max-clients 1 says "too many netmon tabs open", then gets in when the first closes', async ({ app, netmon }) => {
  const second = await app.context().newPage();
  await second.goto(netmon.url);
  const state = second.getByTestId('link-state');
  await expect(state).toHaveText('not connected: too many netmon tabs open, retrying…', { timeout: 15_000 });
  // Only waiting: no load error beside the waiting state (the first call was lost with the refused link).
  await second.waitForTimeout(1500);
  await expect(second.getByText(/Could not load the table/)).toHaveCount(0);
  await expect(second.getByText('No connections yet: too many netmon tabs are open; this one gets in when another closes.')).toBeVisible();
  for (const { width, height, scheme } of LAYOUTS) {
    await second.setViewportSize({ width, height });
    await second.emulateMedia({ colorScheme: scheme });
    await expect(state).toBeVisible();
    await second.screenshot({ path: test.info().outputPath(`waiting-for-slot-${width}x${height}-${scheme}.png`) });
  }
  // The first tab is served as before.
  await expect(app.getByTestId('link-state')).toHaveCount(0);
  await app.close();
  // The waiting tab retries at its longest backoff (5 s) and then loads the table.
  await expect(state).toHaveCount(0, { timeout: 20_000 });
  await expect.poll(() => statusNumber(second, 'count-total'), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(second.getByText(/Could not load the table/)).toHaveCount(0);
});
