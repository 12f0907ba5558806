// 1024×700 with the details pane open (found by a new admin): the pane scrolled sideways (256 px of
// content in 248) with "End process" cut at its right edge, and the Ports table scrolled sideways with
// "Top processes" cut mid-text. Tables give way whole columns ("+N"), the pane fits its width (its
// buttons wrap): nothing in the pane or in any tab's table overflows sideways.
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, LAYOUTS, setFilter, test } from './fixtures';

test.use({ netmonArgs: ['--source', 'demo', '--demo-connections', '400', '--demo-traffic', '0.3'] });

/**
 * Elements under `root` (itself included) that scroll sideways: their content is wider than they are.
 * A cell that ends its own long value with "…" (text-overflow, the value in its tooltip) is by design.
 */
async function overflowing(root: Locator): Promise<string[]> {
  return root.evaluate((el) => {
    const out: string[] = [];
    for (const e of [el, ...el.querySelectorAll('*')] as HTMLElement[]) {
      const ox = getComputedStyle(e).overflowX;
      const scrolls = ox === 'auto' || ox === 'scroll';
      if ((scrolls || e === el) && e.scrollWidth > e.clientWidth + 0.5) {
        out.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} [${e.getAttribute('aria-label') ?? ''}] ${e.scrollWidth} > ${e.clientWidth}`);
      }
    }
    return out;
  });
}

/** Buttons in `root` whose right edge passes `root`'s right edge. */
async function clippedButtons(root: Locator): Promise<string[]> {
  return root.evaluate((el) => {
    const right = el.getBoundingClientRect().right;
    return [...el.querySelectorAll('button')].filter((b) => b.getBoundingClientRect().right > right + 0.5).map((b) => b.textContent ?? '');
  });
}

async function openDetails(page: Page): Promise<Locator> {
  const row = page.getByRole('grid', { name: 'Connections' }).locator('[role="row"][data-id]').first();
  await row.dblclick();
  const pane = page.getByRole('region', { name: 'Details' });
  await expect(pane).toBeVisible();
  await expect(pane.getByRole('button', { name: 'End process' })).toBeVisible();
  return pane;
}

for (const { width, height, scheme } of LAYOUTS) {
  test(`${width}x${height} ${scheme}: with the details pane open, no table and not the pane scroll sideways`, async ({ app }) => {
    await app.setViewportSize({ width, height });
    await app.emulateMedia({ colorScheme: scheme });
    await app.getByLabel('Traffic columns').check();
    // The longest endpoints the pane shows: IPv6 ones, unbroken by spaces.
    await setFilter(app, 'family:6 state:estab');
    const pane = await openDetails(app);
    for (const tab of ['Connections', 'Events', 'Processes', 'Ports']) {
      await app.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
      const panel = app.getByRole('tabpanel');
      if (tab === 'Ports') await expect(panel.locator('tr[data-address]').first()).toBeVisible({ timeout: 20_000 });
      if (tab === 'Processes') await expect(panel.getByRole('grid', { name: 'Processes' }).locator('[role="row"]').nth(1)).toBeVisible();
      // The pane stays open across tabs; open it again if a view closed it.
      if (!(await pane.isVisible())) {
        await app.getByRole('tab', { name: /^Connections/ }).click();
        await openDetails(app);
        await app.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
      }
      expect(await overflowing(panel), `${tab} tab`).toEqual([]);
      expect(await overflowing(pane), `details pane on the ${tab} tab`).toEqual([]);
      expect(await clippedButtons(pane), `details pane buttons on the ${tab} tab`).toEqual([]);
      if (width === 1024) await app.screenshot({ path: test.info().outputPath(`narrow-${tab}-${scheme}.png`) });
    }
    if (width === 1024 && scheme === 'light') await app.screenshot({ path: path.join(__dirname, '..', 'test-results', `narrow-fit-${width}.png`) });
  });
}
