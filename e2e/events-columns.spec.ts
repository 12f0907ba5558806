// The Events table fits its columns the way the Connections table does: a column that does not fit
// is left out whole and announced by "+N" at the header's end (its title names them), never cut
// off at the window's edge (a first-use review found State cut off at 1024×700 with no "+N").
// Checked at 1024×700 and 1920×1080, light and dark, with and without the details pane.
import net from 'node:net';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, LAYOUTS, rowById, serverSideId, setFilter, test } from './fixtures';

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');
const ALL = ['Time', 'Event', 'Process', 'PID', 'Proto', 'Local', 'Remote', 'State'];
const eventsGrid = (page: Page) => page.getByRole('grid', { name: 'Events' });

/**
 * Every drawn column lies wholly inside the grid's visible part (nothing scrolled or cut off, in
 * the header and in the first body rows); the columns not drawn are exactly those "+N" counts and
 * names. Returns the names drawn.
 */
async function expectWholeColumns(page: Page): Promise<string[]> {
  const grid = eventsGrid(page);
  const m = await grid.evaluate((el) => {
    const g = el.getBoundingClientRect();
    const box = (c: Element) => {
      const r = c.getBoundingClientRect();
      return { name: c.textContent ?? '', left: r.left, right: r.right };
    };
    const rows = [...el.querySelectorAll('[role="row"][data-type]:not([data-type="notice"])')].slice(0, 5);
    return {
      scrollWidth: el.scrollWidth,
      clientWidth: el.clientWidth,
      left: g.left,
      right: g.left + el.clientWidth,
      heads: [...el.querySelectorAll('[role="columnheader"]')].map(box),
      cells: rows.flatMap((r) => [...r.querySelectorAll('[role="gridcell"]')].map(box)),
    };
  });
  expect(m.scrollWidth, 'the Events grid scrolls sideways').toBeLessThanOrEqual(m.clientWidth);
  expect(m.cells.length).toBeGreaterThan(0);
  for (const c of [...m.heads, ...m.cells]) {
    expect(c.left >= m.left - 0.5 && c.right <= m.right + 0.5, `"${c.name}" (${c.left}–${c.right}) partly outside ${m.left}–${m.right}`).toBe(true);
  }
  const drawn = m.heads.map((h) => h.name.trim());
  expect(drawn.every((n) => ALL.includes(n)), drawn.join(' | ')).toBe(true);
  const missing = ALL.filter((n) => !drawn.includes(n));
  const given = grid.getByRole('button', { name: /hidden for width/ });
  if (missing.length === 0) {
    await expect(given).toHaveCount(0);
  } else {
    await expect(given).toHaveText(`+${missing.length}`);
    await expect(given).toHaveAccessibleName(`${missing.length} column${missing.length === 1 ? '' : 's'} hidden for width`);
    const title = (await given.getAttribute('title')) ?? '';
    for (const name of missing) expect(title).toContain(name);
    // Each body row has a cell per drawn column, no more.
    expect(m.cells.length % drawn.length).toBe(0);
  }
  return drawn;
}

for (const [w, h] of [
  [1024, 700],
  [1920, 1080],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`${w}×${h} (${scheme}): no Events column is cut off; those left out are counted and named by "+N"`, async ({ app, loopback }) => {
      await app.setViewportSize({ width: w, height: h });
      await app.emulateMedia({ colorScheme: scheme });
      const a = await loopback.connect();
      await loopback.connect();
      await setFilter(app, `port:${loopback.port}`);
      await expect(rowById(app, serverSideId(loopback.port, a))).toBeVisible();
      // A polite close: the client's side turns TIME-WAIT, an event with the long "A → B" state.
      const client = loopback.clients.shift();
      await new Promise<void>((r) => client?.end(() => r()));
      await app.getByRole('tab', { name: /^Events/ }).click();
      const grid = eventsGrid(app);
      await expect(grid.locator('[role="row"][data-type="changed"]').filter({ hasText: 'TIME-WAIT' }).first()).toBeVisible();

      const wide = await expectWholeColumns(app);
      // The columns a wide window has room for: all of them.
      if (w >= 1920) expect(wide).toEqual(ALL);
      await app.screenshot({ path: path.join(SHOTS, `events-${w}x${h}-${scheme}.png`) });

      // The details pane narrows the table: still no column cut off; the "+N" list names what went.
      await grid.locator('[role="row"][data-type="opened"]').filter({ hasText: `:${a}` }).first().dblclick();
      await expect(app.getByRole('region', { name: 'Details' })).toContainText(`:${a}`);
      const narrow = await expectWholeColumns(app);
      for (const key of ['Event', 'Process', 'Remote', 'State']) expect(narrow).toContain(key);
      const given = grid.getByRole('button', { name: /hidden for width/ });
      if ((await given.count()) > 0) {
        await given.click();
        const list = app.getByRole('list', { name: 'Columns hidden for width' });
        for (const name of ALL.filter((n) => !narrow.includes(n))) await expect(list).toContainText(name);
      }
      await app.screenshot({ path: path.join(SHOTS, `events-details-${w}x${h}-${scheme}.png`) });
    });
  }
}

