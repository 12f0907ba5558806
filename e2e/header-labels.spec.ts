// A sorted column's header keeps its whole label beside the sort mark, for every column the
// Connections table can show, at its default width, at 1024×700 and 1920×1080 (a first-use review
// found "Local Port" clipped at 1024 px once sorted), and the same for the Processes view. The demo
// source is used so every column exists: Created (Linux has none), the traffic columns (counters
// moving) and Host.
import path from 'node:path';
import type { Locator } from '@playwright/test';
import { expect, header, headerNames, test } from './fixtures';

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');

test.use({ netmonArgs: ['--source', 'demo', '--demo-traffic', '0.1'] });

/**
 * How a header cell draws its label and sort mark, measured in the page: the label text's box
 * (a Range over its text, so it is the whole text even where the cell clips it), the cell's
 * content box (inside its padding), the mark's box, and the label element's scroll / client
 * widths (the cell itself when it has none).
 */
async function labelFit(cell: Locator) {
  return cell.evaluate((el) => {
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.parentElement?.closest('.sort-mark') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT) });
    const text = walker.nextNode();
    if (!text) throw new Error(`header without label text: ${el.outerHTML}`);
    const range = document.createRange();
    range.selectNodeContents(text);
    const t = range.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    const cs = getComputedStyle(el);
    const left = r.left + parseFloat(cs.paddingLeft) + parseFloat(cs.borderLeftWidth);
    const right = r.right - parseFloat(cs.paddingRight) - parseFloat(cs.borderRightWidth);
    const mark = el.querySelector('.sort-mark');
    const m = mark && mark.textContent ? mark.getBoundingClientRect() : null;
    const label = text.parentElement === el ? el : (text.parentElement as HTMLElement);
    return {
      text: text.textContent,
      clipped: label.scrollWidth > label.clientWidth,
      // Whole label inside the content box and left of the mark; the mark inside the box too.
      inside: t.left >= left - 0.5 && t.right <= (m ? m.left : right) + 0.5 && (!m || m.right <= right + 0.5),
      boxes: { label: [t.left, t.right], content: [left, right], mark: m ? [m.left, m.right] : null },
    };
  });
}

/** Sorts by header `cell` (named `name`) both ways and checks the label each time. */
async function sortAndCheck(cell: Locator, name: string) {
  for (const dir of ['ascending', 'descending']) {
    // A first click sorts one way or the other (numbers may start descending): a second turns it.
    for (let i = 0; i < 2 && (await cell.getAttribute('aria-sort')) !== dir; i++) {
      await cell.click();
      await expect(cell).toHaveAttribute('aria-sort', /^(ascending|descending)$/);
    }
    await expect(cell).toHaveAttribute('aria-sort', dir);
    const fit = await labelFit(cell);
    expect(fit.text).toBe(name);
    expect(fit.clipped, `${name} (${dir}): label element clipped ${JSON.stringify(fit.boxes)}`).toBe(false);
    expect(fit.inside, `${name} (${dir}): label or mark outside the cell ${JSON.stringify(fit.boxes)}`).toBe(true);
  }
}

for (const [w, h] of [
  [1024, 700],
  [1920, 1080],
] as const) {
  test(`${w}×${h}: every sortable column, sorted either way, shows its whole label beside the sort mark`, async ({ app }) => {
    test.setTimeout(180_000); // some 60 sorts, each waited for, on a table redrawn four times a second
    await app.setViewportSize({ width: w, height: h });
    await expect(app.getByText(/^demo · /)).toBeVisible();
    // The review's example: sorted by Local Port, light and dark.
    await sortAndCheck(header(app, 'Local Port'), 'Local Port');
    for (const scheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme: scheme });
      await app.screenshot({ path: path.join(SHOTS, `header-sorted-${w}x${h}-${scheme}.png`) });
    }
    await app.getByLabel('Traffic columns').check();
    await app.getByLabel('Resolve names').check();
    // Every column the table offers: the column menu lists each (Hide X / Show X).
    await header(app, 'Process').click({ button: 'right' });
    const menu = app.getByRole('menu', { name: 'Columns' });
    const all = (await menu.getByRole('menuitem', { name: /^(Hide|Show) / }).allTextContents()).map((t) => t.replace(/^(Hide|Show) /, ''));
    await app.keyboard.press('Escape');
    for (const name of ['Process', 'Local Port', 'Remote Address', 'Created', 'Last Change', 'Host', 'Sent', 'Limited by']) expect(all).toContain(name);

    // Columns that give way for width are drawn by hiding ones already checked (the first stays).
    const checked = new Set<string>();
    for (let round = 0; round < all.length; round++) {
      const drawn = await headerNames(app);
      for (const name of drawn.filter((n) => !checked.has(n))) {
        // A column kept only because the rows were sorted by it gives way once they are sorted by
        // another (at 1024 px Local Port, to the traffic columns): a later round draws it again.
        if (!(await headerNames(app)).includes(name)) continue;
        await sortAndCheck(header(app, name), name);
        checked.add(name);
      }
      if (checked.size === all.length) break;
      for (const name of (await headerNames(app)).slice(1).filter((n) => checked.has(n))) {
        await header(app, name).click({ button: 'right' });
        await menu.getByRole('menuitem', { name: `Hide ${name}` }).click();
        await expect.poll(() => headerNames(app)).not.toContain(name);
      }
    }
    expect([...checked].sort()).toEqual([...all].sort());

    // The Processes view's headers sort the same way and keep their labels too.
    await app.getByRole('tab', { name: 'Processes' }).click();
    const procHeads = app.getByRole('grid', { name: 'Processes' }).getByRole('columnheader');
    const procNames = (await procHeads.allTextContents()).map((n) => n.replace(/[▲▼]/gu, '').trim());
    for (const name of ['Process', 'Conns', 'Listen', 'Total bytes', 'Worst RTT', 'Retrans']) expect(procNames).toContain(name);
    for (const name of procNames) await sortAndCheck(procHeads.filter({ hasText: new RegExp(`^${name}[▲▼]?$`) }), name);
    for (const scheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme: scheme });
      await app.screenshot({ path: path.join(SHOTS, `processes-sorted-${w}x${h}-${scheme}.png`) });
    }
  });
}

