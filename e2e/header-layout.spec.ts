// Issue 9 §3 leftovers, in Chromium against the real engine: column headers reorder by drag and
// drop and by keyboard (Alt+Left / Alt+Right), kept like the menu's order; columns that give way
// for width are announced and listed; the tabs row stays one line at 1024×700. Screenshots at
// 1024×700 and 1920×1080, light and dark, go to docs/screenshots/.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { connections, expect, header, headerNames, headers, rowById, serverSideId, setFilter, test } from './fixtures';

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');
const focusedKey = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-key') ?? null);

/**
 * Presses on header `name` and moves the mouse (held) to `dx` px into header `onto`'s box (negative:
 * from its right edge); returns that header's box. The caller lets go with page.mouse.up().
 */
async function dragHeader(page: Page, name: string, onto: string, dx: number) {
  const from = await header(page, name).boundingBox();
  const to = await header(page, onto).boundingBox();
  if (!from || !to) throw new Error(`no ${name} / ${onto} header`);
  await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
  await page.mouse.down();
  await page.mouse.move(dx >= 0 ? to.x + dx : to.x + to.width + dx, to.y + to.height / 2, { steps: 8 });
  return to;
}

test('a header dragged onto another place moves its column there (a drag never sorts); the order survives a reload', async ({ app }) => {
  const initial = await headerNames(app);
  // Press on State, drag it left of PID's middle, and look at the drop marker before letting go.
  const pid = await dragHeader(app, 'State', 'PID', 5);
  const marker = app.locator('.col-drop-marker');
  await expect(marker).toBeVisible();
  expect(Math.abs(((await marker.boundingBox())?.x ?? 0) - pid.x)).toBeLessThan(3);
  await app.mouse.up();
  const moved = initial.filter((n) => n !== 'State');
  moved.splice(moved.indexOf('PID'), 0, 'State');
  await expect.poll(() => headerNames(app)).toEqual(moved);
  await expect(marker).toHaveCount(0);
  // Not sorted by State: the drag's closing click is not a sort.
  await expect(header(app, 'State')).not.toHaveAttribute('aria-sort', /.+/);
  // The cells follow the header.
  const cells = connections(app).locator('[role="row"][data-id]').first().getByRole('gridcell');
  await expect(cells.nth(moved.indexOf('State'))).toHaveClass(/col-state/);
  // A short press without travel is still a click: it sorts.
  await header(app, 'Remote Port').click();
  await expect(header(app, 'Remote Port')).toHaveAttribute('aria-sort', 'ascending');
  await expect.poll(() => headerNames(app)).toEqual(moved);
  await app.reload();
  await expect(connections(app)).toBeVisible();
  await expect.poll(() => headerNames(app)).toEqual(moved);
  // Back to the end by dragging past the last header.
  await dragHeader(app, 'State', moved.filter((n) => n !== 'State').slice(-1)[0], -2);
  await app.mouse.up();
  await expect.poll(async () => (await headerNames(app)).slice(-1)[0]).toBe('State');
});

test('Alt+Left / Alt+Right move the focused header, which keeps the focus; the order is the menu\'s and survives a reload', async ({ app }) => {
  const initial = await headerNames(app);
  const at = initial.indexOf('PID');
  await header(app, 'PID').focus();
  await app.keyboard.press('Alt+ArrowRight');
  const right = [...initial];
  right.splice(at, 2, initial[at + 1], 'PID');
  await expect.poll(() => headerNames(app)).toEqual(right);
  expect(await focusedKey(app)).toBe('pid');
  await app.keyboard.press('Alt+ArrowRight');
  await app.keyboard.press('Alt+ArrowLeft');
  await expect.poll(() => headerNames(app)).toEqual(right);
  expect(await focusedKey(app)).toBe('pid');
  // Said for screen readers.
  await expect(connections(app).getByRole('status')).toHaveText(`PID moved to position ${at + 2} of ${initial.length}`);
  // Enter on a focused header sorts by it (the keyboard way to click).
  await app.keyboard.press('Enter');
  await expect(header(app, 'PID')).toHaveAttribute('aria-sort', 'ascending');
  // The first header does not move further left.
  await header(app, initial[0]).focus();
  await app.keyboard.press('Alt+ArrowLeft');
  await expect.poll(() => headerNames(app)).toEqual(right);
  await app.reload();
  await expect(connections(app)).toBeVisible();
  await expect.poll(() => headerNames(app)).toEqual(right);
  // The menu's Move left undoes it: one order, whichever way it was changed.
  await header(app, 'PID').click({ button: 'right' });
  await app.getByRole('menu', { name: 'Columns' }).getByRole('menuitem', { name: 'Move PID left' }).click();
  await expect.poll(() => headerNames(app)).toEqual(initial);
});

