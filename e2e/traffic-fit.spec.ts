// Issue 11, a new user's faults at the window's smallest size: Traffic columns turned on must show
// Sent, Received, Send/s and Recv/s (beside the details pane too); the Processes tab names the
// ownerless TIME-WAIT group whole; the timeline's "/s" label stays clear of its tick values.
// Real engine, loopback sockets this spec opens; screenshots before/after go to e2e/artifacts/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, header, LAYOUTS, rowById, serverSideId, setFilter, test } from './fixtures';
import { AXIS_FONT, formatPerSecondTick, RIGHT_AXIS_PX, RIGHT_GAP_PX, RIGHT_TICK_PX } from '../renderer/views/timeline/chartData';

const ARTIFACTS = path.join(__dirname, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

const TRAFFIC = ['Sent', 'Received', 'Send/s', 'Recv/s'];

/** Every header in `names` is drawn whole within [0, right] px of the viewport. */
async function expectWhole(app: Page, names: readonly string[], right: number): Promise<void> {
  for (const name of names) {
    await expect(header(app, name), `${name} drawn`).toBeVisible();
    const box = await header(app, name).boundingBox();
    expect(box, `${name} drawn`).not.toBeNull();
    expect(box!.x, `${name} left edge`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${name} right edge within ${right} px`).toBeLessThanOrEqual(right + 0.5);
  }
}

for (const { width, height, scheme } of LAYOUTS) {
  test(`Traffic columns on at ${width}×${height} (${scheme}): Sent, Received, Send/s and Recv/s in view, with the details pane too`, async ({ app, loopback }) => {
    await app.setViewportSize({ width, height });
    await app.emulateMedia({ colorScheme: scheme });
    const clientPort = await loopback.connect();
    await setFilter(app, `port:${loopback.port}`);
    await app.getByRole('checkbox', { name: 'Traffic columns' }).check();
    await expectWhole(app, TRAFFIC, width);
    // The pair never splits, wherever the "+N" list puts the rest.
    await app.screenshot({ path: path.join(ARTIFACTS, `traffic-fit-${width}-${scheme}.png`) });

    const row = rowById(app, serverSideId(loopback.port, clientPort));
    await row.click();
    const pane = await app.getByRole('region', { name: 'Details' }).boundingBox();
    expect(pane).not.toBeNull();
    await expectWhole(app, ['Process', 'Remote Address', 'State', ...TRAFFIC], pane!.x);
    // The row's own cells are there as well, not only the headers (the row reads 0 B, not blank).
    await expect(row.locator('.col-sent')).toHaveText(/\d (B|KiB|MiB)$/);
    await expect(row.locator('.col-received')).toBeVisible();
    await app.screenshot({ path: path.join(ARTIFACTS, `traffic-fit-details-${width}-${scheme}.png`) });
  });
}

test('Processes at 1024×700: "TIME-WAIT (no owner)" is whole, its unknowns say why', async ({ app, loopback }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  // A client that closes first leaves its side in TIME-WAIT: no process owns it any more.
  await loopback.connect();
  await expect.poll(() => loopback.accepted.length).toBe(1);
  loopback.clients[0].end();
  loopback.accepted[0].end();
  await setFilter(app, `port:${loopback.port}`);
  await app.getByRole('tab', { name: /Processes/ }).click();
  const grid = app.getByRole('grid', { name: 'Processes' });
  const name = grid.getByRole('gridcell', { name: 'TIME-WAIT (no owner)', exact: true });
  await expect(name).toBeVisible({ timeout: 15_000 });
  // Whole: the text needs no more room than the cell has (an ellipsis would cut it).
  expect(await name.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const twRow = grid.getByRole('row').filter({ has: app.getByRole('gridcell', { name: 'TIME-WAIT (no owner)', exact: true }) });
  const heads = (await grid.getByRole('columnheader').allTextContents()).map((t) => t.replace(/[\s▲▼▴▾↑↓]+$/u, ''));
  for (const label of ['Send/s', 'Recv/s', 'Total bytes', 'Worst RTT', 'Retrans']) {
    expect(heads, label).toContain(label);
    const td = twRow.getByRole('gridcell').nth(heads.indexOf(label));
    await expect(td, label).toHaveText('—');
    await expect(td.locator('.unknown'), label).toHaveAttribute('title', /TIME-WAIT/);
  }
  await app.screenshot({ path: path.join(ARTIFACTS, 'traffic-fit-processes-1024.png') });
});

test("the timeline's \"/s\" label is clear of the tick values, at both sizes", async ({ app }) => {
  for (const [width, height] of [
    [1024, 700],
    [1920, 1080],
  ] as const) {
    await app.setViewportSize({ width, height });
    const chart = app.locator('.timeline-chart').first();
    await expect(chart.locator('canvas')).toBeVisible();
    // uPlot draws a right axis's values from the plot's edge after the tick and the gap, and its
    // label beyond the axis's size: a value whose box ends past RIGHT_AXIS_PX meets the label's box.
    // The widest values the axis can print, measured in this browser's font.
    const values = [0.25, 950, 2000, 10_000, 12_500, 99_500, 150_000, 1_250_000, 12_500_000].map(formatPerSecondTick);
    const widths = await app.evaluate(
      ({ font, texts }) => {
        const ctx = document.createElement('canvas').getContext('2d')!;
        ctx.font = font;
        return texts.map((t) => ctx.measureText(t).width);
      },
      { font: AXIS_FONT, texts: values },
    );
    for (const [i, w] of widths.entries()) expect(RIGHT_TICK_PX + RIGHT_GAP_PX + w, `"${values[i]}" ends before the label`).toBeLessThanOrEqual(RIGHT_AXIS_PX);
    const box = await chart.boundingBox();
    await app.screenshot({ path: path.join(ARTIFACTS, `timeline-axis-${width}.png`), clip: { x: box!.x + box!.width - 160, y: box!.y, width: 160, height: box!.height } });
  }
});