test('a column the user narrows below its label keeps that width: the label ellipsizes, the mark stays whole, the title names it', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  const cell = header(app, 'Local Port');
  await sortAndCheck(cell, 'Local Port');
  const before = (await cell.boundingBox())?.width ?? 0;
  // Shift+ArrowLeft on the edge narrows by 50 px a press; 40 px is the least a column may be.
  await app.getByRole('separator', { name: 'Resize Local Port' }).focus();
  for (let i = 0; i < 3; i++) await app.keyboard.press('Shift+ArrowLeft');
  await expect.poll(async () => Math.round((await cell.boundingBox())?.width ?? 0)).toBe(40);
  expect(before).toBeGreaterThan(40);
  const fit = await labelFit(cell);
  expect(fit.clipped).toBe(true);
  const label = cell.locator('.col-label');
  await expect(label).toHaveCSS('text-overflow', 'ellipsis');
  const mark = await cell.locator('.sort-mark').boundingBox();
  const box = await cell.boundingBox();
  expect((mark?.x ?? 0) + (mark?.width ?? 0)).toBeLessThanOrEqual((box?.x ?? 0) + (box?.width ?? 0));
  expect((mark?.width ?? 0)).toBeGreaterThan(3);
  expect(await cell.getAttribute('title')).toContain('Local Port');
});

test('the column the table is sorted by does not give way when the window narrows or the details pane opens: other columns go, its header and mark stay', async ({ app }) => {
  await app.setViewportSize({ width: 1920, height: 1080 });
  await expect(app.getByText(/^demo · /)).toBeVisible();
  await app.getByLabel('Traffic columns').check();
  const cell = header(app, 'Send/s');
  await sortAndCheck(cell, 'Send/s');
  const grid = app.getByRole('grid', { name: 'Connections' });
  const given = grid.getByRole('button', { name: /hidden for width/ });
  for (const pane of [false, true]) {
    if (pane) await grid.locator('[role="row"][data-id]').first().click();
    for (const [w, h] of [
      [1024, 700],
      [1280, 800],
      [1024, 700],
    ] as const) {
      await app.setViewportSize({ width: w, height: h });
      // Some columns gave way (the "+N" names them), never the sorted one.
      await expect(given).toBeVisible();
      expect(await given.getAttribute('title')).not.toContain('Send/s');
      await expect(cell).toHaveAttribute('aria-sort', 'descending');
      const fit = await labelFit(cell);
      expect(fit.clipped, `Send/s at ${w} px (pane ${pane}): ${JSON.stringify(fit.boxes)}`).toBe(false);
      expect(fit.inside, `Send/s at ${w} px (pane ${pane}): ${JSON.stringify(fit.boxes)}`).toBe(true);
      // Whole, inside the table's visible part: nothing scrolls sideways.
      const box = await grid.evaluate((el) => ({ sw: el.scrollWidth, cw: el.clientWidth, right: el.getBoundingClientRect().left + el.clientWidth }));
      expect(box.sw).toBeLessThanOrEqual(box.cw);
      const r = await cell.boundingBox();
      expect((r?.x ?? 0) + (r?.width ?? 0)).toBeLessThanOrEqual(box.right + 0.5);
    }
  }
});

