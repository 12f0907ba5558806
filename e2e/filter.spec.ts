// The filter language in the browser against the real engine: OR and groups, pasted endpoint
// text, warnings under the box that do not move the table, the help panel, and the Events view's
// rule that a connection leaving the filter is still reported. Connections are the spec's own.
import { bodyRows, expect, listenId, rowById, serverSideId, setFilter, test } from './fixtures';

test.describe('filter language', () => {
  test('OR, groups and pasted endpoints find the spec’s own rows', async ({ app, loopback }) => {
    const clientPort = await loopback.connect();
    const P = loopback.port;
    await setFilter(app, `lport:${P} | rport:${P}`);
    await expect(bodyRows(app)).toHaveCount(3); // listener, server side, client side
    await setFilter(app, `(lport:${P} | rport:${P}) -state:listen`);
    await expect(bodyRows(app)).toHaveCount(2);
    await expect(rowById(app, listenId(P))).toHaveCount(0);
    // the client's endpoint as netmon prints it: its own row and the server side's remote
    await setFilter(app, `127.0.0.1:${clientPort}`);
    await expect(bodyRows(app)).toHaveCount(2);
    await expect(rowById(app, serverSideId(P, clientPort))).toBeVisible();
    // a listener has no remote port: port:0 never finds it
    await setFilter(app, `lport:${P} port:0`);
    await expect(bodyRows(app)).toHaveCount(0);
    await setFilter(app, `state:listen lport:${P} -port:0-1023`);
    await expect(bodyRows(app)).toHaveCount(1);
  });

  test('a host: warning shows under the box without moving the table; the help lists every form', async ({ app, loopback }) => {
    const P = loopback.port;
    await setFilter(app, `lport:${P}`);
    await expect(bodyRows(app)).toHaveCount(1);
    const grid = app.getByRole('grid', { name: 'Connections' });
    const before = await grid.boundingBox();
    await setFilter(app, `lport:${P} | host:example`);
    const warning = app.getByTestId('filter-warning');
    await expect(warning).toBeVisible();
    await expect(warning).toContainText('not resolved');
    expect(await grid.boundingBox()).toEqual(before);
    await app.screenshot({ path: test.info().outputPath('filter-warning.png') });
    await app.getByRole('button', { name: 'Filter help' }).click();
    const help = app.getByTestId('filter-help');
    await expect(help).toBeVisible();
    for (const form of ['port:80,443', 'rate>1M', 'rtt>100ms', 'limited:rwin', '*:*', '-rate>1M']) await expect(help).toContainText(form);
    await app.screenshot({ path: test.info().outputPath('filter-help.png') });
    expect(await app.getByRole('textbox', { name: 'Filter' }).getAttribute('maxlength')).toBe('4096');
  });

  test('Events view: a connection entering TIME-WAIT is reported under rport:P -state:time-wait', async ({ app, loopback }) => {
    const P = loopback.port;
    const clientPort = await loopback.connect();
    await setFilter(app, `rport:${P} -state:time-wait`);
    await expect(bodyRows(app)).toHaveCount(1);
    // The client closes first (FIN), so its side enters TIME-WAIT, leaving the filter.
    const client = loopback.clients.splice(0)[0];
    await new Promise<void>((r) => client.end(() => r()));
    await expect(bodyRows(app).filter({ hasText: 'TIME-WAIT' })).toHaveCount(0);
    await app.getByRole('tab', { name: /^Events/ }).click();
    const events = app.getByRole('grid', { name: 'Events' });
    const mine = events.locator('[role="row"][data-type]').filter({ hasText: String(clientPort) });
    await expect(mine.and(events.locator('[data-type="opened"]'))).toHaveCount(1);
    await expect(mine.and(events.locator('[data-type="changed"]')).filter({ hasText: 'TIME-WAIT' })).toHaveCount(1);
    await app.screenshot({ path: test.info().outputPath('filter-events.png') });
  });
});
