// One truth for every viewer: the engine (netmon serve, started before any page) owns first-seen
// times, the recent events and the poll state; a tab that connects late, or a second tab, sees
// the same. The server polls every 250 ms (`--interval 250`, see fixtures.ts).
import type { Page } from '@playwright/test';
import { connections, expect, rowById, serverSideId, setFilter, test } from './fixtures';

/** A second viewer, ready once its first snapshot is in (slow on a loaded machine). */
async function openViewer(page: Page, url: string): Promise<Page> {
  await page.goto(url);
  await expect(connections(page)).toBeVisible();
  await expect.poll(async () => Number((await page.getByTestId('count-total').textContent())?.replace(/,/g, '') ?? 0), { timeout: 45_000 }).toBeGreaterThan(0);
  return page;
}

const firstSeenTitle = (page: Page, id: string) => rowById(page, id).locator('[title*="netmon"], [title]').evaluateAll((els) => els.map((e) => e.getAttribute('title')).join(' | '));

test.describe.configure({ timeout: 180_000 }); // two viewers of a busy machine's table

test.describe('history owned by the engine', () => {
  test('a page loaded after a connection opened shows its real first-seen time, the same an early viewer shows', async ({ app, netmon, loopback, context }) => {
    const clientPort = await loopback.connect();
    const id = serverSideId(loopback.port, clientPort);
    await setFilter(app, `lport:${loopback.port}`);
    await expect(rowById(app, id)).toBeVisible();
    const early = await firstSeenTitle(app, id);
    // Several polls later, a new viewer arrives.
    await app.waitForTimeout(1500);
    const late = await openViewer(await context.newPage(), netmon.url);
    await setFilter(late, `lport:${loopback.port}`);
    await expect(rowById(late, id)).toBeVisible();
    expect(await firstSeenTitle(late, id)).toBe(early);
    await rowById(late, id).click();
    const details = late.getByRole('region', { name: 'Details' });
    await expect(details).toContainText('First seen');
    await expect(details).not.toContainText('open before netmon started');
    await late.close();
  });
});

test.describe('poll state owned by the engine', () => {
  test('Pause polling in one tab shows in the other at once; neither updates until Resume', async ({ app, netmon, loopback, context }) => {
    const other = await openViewer(await context.newPage(), netmon.url);
    await setFilter(app, `lport:${loopback.port}`);
    await setFilter(other, `lport:${loopback.port}`);
    await app.getByRole('button', { name: 'Pause polling' }).click();
    // Pushed, not waiting for a poll (a paused engine has none).
    await expect(other.getByRole('button', { name: 'Resume polling' })).toBeVisible();
    await expect(other.getByTestId('poll-paused')).toBeVisible();
    const clientPort = await loopback.connect();
    const id = serverSideId(loopback.port, clientPort);
    await app.waitForTimeout(1500); // six poll intervals
    await expect(rowById(app, id)).toHaveCount(0);
    await expect(rowById(other, id)).toHaveCount(0);
    await other.getByRole('button', { name: 'Resume polling' }).click();
    await expect(rowById(app, id)).toBeVisible();
    await expect(rowById(other, id)).toBeVisible();
    await expect(app.getByRole('button', { name: 'Pause polling' })).toBeVisible();
    await other.close();
  });

  test('Freeze view (Space) freezes this tab only: the other keeps updating; unfreeze applies what waited', async ({ app, netmon, loopback, context }) => {
    const other = await openViewer(await context.newPage(), netmon.url);
    await setFilter(app, `lport:${loopback.port}`);
    await setFilter(other, `lport:${loopback.port}`);
    await connections(app).click({ position: { x: 5, y: 5 } });
    await app.keyboard.press('Space');
    await expect(app.getByRole('button', { name: 'Unfreeze view' })).toBeVisible();
    await expect(app.getByTestId('frozen')).toBeVisible();
    const clientPort = await loopback.connect();
    const id = serverSideId(loopback.port, clientPort);
    await expect(rowById(other, id)).toBeVisible();
    await expect(rowById(app, id)).toHaveCount(0);
    await expect(other.getByRole('button', { name: 'Pause polling' })).toBeVisible(); // the engine still polls
    await app.keyboard.press('Space');
    await expect(rowById(app, id)).toBeVisible();
    await other.close();
  });

  test('the server\'s --interval wins over a page\'s saved setting; a change shows in every tab at once', async ({ app, netmon, context }) => {
    // A page that once saved 1 s (the old settings format) must not push it.
    await app.evaluate(() => localStorage.setItem('netmon.settings.v1', JSON.stringify({ intervalMs: 1000 })));
    await app.reload();
    await expect(app.getByRole('combobox', { name: 'Interval' })).toHaveValue('250', { timeout: 45_000 });
    await expect(app.getByTestId('statusbar')).toContainText('every 250 ms');
    const other = await openViewer(await context.newPage(), netmon.url);
    await expect(other.getByRole('combobox', { name: 'Interval' })).toHaveValue('250');
    await app.getByRole('combobox', { name: 'Interval' }).selectOption('2000');
    await expect(other.getByRole('combobox', { name: 'Interval' })).toHaveValue('2000');
    await expect(other.getByTestId('statusbar')).toContainText('every 2 s');
    // Leave the shared engine as the other specs expect it.
    await other.getByRole('combobox', { name: 'Interval' }).selectOption('250');
    await expect(app.getByRole('combobox', { name: 'Interval' })).toHaveValue('250');
    await other.close();
  });
});

