// Cells whose text is known to fit their column (times, ports, PIDs, formatted byte counts and
// rates, see Column.fits) are drawn without an overflow clip of their own: ~850 clipped cells on
// screen made every painted frame's layerization cost ~5 ms (issue 9 §4). Here, on the demo source
// with traffic moving and every column shown, at 1024×700 and 1920×1080: no such cell's text runs
// past its box, only the free-text columns still clip, and a column narrowed below its default
// width clips again.
import path from 'node:path';
import { expect, header, test } from './fixtures';
import type { Page } from '@playwright/test';

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');

test.use({ netmonArgs: ['--source', 'demo', '--demo-traffic', '0.3'] });

/** Body cells: how many fit unclipped, which of those overflow their box, and the clipped ones' columns. */
async function cellFacts(app: Page) {
  return app.locator('.grid-body').evaluate((body) => {
    const cells = [...body.querySelectorAll<HTMLElement>('.cell')];
    const fits = cells.filter((c) => c.classList.contains('fits'));
    const colOf = (c: HTMLElement) => [...c.classList].find((k) => k.startsWith('col-')) ?? '?';
    return {
      rows: body.querySelectorAll('.grid-row').length,
      fits: fits.length,
      overflowing: fits.filter((c) => c.scrollWidth > c.clientWidth + 0.5).map((c) => `${colOf(c)}: "${c.textContent}" ${c.scrollWidth} > ${c.clientWidth}`),
      unclipped: fits.filter((c) => getComputedStyle(c).overflowX === 'visible').length,
      clippedColumns: [...new Set(cells.filter((c) => !c.classList.contains('fits')).map(colOf))].sort(),
      fitColumns: [...new Set(fits.map(colOf))].sort(),
    };
  });
}

for (const [w, h] of [
  [1024, 700],
  [1920, 1080],
] as const) {
  test(`${w}×${h}: cells that fit are drawn unclipped and stay inside their boxes; free text still clips`, async ({ app }) => {
    await app.setViewportSize({ width: w, height: h });
    await expect(app.getByText(/^demo · /)).toBeVisible();
    await app.getByLabel('Traffic columns').check();
    await app.getByLabel('Resolve names').check();
    // Rates show from the second poll on (the traffic columns, once turned on, are drawn at both sizes).
    const wide = w >= 1920;
    await expect.poll(async () => (await cellFacts(app)).fitColumns, { timeout: 15_000 }).toContain('col-sendRate');
    if (wide) {
      // Sorted by Sent, descending: the longest byte counts on screen.
      const sent = header(app, 'Sent');
      for (let i = 0; i < 2 && (await sent.getAttribute('aria-sort')) !== 'descending'; i++) await sent.click();
      await expect(sent).toHaveAttribute('aria-sort', 'descending');
    }
    const f = await cellFacts(app);
    expect(f.rows).toBeGreaterThan(10);
    expect(f.fits).toBeGreaterThan(f.rows * 3);
    expect(f.unclipped).toBe(f.fits);
    expect(f.overflowing).toEqual([]);
    for (const col of ['col-process', ...(wide ? ['col-localAddress'] : []), 'col-remoteAddress', 'col-state']) expect(f.clippedColumns).toContain(col);
    // At 1024 px PID, Local Address, the times, RTT and Retrans give way; the ports stay (issue 11).
    for (const col of ['col-sent', 'col-sendRate', 'col-localPort', 'col-remotePort', ...(wide ? ['col-pid', 'col-rtt', 'col-lastChange'] : [])]) {
      expect(f.clippedColumns).not.toContain(col);
      expect(f.fitColumns).toContain(col);
    }
    for (const scheme of ['light', 'dark'] as const) {
      await app.emulateMedia({ colorScheme: scheme });
      await app.screenshot({ path: path.join(SHOTS, `traffic-cells-${w}x${h}-${scheme}.png`) });
    }
  });
}

test('a column narrowed below its default width clips its cells again', async ({ app }) => {
  await app.setViewportSize({ width: 1920, height: 1080 });
  await expect(app.getByText(/^demo · /)).toBeVisible();
  await expect.poll(async () => (await cellFacts(app)).fitColumns).toContain('col-localPort');
  const handle = app.getByRole('separator', { name: 'Resize Local Port' });
  await handle.focus();
  for (let i = 0; i < 4; i++) await app.keyboard.press('ArrowLeft');
  await expect.poll(async () => (await cellFacts(app)).fitColumns).not.toContain('col-localPort');
  expect((await cellFacts(app)).clippedColumns).toContain('col-localPort');
});
