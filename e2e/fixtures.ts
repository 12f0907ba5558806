// Fixtures: one `netmon serve` per worker (the real engine on this machine's kernel table), and
// helpers to open loopback connections the specs can look for.
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import { spawnServe, type NetmonServer } from './serve';

export type { NetmonServer };

/** A loopback listener plus the sockets on both ends, all closed by `close()`. */
export class Loopback {
  readonly server = net.createServer((s) => {
    this.accepted.push(s);
    s.on('error', () => undefined);
  });
  readonly accepted: net.Socket[] = [];
  readonly clients: net.Socket[] = [];
  port = 0;

  /** `host`: the loopback address both ends use (any of 127.0.0.0/8 on Linux; a spec of its own keeps others' sockets out). */
  constructor(readonly host = '127.0.0.1') {}

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, this.host, () => r()));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Connects once; returns the client's local (ephemeral) port. */
  async connect(): Promise<number> {
    const c = net.connect({ port: this.port, host: this.host, localAddress: this.host });
    c.on('error', () => undefined);
    await new Promise<void>((r) => c.once('connect', () => r()));
    this.clients.push(c);
    return c.localPort as number;
  }

  /**
   * Closes every connection with a reset: no TIME-WAIT on either side, so the rows leave the
   * kernel table at once (a FIN close would leave one side lingering as TIME-WAIT).
   */
  closeConnections(): void {
    for (const c of this.clients.splice(0)) c.resetAndDestroy();
    for (const s of this.accepted.splice(0)) s.destroy();
  }

  async close(): Promise<void> {
    this.closeConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Connection ids as the engine builds them (shared/connection.ts connectionKey). */
export const serverSideId = (port: number, clientPort: number) => `tcp4 127.0.0.1:${port} 127.0.0.1:${clientPort}`;
export const listenId = (port: number) => `tcp4 127.0.0.1:${port} 0.0.0.0:0`;

/** Starts `netmon serve` on the real Linux engine; `extraArgs` go after the standard flags. */
export function startNetmon(extraArgs: readonly string[] = []): Promise<NetmonServer> {
  return spawnServe(['--port', '0', '--interval', '250', '--source', 'linux', ...extraArgs]);
}

export const test = base.extend<{ app: Page; loopback: Loopback }, { netmon: NetmonServer; netmonArgs: string[] }>({
  // Extra `netmon serve` flags for a spec file (e.g. `--record-dir`); override with test.use or a
  // worker fixture of the same name.
  netmonArgs: [[], { scope: 'worker', option: true }],
  netmon: [
    async ({ netmonArgs }, use) => {
      const srv = await startNetmon(netmonArgs);
      await use(srv);
      const exited = new Promise<number | null>((r) => srv.process.once('exit', (code) => r(code)));
      srv.process.kill('SIGTERM');
      // `netmon serve` must shut down cleanly on SIGTERM.
      expect(await exited).toBe(0);
    },
    { scope: 'worker' },
  ],
  app: async ({ page, netmon }, use) => {
    await page.goto(netmon.url);
    await expect(page.getByRole('grid', { name: 'Connections' })).toBeVisible();
    // The first snapshot has arrived once the status bar counts something. A loaded machine with
    // tens of thousands of sockets (other suites' load tests) takes seconds to list them.
    await expect.poll(async () => Number((await page.getByTestId('count-total').textContent())?.replace(/,/g, '') ?? 0), { timeout: 45_000 }).toBeGreaterThan(0);
    await use(page);
  },
  // eslint-disable-next-line no-empty-pattern
  loopback: async ({}, use) => {
    const lb = new Loopback();
    await lb.listen();
    await use(lb);
    await lb.close();
  },
});

export { expect };

/** `test` whose server records into a directory of its own (`recordDir`), not the user's ~/netmon-recordings. */
export const testWithRecordDir = test.extend<object, { recordDir: string }>({
  recordDir: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'netmon-e2e-rec-'));
      await use(dir);
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  netmonArgs: [async ({ recordDir }, use) => use(['--record-dir', recordDir]), { scope: 'worker' }],
});

export function connections(page: Page): Locator {
  return page.getByRole('grid', { name: 'Connections' });
}

export function rowById(page: Page, id: string): Locator {
  return connections(page).locator(`[role="row"][data-id="${id}"]`);
}

export function bodyRows(page: Page): Locator {
  return connections(page).locator('[role="row"][data-id]');
}

export async function setFilter(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Filter' });
  await box.fill(text);
  // The box debounces and the table follows in an effect: rows read before then are the previous
  // filter's. Wait until the table's rows are this text's (or the box reports it does not parse).
  const want = text.trim() === '' ? '' : text;
  const app = page.locator('.app');
  await expect
    .poll(async () => (await box.getAttribute('aria-invalid')) === 'true' || (await app.getAttribute('data-table-filter')) === want, { timeout: 30_000 })
    .toBe(true);
}

/** The number the status bar shows under data-testid (thousands separators removed). */
export async function statusNumber(page: Page, testId: string): Promise<number> {
  return Number(((await page.getByTestId(testId).textContent()) ?? '').replace(/[^\d]/g, ''));
}

/** The Connections table's header cells, in order. */
export function headers(page: Page): Locator {
  return connections(page).getByRole('columnheader');
}

/** The Connections headers' names, in order, without the sort mark. */
export async function headerNames(page: Page): Promise<string[]> {
  return (await headers(page).allTextContents()).map((n) => n.replace(/[▲▼]/gu, '').trim());
}

/** One Connections header cell by its name (sorted or not). */
export function header(page: Page, name: string): Locator {
  return headers(page).filter({ hasText: new RegExp(`^${name}[▲▼]?$`) });
}

/** Column index of a header by its visible name, for reading cells of a row. */
export async function columnIndex(page: Page, name: string): Promise<number> {
  const names = await connections(page).getByRole('columnheader').allTextContents();
  const i = names.findIndex((n) => n.trim().replace(/[▲▼↑↓\s]+$/u, '') === name);
  if (i < 0) throw new Error(`no column ${name}; columns: ${names.join(' | ')}`);
  return i;
}

/** The window sizes and colour schemes a layout is checked (and photographed) at: a small laptop and a large monitor, light and dark. */
export const LAYOUTS: readonly { width: number; height: number; scheme: 'light' | 'dark' }[] = [
  [1024, 700],
  [1920, 1080],
].flatMap(([width, height]) => (['light', 'dark'] as const).map((scheme) => ({ width, height, scheme })));
