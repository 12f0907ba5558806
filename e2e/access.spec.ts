// A tab that cannot use the run's token says so in the window (found by a new admin: a bookmark
// without the token, or a tab left open across a restart of serve, showed "No connections match."
// and "disconnected, retrying…" forever). No message shows a token.
import { expect, test } from './fixtures';
import { spawnServe, type NetmonServer } from './serve';

async function stop(srv: NetmonServer): Promise<void> {
  const exited = new Promise((r) => srv.process.once('exit', r));
  srv.process.kill('SIGTERM');
  await exited;
}

test('a page opened without the token (a bookmark) says it needs the address netmon printed', async ({ page, netmon }) => {
  await page.goto(`${netmon.origin}/`);
  const notice = page.getByTestId('access-notice');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('This page needs the address netmon printed');
  await expect(page.getByTestId('link-state')).toHaveText('not connected: no token');
  await expect(page.getByTestId('connections-empty')).toHaveCount(0);
  await expect(page.getByText('disconnected, retrying…')).toHaveCount(0);
  expect(await page.locator('body').innerText()).not.toContain(netmon.token);
});

test('a tab left open while serve restarts (new token) says the token was refused and stops retrying', async ({ page }) => {
  let srv = await spawnServe(['--port', '0', '--interval', '250', '--source', 'demo']);
  const port = new URL(srv.origin).port;
  const tokens = [srv.token];
  try {
    await page.goto(srv.url);
    await expect.poll(async () => Number((await page.getByTestId('count-total').textContent())?.replace(/,/g, '')), { timeout: 30_000 }).toBeGreaterThan(0);
    let upgrades = 0;
    page.on('websocket', () => upgrades++);
    await stop(srv);
    srv = await spawnServe(['--port', port, '--interval', '250', '--source', 'demo']);
    tokens.push(srv.token);
    const notice = page.getByTestId('access-notice');
    await expect(notice).toContainText('netmon refused this page’s token', { timeout: 20_000 });
    await expect(page.getByTestId('link-state')).toHaveText('not connected: token refused');
    // Refused means no more handshakes: the count stays put.
    const seen = upgrades;
    await page.waitForTimeout(2000);
    expect(upgrades).toBe(seen);
    const text = await page.locator('body').innerText();
    for (const t of tokens) expect(text).not.toContain(t);
  } finally {
    await stop(srv);
  }
});

test('a server that is down is "disconnected, retrying…", not a token problem', async ({ page }) => {
  const srv = await spawnServe(['--port', '0', '--interval', '250', '--source', 'demo']);
  await page.goto(srv.url);
  await expect.poll(async () => Number((await page.getByTestId('count-total').textContent())?.replace(/,/g, '')), { timeout: 30_000 }).toBeGreaterThan(0);
  await stop(srv);
  await expect(page.getByTestId('link-state')).toHaveText(/disconnected, retrying…|connecting…/);
  await page.waitForTimeout(1500);
  await expect(page.getByTestId('access-notice')).toHaveCount(0);
});
