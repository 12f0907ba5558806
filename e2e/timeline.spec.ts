// The timeline above the tables, against the real engine and real loopback sockets: its counts
// follow the kernel's table, hover reads a past moment, dragging a span filters the Events view,
// and screenshots at two sizes in both schemes.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, setFilter, test } from './fixtures';

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');

const readout = (page: Page) => page.getByTestId('timeline-readout');
const chart = (page: Page) => page.locator('.timeline-chart').first();

/** The count the readout shows for one series, e.g. ESTABLISHED. */
async function readoutCount(page: Page, series: string): Promise<number> {
  const text = (await readout(page).textContent()) ?? '';
  const m = new RegExp(`${series} (\\d+)`).exec(text);
  return m ? Number(m[1]) : NaN;
}

test('the timeline counts rows by state as the table does, and shows opened per second', async ({ app, loopback }) => {
  await expect(chart(app).locator('canvas')).toBeVisible();
  const before = await readoutCount(app, 'ESTABLISHED');
  expect(before).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < 6; i++) await loopback.connect();
  // Six client sockets and six accepted ones: twelve more ESTABLISHED rows (others may come and go).
  await expect.poll(() => readoutCount(app, 'ESTABLISHED')).toBeGreaterThanOrEqual(before + 12);
  // The status bar counts the same table: the newest sample agrees with its ESTABLISHED chip
  // (both follow the same polls; a row or two may move between two reads).
  await expect
    .poll(async () => {
      const chip = Number(((await app.getByTestId('count-state-ESTABLISHED').textContent()) ?? '').replace(/\D/g, ''));
      return Math.abs((await readoutCount(app, 'ESTABLISHED')) - chip);
    })
    .toBeLessThanOrEqual(2);
  loopback.closeConnections();
  await expect.poll(() => readoutCount(app, 'ESTABLISHED')).toBeLessThanOrEqual(before + 4);
});

test('hovering reads an earlier moment; dragging a span filters the Events view to it', async ({ app, loopback }) => {
  // A quiet stretch first, then our connections: a span over the quiet start holds none of them.
  await app.waitForTimeout(3000);
  for (let i = 0; i < 3; i++) await loopback.connect();
  await app.waitForTimeout(2000);
  await expect(chart(app).locator('canvas')).toBeVisible();
  const box = (await chart(app).locator('.u-over').boundingBox())!;
  const latestTime = await readout(app).locator('b').textContent();
  await app.mouse.move(box.x + 3, box.y + box.height / 2);
  await expect(readout(app).locator('b')).not.toHaveText(latestTime ?? '');

  await setFilter(app, `port:${loopback.port}`);
  await app.getByRole('tab', { name: /^Events/ }).click();
  const eventRows = app.getByRole('grid', { name: 'Events' }).locator('[role="row"][data-type]');
  await expect.poll(() => eventRows.count()).toBeGreaterThanOrEqual(6);

  await app.mouse.move(box.x + 2, box.y + box.height / 2);
  await app.mouse.down();
  await app.mouse.move(box.x + box.width * 0.2, box.y + box.height / 2, { steps: 5 });
  await app.mouse.up();
  await expect(app.locator('.timeline-range')).toContainText('Events from');
  await expect(app.getByRole('tab', { name: /^Events/ })).toHaveAttribute('aria-selected', 'true');
  await expect(eventRows).toHaveCount(0);

  await app.getByRole('button', { name: 'Clear the time span' }).click();
  await expect.poll(() => eventRows.count()).toBeGreaterThanOrEqual(6);
});

// A span within one second reads to the millisecond, never "from 02:17:53 to 02:17:53"; Escape
// clears the span, except while focus is in a text field (there it is the field's key).
test('a span under a second reads in milliseconds; Escape clears the span outside text fields', async ({ app }) => {
  await app.getByRole('button', { name: '5 min' }).click();
  await app.waitForTimeout(2500); // a few samples to draw between
  const box = (await chart(app).locator('.u-over').boundingBox())!;
  const range = app.locator('.timeline-range');
  const drag = async () => {
    // A short drag; its ends snap to the samples nearest them.
    const x = box.x + box.width * 0.5;
    await app.mouse.move(x, box.y + box.height / 2);
    await app.mouse.down();
    await app.mouse.move(x + 4, box.y + box.height / 2, { steps: 2 });
    await app.mouse.up();
    await expect(range).toBeVisible();
  };
  // One sample, chosen by keys: the span of one poll (250 ms), [its start, its time].
  await app.getByRole('slider', { name: /Timeline cursor/ }).focus();
  await app.keyboard.press('End');
  await app.keyboard.press('Enter');
  await expect(range).toBeVisible();
  const label = (await range.textContent())!.replace('✕', '').trim();
  const m = /^Events from (\d\d:\d\d:\d\d\.\d{3}) to (\d\d:\d\d:\d\d\.\d{3})$/.exec(label);
  expect(m, label).not.toBeNull();
  expect(m![1] < m![2], label).toBe(true);

  // Focus in the filter box: Escape is the box's, the span stays.
  const filter = app.getByRole('textbox', { name: 'Filter' });
  await filter.focus();
  await app.keyboard.press('Escape');
  await expect(range).toBeVisible();
  // Focus elsewhere (the Events table the span opened): Escape clears it.
  await app.getByRole('grid', { name: 'Events' }).focus();
  await app.keyboard.press('Escape');
  await expect(range).toHaveCount(0);

  // With the details pane open, one Escape closes the pane, the next clears the span.
  await app.getByRole('tab', { name: /^Connections/ }).click();
  await drag();
  await app.getByRole('tab', { name: /^Connections/ }).click();
  await app.getByRole('grid', { name: 'Connections' }).locator('[role="row"][data-id]').first().click();
  const details = app.getByRole('region', { name: 'Details' });
  await expect(details).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(details).toHaveCount(0);
  await expect(range).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(range).toHaveCount(0);
});

test('collapses and zooms', async ({ app }) => {
  await app.getByRole('button', { name: /Timeline/ }).click();
  await expect(chart(app)).toHaveCount(0);
  await app.getByRole('button', { name: /Timeline/ }).click();
  await app.getByRole('button', { name: 'Whole run' }).click();
  await expect(app.getByRole('button', { name: 'Whole run' })).toHaveAttribute('aria-pressed', 'true');
  await expect(chart(app).locator('canvas')).toBeVisible();
});

for (const scheme of ['light', 'dark'] as const) {
  for (const [w, h] of [
    [1024, 700],
    [1920, 1080],
  ] as const) {
    test(`timeline screenshot ${w}x${h} ${scheme}`, async ({ app, loopback }) => {
      await app.setViewportSize({ width: w, height: h });
      await app.emulateMedia({ colorScheme: scheme });
      for (let i = 0; i < 4; i++) {
        await loopback.connect();
        await app.waitForTimeout(700);
      }
      loopback.clients[0]?.end();
      await app.waitForTimeout(1500);
      await expect(chart(app).locator('canvas')).toBeVisible();
      // The traffic chart under the state chart draws the same moments at the same x: equal plot areas.
      const plots = app.locator('.timeline-chart .u-over');
      await expect(plots).toHaveCount(2);
      const [a, b] = await plots.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.left, r.width]));
      expect(b[0]).toBeCloseTo(a[0], 0);
      expect(b[1]).toBeCloseTo(a[1], 0);
      await app.mouse.move(0, 0);
      await app.screenshot({ path: path.join(SHOTS, `timeline-${w}x${h}-${scheme}.png`) });
    });
  }
}
