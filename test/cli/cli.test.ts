// End to end: the bundled CLI as a child process, against sockets this test opens on loopback
// (read through the real Linux kernel table) and against the deterministic demo source.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONNECTION_JSON_FIELDS } from '../../shared/connection';
import { EVENT_CSV_HEADER } from '../../shared/format';
import { readRecording, readRecordingSet, recordingFiles } from '../../main/record/read-recording';
import { buildCli, runCli, startCli, type BuiltCli } from './helpers';

let cli: BuiltCli;
const servers: Server[] = [];
const sockets: Socket[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  expect(process.platform).toBe('linux'); // these tests read the Linux kernel's table
  cli = await buildCli();
});

afterAll(() => {
  sockets.forEach((s) => s.destroy());
  servers.forEach((s) => s.close());
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  cli?.cleanup();
});

/** A loopback listener whose accepted sockets close when their peer does. */
async function listen(host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((s) => {
    sockets.push(s);
    s.on('end', () => s.destroy());
    s.on('error', () => undefined);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, r));
  return { server, port: (server.address() as AddressInfo).port };
}

function connectTo(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, host, () => resolve(s));
    s.on('error', reject);
    sockets.push(s);
  });
}

type JsonRow = Record<string, unknown>;
const parseLines = (text: string): JsonRow[] =>
  text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as JsonRow);

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'netmon-cli-rec-'));
  dirs.push(d);
  return d;
}