test.describe('views that cannot be mistaken', () => {
  test('the details pane follows the keyboard cursor; Shift+F10 opens the menu; Escape closes menu, then pane', async ({ app, loopback }) => {
    const a = await loopback.connect();
    const b = await loopback.connect();
    await setFilter(app, `lport:${loopback.port} state:estab`);
    const rowA = rowById(app, serverSideId(loopback.port, a));
    const rowB = rowById(app, serverSideId(loopback.port, b));
    await expect(rowA).toBeVisible();
    await expect(rowB).toBeVisible();
    // Same process, PID and local port: the natural keys order them by remote port.
    const ids = await connections(app).locator('[role="row"][data-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
    expect(ids).toEqual([serverSideId(loopback.port, Math.min(a, b)), serverSideId(loopback.port, Math.max(a, b))]);
    const first = Math.min(a, b);
    const second = Math.max(a, b);
    await rowById(app, serverSideId(loopback.port, first)).click();
    const details = app.getByRole('region', { name: 'Details' });
    await expect(details).toContainText(`:${first}`);
    await app.keyboard.press('ArrowDown');
    await expect(details).toContainText(`:${second}`);
    await expect(details).not.toContainText(`:${first}`);
    await app.keyboard.press('Shift+F10');
    const menu = app.getByRole('menu');
    await expect(menu).toBeVisible();
    await app.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
    await expect(details).toBeVisible();
    // The keyboard is back on the table: the arrows move the cursor again.
    await expect(connections(app)).toBeFocused();
    await app.keyboard.press('ArrowUp');
    await expect(details).toContainText(`:${first}`);
    // The same after a right-click menu closed with Escape.
    await rowById(app, serverSideId(loopback.port, second)).click({ button: 'right' });
    await expect(menu).toBeVisible();
    await app.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
    await expect(connections(app)).toBeFocused();
    await app.keyboard.press('Escape');
    await expect(details).toHaveCount(0);
  });

  test('event rows open the details pane and the context menu', async ({ app, loopback }) => {
    const port = await loopback.connect();
    await setFilter(app, `lport:${loopback.port}`);
    await expect(rowById(app, serverSideId(loopback.port, port))).toBeVisible();
    await app.getByRole('tab', { name: /Events/ }).click();
    const ev = app.getByRole('grid', { name: 'Events' }).locator('[role="row"][data-type="opened"]').filter({ hasText: `:${port}` }).first();
    await ev.click({ button: 'right' });
    await expect(app.getByRole('menu')).toBeVisible();
    await app.getByRole('menuitem', { name: 'Details' }).click();
    await expect(app.getByRole('region', { name: 'Details' })).toContainText(`:${port}`);
  });
});

test.describe('settings that do not surprise', () => {
  test('a filter saved in an earlier session shows as a chip with the hidden count; Clear shows the rows', async ({ app }) => {
    await app.evaluate(() => localStorage.setItem('netmon.settings.v1', JSON.stringify({ filter: 'proc:no-such-process-here' })));
    await app.reload();
    const chip = app.getByTestId('filter-chip');
    await expect(chip).toBeVisible({ timeout: 45_000 });
    await expect(chip).toHaveText(/^filter active — [1-9][\d,]* hidden/);
    await expect(connections(app).locator('[role="row"][data-id]')).toHaveCount(0);
    await chip.getByRole('button', { name: 'Clear' }).click();
    await expect(chip).toHaveCount(0);
    await expect(connections(app).locator('[role="row"][data-id]').first()).toBeVisible();
    await expect(app.getByRole('textbox', { name: 'Filter' })).toHaveValue('');
  });
});
