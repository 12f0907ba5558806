// One recording for every tab (browser mode): `netmon serve` owns it. Start it in one tab, close
// that tab, open another on the same URL: the new tab shows that netmon is recording, and to which
// file; its Record click is not a second start; stop works from there and every open tab follows.
// Also the two notes an admin met on the way: Mark baseline beside a recording, a wrong token.
import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { connections, expect, testWithRecordDir as test } from './fixtures';

test.describe.configure({ timeout: 120_000 });

const recordButton = (page: Page) => page.getByRole('button', { name: 'Record', exact: true });

async function openTab(page: Page, url: string): Promise<Page> {
  await page.goto(url);
  await expect(connections(page)).toBeVisible();
  return page;
}

test('a recording started in a closed tab shows in a new tab with its file; stop works there and in every tab', async ({ app, netmon, context, loopback, recordDir }) => {
  await expect(recordButton(app)).toHaveAttribute('aria-pressed', 'false');
  await recordButton(app).click();
  await expect(recordButton(app)).toHaveAttribute('aria-pressed', 'true');
  const file = (await app.getByTestId('sb-recording').getAttribute('title')) ?? '';
  expect(path.dirname(file)).toBe(recordDir);
  expect(path.basename(file)).toMatch(/^netmon-events-.+\.ndjson$/);

  // A second tab open all along, to see pushed changes.
  const watcher = await openTab(await context.newPage(), netmon.url);
  await expect(recordButton(watcher)).toHaveAttribute('aria-pressed', 'true');

  // Close the tab that started it: netmon keeps writing.
  await app.close();
  const sizeBefore = statSync(file).size;
  await loopback.connect();
  await expect.poll(() => statSync(file).size, { timeout: 20_000 }).toBeGreaterThan(sizeBefore);

  // A new tab on the same URL: it shows recording and the file, without a click.
  const late = await openTab(await context.newPage(), netmon.url);
  await expect(recordButton(late)).toHaveAttribute('aria-pressed', 'true');
  await expect(late.getByTestId('sb-recording')).toHaveText(`● recording ${path.basename(file)}`);
  await expect(late.getByTestId('sb-recording')).toHaveAttribute('title', file);
  await expect(recordButton(late)).toHaveAttribute('title', new RegExp(`Recording to ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));

  // Its Record click stops the one recording (it never "starts" the same file again), and every tab follows.
  await recordButton(late).click();
  await expect(late.getByText('Recording stopped')).toBeVisible();
  for (const tab of [late, watcher]) {
    await expect(recordButton(tab)).toHaveAttribute('aria-pressed', 'false');
    await expect(tab.getByTestId('sb-recording')).toHaveCount(0);
  }
  const sizeStopped = statSync(file).size;
  await loopback.connect();
  await late.waitForTimeout(1000); // four poll intervals
  expect(statSync(file).size).toBe(sizeStopped);
  await late.close();
  await watcher.close();
});

test('with a recording on screen at 1024×700, Mark baseline says it takes this machine now; the tabs row stays one line', async ({ app, recordDir }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  const file = path.join(recordDir, 'night.ndjson');
  const conn = { protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 7001, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 1, process: 'recorded' };
  writeFileSync(file, `${JSON.stringify({ type: 'opened', time: '2024-01-01T00:00:00.000Z', connection: conn })}\n`);
  await app.getByTestId('recording-file').setInputFiles(file);
  await expect(app.getByTestId('recording-banner')).toBeVisible();
  const note = app.getByTestId('baseline-live-note');
  await expect(note).toBeVisible();
  await expect(note).toHaveAttribute('title', 'Mark baseline takes this machine now, not the recording night.ndjson');
  await app.getByRole('button', { name: 'Mark baseline' }).click();
  await expect(app.getByTestId('baseline-label')).toBeVisible();
  await expect(note).toHaveText('Live, not the recording');
  const boxes = await app.locator('.tabs').evaluate((el) =>
    [...el.children]
      .flatMap((c) => (c.getAttribute('role') === 'tablist' ? [...c.children] : [c]))
      .filter((c) => (c as HTMLElement).offsetParent !== null)
      .map((c) => c.getBoundingClientRect())
      .map((r) => ({ top: r.top, bottom: r.bottom })),
  );
  // One line: every item starts above the bottom of every other.
  expect(Math.max(...boxes.map((b) => b.top))).toBeLessThan(Math.min(...boxes.map((b) => b.bottom)));
  await app.screenshot({ path: path.join(__dirname, '..', 'test-results', 'e2e', 'recording-baseline-1024.png') });
});

test('a wrong token typed into a fresh address is refused with words true for it, not only for a restart', async ({ page, netmon }) => {
  await page.goto(`${netmon.origin}/?token=typed-wrong-0123456789`);
  const notice = page.getByTestId('access-notice');
  await expect(notice).toContainText('netmon refused this page’s token', { timeout: 20_000 });
  await expect(notice).toContainText('the address was mistyped or cut short, it is from an earlier run (a bookmark, an old tab), or netmon serve was restarted since this tab opened');
  await expect(notice).not.toContainText('most likely');
});