describe('netmon snapshot', () => {
  it('shows the test listener (IPv4 and IPv6) with this process as owner', async () => {
    const v4 = await listen('127.0.0.1');
    const v6 = await listen('::1');
    const r = await runCli(cli, ['snapshot', '--json', '--filter', `lport:${v4.port}`]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = parseLines(r.stdout);
    expect(rows).toHaveLength(1);
    // Fields other sources fill (traffic, engine history) are only required to be present.
    expect(rows[0]).toMatchObject({
      protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: v4.port, localScopeId: null, remoteAddress: '0.0.0.0',
      remotePort: 0, remoteScopeId: null, state: 'LISTEN', pid: process.pid, process: expect.stringMatching(/node/),
      createdAt: null,
    });
    expect(Object.keys(rows[0])).toEqual([...CONNECTION_JSON_FIELDS]);

    const r6 = await runCli(cli, ['snapshot', '--json', '--filter', `lport:${v6.port} family:6 state:listen`]);
    expect(r6.code).toBe(0);
    expect(parseLines(r6.stdout)).toEqual([expect.objectContaining({ localAddress: '::1', localPort: v6.port, pid: process.pid })]);
  });

  it('the table view lists an established pair, and negation removes it', async () => {
    const { port } = await listen('127.0.0.1');
    const client = await connectTo('127.0.0.1', port);
    const cport = client.localPort!;
    const r = await runCli(cli, ['snapshot', '--filter', `port:${port} state:estab`]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^PROTO\s+LOCAL\s+REMOTE\s+STATE\s+PID\s+PROCESS$/);
    const server = new RegExp(`^tcp\\s+127\\.0\\.0\\.1:${port}\\s+127\\.0\\.0\\.1:${cport}\\s+ESTABLISHED\\s+${process.pid}\\s+\\S`);
    const clientSide = new RegExp(`^tcp\\s+127\\.0\\.0\\.1:${cport}\\s+127\\.0\\.0\\.1:${port}\\s+ESTABLISHED\\s+${process.pid}\\s+\\S`);
    expect(lines.filter((l) => server.test(l))).toHaveLength(1);
    expect(lines.filter((l) => clientSide.test(l))).toHaveLength(1);
    expect(lines).toHaveLength(3);
    const neg = await runCli(cli, ['snapshot', '--json', '--filter', `port:${port} -lport:${cport}`]);
    expect(parseLines(neg.stdout).map((c) => c.localPort)).toEqual(expect.arrayContaining([port]));
    expect(parseLines(neg.stdout).some((c) => c.localPort === cport)).toBe(false);
    client.destroy();
  });
});

describe('netmon watch', () => {
  it('prints opened then closed for a connection the test opens and closes; SIGINT exits 0', async () => {
    const { port } = await listen('127.0.0.1');
    const w = startCli(cli, ['watch', '--json', '--interval', '200', '--filter', `port:${port}`]);
    await w.waitForStderr(/watching \d+ of \d+ connections \(those matching --filter\)/); // the baseline poll is done
    const client = await connectTo('127.0.0.1', port);
    const cport = client.localPort!;
    const isOurs = (e: JsonRow): boolean => {
      const c = e.connection as JsonRow;
      return c.localPort === port && c.remotePort === cport;
    };
    const events = (): JsonRow[] => w.stdoutLines().map((l) => JSON.parse(l) as JsonRow);
    await w.waitForLine((l) => { const e = JSON.parse(l) as JsonRow; return e.type === 'opened' && isOurs(e); }, 'opened');
    client.end(); // the server side answers by closing too (see listen), so its socket goes away
    await w.waitForLine((l) => { const e = JSON.parse(l) as JsonRow; return e.type === 'closed' && isOurs(e); }, 'closed');
    const exit = await w.stop('SIGINT');
    expect(exit).toEqual({ code: 0, signal: null });

    const ours = events().filter(isOurs);
    expect(ours[0]).toMatchObject({ type: 'opened', connection: { state: 'ESTABLISHED', pid: process.pid, localAddress: '127.0.0.1' } });
    expect(Object.keys(ours[0])).toEqual(['type', 'time', 'connection']);
    expect(new Date(ours[0].time as string).toISOString()).toBe(ours[0].time);
    const closed = ours.find((e) => e.type === 'closed')!;
    expect(ours.indexOf(closed)).toBeGreaterThan(0);
    expect((closed.connection as JsonRow).process).toEqual(expect.stringMatching(/node/));
    // Every event printed matches the filter; the listener itself existed before and is not reported.
    for (const e of events()) {
      const c = e.connection as JsonRow;
      expect([c.localPort, c.remotePort]).toContain(port);
      expect(c.state).not.toBe('LISTEN');
    }
  });

  it('text output names the transition, and SIGTERM also exits 0', async () => {
    const { port } = await listen('127.0.0.1');
    const w = startCli(cli, ['watch', '--interval', '200', '--filter', `lport:${port}`]);
    await w.waitForStderr(/watching/);
    const client = await connectTo('127.0.0.1', port);
    const line = await w.waitForLine((l) => l.includes('OPENED'), 'OPENED line');
    expect(line).toMatch(
      new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} OPENED  tcp 127\\.0\\.0\\.1:${port}→127\\.0\\.0\\.1:${client.localPort} ESTABLISHED pid ${process.pid} \\S`),
    );
    client.end();
    await w.waitForLine((l) => l.includes('CLOSED'), 'CLOSED line');
    expect(await w.stop('SIGTERM')).toEqual({ code: 0, signal: null });
  });

  it('--output writes a readable recording (demo source), rotated with --max-size', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.ndjson');
    const w = startCli(cli, ['watch', '--source', 'demo', '--interval', '100', '--quiet', '--output', path, '--max-size', '2K', '--max-files', '3']);
    await w.waitForStderr(/watching/);
    // Until it has rotated and holds more than five events (a busy machine polls slower), at most 20 s.
    const until = Date.now() + 20_000;
    for (;;) {
      await new Promise((r) => setTimeout(r, 500));
      // A file renamed mid-rotation may vanish between listing and reading: that is "not yet".
      const enough = await readRecordingSet(path).then((r) => recordingFiles(path).length > 1 && r.events.length > 5, () => false);
      if (enough) break;
      if (Date.now() > until) break;
    }
    expect(await w.stop('SIGINT')).toEqual({ code: 0, signal: null });
    expect(w.stdoutLines()).toEqual([]);
    const files = recordingFiles(path);
    expect(files.length).toBeGreaterThan(1);
    expect(files.length).toBeLessThanOrEqual(3);
    const { events, notices } = await readRecordingSet(path);
    expect(notices).toEqual([]);
    expect(events.length).toBeGreaterThan(5);
    for (const e of events) expect(['opened', 'closed', 'changed']).toContain(e.type);
    const times = events.map((e) => e.time);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });

  it('--format csv writes a header at the top of each file', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.csv');
    const w = startCli(cli, ['watch', '--source', 'demo', '--interval', '100', '--json', '-o', path, '--format', 'csv', '--max-size', '4K']);
    await w.waitForStderr(/watching/);
    await w.waitForLine(() => w.stdoutLines().length >= 10, 'ten events');
    expect(await w.stop('SIGINT')).toEqual({ code: 0, signal: null });
    const files = recordingFiles(path);
    for (const f of files) expect(readFileSync(f, 'utf8').split('\r\n')[0]).toBe(EVENT_CSV_HEADER.join(','));
    const recorded = (await Promise.all(files.map(readRecording))).flatMap((r) => r.events);
    // Everything printed on stdout was recorded, in the same order.
    const printed = w.stdoutLines().map((l) => JSON.parse(l) as { type: string; connection: { localPort: number } });
    expect(recorded.map((e) => [e.type, e.connection.localPort])).toEqual(printed.map((e) => [e.type, e.connection.localPort]));
  });
});

describe('recordings survive a torn write (issue example)', () => {
  it('an NDJSON recording cut mid-line, then `watch --output` on the same file: the new events are kept, the torn one named', async () => {
    const dir = tempDir();
    const path = join(dir, 'events.ndjson');
    const first = startCli(cli, ['watch', '--source', 'demo', '--interval', '100', '--json', '--output', path]);
    await first.waitForLine(() => first.stdoutLines().length >= 4, 'four events');
    expect(await first.stop('SIGINT')).toEqual({ code: 0, signal: null });
    const firstRun = first.stdoutLines().length;
    truncateSync(path, statSync(path).size - 25); // the writer was killed mid-line
    const second = startCli(cli, ['watch', '--source', 'demo', '--interval', '100', '--json', '--output', path]);
    await second.waitForLine(() => second.stdoutLines().length >= 3, 'three events');
    expect(await second.stop('SIGINT')).toEqual({ code: 0, signal: null });
    const printed = second.stdoutLines().map((l) => JSON.parse(l) as { time: string; connection: { localPort: number } });

    const { events, notice } = await readRecording(path);
    // Every event of the second run was recorded whole; of the first, all but the torn last one.
    expect(events).toHaveLength(firstRun - 1 + printed.length);
    expect(events.slice(firstRun - 1).map((e) => [new Date(e.time).toISOString(), e.connection.localPort])).toEqual(
      printed.map((e) => [e.time, e.connection.localPort]),
    );
    expect(notice).toBe(`${path}: read ${events.length} events from ${events.length + 1} lines; skipped 1 record (line ${firstRun}: not complete JSON (cut off mid-write?))`);
  });
});

describe('a recording on a full disk', () => {
  it('`watch --output` onto a 16 KiB tmpfs: exits 1 with the file named, and no half line is left', async () => {
    const mnt = tempDir();
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16k,mode=0700', 'tmpfs', mnt], { stdio: 'pipe' });
    } catch (e) {
      throw new Error(`this test mounts a 16 KiB tmpfs to fill it and needs root (CAP_SYS_ADMIN): ${(e as Error).message}`, { cause: e });
    }
    try {
      const path = join(mnt, 'events.ndjson');
      const w = startCli(cli, ['watch', '--source', 'demo', '--interval', '100', '--initial', '--quiet', '--output', path, '--max-size', '1G']);
      await w.waitForStderr(/no space left/, 20_000);
      expect(await w.stop('SIGINT')).toEqual({ code: 1, signal: null });
      expect(w.stderr()).toMatch(new RegExp(`\nnetmon: cannot write recording ${path}: no space left on device \\(ENOSPC\\); the event was not written\n$`));
      expect(readFileSync(path, 'utf8').endsWith('\n')).toBe(true);
      const { events, notice } = await readRecording(path);
      expect(notice).toBeNull();
      expect(events.length).toBeGreaterThan(5);
    } finally {
      execFileSync('umount', [mnt]);
    }
  });
});

describe('text times', () => {
  it('--utc prints Z; --date adds the date (local, with its offset); JSON stays ISO 8601', async () => {
    const utc = startCli(cli, ['watch', '--source', 'demo', '--interval', '100', '--initial', '--utc', '--date']);
    const line = await utc.waitForLine((l) => l.includes('OPENED'), 'OPENED line');
    await utc.stop('SIGINT');
    expect(line).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z OPENED /);
    expect(Math.abs(Date.parse(line.split(' ')[0]) - Date.now())).toBeLessThan(60_000);
    const local = startCli(cli, ['watch', '--source', 'demo', '--interval', '100', '--initial', '--date'], { TZ: 'Asia/Kolkata' });
    const l2 = await local.waitForLine((l) => l.includes('OPENED'), 'OPENED line');
    await local.stop('SIGINT');
    expect(l2).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+05:30 OPENED /);
    expect(Math.abs(Date.parse(l2.split(' ')[0]) - Date.now())).toBeLessThan(60_000);
  });
});

describe('usage errors', () => {
  it.each([
    [['watch', '--bogus'], /unknown option --bogus for "watch"/],
    [['snapshot', '--filter', 'colour:red'], /bad --filter: unknown key "colour:"[\s\S]*\n {2}colour:red\n {2}\^{6}/],
    [['snapshot', '--filter', 'port:70000'], /bad port 70000: must be 0–65535/],
    [['watch', '--interval', '5'], /bad --interval "5"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /no command given/],
  ])('%j → exit 2', async (args, re) => {
    const r = await runCli(cli, args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(re);
    expect(r.stdout).toBe('');
  });

  it('--help per command exits 0', async () => {
    const r = await runCli(cli, ['watch', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: netmon watch/);
    expect(r.stdout).toMatch(/--initial/);
    const s = await runCli(cli, ['help', 'snapshot']);
    expect(s.code).toBe(0);
    expect(s.stdout).toMatch(/^Usage: netmon snapshot/);
  });

  it('serve is dispatched to the browser-mode server (its own help and usage errors)', async () => {
    const h = await runCli(cli, ['serve', '--help']);
    expect(h.code).toBe(0);
    expect(h.stdout).toMatch(/netmon serve/);
    const bad = await runCli(cli, ['serve', '--no-such-flag']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--no-such-flag/);
  });
});
