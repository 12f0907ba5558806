// The details pane of a row the filter hides (a first-use review found the pane still showing it,
// its Close / End buttons still acting on a row the table no longer shows): the pane keeps the
// row's details, says it is hidden by the filter and turns its actions off; nothing else reaches
// the hidden row either (Shift+F10, Enter on the table). Clearing the filter brings it all back.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { connections, expect, rowById, serverSideId, setFilter, test, type Loopback } from './fixtures';

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');
const HIDDEN_NOTE = 'Hidden by the filter: this connection is not in the table. Close connection and End process are off until it shows again.';

const details = (page: Page) => page.getByRole('region', { name: 'Details' });
const closeButton = (page: Page) => details(page).getByRole('button', { name: 'Close connection' });
const endButton = (page: Page) => details(page).getByRole('button', { name: 'End process' });

/**
 * Opens a loopback connection, filters the table to its listener's port and opens the details
 * pane of its server side (checked open, Close connection on). Returns the client's port and the row id.
 */
async function openDetailsOfNew(app: Page, loopback: Loopback): Promise<{ clientPort: number; id: string }> {
  const clientPort = await loopback.connect();
  const id = serverSideId(loopback.port, clientPort);
  await setFilter(app, `port:${loopback.port}`);
  await rowById(app, id).click();
  await expect(details(app)).toContainText(`127.0.0.1:${loopback.port} → 127.0.0.1:${clientPort}`);
  await expect(closeButton(app)).toBeEnabled();
  return { clientPort, id };
}

