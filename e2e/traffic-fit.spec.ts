// Issue 11, a new user's faults at the window's smallest size: Traffic columns turned on keep the
// ports that tell connections apart and show what traffic columns fit (beside the details pane too); the Processes tab names the
// ownerless TIME-WAIT group whole; the timeline's "/s" label stays clear of its tick values.
// Real engine, loopback sockets this spec opens; screenshots before/after go to e2e/artifacts/.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, header, LAYOUTS, listenId, rowById, serverSideId, setFilter, test } from './fixtures';
import { LISTEN_NO_REMOTE } from '../renderer/store/unknownReasons';
import { AXIS_FONT, formatPerSecondTick, RIGHT_AXIS_PX, RIGHT_GAP_PX, RIGHT_TICK_PX } from '../renderer/views/timeline/chartData';

const ARTIFACTS = path.join(__dirname, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

/** What tells the rows apart: with the ports a process's loopback connections no longer read alike. */
const IDENTITY = ['Process', 'Local Port', 'Remote Address', 'Remote Port', 'State'];
const TRAFFIC = ['Sent', 'Received', 'Send/s', 'Recv/s', 'RTT', 'Retrans', 'Limited by'];

/**
 * The traffic columns whole in view at each size, without and beside the details pane (least
 * widths in Chromium's 12 px DejaVu Sans Mono here: GIVE_WAY_TRAFFIC). At 1024 px RTT and Retrans
 * give way without the pane, and Process gives up the room it keeps for its longest owner term
 * (`SYN-RECEIVED (no owner)`, ellipsized then, whole in its title); beside the pane Sent, Received
 * and Limited by give way too, the ports and the rates staying.
 */
const SHOWN: Record<number, { whole: string[]; pane: string[] }> = {
  1024: { whole: ['Sent', 'Received', 'Send/s', 'Recv/s', 'Limited by'], pane: ['Send/s', 'Recv/s'] },
  1920: { whole: TRAFFIC, pane: TRAFFIC },
};

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

/** The traffic columns whose headers are drawn whole within [0, right] px, in TRAFFIC's order. */
async function wholeTraffic(app: Page, right: number): Promise<string[]> {
  const out: string[] = [];
  for (const name of TRAFFIC) {
    const box = (await header(app, name).count()) > 0 ? await header(app, name).boundingBox() : null;
    if (box && box.x >= 0 && box.x + box.width <= right + 0.5) out.push(name);
  }
  return out;
}

for (const { width, height, scheme } of LAYOUTS) {
  test(`Traffic columns on at ${width}×${height} (${scheme}): the ports stay, and which traffic columns are in view, with the details pane too`, async ({ app, loopback }) => {
    await app.setViewportSize({ width, height });
    await app.emulateMedia({ colorScheme: scheme });
    // A few loopback connections of one process: only their ports tell them apart.
    const clientPorts = [await loopback.connect(), await loopback.connect(), await loopback.connect()];
    await setFilter(app, `port:${loopback.port}`);
    await app.getByRole('checkbox', { name: 'Traffic columns' }).check();
    await expectWhole(app, IDENTITY, width);
    expect(await wholeTraffic(app, width)).toEqual(SHOWN[width].whole);
    // Each row's ports are drawn, and differ: the rows no longer read alike.
    for (const clientPort of clientPorts) await expect(rowById(app, serverSideId(loopback.port, clientPort)).locator('.col-remotePort')).toHaveText(String(clientPort));
    // The listener has no peer: "—" with why, not the OS's wildcard "0.0.0.0" and port 0.
    for (const col of ['.col-remoteAddress', '.col-remotePort']) {
      const cell = rowById(app, listenId(loopback.port)).locator(col);
      await expect(cell).toHaveText('—');
      await expect(cell.locator('[title]')).toHaveAttribute('title', LISTEN_NO_REMOTE);
    }
    // No pane is open: "+N" (if any) does not suggest closing one; it points to opening one.
    const more = app.locator('.cols-given-way button');
    if (width < 1920) {
      await expect(more).toHaveAttribute('title', /RTT, Retrans hidden for width\. Widen the window to see them, or open a row's details \(Enter\): the pane shows them for that row\.$/);
    } else {
      await expect(more).toHaveCount(0);
    }
    // Rates in (two polls): the idle rows read "0 B/s", and Limited by "—" (nothing sent).
    const first = rowById(app, serverSideId(loopback.port, clientPorts[0]));
    await expect(first.locator('.col-sendRate')).toHaveText('0 B/s', { timeout: 10_000 });
    if (SHOWN[width].whole.includes('Limited by')) await expect(first.locator('.col-limitedBy')).toHaveText('—');
    await app.screenshot({ path: path.join(ARTIFACTS, `traffic-fit-${width}-${scheme}.png`) });

    const row = first;
    await row.click();
    const pane = await app.getByRole('region', { name: 'Details' }).boundingBox();
    expect(pane).not.toBeNull();
    await expectWhole(app, IDENTITY, pane!.x);
    expect(await wholeTraffic(app, pane!.x)).toEqual(SHOWN[width].pane);
    // The row's own cells are there as well, not only the headers.
    await expect(row.locator('.col-localPort')).toHaveText(String(loopback.port));
    await expect(row.locator('.col-remotePort')).toHaveText(String(clientPorts[0]));
    if (SHOWN[width].pane.includes('Send/s')) await expect(row.locator('.col-sendRate')).toBeVisible();
    if (width < 1920) await expect(more).toHaveAttribute('title', /The details pane shows them for its row\. Widen the window or close the pane to see them as columns\.$/);
    await app.screenshot({ path: path.join(ARTIFACTS, `traffic-fit-details-${width}-${scheme}.png`) });
    // Traffic columns off, the pane still open: Process's owner-term room gives way before the ports do.
    await app.getByRole('checkbox', { name: 'Traffic columns' }).uncheck();
    await expectWhole(app, IDENTITY, pane!.x);
    await expect(row.locator('.col-remotePort')).toHaveText(String(clientPorts[0]));
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
