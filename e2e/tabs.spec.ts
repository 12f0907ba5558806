// The view tabs in Chromium: one Tab stop (WAI-ARIA tabs pattern), arrow keys move between them.
import { expect, test } from './fixtures';

test('the view tabs are one Tab stop; ←/→, Home and End move between them', async ({ app }) => {
  const focusedId = () => app.evaluate(() => document.activeElement?.id ?? '');
  const focusedRole = () => app.evaluate(() => document.activeElement?.getAttribute('role') ?? '');
  // Tab forward from the start of the page to the table below the tabs, counting how often a tab
  // takes the focus (to the table, not a fixed number of presses: that wraps round the page).
  await app.locator('body').click({ position: { x: 2, y: 2 } });
  const stops: string[] = [];
  for (let i = 0; i < 60 && (await focusedRole()) !== 'grid'; i++) {
    await app.keyboard.press('Tab');
    if ((await focusedRole()) === 'tab') stops.push(await focusedId());
  }
  expect(await focusedRole()).toBe('grid');
  expect(stops).toEqual(['tab-connections']);

  await app.getByRole('tab', { name: /^Connections/ }).focus();
  await app.keyboard.press('ArrowRight');
  expect(await focusedId()).toBe('tab-events');
  await expect(app.getByRole('tab', { name: /^Events/ })).toHaveAttribute('aria-selected', 'true');
  await app.keyboard.press('End');
  await expect(app.getByRole('tab', { name: 'Ports' })).toHaveAttribute('aria-selected', 'true');
  expect(await focusedId()).toBe('tab-ports');
  await app.keyboard.press('ArrowRight');
  expect(await focusedId()).toBe('tab-connections');
  await app.keyboard.press('ArrowLeft');
  await app.keyboard.press('Home');
  await expect(app.getByRole('tab', { name: /^Connections/ })).toHaveAttribute('aria-selected', 'true');
  // From the selected tab, Tab leaves the tab list.
  await app.keyboard.press('Tab');
  expect(await focusedRole()).not.toBe('tab');
});
