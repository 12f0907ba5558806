// The details pane of a process with a command line of several KB (as Chromium's are): Close
// connection and End process are in view without scrolling the pane (and stay there when it scrolls), at a small laptop's size and
// a large monitor's, and the whole command line is one click away.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect, setFilter, test } from './fixtures';

const SHOTS = path.join(__dirname, '..', 'docs', 'screenshots');
/** ~6 KB of switches, like a browser renderer's command line. */
const LONG_ARGS = Array.from({ length: 120 }, (_, i) => `--enable-features=NetmonLongCommandLineSwitch${i}`);

for (const [w, h] of [
  [1024, 700],
  [1920, 1080],
] as const) {
  for (const scheme of ['light', 'dark'] as const) {
    test(`actions in view with a long command line, ${w}×${h} (${scheme})`, async ({ app, loopback }) => {
      await app.setViewportSize({ width: w, height: h });
      await app.emulateMedia({ colorScheme: scheme });
      // A process of our own that holds one connection to our listener and waits; ended by its PID below.
      const child = spawn(process.execPath, ['-e', `require('net').connect(${loopback.port}, '127.0.0.1'); setInterval(() => {}, 1000);`, '--', ...LONG_ARGS], { stdio: 'ignore' });
      try {
        const pid = child.pid as number;
        await setFilter(app, `rport:${loopback.port} pid:${pid}`);
        const row = app.getByRole('grid', { name: 'Connections' }).locator('[role="row"][data-id]');
        await expect(row).toHaveCount(1);
        await row.click();
        const pane = app.getByRole('region', { name: 'Details' });
        const cmd = pane.getByTestId('clamped-text');
        await expect(cmd).toContainText('NetmonLongCommandLineSwitch119');
        expect((await cmd.textContent())!.length).toBeGreaterThan(5000);

        const actions = [pane.getByRole('button', { name: 'Close connection' }), pane.getByRole('button', { name: 'End process' })];
        const inView = async (what: string) => {
          for (const b of actions) {
            await expect(b, what).toBeInViewport({ ratio: 1 });
            const box = (await b.boundingBox())!;
            expect(box.y + box.height, what).toBeLessThanOrEqual(h);
          }
        };
        expect(await pane.evaluate((el) => el.scrollTop), 'the pane is not scrolled').toBe(0);
        await inView('clamped');
        // The command line shows a few lines; the rest is one click away, and the actions stay put.
        const cmdBox = (await cmd.boundingBox())!;
        expect(cmdBox.height).toBeLessThan(100);
        await app.screenshot({ path: path.join(SHOTS, `details-long-cmdline-${w}x${h}-${scheme}.png`) });
        await pane.getByRole('button', { name: /^Show all \([\d,]+ characters\)$/ }).click();
        expect((await cmd.boundingBox())!.height).toBeGreaterThan(cmdBox.height * 3);
        // Shown whole it may overflow the pane: scrolled to its end, the actions are still at hand.
        await pane.evaluate((el) => el.scrollTo(0, el.scrollHeight));
        await inView('expanded, the pane scrolled to its end');
        await pane.getByRole('button', { name: 'Show less' }).click();
        await expect.poll(async () => (await cmd.boundingBox())!.height).toBeLessThan(100);
      } finally {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      }
    });
  }
}