for (const [w, h] of [
  [1024, 700],
  [1920, 1080],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${w}×${h} (${scheme}): a row the filter hides stays in the pane, marked hidden, its actions off; clearing the filter restores them`, async ({ app, loopback }) => {
      await app.setViewportSize({ width: w, height: h });
      await app.emulateMedia({ colorScheme: scheme });
      const { clientPort, id } = await openDetailsOfNew(app, loopback);
      await expect(endButton(app)).toBeEnabled();
      await expect(details(app).getByTestId('details-hidden')).toHaveCount(0);

      // A row menu left open while the filter is typed (Ctrl+F from the menu) goes with its row.
      await rowById(app, id).click({ button: 'right' });
      await expect(app.getByRole('menu')).toBeVisible();
      await app.keyboard.press('Control+f');
      await expect(app.getByRole('textbox', { name: 'Filter' })).toBeFocused();
      // A filter that leaves the listener and excludes the selected connection.
      await setFilter(app, `port:${loopback.port} -port:${clientPort}`);
      await expect(app.getByRole('menu')).toHaveCount(0);
      await expect(rowById(app, id)).toHaveCount(0);
      await expect(connections(app).locator('[role="row"][data-id]')).toHaveCount(1);
      // The pane still says which connection it is, and that the table hides it.
      await expect(details(app)).toContainText(`127.0.0.1:${loopback.port} → 127.0.0.1:${clientPort}`);
      await expect(details(app).getByTestId('details-hidden')).toHaveText(HIDDEN_NOTE);
      await expect(closeButton(app)).toBeDisabled();
      await expect(endButton(app)).toBeDisabled();
      await app.screenshot({ path: path.join(SHOTS, `details-hidden-${w}x${h}-${scheme}.png`) });
      // Neither button acts, even clicked through: no confirmation is asked.
      await closeButton(app).click({ force: true });
      await endButton(app).click({ force: true });
      await expect(app.getByRole('alertdialog')).toHaveCount(0);
      // The keyboard reaches no action on the hidden row either: no row menu, the pane unchanged.
      await connections(app).focus();
      await app.keyboard.press('Shift+F10');
      await expect(app.getByRole('menu')).toHaveCount(0);
      await app.keyboard.press('Enter');
      await expect(details(app).getByTestId('details-hidden')).toHaveText(HIDDEN_NOTE);

      // The filter cleared: the row is back, the pane shows it as before, its actions on again.
      await setFilter(app, `port:${loopback.port}`);
      await expect(rowById(app, id)).toBeVisible();
      await expect(rowById(app, id)).toHaveAttribute('aria-selected', 'true');
      await expect(details(app)).toContainText(`127.0.0.1:${loopback.port} → 127.0.0.1:${clientPort}`);
      await expect(details(app).getByTestId('details-hidden')).toHaveCount(0);
      await expect(closeButton(app)).toBeEnabled();
      await expect(endButton(app)).toBeEnabled();
      // And the confirmation now comes (cancelled: the connection stays).
      await closeButton(app).click();
      await expect(app.getByRole('alertdialog')).toBeVisible();
      await app.getByRole('alertdialog').getByRole('button', { name: 'Cancel' }).click();
      await expect(rowById(app, id)).toHaveAttribute('data-status', /^(|new)$/);
    });
  }
}

test('an Events row menu left open while the filter hides its event closes, and stays closed when the filter is cleared', async ({ app, loopback }) => {
  const clientPort = await loopback.connect();
  await setFilter(app, `port:${loopback.port}`);
  await expect(rowById(app, serverSideId(loopback.port, clientPort))).toBeVisible();
  await app.getByRole('tab', { name: /^Events/ }).click();
  const ev = app.getByRole('grid', { name: 'Events' }).locator('[role="row"][data-type="opened"]').filter({ hasText: `127.0.0.1:${clientPort}` }).first();
  await ev.click({ button: 'right' });
  await expect(app.getByRole('menu')).toBeVisible();
  await app.keyboard.press('Control+f');
  await setFilter(app, `port:${loopback.port} -port:${clientPort}`);
  await expect(ev).toHaveCount(0);
  await expect(app.getByRole('menu')).toHaveCount(0);
  await setFilter(app, `port:${loopback.port}`);
  await expect(ev).toBeVisible();
  await expect(app.getByRole('menu')).toHaveCount(0);
});

test('a connection that closed and left the table stays in the pane as closed, its actions off (they acted on a tuple another socket may now hold)', async ({ app, loopback }) => {
  test.setTimeout(45_000);
  const { clientPort, id } = await openDetailsOfNew(app, loopback);
  loopback.closeConnections();
  await expect(details(app)).toContainText('closed');
  await expect(closeButton(app)).toBeDisabled();
  // It lingers, then leaves the table (DEFAULT_LINGER_MS, 5 s).
  await expect(rowById(app, id)).toHaveCount(0, { timeout: 15_000 });
  await expect(details(app)).toContainText(`127.0.0.1:${loopback.port} → 127.0.0.1:${clientPort}`);
  await expect(details(app)).toContainText('closed');
  await expect(closeButton(app)).toBeDisabled();
  await closeButton(app).click({ force: true });
  await expect(app.getByRole('alertdialog')).toHaveCount(0);
});

test('Events row menu: Close / End off for an event whose connection the filter hides, or which has left the table, as in the pane', async ({ app, loopback }) => {
  const clientPort = await loopback.connect();
  const clientId = `tcp4 127.0.0.1:${clientPort} 127.0.0.1:${loopback.port}`;
  // The filter reads an event's own values and the table the present ones. After the client's FIN
  // the server side closes (and leaves the table) and the client side lingers in TIME-WAIT, which
  // "state:estab" hides, while both "opened" events were ESTABLISHED and still show.
  await setFilter(app, `port:${loopback.port} state:estab`);
  await expect(rowById(app, clientId)).toBeVisible();
  loopback.clients[0].end();
  await expect(rowById(app, clientId)).toHaveCount(0);
  await app.getByRole('tab', { name: /^Events/ }).click();
  const opened = (local: number) =>
    app
      .getByRole('grid', { name: 'Events' })
      .locator('[role="row"][data-type="opened"]')
      .filter({ has: app.locator('[role="gridcell"]:nth-child(6)', { hasText: new RegExp(`^127\\.0\\.0\\.1:${local}$`) }) });
  for (const [what, local] of [
    ['client side, hidden by the filter', clientPort],
    ['server side, closed and gone', loopback.port],
  ] as const) {
    const ev = opened(local);
    await expect(ev, what).toHaveCount(1);
    await ev.click({ button: 'right' });
    const menu = app.getByRole('menu');
    await expect(menu, what).toBeVisible();
    await expect(menu.getByRole('menuitem', { name: 'Close connection' }), what).toBeDisabled();
    await expect(menu.getByRole('menuitem', { name: 'End process' }), what).toBeDisabled();
    await app.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
  }
  // The client side's pane says why, with its actions off too.
  await opened(clientPort).click({ button: 'right' });
  await app.getByRole('menu').getByRole('menuitem', { name: 'Details' }).click();
  await expect(details(app).getByTestId('details-hidden')).toHaveText(HIDDEN_NOTE);
  await expect(closeButton(app)).toBeDisabled();
  await expect(endButton(app)).toBeDisabled();
});
