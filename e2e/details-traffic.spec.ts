// The details pane's Traffic section on the real engine: at 1024×700 with Traffic columns on, RTT
// and Retrans give way in the table (GIVE_WAY_TRAFFIC), and a new admin could read them nowhere;
// the pane of a loopback connection this spec feeds now shows them, live, beside the table. The
// status bar of the Processes tab counts process rows. Screenshots of the pane at both sizes and
// schemes go to docs/screenshots/.
import path from 'node:path';
import { expect, header, LAYOUTS, rowById, setFilter, test } from './fixtures';

const DOCS = path.join(__dirname, '..', 'docs', 'screenshots');

/** `1.50 KiB` → 1536; NaN when the text is no byte count. */
function bytesOf(text: string): number {
  const units: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
  const m = /^([\d.]+) (B|KiB|MiB|GiB)\b/.exec(text.trim());
  return m ? Number(m[1]) * units[m[2]] : NaN;
}

for (const { width, height, scheme } of LAYOUTS) {
  test(`the details pane reads a moving connection's traffic at ${width}×${height} (${scheme})`, async ({ app, loopback }) => {
    await app.setViewportSize({ width, height });
    await app.emulateMedia({ colorScheme: scheme });
    const clientPort = await loopback.connect();
    const client = loopback.clients[0];
    // The server side reads, or its window closes and the sender stalls.
    await expect.poll(() => loopback.accepted.length).toBe(1);
    loopback.accepted[0].resume();
    const timer = setInterval(() => client.write(Buffer.alloc(16 * 1024, 0x61)), 50);
    try {
      await setFilter(app, `port:${loopback.port}`);
      await app.getByRole('checkbox', { name: 'Traffic columns' }).check();
      const row = rowById(app, `tcp4 127.0.0.1:${clientPort} 127.0.0.1:${loopback.port}`);
      await row.click();
      const pane = app.getByRole('region', { name: 'Details' });
      const traffic = pane.getByRole('region', { name: 'Traffic' });
      await expect(traffic).toBeVisible();
      // At 1024 px the table has no RTT or Retrans column (they gave way, beside the pane even more).
      if (width === 1024) for (const name of ['RTT', 'Retrans']) await expect(header(app, name), `${name} gave way`).toHaveCount(0);
      // A value by the label beside it, as the admin reads it.
      const read = (label: string) => traffic.locator('.kv-pair', { has: app.locator('dt', { hasText: new RegExp(`^${label}$`) }) }).locator('dd');
      // RTT with its variance, Retrans a count: read in the pane, whole within the window.
      await expect(read('RTT')).toHaveText(/^[\d.]+ ms ± [\d.]+ ms$/, { timeout: 10_000 });
      await expect(read('Retrans')).toHaveText(/^\d+$/);
      await expect(read('Send/s')).toHaveText(/\d (KiB|MiB)\/s$/, { timeout: 10_000 });
      await expect(read('Sent')).toHaveText(/^[\d.]+ (B|KiB|MiB|GiB) \([\d,]+ packets\)$/);
      // The whole section in view at once when the pane scrolls to it (at 700 px the Timeline leaves
      // the pane short): every value inside the pane, inside the window, and on top (not under the
      // sticky actions).
      await traffic.evaluate((el) => el.scrollIntoView({ block: 'start' }));
      const paneBox = (await pane.boundingBox())!;
      expect(paneBox.x + paneBox.width <= width + 0.5 && paneBox.y + paneBox.height <= height + 0.5, 'the pane within the window').toBe(true);
      for (const label of ['Sent', 'Received', 'Send/s', 'Recv/s', 'RTT', 'Retrans', 'Limited by']) {
        const box = (await read(label).boundingBox())!;
        expect(box, `${label} drawn`).not.toBeNull();
        expect(box.x >= paneBox.x && box.x + box.width <= paneBox.x + paneBox.width + 0.5, `${label} within the pane's width`).toBe(true);
        expect(box.y >= paneBox.y && box.y + box.height <= paneBox.y + paneBox.height + 0.5, `${label} within the pane's height`).toBe(true);
        const onTop = await read(label).evaluate((el) => {
          const r = el.getBoundingClientRect();
          return el.contains(document.elementFromPoint(r.left + 1, r.top + r.height / 2));
        });
        expect(onTop, `${label} not covered`).toBe(true);
      }
      // Live: Sent rises as the client writes, with the pane open.
      const first = bytesOf((await read('Sent').textContent()) ?? '');
      expect(first).toBeGreaterThan(0);
      await expect.poll(async () => bytesOf((await read('Sent').textContent()) ?? ''), { timeout: 10_000 }).toBeGreaterThan(first);
      await app.screenshot({ path: path.join(DOCS, `details-traffic-${width}x${height}-${scheme}.png`) });

      // The listener has no counters: one line saying why.
      await rowById(app, `tcp4 127.0.0.1:${loopback.port} 0.0.0.0:0`).click();
      await expect(traffic.getByTestId('traffic-none')).toHaveText('A listening socket moves no data itself (its accepted connections do)');

      // The Processes tab counts its rows: this process holds all three sockets, one process row.
      await app.getByRole('tab', { name: /^Processes/ }).click();
      const procRows = app.getByRole('grid', { name: 'Processes' }).locator('.proc-body [role="row"]');
      await expect(procRows).toHaveCount(1);
      await expect(app.getByTestId('count-shown').locator('xpath=..')).toHaveText('1 process shown');
    } finally {
      clearInterval(timer);
    }
  });
}