test('the rows never stand in the order of a column no header shows: sorted by Send/s, Traffic columns off (or Send/s hidden) sorts by Process until it is back', async ({ app }) => {
  await app.setViewportSize({ width: 1920, height: 1080 });
  await expect(app.getByText(/^demo · /)).toBeVisible();
  const traffic = app.getByLabel('Traffic columns');
  await traffic.check();
  await sortAndCheck(header(app, 'Send/s'), 'Send/s');
  const sortedBy = app.locator('.app');
  await expect(sortedBy).toHaveAttribute('data-table-sort', 'sendRate desc');

  await traffic.uncheck();
  await expect.poll(() => headerNames(app)).not.toContain('Send/s');
  await expect(header(app, 'Process')).toHaveAttribute('aria-sort', 'ascending');
  await expect(sortedBy).toHaveAttribute('data-table-sort', 'process asc');
  // The choice is kept: the column back, its order is back.
  await traffic.check();
  await expect(header(app, 'Send/s')).toHaveAttribute('aria-sort', 'descending');
  await expect(sortedBy).toHaveAttribute('data-table-sort', 'sendRate desc');

  // The same for a column the user hides from the header menu.
  await header(app, 'Send/s').click({ button: 'right' });
  await app.getByRole('menu', { name: 'Columns' }).getByRole('menuitem', { name: 'Hide Send/s' }).click();
  await expect.poll(() => headerNames(app)).not.toContain('Send/s');
  await expect(header(app, 'Process')).toHaveAttribute('aria-sort', 'ascending');
  await expect(sortedBy).toHaveAttribute('data-table-sort', 'process asc');
});

test('1024×700 with the details pane open: no Processes column is cut off; those left out are counted and named by "+N", never the sorted one', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await expect(app.getByText(/^demo · /)).toBeVisible();
  // The pane opened on the Connections tab stays beside the Processes view.
  await app.getByRole('grid', { name: 'Connections' }).locator('[role="row"][data-id]').first().click();
  await expect(app.getByRole('region', { name: 'Details' })).toBeVisible();
  await app.getByRole('tab', { name: 'Processes' }).click();
  const grid = app.getByRole('grid', { name: 'Processes' });
  const heads = grid.getByRole('columnheader');
  const all = ['Process', 'PID', 'Conns', 'By state', 'Listen', 'UDP', 'Send/s', 'Recv/s', 'Total bytes', 'Worst RTT', 'Retrans'];
  const check = async () => {
    const m = await grid.evaluate((el) => {
      const right = el.getBoundingClientRect().left + el.clientWidth;
      const out = (c: Element) => c.getBoundingClientRect().right > right + 0.5;
      const row = el.querySelector('.proc-body [role="row"]');
      return { sw: el.scrollWidth, cw: el.clientWidth, cut: [...el.querySelectorAll('[role="columnheader"]')].filter(out).map((c) => c.textContent), cells: row ? [...row.querySelectorAll('[role="gridcell"]')].filter(out).length : -1 };
    });
    expect(m.cut, 'headers cut off at the edge').toEqual([]);
    expect(m.cells).toBe(0);
    expect(m.sw).toBeLessThanOrEqual(m.cw);
    const drawn = (await heads.allTextContents()).map((n) => n.replace(/[▲▼]/gu, '').trim());
    const missing = all.filter((n) => !drawn.includes(n));
    expect(missing.length).toBeGreaterThan(0);
    const given = grid.getByRole('button', { name: /hidden for width/ });
    await expect(given).toHaveText(`+${missing.length}`);
    for (const name of missing) expect((await given.getAttribute('title')) ?? '').toContain(name);
    return drawn;
  };
  await check();
  // Sorted by a column that would give way: it stays, others go.
  const retrans = heads.filter({ hasText: /^Retrans[▲▼]?$/ });
  expect(await check()).not.toContain('Retrans');
  await app.getByRole('region', { name: 'Details' }).getByRole('button', { name: 'Close details' }).click();
  await expect(retrans).toBeVisible();
  await sortAndCheck(retrans, 'Retrans');
  await app.getByRole('tab', { name: 'Connections' }).click();
  await app.getByRole('grid', { name: 'Connections' }).locator('[role="row"][data-id]').first().click();
  await app.getByRole('tab', { name: 'Processes' }).click();
  expect(await check()).toContain('Retrans');
});

