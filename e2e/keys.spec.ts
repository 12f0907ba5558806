// Keyboard reach in Chromium: F6 / Shift+F6 between the regions (grid ⇄ details pane), Tab from the
// grid to the pane without walking the header row, and the timeline chart's keys setting the same
// span a mouse drag over the same samples sets. Screenshots of the focus on the pane after F6 and on
// the chart's cursor, at both sizes in both schemes (NETMON_SHOTS_DIR, else the test's output folder).
import path from 'node:path';
import { mkdirSync } from 'node:fs';
import type { Page } from '@playwright/test';
import { connections, expect, LAYOUTS, test } from './fixtures';

// The demo source: rows and events to show; one poll a second, so samples lie far apart on the chart.
test.use({ netmonArgs: ['--interval', '1000', '--source', 'demo', '--demo-connections', '200'] });

const details = (page: Page) => page.getByRole('region', { name: 'Details' });
const chart = (page: Page) => page.getByRole('slider', { name: /Timeline cursor/ });
const range = (page: Page) => page.locator('.timeline-range');
/** What document.activeElement is, as role and name. */
const focused = (page: Page) => page.evaluate(() => `${document.activeElement?.getAttribute('role')}:${document.activeElement?.getAttribute('aria-label')}`);

function shot(name: string): string {
  const dir = process.env.NETMON_SHOTS_DIR ?? test.info().outputDir;
  mkdirSync(dir, { recursive: true });
  return path.join(dir, name);
}

/** Selects the first grid row by a click (the details pane opens, the grid has the focus). */
async function selectRow(page: Page) {
  await connections(page).locator('[role="row"][data-id]').first().click();
  await expect(details(page)).toBeVisible();
  expect(await focused(page)).toBe('grid:Connections');
}

test('from a selected grid row, F6 puts the focus in the details pane and Shift+F6 returns; Tab reaches the pane in two presses', async ({ app }) => {
  // The chart is drawn from the second poll on (a second apart here); until then the timeline's
  // region is entered at its toggle.
  await expect(chart(app)).toBeVisible({ timeout: 15_000 });
  await selectRow(app);
  await app.keyboard.press('F6');
  expect(await focused(app)).toBe('region:Details');
  await app.keyboard.press('Shift+F6');
  expect(await focused(app)).toBe('grid:Connections');
  // F6 goes on around: filter box, timeline, grid.
  await app.keyboard.press('F6');
  await app.keyboard.press('F6');
  expect(await focused(app)).toBe('null:Filter');
  await app.keyboard.press('F6');
  expect(await focused(app)).toMatch(/^slider:Timeline cursor/);
  await app.keyboard.press('F6');
  expect(await focused(app)).toBe('grid:Connections');

  // Tab: the header row is one stop, then the pane's first button (it took 14 presses).
  let presses = 0;
  while (presses < 14 && !(await app.evaluate(() => !!document.activeElement?.closest('.details')))) {
    await app.keyboard.press('Tab');
    presses++;
  }
  expect(presses).toBe(2);
  expect(await focused(app)).toBe('null:Close details');
});

test('Tab from the filter box to the grid stops once in the top bar and once in the quick filters; ← → move along them', async ({ app }) => {
  await app.getByRole('textbox', { name: 'Filter' }).focus();
  const path: string[] = [];
  while (path.length < 40 && (await focused(app)) !== 'grid:Connections') {
    await app.keyboard.press('Tab');
    path.push(await app.evaluate(() => document.activeElement?.closest('[role="toolbar"]')?.getAttribute('aria-label') ?? document.activeElement?.getAttribute('aria-label') ?? ''));
  }
  expect(path.filter((p) => p === 'Quick filters')).toHaveLength(1);
  expect(path.filter((p) => p === 'View, export and recording')).toHaveLength(1);
  expect(path.at(-1)).toBe('Connections');
  test.info().annotations.push({ type: 'tab stops from the filter box to the grid', description: String(path.length) });
  const ipv4 = app.getByRole('checkbox', { name: 'IPv4' });
  await ipv4.focus();
  await app.keyboard.press('ArrowRight');
  await expect(app.getByRole('checkbox', { name: 'IPv6' })).toBeFocused();
  await app.keyboard.press('Shift+Tab');
  await expect(app.getByRole('checkbox', { name: 'IPv6' })).not.toBeFocused();
  await app.keyboard.press('Tab');
  // Back into the toolbar: the control focused last.
  await expect(app.getByRole('checkbox', { name: 'IPv6' })).toBeFocused();
});