/**
 * The owner-term cells (`… (no owner)`, `(unknown)`) of the view shown, and whether each is drawn
 * whole: its text no wider than its cell (a cut one ends in "…").
 */
async function ownerTermCells(page: Page): Promise<{ text: string; whole: boolean }[]> {
  return page.getByRole('tabpanel').evaluate((panel) =>
    [...panel.querySelectorAll<HTMLElement>('[role="gridcell"]')]
      .filter((c) => /\((no owner|unknown)\)$/.test(c.textContent ?? ''))
      .map((c) => ({ text: c.textContent ?? '', whole: c.scrollWidth <= c.clientWidth + 0.5 })),
  );
}

/** The Events view's state-change cells (`ESTABLISHED → FIN-WAIT-2`), and whether each is drawn whole. */
async function stateChangeCells(page: Page): Promise<{ text: string; whole: boolean }[]> {
  return page.getByRole('tabpanel').evaluate((panel) =>
    [...panel.querySelectorAll<HTMLElement>('[role="gridcell"]')]
      .filter((c) => /^[A-Z][A-Z0-9-]+ → [A-Z][A-Z0-9-]+$/.test(c.textContent ?? ''))
      .map((c) => ({ text: c.textContent ?? '', whole: c.scrollWidth <= c.clientWidth + 0.5 })),
  );
}

for (const { width, height, scheme } of LAYOUTS) {
  test(`${width}×${height} (${scheme}): the owner terms "FIN-WAIT-2 (no owner)" and "TIME-WAIT (no owner)" read whole in Connections, Events and Processes, and the state changes in Events`, async ({ app }) => {
    await app.setViewportSize({ width, height });
    await app.emulateMedia({ colorScheme: scheme });
    // A loopback server that keeps its side open when a client half-closes (allowHalfOpen).
    const accepted: net.Socket[] = [];
    const server = net.createServer({ allowHalfOpen: true }, (s) => {
      accepted.push(s);
      s.on('error', () => undefined);
      s.resume();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    const connect = async () => {
      const c = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
      c.on('error', () => undefined);
      await new Promise<void>((r) => c.once('connect', () => r()));
      return c;
    };
    try {
      const a = await connect();
      const b = await connect();
      await setFilter(app, `port:${port}`);
      await expect(rowById(app, serverSideId(port, b.localPort as number))).toBeVisible();
      // Client A closes both ways and goes: its side passes to TIME-WAIT, no owner. Client B sends
      // its FIN and goes while the server keeps its side open: an orphan in FIN-WAIT-2, no owner.
      const ended = new Promise<void>((r) => accepted[0].once('end', () => r()));
      a.end();
      await ended;
      accepted[0].end();
      b.end();
      b.destroy();
      const terms = ['FIN-WAIT-2 (no owner)', 'TIME-WAIT (no owner)'];
      for (const tab of ['Connections', 'Events', 'Processes']) {
        await app.getByRole('tab', { name: new RegExp(`^${tab}`) }).click();
        await expect.poll(async () => [...new Set((await ownerTermCells(app)).map((c) => c.text))].filter((t) => terms.includes(t)).sort(), { timeout: 15_000 }).toEqual(terms);
        const cut = (await ownerTermCells(app)).filter((c) => !c.whole).map((c) => c.text);
        expect(cut, `${tab}: owner terms cut at ${width} px`).toEqual([]);
        if (tab === 'Events') {
          // The state changes beside them too ("ESTABLISHED → FIN-WAIT-2" read "ESTABLISHED → F…").
          const changes = await stateChangeCells(app);
          expect(changes.map((c) => c.text)).toContain('ESTABLISHED → FIN-WAIT-2');
          expect(changes.filter((c) => !c.whole).map((c) => c.text), `state changes cut at ${width} px`).toEqual([]);
        }
        await app.screenshot({ path: path.join(SHOTS, `owner-terms-${tab.toLowerCase()}-${width}x${height}-${scheme}.png`) });
      }
    } finally {
      for (const s of accepted) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
}
