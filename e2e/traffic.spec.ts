// Traffic in the browser, end to end: a loopback connection this spec feeds shows a rising Sent
// and a non-blank rate in the traffic columns, the Processes tab sums this process's connections,
// and `rate>` keeps only the rows that move data; choosing the no-owner group of a real orphaned
// socket filters Connections to exactly that group.
import { columnIndex, connections, expect, rowById, serverSideId, setFilter, test } from './fixtures';
import { NOTHING_SENT } from '../renderer/store/unknownReasons';

const UNITS: Record<string, number> = { B: 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/** `1.50 KiB` → 1536; NaN for a blank cell. */
function bytesOf(text: string): number {
  const m = /^([\d.]+) (B|KiB|MiB|GiB)(\/s)?$/.exec(text.trim());
  return m ? Number(m[1]) * UNITS[m[2]] : NaN;
}

test.describe('traffic', () => {
  test('a connection sending data shows a rising Sent, a rate, a Processes sum and passes rate>', async ({ app, loopback }) => {
    const clientPort = await loopback.connect();
    const client = loopback.clients[0];
    // The server side must read, or its receive window closes after ~128 KiB and the sender stalls.
    await expect.poll(() => loopback.accepted.length).toBe(1);
    loopback.accepted[0].resume();
    const timer = setInterval(() => client.write(Buffer.alloc(32 * 1024, 0x61)), 50); // ~640 KiB/s
    try {
      await setFilter(app, `port:${loopback.port}`);
      await app.getByRole('checkbox', { name: 'Traffic columns' }).check();
      const row = rowById(app, `tcp4 127.0.0.1:${clientPort} 127.0.0.1:${loopback.port}`);
      await expect(row).toBeVisible();
      const sentAt = await columnIndex(app, 'Sent');
      const rateAt = await columnIndex(app, 'Send/s');
      const cell = (i: number) => row.getByRole('gridcell').nth(i);
      await expect(cell(rateAt)).toHaveText(/\d (KiB|MiB)\/s$/, { timeout: 10_000 });
      const first = bytesOf((await cell(sentAt).textContent()) ?? '');
      expect(first).toBeGreaterThan(0);
      await expect.poll(async () => bytesOf((await cell(sentAt).textContent()) ?? ''), { timeout: 10_000 }).toBeGreaterThan(first);
      const rate = bytesOf((await cell(rateAt).textContent()) ?? '');
      expect(rate).toBeGreaterThan(100 * 1024);
      expect(rate).toBeLessThan(4 * 1024 * 1024);

      // rate> keeps the moving connection (client side sends, server side receives) and drops the listener.
      await setFilter(app, `port:${loopback.port} rate>10K`);
      await expect(connections(app).locator('[role="row"][data-id]')).toHaveCount(2);

      await setFilter(app, `port:${loopback.port}`);
      await app.getByRole('tab', { name: /Processes/ }).click();
      const procs = app.getByRole('grid', { name: 'Processes' });
      const procRow = procs.getByRole('row').nth(1);
      // This test process holds the listener and both ends: 2 connections, 1 listener.
      await expect(procRow.getByRole('gridcell').nth(2)).toHaveText('2');
      await expect(procRow.getByRole('gridcell').nth(4)).toHaveText('1');
      await expect(procRow.getByRole('gridcell').nth(6)).toHaveText(/\d (KiB|MiB)\/s$/);
      await expect(procRow.getByRole('gridcell').nth(7)).toHaveText(/\d (KiB|MiB)\/s$/);
      await app.screenshot({ path: 'test-results/traffic-processes.png' });
      await procRow.click();
      await expect(app.getByRole('textbox', { name: 'Filter' })).toHaveValue(new RegExp(`^pid:\\d+$`));
    } finally {
      clearInterval(timer);
    }
  });

  test('choosing the "FIN-WAIT-2 (no owner)" group of a real orphan filters Connections to exactly the ownerless FIN-WAIT-2 rows', async ({ app, loopback }) => {
    const clientPort = await loopback.connect();
    await expect.poll(() => loopback.accepted.length).toBe(1);
    // The server side never reads nor closes; the client closes after writing: its end waits in
    // FIN-WAIT-2 with no file (inode 0), owned by no process.
    loopback.accepted[0].pause();
    const client = loopback.clients.pop()!;
    await new Promise<void>((r) => client.write('bye', () => r()));
    client.destroy();
    const orphanId = `tcp4 127.0.0.1:${clientPort} 127.0.0.1:${loopback.port}`;
    await setFilter(app, `port:${loopback.port}`);
    await expect(rowById(app, orphanId)).toContainText('FIN-WAIT-2 (no owner)');
    await app.getByRole('tab', { name: /Processes/ }).click();
    const group = app.getByRole('grid', { name: 'Processes' }).getByRole('gridcell', { name: 'FIN-WAIT-2 (no owner)', exact: true });
    await expect(group).toBeVisible();
    await app.screenshot({ path: 'test-results/processes-orphan.png' });
    await group.click();
    await expect(app.getByRole('textbox', { name: 'Filter' })).toHaveValue('state:fin-wait-2 owner:none');
    await expect(rowById(app, orphanId)).toBeVisible();
    // Exactly the group: its peer (CLOSE-WAIT, this process's) and listener are gone; every row left
    // is a FIN-WAIT-2 no process owns (other orphans on the machine may be among them).
    await expect(rowById(app, serverSideId(loopback.port, clientPort))).toHaveCount(0);
    const texts = await connections(app).locator('[role="row"][data-id]').allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    for (const t of texts) expect(t).toContain('FIN-WAIT-2 (no owner)');
  });

  test('an idle and a receiving connection: Limited by is "—" saying nothing was sent, once the rates are known', async ({ app, loopback }) => {
    await app.setViewportSize({ width: 1920, height: 1080 });
    const clientPort = await loopback.connect();
    const client = loopback.clients[0];
    await expect.poll(() => loopback.accepted.length).toBe(1);
    loopback.accepted[0].resume();
    // The client sends now and then; its server side only receives.
    const timer = setInterval(() => client.write(Buffer.alloc(8 * 1024, 0x61)), 100);
    try {
      await setFilter(app, `port:${loopback.port}`);
      await app.getByRole('checkbox', { name: 'Traffic columns' }).check();
      const receiving = rowById(app, serverSideId(loopback.port, clientPort));
      const limitedAt = await columnIndex(app, 'Limited by');
      const rateAt = await columnIndex(app, 'Recv/s');
      await expect(receiving.getByRole('gridcell').nth(rateAt)).toHaveText(/\d (KiB|MiB)\/s$/, { timeout: 10_000 });
      const cell = receiving.getByRole('gridcell').nth(limitedAt);
      await expect(cell).toHaveText('—');
      await expect(cell.locator('[title]')).toHaveAttribute('title', NOTHING_SENT);
      clearInterval(timer);
      // Idle both ways: the client side too, once a poll saw it send nothing.
      const idle = rowById(app, `tcp4 127.0.0.1:${clientPort} 127.0.0.1:${loopback.port}`);
      await expect(idle.getByRole('gridcell').nth(await columnIndex(app, 'Send/s'))).toHaveText('0 B/s', { timeout: 10_000 });
      await expect(idle.getByRole('gridcell').nth(limitedAt)).toHaveText('—');
      await expect(idle.getByRole('gridcell').nth(limitedAt).locator('[title]')).toHaveAttribute('title', NOTHING_SENT);
    } finally {
      clearInterval(timer);
    }
  });
});
