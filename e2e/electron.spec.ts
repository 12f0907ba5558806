// The desktop shell end to end, through Playwright's Electron driver: the window shows the UI
// from app://netmon, the page has window.netmon but no Node, navigation away is refused, and live
// rows appear for a connection this test opens. It needs a real Electron binary (a developer's
// Windows machine, the Windows CI runner). Without one it skips with the reason on a local run,
// and fails in CI (CI set): a CI run without Electron would otherwise prove nothing, silently.
import net from 'node:net';
import path from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { locateElectron } from '../scripts/electron-binary.cjs';

const root = path.resolve(__dirname, '..');
const binary = locateElectron();
const inCi = Boolean(process.env.CI) && !['0', 'false'].includes(process.env.CI!.toLowerCase());
const skipReason = `reason: no Electron binary at ${binary.path}; runs on a machine with Electron (e.g. Windows CI)`;
// Reporters differ in whether they show skip reasons; this line makes every run say why.
if (!binary.found && !inCi) console.log(`electron.spec.ts: skipped, ${skipReason}`);

test.describe('Electron shell', () => {
  test.skip(!binary.found && !inCi, skipReason);

  let app: ElectronApplication;
  let page: Page;
  let server: net.Server;
  let client: net.Socket;
  let port = 0;

  test.beforeAll(async () => {
    if (!binary.found) throw new Error(`CI is set but there is no Electron binary at ${binary.path}: install it (npx install-electron --no)`);
    // A loopback listener and one connection to it: rows the real OS source must show.
    server = net.createServer((s) => s.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as net.AddressInfo).port;
    client = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));

    app = await electron.launch({ executablePath: binary.path, args: [root, '--interval=500'], cwd: root });
    page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
  });

  test.afterAll(async () => {
    await app?.close();
    client?.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  test('loads the UI from app://netmon with the strict CSP', async () => {
    expect(page.url()).toMatch(/^app:\/\/netmon\//);
    await expect(page.getByRole('grid', { name: 'Connections' })).toBeVisible();
    const blocked = await page.evaluate(async () => {
      try {
        await fetch('https://example.org/');
        return false;
      } catch {
        return true;
      }
    });
    expect(blocked).toBe(true);
  });

  test('exposes window.netmon (functions only) but no Node', async () => {
    const probe = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const bridge = (w.netmon ?? {}) as Record<string, unknown>;
      return {
        hasBridge: typeof w.netmon === 'object',
        kinds: [...new Set(Object.values(bridge).map((v) => typeof v))],
        require: typeof w.require,
        process: typeof w.process,
        module: typeof w.module,
        ipc: 'ipcRenderer' in bridge,
      };
    });
    expect(probe).toEqual({ hasBridge: true, kinds: ['function'], require: 'undefined', process: 'undefined', module: 'undefined', ipc: false });
  });

  test('refuses navigation to an external URL and new windows', async () => {
    const before = page.url();
    await page.evaluate(() => {
      window.location.href = 'https://example.org/';
    });
    await page.waitForTimeout(1000);
    expect(page.url()).toBe(before);
    await page.evaluate(() => window.open('https://example.org/', '_blank'));
    await page.waitForTimeout(500);
    expect(app.windows()).toHaveLength(1);
  });

  test('main refuses a malformed IPC call with a clear reason', async () => {
    const message = await page.evaluate(async () => {
      try {
        await (window.netmon!.setInterval as (ms: unknown) => Promise<unknown>)('fast');
        return 'accepted';
      } catch (e) {
        return String(e);
      }
    });
    expect(message).toMatch(/interval must be an integer/);
  });

  test('live rows appear for a connection the test opened', async () => {
    await page.getByRole('textbox', { name: 'Filter' }).fill(`port:${port}`);
    const rows = page.getByRole('grid', { name: 'Connections' }).getByRole('row').filter({ hasText: String(port) });
    await expect(rows.first()).toBeVisible({ timeout: 15_000 });
    await page.screenshot({ path: path.join(root, 'e2e', 'artifacts', 'electron-connections.png') });
  });
});