test('keyboard: Enter on the header\'s "+N" or a resize handle is theirs — the list opens, no row\'s details do (Connections and Events)', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await expect(app.getByText(/^demo · /)).toBeVisible();
  await app.getByLabel('Traffic columns').check();
  const details = app.getByRole('region', { name: 'Details' });
  const list = app.getByRole('list', { name: 'Columns hidden for width' });
  const grid = app.getByRole('grid', { name: 'Connections' });
  // A cursor row, no pane.
  await grid.focus();
  await app.keyboard.press('ArrowDown');
  await expect(grid.locator('[role="row"][aria-selected="true"]')).toHaveCount(1);
  await expect(details).toHaveCount(0);
  const given = grid.getByRole('button', { name: /hidden for width/ });
  await given.focus();
  await app.keyboard.press('Enter');
  await expect(list).toBeVisible();
  await expect(given).toHaveAttribute('aria-expanded', 'true');
  await expect(details).toHaveCount(0);
  await app.keyboard.press('Enter');
  await expect(list).toHaveCount(0);
  await app.getByRole('separator', { name: 'Resize Process' }).focus();
  await app.keyboard.press('Enter');
  await expect(details).toHaveCount(0);

  // Events: the pane open beside it leaves "+N"; Enter on it opens the list.
  await app.getByRole('tab', { name: /^Events/ }).click();
  const events = app.getByRole('grid', { name: 'Events' });
  await events.locator('[role="row"][data-type="opened"]').first().dblclick();
  await expect(details).toBeVisible();
  const egiven = events.getByRole('button', { name: /hidden for width/ });
  await egiven.focus();
  await app.keyboard.press('Enter');
  await expect(list).toBeVisible();
  await expect(egiven).toHaveAttribute('aria-expanded', 'true');
});

test('the "+N" list closes on a click outside it or Escape, so it does not stay over the rows', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await expect(app.getByText(/^demo · /)).toBeVisible();
  await app.getByLabel('Traffic columns').check();
  const grid = app.getByRole('grid', { name: 'Connections' });
  const given = grid.getByRole('button', { name: /hidden for width/ });
  const list = app.getByRole('list', { name: 'Columns hidden for width' });
  await given.click();
  await expect(list).toBeVisible();
  // A click inside the list leaves it open (it can be read, its text selected).
  await list.click();
  await expect(list).toBeVisible();
  // A row clicked beside the list (its Process cell, left of it).
  await grid.locator('[role="row"][data-id]').nth(2).locator('[role="gridcell"]').first().click();
  await expect(list).toHaveCount(0);
  await expect(given).toHaveAttribute('aria-expanded', 'false');
  await given.click();
  await expect(list).toBeVisible();
  // Escape closes the list and does nothing else (the filter's text stays).
  await app.getByRole('textbox', { name: 'Filter' }).fill('tcp');
  await app.keyboard.press('Escape');
  await expect(list).toHaveCount(0);
  await expect(app.getByRole('textbox', { name: 'Filter' })).toHaveValue('tcp');
  await app.getByRole('textbox', { name: 'Filter' }).fill('');
  // The button still toggles it.
  await given.click();
  await expect(list).toBeVisible();
  await given.click();
  await expect(list).toHaveCount(0);
});

test('at 1024×600 with the Timeline open, the "+N" list is whole on screen: every name can be reached, none is cut off by the table', async ({ app }) => {
  await app.setViewportSize({ width: 1024, height: 600 });
  await expect(app.getByText(/^demo · /)).toBeVisible();
  await app.getByLabel('Traffic columns').check();
  await app.getByLabel('Resolve names').check();
  await expect(app.getByRole('region', { name: 'Timeline' })).toBeVisible();
  const grid = app.getByRole('grid', { name: 'Connections' });
  // The details pane beside the table leaves it narrow: many columns give way.
  await grid.locator('[role="row"][data-id]').first().dblclick();
  await expect(app.getByRole('region', { name: 'Details' })).toBeVisible();
  await grid.getByRole('button', { name: /hidden for width/ }).click();
  const list = app.getByRole('list', { name: 'Columns hidden for width' });
  await expect(list).toBeVisible();
  const items = await list.locator('li').count();
  expect(items).toBeGreaterThan(8);
  for (let i = 0; i < items; i++) {
    const hit = await list.locator('li').nth(i).evaluate((li) => {
      li.scrollIntoView({ block: 'nearest' });
      const r = li.getBoundingClientRect();
      const x = r.left + Math.min(r.width / 2, 20);
      const y = r.top + r.height / 2;
      const at = document.elementFromPoint(x, y);
      return { inWindow: r.top >= 0 && r.bottom <= window.innerHeight + 0.5, reached: at !== null && li.contains(at), text: li.textContent };
    });
    expect(hit.inWindow, `${hit.text} inside the window`).toBe(true);
    expect(hit.reached, `${hit.text} not covered or cut off`).toBe(true);
  }
  await list.evaluate((l) => (l.scrollTop = 0));
  for (const scheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme: scheme });
    await app.screenshot({ path: path.join(SHOTS, `given-way-list-1024x600-${scheme}.png`) });
  }
});