for (const [w, h] of [
  [1024, 700],
  [1920, 1080],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${w}×${h} (${scheme}): columns given way for width are announced and listed; the tabs row is one line`, async ({ app, loopback }) => {
      await app.setViewportSize({ width: w, height: h });
      await app.emulateMedia({ colorScheme: scheme });
      // Busy tabs row: a filter chip, a baseline with its label, traffic columns (more to fit).
      const clientPort = await loopback.connect();
      await setFilter(app, `port:${loopback.port}`);
      const row = rowById(app, serverSideId(loopback.port, clientPort));
      await expect(row).toBeVisible();
      await app.getByRole('button', { name: 'Mark baseline' }).click();
      await expect(app.getByTestId('baseline-label')).toBeVisible();
      await app.getByLabel('Traffic columns').check();
      if (w > 1024) await app.getByLabel('Resolve names').check(); // the Host column: more than 1920 px holds beside the pane
      await expect(app.getByTestId('filter-chip')).toBeVisible();

      const tabsRow = app.locator('.tabs');
      // The row's items: the tabs (inside their tablist) and the notes and controls beside them.
      const kids = await tabsRow.evaluate((el) =>
        [...el.children]
          .flatMap((c) => (c.getAttribute('role') === 'tablist' ? [...c.children] : [c]))
          .filter((c) => (c as HTMLElement).offsetParent !== null)
          .map((c) => c.getBoundingClientRect())
          .map((r) => ({ top: r.top, bottom: r.bottom, right: r.right })),
      );
      expect(kids.length).toBeGreaterThanOrEqual(6);
      const tabsBox = await tabsRow.boundingBox();
      // One line: every item ends above the row's bottom edge and the row is one control high.
      expect(tabsBox?.height ?? 999).toBeLessThanOrEqual(44);
      for (const k of kids) expect(k.bottom).toBeLessThanOrEqual((tabsBox?.y ?? 0) + (tabsBox?.height ?? 0) + 1);
      expect(Math.max(...kids.map((k) => k.right))).toBeLessThanOrEqual(w);

      // Opening the details pane narrows the table: more columns give way, said in the header
      // with the list of which (at 1024 px the times, PID and ports already do without it).
      const given = app.getByRole('button', { name: /hidden for width/ });
      const before = await headerNames(app);
      const beforeGiven = (await given.count()) > 0 ? await given.getAttribute('aria-label') : null;
      await row.click();
      await expect(app.getByRole('region', { name: 'Details' })).toBeVisible();
      await expect(given).toBeVisible();
      const shown = await headerNames(app);
      const missing = before.filter((n) => !shown.includes(n));
      expect(missing.length).toBeGreaterThan(0);
      const total = Number(/^(\d+)/.exec((await given.getAttribute('aria-label')) ?? '')?.[1]);
      expect(total).toBe(missing.length + Number(/^(\d+)/.exec(beforeGiven ?? '0')?.[1] ?? 0));
      await expect(given).toHaveText(`+${total}`);
      const title = (await given.getAttribute('title')) ?? '';
      for (const name of missing) expect(title).toContain(name);
      // The button is in the table's visible part, left of the details pane, over no header.
      const gb = await given.boundingBox();
      const pane = await app.getByRole('region', { name: 'Details' }).boundingBox();
      expect((gb?.x ?? 0) + (gb?.width ?? 0)).toBeLessThanOrEqual((pane?.x ?? 0) + 1);
      const lastHeader = await headers(app).last().boundingBox();
      expect(gb?.x ?? 0).toBeGreaterThanOrEqual((lastHeader?.x ?? 0) + (lastHeader?.width ?? 0) - 1);
      await given.click();
      const list = app.getByRole('list', { name: 'Columns hidden for width' });
      await expect(list).toBeVisible();
      for (const name of missing) await expect(list).toContainText(name);
      await app.screenshot({ path: path.join(SHOTS, `columns-given-way-${w}x${h}-${scheme}.png`) });
      // Escape closes the list, then the details pane; the columns come back.
      await given.press('Escape');
      await expect(list).toHaveCount(0);
      await app.keyboard.press('Escape');
      await expect(app.getByRole('region', { name: 'Details' })).toHaveCount(0);
      await expect.poll(() => headerNames(app)).toEqual(before);
      await app.screenshot({ path: path.join(SHOTS, `tabs-row-${w}x${h}-${scheme}.png`) });
      // A header on its way: State dragged onto Remote Address's left half, the marker where it will
      // land (Proto gives way at 1024 px to the traffic columns turned on above).
      await dragHeader(app, 'State', 'Remote Address', 8);
      await expect(app.locator('.col-drop-marker')).toBeVisible();
      await app.screenshot({ path: path.join(SHOTS, `columns-drag-${w}x${h}-${scheme}.png`) });
      await app.mouse.up();
      await expect.poll(async () => {
        const names = await headerNames(app);
        return names[names.indexOf('Remote Address') - 1];
      }).toBe('State');
    });
  }
}
