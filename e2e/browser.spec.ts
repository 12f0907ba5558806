// Browser mode end to end: the real engine reading this machine's kernel table, the real renderer
// in Chromium. Every connection looked for is one this spec opens on loopback.
import { readFileSync } from 'node:fs';
import { bodyRows, columnIndex, connections, expect, listenId, rowById, serverSideId, setFilter, statusNumber, test } from './fixtures';

test.describe('live connections', () => {
  test('a connection opened by the test appears as new, turns closed, then vanishes', async ({ app, loopback }) => {
    await setFilter(app, `lport:${loopback.port}`);
    await expect(rowById(app, listenId(loopback.port))).toBeVisible();
    const clientPort = await loopback.connect();
    const row = rowById(app, serverSideId(loopback.port, clientPort));
    await expect(row).toBeVisible();
    await expect(row).toHaveAttribute('data-status', 'new');
    await expect(row.getByRole('gridcell').filter({ hasText: 'ESTABLISHED' })).toHaveCount(1);
    loopback.closeConnections();
    await expect(row).toHaveAttribute('data-status', 'closed');
    await expect(row).toHaveCount(0, { timeout: 20_000 });
    // The listener itself is still there.
    await expect(rowById(app, listenId(loopback.port))).toBeVisible();
  });

  test('a state change of a settled row is highlighted as changed', async ({ app, loopback }) => {
    const clientPort = await loopback.connect();
    await setFilter(app, `lport:${clientPort}`);
    const row = rowById(app, `tcp4 127.0.0.1:${clientPort} 127.0.0.1:${loopback.port}`);
    await expect(row).toHaveAttribute('data-status', 'new');
    // Once the "new" highlight has worn off, a polite close from our side leaves it in TIME-WAIT.
    await expect(row).toHaveAttribute('data-status', '', { timeout: 15_000 });
    loopback.clients[0].end();
    await expect(row).toHaveAttribute('data-status', 'changed');
    // The State cell says TIME-WAIT, and the owner cell says why there is no process.
    const state = await columnIndex(app, 'State');
    await expect(row.getByRole('gridcell').nth(state)).toHaveText('TIME-WAIT');
    await expect(row.getByRole('gridcell').filter({ hasText: 'TIME-WAIT (no owner)' })).toHaveCount(1);
  });

  test('the filter narrows rows; a bad filter shows the error and keeps the rows', async ({ app, loopback }) => {
    const total = await statusNumber(app, 'count-total');
    const clientPort = await loopback.connect();
    await setFilter(app, `port:${loopback.port}`);
    // listener + server side + client side
    await expect(bodyRows(app)).toHaveCount(3);
    await expect(rowById(app, `tcp4 127.0.0.1:${clientPort} 127.0.0.1:${loopback.port}`)).toBeVisible();
    expect(await statusNumber(app, 'count-shown')).toBe(3);
    expect(total).toBeGreaterThan(3);

    await setFilter(app, `lport:${loopback.port}`);
    await expect(bodyRows(app)).toHaveCount(2);
    const box = app.getByRole('textbox', { name: 'Filter' });
    await setFilter(app, `lport:${loopback.port} port:99999999`);
    const error = app.getByTestId('filter-error');
    await expect(error).toBeVisible();
    await expect(app.getByRole('alert').filter({ hasText: /port/i })).toBeVisible();
    await expect(box).toHaveAttribute('aria-invalid', 'true');
    // The last good filter still applies.
    await expect(bodyRows(app)).toHaveCount(2);
    await setFilter(app, `lport:${loopback.port}`);
    await expect(error).toHaveCount(0);
    await expect(box).not.toHaveAttribute('aria-invalid', 'true');
  });

  test('Ctrl+F focuses the filter', async ({ app }) => {
    await connections(app).click({ position: { x: 5, y: 5 } });
    await app.keyboard.press('Control+f');
    await expect(app.getByRole('textbox', { name: 'Filter' })).toBeFocused();
  });

  test('sorting by a column orders the rows and sets aria-sort', async ({ app, loopback }) => {
    for (let i = 0; i < 4; i++) await loopback.connect();
    await setFilter(app, `rport:${loopback.port}`);
    await expect(bodyRows(app)).toHaveCount(4);
    const header = connections(app).getByRole('columnheader', { name: /^Local Port/ });
    const col = await columnIndex(app, 'Local Port');
    const ports = async () =>
      (await bodyRows(app).evaluateAll((rows, c) => rows.map((r) => r.querySelectorAll('[role="gridcell"]')[c]?.textContent ?? ''), col)).map(Number);
    await header.click();
    await expect(header).toHaveAttribute('aria-sort', 'ascending');
    const asc = await ports();
    expect(asc).toEqual([...asc].sort((a, b) => a - b));
    await header.click();
    await expect(header).toHaveAttribute('aria-sort', 'descending');
    const desc = await ports();
    expect(desc).toEqual([...asc].reverse());
    // Only one header is sorted at a time.
    await expect(connections(app).locator('[role="columnheader"][aria-sort="ascending"], [role="columnheader"][aria-sort="descending"]')).toHaveCount(1);
  });
});

