// Troubleshooting features in browser mode, end to end: UDP endpoints and the protocol toggles,
// reverse DNS (Host column and `host:` filter), recording the event stream and reopening it, and
// the "first seen" creation time Linux leaves us with. Real engine (`--source linux`), real
// renderer in Chromium; every socket looked for is one this file opens on loopback.
import dgram from 'node:dgram';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { bodyRows, columnIndex, connections, expect, rowById, serverSideId, setFilter, statusNumber, testWithRecordDir } from './fixtures';

const ARTIFACTS = path.join(__dirname, 'artifacts');
mkdirSync(ARTIFACTS, { recursive: true });

// This file's server records into a directory of its own (not the user's ~/netmon-recordings).
const test = testWithRecordDir;

/** Text of one cell of a row, by column name. */
async function cellText(page: Page, id: string, column: string): Promise<string> {
  const i = await columnIndex(page, column);
  return ((await rowById(page, id).getByRole('gridcell').nth(i).textContent()) ?? '').trim();
}

function bindUdp(type: 'udp4' | 'udp6', address: string, port = 0): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket(type);
    s.once('error', reject);
    s.bind(port, address, () => resolve(s));
  });
}

function listenTcp(port: number): Promise<net.Server | null> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(null));
    srv.listen(port, '127.0.0.1', () => resolve(srv));
  });
}

/** A UDP socket on 127.0.0.1 and a TCP listener on the same port number (ports are per protocol). */
async function udpAndTcpOnOnePort(): Promise<{ udp: dgram.Socket; tcp: net.Server; port: number }> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = await bindUdp('udp4', '127.0.0.1');
    const port = udp.address().port;
    const tcp = await listenTcp(port);
    if (tcp) return { udp, tcp, port };
    udp.close();
  }
  throw new Error('no port free for both UDP and TCP in 20 tries');
}

const toggle = (page: Page, name: string) => page.getByRole('checkbox', { name, exact: true });