test('the timeline keys set the same span a drag over the same samples sets', async ({ app }) => {
  await expect.poll(async () => Number(await chart(app).getAttribute('aria-valuemax')), { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
  // Still samples: no poll moves them while the two are compared.
  await app.getByRole('button', { name: 'Pause polling' }).click();
  await expect(app.getByRole('button', { name: 'Resume polling' })).toBeVisible();
  await app.waitForTimeout(1500);
  const over = chart(app).locator('.u-over');
  const box = (await over.boundingBox())!;
  /** Where the chart's cursor line is, px from the plot's left. */
  const cursorX = () => chart(app).locator('.u-cursor-x').evaluate((el) => el.getBoundingClientRect().left - el.parentElement!.getBoundingClientRect().left);

  await chart(app).focus();
  await app.keyboard.press('Home');
  await app.keyboard.press('ArrowRight');
  const x1 = await cursorX();
  await app.keyboard.press('Shift+ArrowRight');
  await app.keyboard.press('Shift+ArrowRight');
  const x3 = await cursorX();
  expect(x3 - x1).toBeGreaterThan(20); // two samples apart, far enough to drag between
  expect(await chart(app).getAttribute('aria-valuetext')).toMatch(/Span of 3 samples, .*Enter shows its events$/);
  await app.keyboard.press('Enter');
  await expect(range(app)).toBeVisible();
  const byKeys = (await range(app).textContent())!.replace('✕', '').trim();
  await expect(app.getByRole('tab', { name: /^Events/ })).toHaveAttribute('aria-selected', 'true');
  await expect(app.getByRole('status').filter({ hasText: `${byKeys}: shown` })).toHaveCount(1);
  const eventsByKeys = await app.getByTestId('count-shown').textContent();
  expect(await focused(app)).toMatch(/^slider:/);

  // Escape: the first collapses the span being chosen, the next clears the applied one.
  await app.keyboard.press('Escape');
  await expect(range(app)).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(range(app)).toHaveCount(0);

  const y = box.y + box.height / 2;
  await app.mouse.move(box.x + x1 + 1, y);
  await app.mouse.down();
  await app.mouse.move(box.x + x3 + 1, y, { steps: 6 });
  await app.mouse.up();
  await expect(range(app)).toBeVisible();
  expect((await range(app).textContent())!.replace('✕', '').trim()).toBe(byKeys);
  expect(await app.getByTestId('count-shown').textContent()).toBe(eventsByKeys);
  await app.getByRole('button', { name: 'Resume polling' }).click();
});

test('the "?" panel lists the keys, F6 among them, under the filter language', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await app.getByRole('button', { name: 'Filter help' }).click();
  const keys = app.getByRole('note', { name: 'Keys' });
  await expect(keys).toContainText('F6 / Shift+F6');
  await expect(keys).toContainText('on the timeline: extend a span from the cursor');
  // The panel scrolls within its height; the keys are reached by scrolling it, the tabs stay in view.
  await keys.scrollIntoViewIfNeeded();
  await expect(keys).toBeInViewport();
  await expect(app.getByRole('tablist', { name: 'Views' })).toBeInViewport();
  await app.screenshot({ path: shot('keys-help-1024x700-light.png') });
});

for (const { width, height, scheme } of LAYOUTS) {
  test(`focus rings after F6 and on the chart cursor, ${width}x${height} ${scheme}`, async ({ app }) => {
    await app.setViewportSize({ width, height });
    await app.emulateMedia({ colorScheme: scheme });
    await expect.poll(async () => Number(await chart(app).getAttribute('aria-valuemax')), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
    await selectRow(app);
    await app.keyboard.press('F6');
    expect(await focused(app)).toBe('region:Details');
    const ring = await details(app).evaluate((el) => getComputedStyle(el).outlineStyle);
    expect(ring).toBe('solid');
    await app.mouse.move(0, 0);
    await app.screenshot({ path: shot(`keys-details-f6-${width}x${height}-${scheme}.png`) });

    await app.keyboard.press('Shift+F6');
    await app.keyboard.press('Shift+F6');
    expect(await focused(app)).toMatch(/^slider:Timeline cursor/);
    await app.keyboard.press('End');
    await app.keyboard.press('Shift+ArrowLeft');
    await app.keyboard.press('Shift+ArrowLeft');
    await expect(chart(app).locator('.u-cursor-x')).toBeVisible();
    expect(await chart(app).evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await app.screenshot({ path: shot(`keys-timeline-cursor-${width}x${height}-${scheme}.png`) });
  });
}

test('after F6 lands on the timeline chart, the first ← moves its cursor one sample; the span chosen is named as the applied one', async ({ app }) => {
  await expect.poll(async () => Number(await chart(app).getAttribute('aria-valuemax')), { timeout: 20_000 }).toBeGreaterThanOrEqual(4);
  await app.getByRole('button', { name: 'Pause polling' }).click();
  await expect(app.getByRole('button', { name: 'Resume polling' })).toBeVisible();
  await app.getByRole('textbox', { name: 'Filter' }).focus();
  await app.keyboard.press('F6');
  expect(await focused(app)).toMatch(/^slider:Timeline cursor/);
  const newest = Number(await chart(app).getAttribute('aria-valuenow'));
  await app.keyboard.press('ArrowLeft');
  await expect(chart(app)).toHaveAttribute('aria-valuenow', String(newest - 1));
  await app.keyboard.press('Shift+ArrowLeft');
  await expect(chart(app)).toHaveAttribute('aria-valuenow', String(newest - 2));
  const chosen = /, events (from \S+ to \S+): Enter/.exec((await chart(app).getAttribute('aria-valuetext')) ?? '')?.[1];
  expect(chosen).toBeDefined();
  await app.keyboard.press('Enter');
  await expect(range(app)).toHaveText(`Events ${chosen}✕`);
  await app.getByRole('button', { name: 'Resume polling' }).click();
});

for (const { width, height, scheme } of LAYOUTS) {
  test(`F6 into Ports lands on its table's first row, with a ring, ${width}x${height} ${scheme}`, async ({ app }) => {
    await app.setViewportSize({ width, height });
    await app.emulateMedia({ colorScheme: scheme });
    await app.getByRole('tab', { name: /^Ports/ }).click();
    const first = app.locator('.ports-table tbody tr').first();
    await expect(app.locator('.ports-table tbody tr[data-address]').first()).toBeVisible({ timeout: 20_000 });
    await app.getByRole('textbox', { name: 'Filter' }).focus();
    await app.keyboard.press('F6'); // the timeline
    await app.keyboard.press('F6'); // the view's table
    await expect(first).toBeFocused();
    expect(await first.evaluate((el) => getComputedStyle(el).outlineStyle)).toBe('solid');
    await app.keyboard.press('ArrowDown');
    await expect(app.locator('.ports-table tbody tr').nth(1)).toBeFocused();
    await app.mouse.move(0, 0);
    await app.screenshot({ path: shot(`keys-ports-f6-${width}x${height}-${scheme}.png`) });
  });
}
