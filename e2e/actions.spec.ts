// Close connection and End process from the details pane, through the confirmation dialog, in
// browser mode on Linux (the server's actions use the kernel's socket destroy and signals).
import { spawn } from 'node:child_process';
import { expect, rowById, serverSideId, setFilter, test } from './fixtures';

test.describe('actions from the details pane', () => {
  test('Cancel does nothing; Confirm closes the connection and the row turns closed', async ({ app, loopback }) => {
    await setFilter(app, `lport:${loopback.port}`);
    const clientPort = await loopback.connect();
    const row = rowById(app, serverSideId(loopback.port, clientPort));
    await row.click();
    const details = app.getByRole('region', { name: 'Details' });
    await details.getByRole('button', { name: 'Close connection' }).click();
    const dialog = app.getByRole('alertdialog');
    await expect(dialog).toBeVisible();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    await app.waitForTimeout(600);
    await expect(row).not.toHaveAttribute('data-status', 'closed');

    await details.getByRole('button', { name: 'Close connection' }).click();
    await app.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
    const result = details.getByTestId('action-result');
    await expect(result).toBeVisible();
    // As root the kernel destroys the socket; otherwise the reason it would not is shown (never swallowed).
    if (process.getuid?.() === 0) {
      await expect(result).toContainText('done');
      await expect(row).toHaveAttribute('data-status', 'closed');
    } else {
      await expect(result).toContainText(/failed: .+/);
    }
  });

  test('End process ends a child that holds a connection', async ({ app, loopback }) => {
    // A separate process that connects to our listener and then just waits.
    const child = spawn(process.execPath, ['-e', `require('net').connect(${loopback.port}, '127.0.0.1'); setInterval(() => {}, 1000);`], { stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_c, sig) => r(sig)));
    try {
      await setFilter(app, `rport:${loopback.port} pid:${child.pid}`);
      const row = app.getByRole('grid', { name: 'Connections' }).locator('[role="row"][data-id]');
      await expect(row).toHaveCount(1);
      await row.click();
      const details = app.getByRole('region', { name: 'Details' });
      await expect(details).toContainText(String(child.pid));
      await details.getByRole('button', { name: 'End process' }).click();
      await app.getByRole('alertdialog').getByRole('button', { name: 'Confirm' }).click();
      await expect(details.getByTestId('action-result')).toContainText('done');
      expect(await exited).not.toBeNull();
      // The kernel closes the child's socket: it no longer belongs to that PID (TIME-WAIT has no
      // owner), so the pid-filtered view empties.
      await expect(row).toHaveCount(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });
});
