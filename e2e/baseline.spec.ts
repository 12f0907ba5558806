// Baseline in the app against the real engine: mark it, then only what departs from it shows
// (a new listener and connections to it), save it as a JSON file and open it again.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { Loopback, bodyRows, expect, listenId, rowById, serverSideId, setFilter, test } from './fixtures';

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');

test('mark a baseline; only what is new shows; save and reopen it', async ({ app, loopback }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  // Only the spec's own ports in view: on a busy machine thousands of rows come first and the table
  // renders (virtualized) only what is on screen. Marking takes the whole table either way.
  await setFilter(app, `port:${loopback.port}`);
  const clientPort = await loopback.connect();
  await expect(rowById(app, listenId(loopback.port))).toBeVisible();
  // The listener can show a poll before its connection does: mark once both ends are in the table,
  // or the connection's own events are (rightly) flagged as new.
  await expect(rowById(app, serverSideId(loopback.port, clientPort))).toBeVisible();
  await expect(rowById(app, serverSideId(clientPort, loopback.port))).toBeVisible();
  await app.getByRole('button', { name: 'Mark baseline' }).click();
  await expect(app.getByTestId('baseline-label')).toContainText('marked');

  const fresh = new Loopback();
  await fresh.listen();
  try {
    await setFilter(app, `port:${loopback.port},${fresh.port}`);
    await fresh.connect();
    // Flagged as soon as the baseline is marked, with the toggle still off: the new listener is,
    // the listener in the baseline is not; the same in the Events view.
    const badge = app.getByRole('img', { name: 'not in baseline' });
    await expect(rowById(app, listenId(fresh.port)).getByRole('img', { name: 'not in baseline' })).toBeVisible();
    await expect(rowById(app, listenId(loopback.port))).toBeVisible();
    await expect(rowById(app, listenId(loopback.port)).getByRole('img', { name: 'not in baseline' })).toHaveCount(0);
    await app.getByRole('tab', { name: /^Events/ }).click();
    // The same filter holds there: the old listener's events stay within the rendered rows.
    const evGrid = app.getByRole('grid', { name: 'Events' });
    const freshOpened = evGrid.locator('[data-type="opened"]').filter({ hasText: `127.0.0.1:${fresh.port}` }).filter({ hasText: 'LISTEN' });
    await expect(freshOpened.getByRole('img', { name: 'not in baseline' })).toBeVisible();
    const oldEvents = evGrid.locator('[data-type="opened"]').filter({ hasText: `:${loopback.port}` });
    await expect(oldEvents.first()).toBeVisible();
    await expect(oldEvents.filter({ has: badge })).toHaveCount(0);
    await app.screenshot({ path: path.join(SHOTS, 'baseline-flags-events-1024x700-light.png') });
    await app.getByRole('tab', { name: /^Connections/ }).click();
    await app.screenshot({ path: path.join(SHOTS, 'baseline-flags-1024x700-light.png') });
    await app.getByLabel('Only not in baseline').check();
    // The new listener departs; the one in the baseline does not.
    await expect(rowById(app, listenId(fresh.port))).toBeVisible();
    await expect(rowById(app, listenId(loopback.port))).toHaveCount(0);
    // Every row shown departs: the new listener and its connection's two ends, none of the old listener's.
    await expect(bodyRows(app)).toHaveCount(3);
    await app.screenshot({ path: path.join(SHOTS, 'baseline-1024x700-light.png') });
    // The Events view shows only departures too: the new listener's opened event is there.
    await app.getByRole('tab', { name: /^Events/ }).click();
    await expect(app.getByRole('grid', { name: 'Events' })).toContainText(String(fresh.port));
    await expect(app.getByRole('grid', { name: 'Events' })).not.toContainText(`:${loopback.port} `);
    await app.getByRole('tab', { name: /^Connections/ }).click();

    const [download] = await Promise.all([app.waitForEvent('download'), app.getByRole('button', { name: 'Save baseline' }).click()]);
    const file = path.join(os.tmpdir(), `netmon-e2e-baseline-${process.pid}.json`);
    await download.saveAs(file);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { format: string; host: string | null; listeners: { port: number }[] };
    expect(saved.format).toBe('netmon-baseline');
    // The machine it was taken on, as `netmon baseline save` writes it (the app wrote null).
    expect(saved.host).toBe(os.hostname());
    expect(saved.listeners.some((l) => l.port === loopback.port)).toBe(true);
    expect(saved.listeners.some((l) => l.port === fresh.port)).toBe(false);

    await app.getByLabel('Baseline file').setInputFiles(file);
    await expect(app.getByTestId('baseline-label')).toContainText(path.basename(file));
    await expect(rowById(app, listenId(fresh.port))).toBeVisible();

    const bad = path.join(os.tmpdir(), `netmon-e2e-not-a-baseline-${process.pid}.json`);
    writeFileSync(bad, '{"format":"something else"}');
    await app.getByLabel('Baseline file').setInputFiles(bad);
    await expect(app.getByRole('status').filter({ hasText: 'Could not open' }).or(app.getByText(/Could not open netmon-e2e-not-a-baseline/))).toBeVisible();
    // The baseline in use is still the good one.
    await expect(app.getByTestId('baseline-label')).toContainText(path.basename(file));
  } finally {
    await fresh.close();
  }
});