test.describe('UDP endpoints', () => {
  test('UDP sockets show as UDP/UDP6 with no remote and no state; the TCP and UDP toggles hide their rows', async ({ app }) => {
    const { udp, tcp, port } = await udpAndTcpOnOnePort();
    const udp6 = await bindUdp('udp6', '::1');
    const port6 = udp6.address().port;
    try {
      const udpId = `udp4 127.0.0.1:${port} *`;
      const tcpId = `tcp4 127.0.0.1:${port} 0.0.0.0:0`;
      const udp6Id = `udp6 [::1]:${port6} *`;

      // The filter's protocol field keeps only the UDP endpoint of the two on this port.
      await setFilter(app, `protocol:udp lport:${port}`);
      await expect(rowById(app, udpId)).toBeVisible();
      await expect(bodyRows(app)).toHaveCount(1);
      expect(await cellText(app, udpId, 'Proto')).toBe('UDP');
      expect(await cellText(app, udpId, 'Local Address')).toBe('127.0.0.1');
      expect(await cellText(app, udpId, 'Local Port')).toBe(String(port));
      // No remote endpoint, no state: the cells show the "none" dash.
      expect(await cellText(app, udpId, 'Remote Address')).toBe('—');
      expect(await cellText(app, udpId, 'Remote Port')).toBe('—');
      expect(await cellText(app, udpId, 'State')).toBe('—');
      // The owner is this test runner.
      await expect.poll(() => cellText(app, udpId, 'PID')).toBe(String(process.pid));

      await setFilter(app, `protocol:udp lport:${port6}`);
      await expect(rowById(app, udp6Id)).toBeVisible();
      await expect(bodyRows(app)).toHaveCount(1);
      expect(await cellText(app, udp6Id, 'Proto')).toBe('UDP6');
      expect(await cellText(app, udp6Id, 'Local Address')).toBe('::1');
      expect(await cellText(app, udp6Id, 'Remote Address')).toBe('—');
      expect(await cellText(app, udp6Id, 'State')).toBe('—');

      // The details pane says so too.
      await rowById(app, udp6Id).click();
      const details = app.getByRole('region', { name: 'Details' });
      await expect(details).toContainText('UDP6 [::1]:' + port6);
      await expect(details).toContainText('no state (UDP)');
      await expect(details.getByRole('button', { name: 'Close connection' })).toBeDisabled();
      await details.getByRole('button', { name: 'Close details' }).click();

      // Both protocols on one port: the toggles take out one each.
      await setFilter(app, `lport:${port}`);
      await expect(rowById(app, udpId)).toBeVisible();
      await expect(rowById(app, tcpId)).toBeVisible();
      await expect(bodyRows(app)).toHaveCount(2);

      await toggle(app, 'UDP').uncheck();
      await expect(rowById(app, udpId)).toHaveCount(0);
      await expect(rowById(app, tcpId)).toBeVisible();
      await expect(bodyRows(app)).toHaveCount(1);

      await toggle(app, 'UDP').check();
      await toggle(app, 'TCP').uncheck();
      await expect(rowById(app, tcpId)).toHaveCount(0);
      await expect(rowById(app, udpId)).toBeVisible();
      await expect(bodyRows(app)).toHaveCount(1);
      // With TCP off, the whole view holds no TCP row at all.
      await setFilter(app, '');
      const protoCol = await columnIndex(app, 'Proto');
      await expect
        .poll(async () => (await bodyRows(app).evaluateAll((rows, c) => rows.map((r) => r.querySelectorAll('[role="gridcell"]')[c]?.textContent ?? ''), protoCol)).filter((p) => p.startsWith('TCP')).length)
        .toBe(0);
      await toggle(app, 'TCP').check();

      // A look at the UDP view: every UDP endpoint on the machine, ours among them, details open.
      await setFilter(app, 'protocol:udp');
      await expect(rowById(app, udpId)).toBeVisible();
      await rowById(app, udpId).click();
      await expect(app.getByRole('region', { name: 'Details' })).toContainText(String(process.pid));
      await app.screenshot({ path: path.join(ARTIFACTS, 'udp-light.png') });
    } finally {
      udp.close();
      udp6.close();
      await new Promise<void>((r) => tcp.close(() => r()));
    }
  });
});

test.describe('reverse DNS', () => {
  test('Resolve names fills the Host column and host: filters on it', async ({ app, loopback }) => {
    const clientPort = await loopback.connect();
    const id = serverSideId(loopback.port, clientPort);
    await setFilter(app, `lport:${loopback.port}`);
    await expect(rowById(app, id)).toBeVisible();
    // Off by default: no Host column.
    const headers = async () => (await connections(app).getByRole('columnheader').allTextContents()).map((h) => h.trim());
    expect(await headers()).not.toContain('Host');

    await toggle(app, 'Resolve names').check();
    await expect.poll(headers).toContain('Host');
    // The remote end of the server side is 127.0.0.1, which the server's resolver names localhost.
    await expect.poll(() => cellText(app, id, 'Host')).toBe('localhost');
    // The listener has no remote address to resolve.
    await expect(rowById(app, `tcp4 127.0.0.1:${loopback.port} 0.0.0.0:0`)).toBeVisible();
    expect(await cellText(app, `tcp4 127.0.0.1:${loopback.port} 0.0.0.0:0`, 'Host')).toBe('');

    await setFilter(app, `host:localhost lport:${loopback.port}`);
    await expect(rowById(app, id)).toBeVisible();
    await expect(bodyRows(app)).toHaveCount(1);
    await setFilter(app, `host:nonexistent.example lport:${loopback.port}`);
    await expect(bodyRows(app)).toHaveCount(0);
    await expect.poll(() => statusNumber(app, 'count-shown')).toBe(0);

    // Names off again: the column goes.
    await setFilter(app, `lport:${loopback.port}`);
    await toggle(app, 'Resolve names').uncheck();
    await expect.poll(headers).not.toContain('Host');
  });
});

