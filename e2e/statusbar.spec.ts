// The status bar and the details pane of a busy machine (the demo source: every TCP state, UDP,
// processes without an owner) at a small laptop's 1024×700 and at 1920×1080, light and dark: no
// status-bar chip is cut off, and "unknown" has one mark everywhere (the tables' "—", never "–").
import path from 'node:path';
import { bodyRows, expect, LAYOUTS, test } from './fixtures';

test.use({ netmonArgs: ['--source', 'demo', '--demo-connections', '400'] });

const DOCS = path.join(__dirname, '..', 'docs', 'screenshots');

for (const { width: w, height: h, scheme } of LAYOUTS) {
  test(`status bar and details pane ${w}×${h} (${scheme})`, async ({ app }) => {
    await app.setViewportSize({ width: w, height: h });
    await app.emulateMedia({ colorScheme: scheme });
    const bar = app.getByTestId('statusbar');
    // The demo machine soon has connections in most states: a chip each.
    await expect.poll(async () => bar.locator('.sb-states > .chip').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(6);
    await bodyRows(app).first().click();
    const details = app.getByRole('region', { name: 'Details' });
    await expect(details).toBeVisible();
    // Held still for measuring (the demo changes every poll); "view frozen" takes its room too.
    await app.getByRole('button', { name: 'Freeze' }).click();
    await expect(bar.getByTestId('frozen')).toBeVisible();
    await app.waitForTimeout(300); // the chips' box is measured after layout (ResizeObserver)

    // Every chip is whole: inside the window and inside the bar, not clipped by its neighbours.
    const barBox = (await bar.boundingBox())!;
    const chips = await bar.locator('.sb-states > .chip').evaluateAll((els) =>
      els.map((e) => {
        const r = e.getBoundingClientRect();
        // The nearest ancestor that clips (overflow other than visible) must hold the chip whole.
        let clip: DOMRect | null = null;
        for (let p = e.parentElement; p && !clip; p = p.parentElement) if (getComputedStyle(p).overflow !== 'visible') clip = p.getBoundingClientRect();
        return { text: e.textContent ?? '', left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width, scroll: e.scrollWidth, client: e.clientWidth, clip: clip && { left: clip.left, right: clip.right, top: clip.top, bottom: clip.bottom } };
      }),
    );
    expect(chips.length).toBeGreaterThanOrEqual(6);
    // Chips with no room wrap whole onto the box's hidden second line; the rest share the first.
    const shown = chips.filter((c) => c.top === chips[0].top);
    const hidden = chips.filter((c) => c.top !== chips[0].top);
    expect(shown.length).toBeGreaterThanOrEqual(2);
    const more = bar.getByTestId('states-more');
    if (hidden.length > 0) {
      await expect(more).toHaveText(`+${hidden.length}`);
      const told = (await more.getAttribute('title')) ?? '';
      for (const c of hidden) expect(told).toContain(c.text.replace(/\s+/g, ' ').trim());
      const m = (await more.boundingBox())!;
      expect(m.x + m.width <= barBox.x + barBox.width + 0.5 && m.x >= shown.at(-1)!.right - 0.5, '+N whole, after the chips').toBe(true);
    } else {
      await expect(more).toHaveCount(0);
    }
    for (const c of shown) {
      expect(c.width, `${c.text} has a width`).toBeGreaterThan(10);
      expect(c.scroll, `${c.text} shows all its text`).toBeLessThanOrEqual(c.client + 0.5);
      expect(c.left >= barBox.x - 0.5 && c.right <= barBox.x + barBox.width + 0.5, `${c.text} inside the bar`).toBe(true);
      expect(c.bottom <= barBox.y + barBox.height + 0.5 && c.top >= barBox.y - 0.5, `${c.text} inside the bar's height`).toBe(true);
      if (c.clip) expect(c.left >= c.clip.left - 0.5 && c.right <= c.clip.right + 0.5, `${c.text} not clipped`).toBe(true);
    }
    // Whatever the bar has no room for is still said: the chips' box names every state and count.
    const all = await bar.locator('.sb-states').getAttribute('title');
    for (const c of chips) expect(all ?? '').toContain(c.text.replace(/\s+/g, ' ').trim());

    // One glyph for unknown: an owner-less row (TIME-WAIT on the simulated Windows machine) in the
    // pane shows "—"; no en dash anywhere in the pane, the table or the status bar.
    const noOwner = bodyRows(app).filter({ hasText: 'TIME-WAIT' }).first();
    if ((await noOwner.count()) > 0) {
      await noOwner.click();
      await expect(details.getByRole('heading', { level: 2 })).toContainText('PID');
    }
    for (const where of [details, app.getByRole('grid', { name: 'Connections' }), bar]) expect(await where.textContent()).not.toContain('–');
    // …and looks the same in the pane's proportional and monospaced lines and the table's cells.
    const marks = await app.locator('.unknown').evaluateAll((els) => els.map((e) => ({ text: e.textContent, font: getComputedStyle(e).fontFamily, inPane: !!e.closest('.details') })));
    expect(marks.some((m) => m.inPane) && marks.some((m) => !m.inPane)).toBe(true);
    expect(new Set(marks.map((m) => `${m.text} ${m.font}`)).size).toBe(1);
    expect(marks[0].text).toBe('—');
    await app.screenshot({ path: path.join(DOCS, `statusbar-details-${w}x${h}-${scheme}.png`) });
  });
}
