// `netmon serve --max-clients`: a tab past the cap is told why in its status bar (the server
// closes it with 1013 "too many clients"), keeps waiting without hammering the server, and gets
// in by itself once another tab leaves.
import { expect, statusNumber, test } from './fixtures';

test.use({ netmonArgs: ['--max-clients', '1'] });

test('a second tab past --max-clients 1 says "too many netmon tabs open", then gets in when the first closes', async ({ app, netmon }) => {
  const second = await app.context().newPage();
  await second.goto(netmon.url);
  const state = second.getByTestId('link-state');
  await expect(state).toHaveText('not connected: too many netmon tabs open, retrying…', { timeout: 15_000 });
  // The first tab is served as before.
  await expect(app.getByTestId('link-state')).toHaveCount(0);
  await app.close();
  // The waiting tab retries at its longest backoff (5 s) and then loads the table.
  await expect(state).toHaveCount(0, { timeout: 20_000 });
  await expect.poll(() => statusNumber(second, 'count-total'), { timeout: 30_000 }).toBeGreaterThan(0);
  await expect(second.getByText(/Could not load the table/)).toHaveCount(0);
});
