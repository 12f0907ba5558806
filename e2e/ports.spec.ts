// The Ports view against the real engine: the OS's dynamic range, our loopback client sockets
// counted on a loopback address of their own (127.0.0.46: other processes' sockets on 127.0.0.1 —
// thousands on a busy machine — do not move the counts the specs assert), and the warning at a
// threshold the test sets.
import { expect, setFilter, test as base, Loopback } from './fixtures';
import path from 'node:path';

const ADDR = '127.0.0.46';

const test = base.extend<{ own: Loopback }>({
  // eslint-disable-next-line no-empty-pattern
  own: async ({}, use) => {
    const lb = new Loopback(ADDR);
    await lb.listen();
    await use(lb);
    await lb.close();
  },
});

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');

test('ports in use per address, against the OS range, with a warning at the threshold', async ({ app, own: loopback }) => {
  await app.setViewportSize({ width: 1024, height: 700 });
  await app.getByRole('tab', { name: 'Ports' }).click();
  const view = app.getByRole('region', { name: 'Ports' });
  // The Linux engine reads net.ipv4.ip_local_port_range and serves it in the status.
  await expect(view.getByTestId('ports-range')).toContainText('ip_local_port_range');
  const row = view.locator(`tr[data-address="tcp ${ADDR}"]`);
  const inUse = async () => Number(((await row.getByTestId('ports-in-use').textContent({ timeout: 1000 }).catch(() => '0')) ?? '0').replace(/,/g, ''));
  const before = await inUse();
  // 300 client sockets: each holds an ephemeral port on ADDR (1% of a 28k range is ~283).
  for (let i = 0; i < 300; i++) await loopback.connect();
  await expect.poll(inUse, { timeout: 15_000 }).toBeGreaterThanOrEqual(before + 300 - 20);
  await expect(row).toContainText('node');
  await expect(row).toContainText(`${ADDR}:${loopback.port}`);

  const input = view.getByLabel('Warning threshold, percent');
  await input.fill('1');
  await expect(view.getByTestId('ports-warnings')).toContainText(ADDR);
  await expect(row).toHaveClass(/warn/);
  await app.screenshot({ path: path.join(SHOTS, 'ports-1024x700-light.png') });
  // The warning is also written into the Events view, once, as a notice of its own kind. Only this
  // spec's connections there (notices are never hidden by connection filters): on a busy machine
  // thousands of other events would push the notices out of the rendered rows.
  await setFilter(app, `laddr:${ADDR}`);
  await app.getByRole('tab', { name: /^Events/ }).click();
  const events = app.getByRole('grid', { name: 'Events' });
  const warned = events.locator('[data-type="notice"][data-level="warning"]').filter({ hasText: `TCP ${ADDR}:` });
  const cleared = events.locator('[data-type="notice"][data-level="cleared"]').filter({ hasText: `TCP ${ADDR}: back below` });
  // Once per crossing: other processes on this machine can move usage across 1% between polls, so
  // each warning after the first must follow an all-clear (never two in a row).
  const crossings = async () => (await warned.count()) - (await cleared.count());
  await expect(warned.first()).toContainText(/ephemeral ports in use \([\d.]+% ≥ 1%/);
  await expect.poll(crossings).toBe(1);
  await expect(events.locator('[data-type="notice"]').first()).toHaveAttribute('data-level', 'warning');
  await app.screenshot({ path: path.join(SHOTS, 'ports-notice-1024x700-light.png') });
  await app.getByRole('tab', { name: 'Ports' }).click();
  await input.fill('abc');
  await expect(input).toHaveAttribute('aria-invalid', 'true');
  await input.fill('100');
  await expect(row).not.toHaveClass(/warn/);
  // Back below the threshold: one all-clear notice, and still one warning.
  await app.getByRole('tab', { name: /^Events/ }).click();
  await expect(cleared.filter({ hasText: 'back below 100%' })).toHaveCount(1);
  await expect.poll(crossings).toBe(0);
  await app.getByRole('tab', { name: 'Ports' }).click();
  loopback.closeConnections();
  await expect.poll(inUse, { timeout: 15_000 }).toBeLessThan(before + 300 - 20);
});

test('a tab opened after an address crossed the threshold shows the same notice, at the poll that crossed', async ({ app, netmon, own: loopback, context }) => {
  test.setTimeout(120_000);
  await app.getByRole('tab', { name: 'Ports' }).click();
  const view = app.getByRole('region', { name: 'Ports' });
  await expect(view.getByTestId('ports-range')).toContainText('ip_local_port_range');
  const [, low, high] = /TCP (\d+)–(\d+)/.exec((await view.getByTestId('ports-range').textContent()) ?? '') ?? [];
  const size = Number(high) - Number(low) + 1;
  const row = view.locator(`tr[data-address="tcp ${ADDR}"]`);
  const inUse = async () => Number(((await row.getByTestId('ports-in-use').textContent({ timeout: 1000 }).catch(() => '0')) ?? '0').replace(/,/g, ''));
  // A threshold just above what ADDR holds now (none but this spec's, normally), then enough
  // client sockets to cross it: the crossing happens at a poll, after the threshold is set.
  const before = await inUse();
  const threshold = Math.floor((before / size) * 100) + 1;
  const needed = Math.ceil((threshold / 100) * size) - before + 30;
  expect(needed, `sockets to open to cross ${threshold}% of ${size} ports`).toBeLessThanOrEqual(3000);
  await view.getByLabel('Warning threshold, percent').fill(String(threshold));
  // No warned row for the address (it may have no row at all yet: nothing of it in use).
  await expect(view.locator(`tr.warn[data-address="tcp ${ADDR}"]`)).toHaveCount(0);
  for (let i = 0; i < needed; i++) await loopback.connect();
  await expect(row).toHaveClass(/warn/, { timeout: 15_000 });

  const notice = (page: typeof app) =>
    page
      .getByRole('grid', { name: 'Events' })
      .locator('[data-type="notice"][data-level="warning"]')
      .filter({ hasText: `TCP ${ADDR}:` })
      .filter({ hasText: `≥ ${threshold}%` });
  const read = async (page: typeof app) => {
    const n = notice(page).first();
    return { time: await n.locator('[role="gridcell"]').first().getAttribute('title'), text: await n.locator('.notice-text').textContent() };
  };
  // Only this spec's connections in the Events view (notices are never hidden by connection
  // filters): on a busy machine thousands of other events would push the notice out of the window.
  await setFilter(app, `laddr:${ADDR}`);
  await app.getByRole('tab', { name: /^Events/ }).click();
  await expect(notice(app).first()).toBeVisible();
  const early = await read(app);
  await new Promise((r) => setTimeout(r, 1500)); // a late tab stamping its own load time would show a later second

  // The second tab of the same browser: same threshold (saved), loads the engine's port history.
  const late = await context.newPage();
  await late.setViewportSize({ width: 1024, height: 700 });
  await late.goto(netmon.url);
  await expect.poll(async () => Number((await late.getByTestId('count-total').textContent())?.replace(/,/g, '') ?? 0), { timeout: 45_000 }).toBeGreaterThan(0);
  await late.getByRole('tab', { name: /^Events/ }).click();
  await expect(notice(late).first()).toBeVisible();
  expect(await read(late)).toEqual(early);
  await late.screenshot({ path: path.join(SHOTS, 'ports-notice-late-tab-1024x700-light.png') });
  await late.close();
  loopback.closeConnections();
});
