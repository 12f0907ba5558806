// Issue 7 §2 in Chromium: the run's token stays with its own server. Browsers send cookies to every
// port of a host, so the token must not be a cookie; a second loopback server that the browser
// visits after netmon never receives it, and the address bar no longer shows it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, statusNumber, test } from './fixtures';

test('the token never reaches another loopback server and leaves the address bar', async ({ page, netmon }) => {
  const seen: Array<{ url: string; headers: http.IncomingHttpHeaders }> = [];
  const other = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end('<!doctype html><title>other</title><img src="/pixel.png"><script>fetch("/xhr", { credentials: "include" })</script>');
  });
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', () => r()));
  const otherPort = (other.address() as AddressInfo).port;
  try {
    await page.goto(netmon.url);
    // The WebSocket was authorized: the first snapshot arrived.
    await expect.poll(() => statusNumber(page, 'count-total'), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(page.url()).toBe(`${netmon.origin}/`);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect((await page.context().cookies()).length).toBe(0);
    // A reload keeps working: the tab holds the token, not the address.
    await page.reload();
    await expect.poll(() => statusNumber(page, 'count-total'), { timeout: 30_000 }).toBeGreaterThan(0);
    expect(page.url()).toBe(`${netmon.origin}/`);

    // The admin goes on to another local server: same tab, a new tab, by IP and by name.
    await page.goto(`http://127.0.0.1:${otherPort}/same-tab`);
    const tab = await page.context().newPage();
    await tab.goto(`http://127.0.0.1:${otherPort}/new-tab`);
    await tab.goto(`http://localhost:${otherPort}/by-name`);
    await expect.poll(() => seen.filter((s) => s.url === '/xhr').length).toBe(3);

    const urls = seen.map((s) => s.url);
    expect(urls).toEqual(expect.arrayContaining(['/same-tab', '/new-tab', '/by-name', '/pixel.png', '/xhr']));
    for (const s of seen) {
      expect(s.headers.cookie, s.url).toBeUndefined();
      expect(JSON.stringify(s.headers), s.url).not.toContain(netmon.token);
    }
  } finally {
    other.closeAllConnections();
    await new Promise<void>((r) => other.close(() => r()));
  }
});
