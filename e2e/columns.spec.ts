// Columns the admin arranges: resize by dragging a header edge (or arrow keys on it), hide / show
// and move left / right from the header's context menu; the arrangement survives a reload.
import type { Page } from '@playwright/test';
import { connections, expect, header, headerNames, test } from './fixtures';

const headerWidth = async (page: Page, name: string) => (await header(page, name).boundingBox())?.width ?? 0;
const columnMenu = (page: Page) => page.getByRole('menu', { name: 'Columns' });

test('a column is resized by dragging its header edge and by keyboard, and keeps its width after a reload', async ({ app }) => {
  const before = await headerWidth(app, 'PID');
  const edge = app.getByRole('separator', { name: 'Resize PID' });
  const box = await edge.boundingBox();
  if (!box) throw new Error('no resize handle on PID');
  await app.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await app.mouse.down();
  await app.mouse.move(box.x + box.width / 2 + 60, box.y + box.height / 2, { steps: 5 });
  await app.mouse.up();
  await expect.poll(() => headerWidth(app, 'PID')).toBeCloseTo(before + 60, -1);
  // Body cells follow the header.
  const cell = connections(app).locator('[role="row"][data-id] .col-pid').first();
  expect(Math.abs(((await cell.boundingBox())?.width ?? 0) - (await headerWidth(app, 'PID')))).toBeLessThan(2);
  // Keyboard: focus the edge, ArrowLeft narrows by 10 px.
  const dragged = await headerWidth(app, 'PID');
  await edge.focus();
  await app.keyboard.press('ArrowLeft');
  await expect.poll(() => headerWidth(app, 'PID')).toBeCloseTo(dragged - 10, 0);
  // Sorting is not triggered by a resize.
  await expect(header(app, 'PID')).not.toHaveAttribute('aria-sort', /.+/);
  await app.reload();
  await expect(connections(app)).toBeVisible();
  await expect.poll(() => headerWidth(app, 'PID')).toBeCloseTo(dragged - 10, 0);
});

test('a column is hidden and shown again from the header menu, and stays hidden after a reload', async ({ app }) => {
  expect(await headerNames(app)).toContain('PID');
  await header(app, 'Process').click({ button: 'right' });
  await columnMenu(app).getByRole('menuitem', { name: 'Hide PID' }).click();
  await expect(columnMenu(app)).toHaveCount(0);
  await expect.poll(() => headerNames(app)).not.toContain('PID');
  await expect(connections(app).locator('[role="row"][data-id] .col-pid')).toHaveCount(0);
  await app.reload();
  await expect(connections(app)).toBeVisible();
  await expect.poll(() => headerNames(app)).not.toContain('PID');
  // Keyboard: Shift+F10 on a header edge opens the same menu.
  await app.getByRole('separator', { name: 'Resize Process' }).focus();
  await app.keyboard.press('Shift+F10');
  await expect(columnMenu(app)).toBeVisible();
  await columnMenu(app).getByRole('menuitem', { name: 'Show PID' }).click();
  await expect.poll(() => headerNames(app)).toContain('PID');
});

test('a column is moved left and right from the header menu, the cells follow, and the order survives a reload; Reset columns restores the defaults', async ({ app }) => {
  const initial = await headerNames(app);
  const at = initial.indexOf('State');
  expect(at).toBeGreaterThan(1);
  await header(app, 'State').click({ button: 'right' });
  await columnMenu(app).getByRole('menuitem', { name: 'Move State left' }).click();
  const moved = [...initial];
  moved.splice(at, 1);
  moved.splice(at - 1, 0, 'State');
  await expect.poll(() => headerNames(app)).toEqual(moved);
  // Cells are drawn in the header's order.
  const cells = connections(app).locator('[role="row"][data-id]').first().getByRole('gridcell');
  await expect(cells.nth(at - 1)).toHaveClass(/col-state/);
  await app.reload();
  await expect(connections(app)).toBeVisible();
  await expect.poll(() => headerNames(app)).toEqual(moved);
  await header(app, 'State').click({ button: 'right' });
  await columnMenu(app).getByRole('menuitem', { name: 'Move State right' }).click();
  await expect.poll(() => headerNames(app)).toEqual(initial);
  await header(app, 'Process').click({ button: 'right' });
  await columnMenu(app).getByRole('menuitem', { name: 'Hide Proto' }).click();
  await header(app, 'Process').click({ button: 'right' });
  await columnMenu(app).getByRole('menuitem', { name: 'Reset columns' }).click();
  await expect.poll(() => headerNames(app)).toEqual(initial);
});

test('broken saved column state falls back to the default columns', async ({ app }) => {
  const initial = await headerNames(app);
  await app.evaluate(() => localStorage.setItem('netmon.settings.v1', JSON.stringify({ columns: { order: 'x', hidden: [42, 'nope'], widths: { pid: 'wide' } } })));
  await app.reload();
  await expect(connections(app)).toBeVisible();
  await expect.poll(() => headerNames(app)).toEqual(initial);
});
