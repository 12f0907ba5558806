// Sorting changes the rows' order, not which columns are drawn. The sorted header alone carries the
// sort mark (and the room for it), so a narrow column (a port, Retrans) widened by its mark could
// push another one out: at 1600 px, sorting by Local Port hid Last Change and sorting by State
// brought it back. Real engine and renderer; loopback sockets this spec opens.
import { expect, headerNames, header, rowById, serverSideId, setFilter, test } from './fixtures';

for (const [traffic, pane] of [[false, false], [true, false], [true, true]] as const) {
  test(`clicking any header keeps the same columns drawn at widths 800–1920${traffic ? ', traffic columns on' : ''}${pane ? ', details pane open' : ''}`, async ({ app, loopback }) => {
    const client = await loopback.connect();
    await setFilter(app, `port:${loopback.port}`);
    if (traffic) await app.getByRole('checkbox', { name: 'Traffic columns' }).check();
    if (pane) {
      await rowById(app, serverSideId(loopback.port, client)).click();
      await expect(app.getByRole('region', { name: 'Details' })).toBeVisible();
    }
    const seen: string[] = [];
    for (const width of pane ? [1024, 1280, 1440, 1600, 1920] : [800, 1024, 1180, 1280, 1440, 1600, 1700, 1920]) {
      await app.setViewportSize({ width, height: 700 });
      await header(app, 'Process').click(); // a column that never gives way: a fixed start
      await expect.poll(() => headerNames(app)).toContain('Process');
      const before = await headerNames(app);
      for (const name of before) {
        if (/^\+\d+$/.test(name) || name === '') continue;
        await header(app, name).click();
        await expect(header(app, name), `${width} px: ${name} sorted`).toHaveText(/[▲▼]$/);
        const after = await headerNames(app);
        if (after.join('|') !== before.join('|')) seen.push(`${width} px, sorted by ${name}: ${after.join('|')} (was ${before.join('|')})`);
      }
    }
    expect(seen).toEqual([]);
  });
}

test('Processes: clicking any header keeps the same columns drawn at widths 800–1920', async ({ app, loopback }) => {
  await loopback.connect();
  await setFilter(app, `port:${loopback.port}`);
  await app.getByRole('tab', { name: /Processes/ }).click();
  const grid = app.getByRole('grid', { name: 'Processes' });
  const names = async () => (await grid.getByRole('columnheader').allTextContents()).map((n) => n.replace(/[▲▼]/gu, '').trim());
  const head = (name: string) => grid.getByRole('columnheader').filter({ hasText: new RegExp(`^${name.replace(/[/()]/g, '\\$&')}[▲▼]?$`) });
  const seen: string[] = [];
  for (const width of [800, 900, 1024, 1280, 1440, 1920]) {
    await app.setViewportSize({ width, height: 700 });
    await head('Process').click();
    const before = await names();
    for (const name of before) {
      if (/^\+\d+$/.test(name) || name === '') continue;
      await head(name).click();
      await expect(head(name), `${width} px: ${name} sorted`).toHaveText(/[▲▼]$/);
      const after = await names();
      if (after.join('|') !== before.join('|')) seen.push(`${width} px, sorted by ${name}: ${after.join('|')} (was ${before.join('|')})`);
    }
  }
  expect(seen).toEqual([]);
});