test.describe('recording', () => {
  test('Record writes opened/closed events to NDJSON; Open recording browses them read-only; Back to live returns', async ({ app, loopback, recordDir }) => {
    const record = app.getByRole('button', { name: 'Record', exact: true });
    // Both ends of each connection (the Events view applies the filter too).
    await setFilter(app, `port:${loopback.port}`);
    await expect(record).toHaveAttribute('aria-pressed', 'false');
    await record.click();
    await expect(record).toHaveAttribute('aria-pressed', 'true');
    // The status bar says where it records: a new NDJSON file in the --record-dir.
    const indicator = app.getByTestId('statusbar').getByText('● recording');
    await expect(indicator).toBeVisible();
    const file = (await indicator.getAttribute('title')) ?? '';
    expect(path.dirname(file)).toBe(recordDir);
    expect(path.basename(file)).toMatch(/^netmon-events-.+\.ndjson$/);
    expect(readdirSync(recordDir)).toContain(path.basename(file));
    // A viewer never pauses a recording: the engine refuses and says why; polling goes on.
    await app.getByRole('button', { name: 'Pause polling' }).click();
    await expect(app.getByText(/Polling not paused: .*a recording is in progress/)).toBeVisible();
    await expect(app.getByRole('button', { name: 'Pause polling' })).toBeVisible();
    await expect(app.getByTestId('poll-paused')).toHaveCount(0);

    const clientPort = await loopback.connect();
    const row = rowById(app, serverSideId(loopback.port, clientPort));
    await expect(row).toBeVisible();
    loopback.closeConnections();
    await expect(row).toHaveAttribute('data-status', 'closed');
    await record.click();
    await expect(record).toHaveAttribute('aria-pressed', 'false');
    await expect(indicator).toHaveCount(0);

    // The file: one JSON event a line, with our connection opened and closed (both ends).
    interface Ev {
      type: string;
      time: string;
      connection: { protocol: string; localPort: number; remotePort: number | null; pid: number | null };
    }
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
    const events = lines.map((l) => JSON.parse(l) as Ev);
    const ours = (e: Ev) =>
      e.connection.protocol === 'tcp' &&
      ((e.connection.localPort === loopback.port && e.connection.remotePort === clientPort) || (e.connection.localPort === clientPort && e.connection.remotePort === loopback.port));
    const mine = events.filter(ours);
    expect(mine.filter((e) => e.type === 'opened')).toHaveLength(2);
    expect(mine.filter((e) => e.type === 'closed')).toHaveLength(2);
    for (const e of mine) expect(Number.isNaN(Date.parse(e.time))).toBe(false);
    // By the close, both ends had long been owned by this test runner. An opened event may predate
    // the accept: the server end has no file yet (PID 0, no process owns it) or a file not yet in
    // the fd table (null).
    for (const e of mine.filter((x) => x.type === 'closed')) expect(e.connection.pid).toBe(process.pid);
    for (const e of mine.filter((x) => x.type === 'opened')) expect([process.pid, 0, null]).toContain(e.connection.pid);

    // After recording stopped: a connection the recording must not contain.
    const laterPort = await loopback.connect();
    await expect(rowById(app, serverSideId(loopback.port, laterPort))).toBeVisible();
    expect(readFileSync(file, 'utf8')).not.toContain(`"localPort":${laterPort}`);

    await app.getByTestId('recording-file').setInputFiles(file);
    const banner = app.getByTestId('recording-banner');
    await expect(banner).toBeVisible();
    await expect(banner).toContainText(path.basename(file));
    await expect(banner).toContainText(`${lines.length.toLocaleString('en-US')} events, read-only`);
    await expect(app.getByRole('tab', { name: /^Events/ })).toHaveAttribute('aria-selected', 'true');
    const grid = app.getByRole('grid', { name: 'Events' });
    const evRows = grid.locator('[role="row"][data-type]');
    // Matched per cell: a row's text runs its cells together, so a port may be followed by digits.
    const withPort = (p: number) => evRows.filter({ has: app.locator('[role="gridcell"]').filter({ hasText: new RegExp(`:${p}(?!\\d)`) }) });
    // The filter still applies: what shows is exactly the recording's events on this port.
    const onPort = events.filter((e) => e.connection.localPort === loopback.port || e.connection.remotePort === loopback.port);
    await expect.poll(() => statusNumber(app, 'count-shown')).toBe(onPort.length);
    await expect(withPort(clientPort).and(grid.locator('[data-type="opened"]'))).toHaveCount(2);
    await expect(withPort(clientPort).and(grid.locator('[data-type="closed"]'))).toHaveCount(2);
    // The connection opened after the recording stopped is live only.
    await expect(withPort(laterPort)).toHaveCount(0);
    await app.screenshot({ path: path.join(ARTIFACTS, 'recording-light.png') });

    // The Connections tab shows the recording's table, never live rows: the connection opened
    // after the recording (live, still open) is not there; at the end of the recording ours was
    // closed; at the moment of its 'opened' event it was open.
    await app.getByRole('tab', { name: /^Connections/ }).click();
    await expect(rowById(app, serverSideId(loopback.port, laterPort))).toHaveCount(0);
    await expect(rowById(app, serverSideId(loopback.port, clientPort))).toHaveCount(0);
    const openedAt = Date.parse(mine.find((e) => e.type === 'opened' && e.connection.localPort === loopback.port)?.time ?? mine[0].time);
    await app.getByRole('slider', { name: 'Table at' }).fill(String(openedAt));
    await expect(rowById(app, serverSideId(loopback.port, clientPort))).toBeVisible();
    await expect(rowById(app, serverSideId(loopback.port, laterPort))).toHaveCount(0);
    await app.getByRole('tab', { name: /^Events/ }).click();

    await banner.getByRole('button', { name: 'Back to live' }).click();
    await expect(banner).toHaveCount(0);
    await expect(withPort(laterPort).and(grid.locator('[data-type="opened"]'))).toHaveCount(2);
    // Live again: a connection opened now turns up.
    const livePort = await loopback.connect();
    await expect(withPort(livePort).and(grid.locator('[data-type="opened"]'))).toHaveCount(2);
    await app.getByRole('tab', { name: /^Connections/ }).click();
    await expect(rowById(app, serverSideId(loopback.port, livePort))).toBeVisible();
  });
});