test.describe('controls', () => {
  test('Pause polling stops updates until Resume polling', async ({ app, loopback }) => {
    await setFilter(app, `lport:${loopback.port}`);
    await expect(rowById(app, listenId(loopback.port))).toBeVisible();
    await app.getByRole('button', { name: 'Pause polling' }).click();
    await expect(app.getByRole('button', { name: 'Resume polling' })).toBeVisible();
    const clientPort = await loopback.connect();
    const row = rowById(app, serverSideId(loopback.port, clientPort));
    // Eight poll intervals: had the engine been polling, the row would be here.
    await app.waitForTimeout(2000);
    await expect(row).toHaveCount(0);
    await app.getByRole('button', { name: 'Resume polling' }).click();
    await expect(row).toBeVisible();
    await expect(app.getByRole('button', { name: 'Pause polling' })).toBeVisible();
    // The clicked button does not keep the keyboard: after a click on a row and one on Pause / Resume
    // polling, Space freezes this view, as everywhere, and does not press the button again (which
    // would pause polling for every window).
    await row.click();
    await app.getByRole('button', { name: 'Pause polling' }).click();
    await app.getByRole('button', { name: 'Resume polling' }).click();
    await app.keyboard.press(' ');
    await expect(app.getByRole('button', { name: 'Unfreeze view' })).toBeVisible();
    await expect(app.getByRole('button', { name: 'Pause polling' })).toBeVisible();
    await app.keyboard.press(' ');
    await expect(app.getByRole('button', { name: 'Freeze view' })).toBeVisible();
  });

  test('Space freezes the view when focus is not in a text field', async ({ app }) => {
    await connections(app).click({ position: { x: 5, y: 5 } });
    await app.keyboard.press('Space');
    await expect(app.getByRole('button', { name: 'Unfreeze view' })).toBeVisible();
    await app.keyboard.press('Space');
    await expect(app.getByRole('button', { name: 'Freeze view' })).toBeVisible();
  });

  test('a frozen view keeps a closed row past its linger time; it leaves on unfreeze', async ({ app, loopback }) => {
    test.setTimeout(60_000);
    await setFilter(app, `lport:${loopback.port}`);
    const clientPort = await loopback.connect();
    const row = rowById(app, serverSideId(loopback.port, clientPort));
    await expect(row).toBeVisible();
    loopback.closeConnections();
    await expect(row).toHaveAttribute('data-status', 'closed');
    await connections(app).click({ position: { x: 5, y: 5 } });
    await app.keyboard.press('Space');
    await expect(app.getByRole('button', { name: 'Unfreeze view' })).toBeVisible();
    // Closed rows linger 5 s: frozen, the red row an admin froze to catch stays.
    await app.waitForTimeout(6500);
    await expect(row).toHaveAttribute('data-status', 'closed');
    await app.keyboard.press('Space');
    await expect(row).toHaveCount(0);
  });

  test('the interval selector offers 0.5 / 1 / 2 / 5 s and the engine\'s own (250 ms here)', async ({ app }) => {
    const select = app.getByRole('combobox', { name: 'Interval' });
    await expect(select).toHaveValue('250');
    expect(await select.locator('option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual(['250', '500', '1000', '2000', '5000']);
    await select.selectOption('2000');
    await expect(select).toHaveValue('2000');
    await select.selectOption('250'); // the engine is shared by the specs of this file
    await expect(select).toHaveValue('250');
  });

  test('Export CSV and JSON download what the table shows', async ({ app, loopback }) => {
    const clientPort = await loopback.connect();
    await setFilter(app, `port:${loopback.port}`);
    await expect(bodyRows(app)).toHaveCount(3);
    const shownIds = await bodyRows(app).evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')));

    const [csvDl] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export CSV' }).click()]);
    expect(csvDl.suggestedFilename()).toMatch(/^netmon-connections-.+\.csv$/);
    const csv = readFileSync(await csvDl.path(), 'utf8').trim().split(/\r?\n/);
    expect(csv).toHaveLength(1 + 3);
    expect(csv[0].toLowerCase()).toContain('port');
    for (const line of csv.slice(1)) expect(line).toContain(String(loopback.port));
    expect(csv.some((l) => l.includes(String(clientPort)))).toBe(true);

    const [jsonDl] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Export JSON' }).click()]);
    expect(jsonDl.suggestedFilename()).toMatch(/^netmon-connections-.+\.json$/);
    const data = JSON.parse(readFileSync(await jsonDl.path(), 'utf8')) as Array<{ localPort: number; remotePort: number | null; localAddress: string; remoteAddress: string | null }>;
    expect(data).toHaveLength(3);
    for (const c of data) expect([c.localPort, c.remotePort]).toContain(loopback.port);
    const ids = data.map((c) => `tcp4 ${c.localAddress}:${c.localPort} ${c.remoteAddress}:${c.remotePort}`).sort();
    expect(ids).toEqual([...shownIds].sort());
  });
});

test.describe('events and details', () => {
  test('the Events tab shows opened and closed events', async ({ app, loopback }) => {
    await setFilter(app, `lport:${loopback.port}`);
    const clientPort = await loopback.connect();
    await expect(rowById(app, serverSideId(loopback.port, clientPort))).toBeVisible();
    loopback.closeConnections();
    await expect(rowById(app, serverSideId(loopback.port, clientPort))).toHaveAttribute('data-status', 'closed');
    await app.getByRole('tab', { name: /^Events/ }).click();
    const events = app.getByRole('grid', { name: 'Events' });
    await expect(events).toBeVisible();
    const mine = events.locator('[role="row"][data-type]').filter({ hasText: String(clientPort) });
    await expect(mine.and(events.locator('[data-type="opened"]'))).toHaveCount(1);
    await expect(mine.and(events.locator('[data-type="closed"]'))).toHaveCount(1);
  });

  test('selecting a row shows this process in the details pane', async ({ app, loopback }) => {
    await setFilter(app, `lport:${loopback.port}`);
    const clientPort = await loopback.connect();
    const row = rowById(app, serverSideId(loopback.port, clientPort));
    await row.click();
    const details = app.getByRole('region', { name: 'Details' });
    await expect(details).toBeVisible();
    await expect(details).toContainText(String(process.pid));
    // The command line of the process holding the socket: this test runner.
    const argv0 = process.argv[1]?.split('/').pop() ?? 'node';
    await expect(details).toContainText(argv0);
    await expect(details.getByRole('button', { name: 'Close connection' })).toBeVisible();
    await expect(details.getByRole('button', { name: 'End process' })).toBeVisible();
  });
});