test.describe('creation time', () => {
  test('Linux reports no creation time: the Created column is left out (it would repeat First Seen), the details pane says so', async ({ app, loopback }) => {
    await setFilter(app, `lport:${loopback.port}`);
    await expect(rowById(app, `tcp4 127.0.0.1:${loopback.port} 0.0.0.0:0`)).toBeVisible();
    const before = Date.now();
    const clientPort = await loopback.connect();
    const id = serverSideId(loopback.port, clientPort);
    const row = rowById(app, id);
    await expect(row).toBeVisible();
    const after = Date.now();

    const headers = (await connections(app).getByRole('columnheader').allTextContents()).map((h) => h.replace(/[▲▼]/gu, '').trim());
    expect(headers).not.toContain('Created');
    expect(headers).toContain('First Seen');
    const firstSeen = row.getByRole('gridcell').nth(await columnIndex(app, 'First Seen'));
    await expect(firstSeen).toHaveText(/^\d\d:\d\d:\d\d$/);
    const title = (await firstSeen.locator('span').getAttribute('title')) ?? '';
    // Opened during the test, so not "already open when netmon started".
    expect(title).not.toContain('Already open');
    const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)$/.exec(title);
    expect(m).not.toBeNull();
    const seenAt = new Date((m as RegExpExecArray)[1].replace(' ', 'T')).getTime();
    // Whole seconds in the text: allow the truncation on both sides.
    expect(seenAt).toBeGreaterThanOrEqual(before - 1000);
    expect(seenAt).toBeLessThanOrEqual(after + 1000);

    await row.click();
    const details = app.getByRole('region', { name: 'Details' });
    await expect(details).toBeVisible();
    await expect(details).toContainText('first seen by netmon');
    await expect(details.locator('.approx')).toHaveText(/^≤ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(first seen by netmon\)$/);
    await expect(details).not.toContainText('open before netmon started');
  });
});
