// snapshot / watch run in-process against scripted sources: output, filtering, failures, stopping.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CONNECTION_JSON_FIELDS } from '../../shared/connection';
import { createPlatformSource } from '../source/index';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import type { ConnectionSource } from '../source/types';
import { readRecording } from '../record/read-recording';
import type { CliIo } from './io';
import { main } from './main';
import { watchHeader } from './watch';

interface Harness {
  io: CliIo;
  out: () => string;
  err: () => string;
  stop: () => void;
  /** Resolves once stdout holds at least n lines. */
  lines: (n: number) => Promise<string[]>;
}

function harness(source?: () => ConnectionSource): Harness {
  let out = '';
  let err = '';
  const ac = new AbortController();
  const waiters: (() => void)[] = [];
  const io: CliIo = {
    stdout: (t) => {
      out += t;
      waiters.splice(0).forEach((w) => w());
    },
    stderr: (t) => {
      err += t;
    },
    createSource: (kind) => (source ? source() : createPlatformSource(kind)),
    stop: ac.signal,
  };
  const split = (): string[] => out.split('\n').filter((l) => l !== '');
  const lines = async (n: number): Promise<string[]> => {
    while (split().length < n) await new Promise<void>((r) => waiters.push(r));
    return split();
  };
  return { io, out: () => out, err: () => err, stop: () => ac.abort(), lines };
}

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('netmon snapshot (in-process)', () => {
  it('prints the scripted table, sorted, as a table', async () => {
    const h = harness();
    expect(await main(['snapshot', '--source', 'scripted'], h.io)).toBe(0);
    expect(h.out().split('\n')).toEqual([
      'PROTO  LOCAL           REMOTE  STATE   PID   PROCESS',
      'tcp    127.0.0.1:8080  *:*     LISTEN  1000  server',
      'tcp6   [::1]:8443      *:*     LISTEN  1000  server',
      'udp    0.0.0.0:5353    *:*     —       1001  mdns',
      '',
    ]);
  });

  it('raddr:*:* finds listeners and UDP (no remote side); JSON keeps the remote the OS reports', async () => {
    const h = harness();
    expect(await main(['snapshot', '--source', 'scripted', '--json', '--filter', 'raddr:*:*'], h.io)).toBe(0);
    const rows = h.out().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.protocol, r.localPort, r.remoteAddress, r.remotePort])).toEqual([
      ['tcp', 8080, '0.0.0.0', 0],
      ['tcp', 8443, '::', 0],
      ['udp', 5353, null, null],
    ]);
  });

  it('--json --filter prints matching rows as NDJSON', async () => {
    const h = harness();
    expect(await main(['snapshot', '--source', 'scripted', '--json', '--filter', 'family:6'], h.io)).toBe(0);
    const rows = h.out().trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(1);
    expect(Object.keys(rows[0])).toEqual([...CONNECTION_JSON_FIELDS]);
    expect(rows[0]).toMatchObject({ localAddress: '::1', localPort: 8443, pid: 1000, process: 'server' });
  });

  it('--csv prints a header', async () => {
    const h = harness();
    expect(await main(['snapshot', '--source', 'scripted', '--csv', '--filter', 'proto:udp'], h.io)).toBe(0);
    const [header, record, end] = h.out().split('\r\n');
    expect(header).toBe(CONNECTION_JSON_FIELDS.join(','));
    expect(end).toBe('');
    const cells = new Map(header.split(',').map((f, i) => [f, record.split(',')[i]]));
    expect(Object.fromEntries(cells)).toMatchObject({ protocol: 'udp', family: '4', localAddress: '0.0.0.0', localPort: '5353', localScopeId: '', remoteAddress: '', remotePort: '', state: '', pid: '1001', process: 'mdns', createdAt: '', bytesSent: '' });
    expect(cells.size).toBe(CONNECTION_JSON_FIELDS.length);
  });

  it('a failed read exits 1 with the reason', async () => {
    const h = harness(() => createScriptedSource([{ error: 'access denied (5)' }]));
    expect(await main(['snapshot'], h.io)).toBe(1);
    expect(h.err()).toMatch(/cannot read the connection table: .*access denied \(5\)/);
    expect(h.out()).toBe('');
  });

  it('usage errors exit 2 and point at the help', async () => {
    const h = harness();
    expect(await main(['snapshot', '--filter', 'port:99999'], h.io)).toBe(2);
    expect(h.err()).toMatch(/bad --filter: bad port 99999[\s\S]*\^\^\^\^\^[\s\S]*netmon snapshot --help/);
  });

  it('a filter past the length limit is a usage error, not a stack trace (a 32,783-character word)', async () => {
    const h = harness();
    expect(await main(['snapshot', '--source', 'scripted', '--filter', 'x'.repeat(32_783)], h.io)).toBe(2);
    expect(h.err()).toMatch(/^netmon: bad --filter: filter too long: 32783 characters, at most 4096\n/);
    expect(h.err()).not.toMatch(/at .*\.ts:\d+/);
    const [, echo, caret] = h.err().split('\n');
    expect(echo).toBe(`  …${'x'.repeat(100)}…`);
    // the window starts 50 characters before the fault (at 4096, the limit) and marks the rest
    expect(caret).toBe(`   ${' '.repeat(50)}${'^'.repeat(50)}`);
  });
});

describe('netmon watch (in-process)', () => {
  it('streams the scripted connection opening, changing and closing; stops on abort', async () => {
    const h = harness();
    const done = main(['watch', '--source', 'scripted', '--interval', '100', '--json', '--filter', 'lport:50000'], h.io);
    const lines = await h.lines(3);
    h.stop();
    expect(await done).toBe(0);
    const events = lines.map((l) => JSON.parse(l) as { type: string; time: string; connection: { state: string; localPort: number }; previousState?: string });
    expect(events.slice(0, 2).map((e) => [e.type, e.connection.state, e.previousState])).toEqual([
      ['opened', 'SYN-SENT', undefined],
      ['changed', 'ESTABLISHED', 'SYN-SENT'],
    ]);
    expect(events.every((e) => e.connection.localPort === 50000)).toBe(true);
    expect(Number.isNaN(Date.parse(events[0].time))).toBe(false);
    // The header counts what the filter lets through, and says so (none of the 3 at start).
    expect(h.err()).toBe('netmon: watching 0 of 3 connections (those matching --filter) from scripted every 100 ms; Ctrl-C stops\n');
  });

  it('the header counts what it says: all connections, or those the filter and baseline let through', () => {
    const base = { total: 120, source: 'demo', intervalMs: 1000 };
    expect(watchHeader({ ...base, shown: 120, filter: false, baseline: false })).toBe('netmon: watching 120 connections from demo every 1000 ms; Ctrl-C stops\n');
    expect(watchHeader({ ...base, shown: 7, filter: true, baseline: false })).toBe('netmon: watching 7 of 120 connections (those matching --filter) from demo every 1000 ms; Ctrl-C stops\n');
    expect(watchHeader({ ...base, shown: 2, filter: true, baseline: true })).toBe(
      'netmon: watching 2 of 120 connections (those matching --filter and departing from the baseline) from demo every 1000 ms; Ctrl-C stops\n',
    );
  });

  it('--initial reports the first table as opened', async () => {
    const h = harness();
    const done = main(['watch', '--source', 'scripted', '--interval', '100', '--initial', '--utc'], h.io);
    const lines = await h.lines(3);
    h.stop();
    expect(await done).toBe(0);
    expect(lines.slice(0, 3).every((l) => / OPENED {2}/.test(l))).toBe(true);
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d\d\dZ OPENED {2}/);
  });

  it('a failed poll is reported on stderr and polling goes on', async () => {
    const steps: ScriptStep[] = [
      [{ local: '127.0.0.1', localPort: 1, state: 'LISTEN', pid: 5 }],
      { error: 'table vanished' },
      [
        { local: '127.0.0.1', localPort: 1, state: 'LISTEN', pid: 5 },
        { local: '127.0.0.1', localPort: 2, state: 'LISTEN', pid: 5 },
      ],
    ];
    const h = harness(() => createScriptedSource(steps, { processes: { 5: 'five' } }));
    const done = main(['watch', '--interval', '100'], h.io);
    const lines = await h.lines(1);
    h.stop();
    expect(await done).toBe(0);
    expect(lines[0]).toMatch(/OPENED {2}tcp 127\.0\.0\.1:2→\*:\* LISTEN pid 5 five$/);
    expect(h.err()).toMatch(/poll failed: .*table vanished[\s\S]*polling works again/);
  });

  it('--output records the filtered events; --quiet keeps stdout empty', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netmon-cli-'));
    dirs.push(dir);
    const path = join(dir, 'rec.ndjson');
    const h = harness();
    const done = main(['watch', '--source', 'scripted', '--interval', '100', '-q', '-o', path, '--filter', 'lport:50000'], h.io);
    // Four polls make one full cycle of the scripted source: opened, changed, changed.
    await new Promise((r) => setTimeout(r, 650));
    h.stop();
    expect(await done).toBe(0);
    expect(h.out()).toBe('');
    const { events, notice } = await readRecording(path);
    expect(notice).toBeNull();
    expect(events.length).toBeGreaterThanOrEqual(3);
    expect(events.slice(0, 3).map((e) => [e.type, e.connection.state])).toEqual([
      ['opened', 'SYN-SENT'],
      ['changed', 'ESTABLISHED'],
      ['changed', 'TIME-WAIT'],
    ]);
  });

  it('a connection leaving the filter is reported (the changed event marked unmatched), and then its close', async () => {
    const est = { local: '127.0.0.1', localPort: 41000, remote: '127.0.0.1', remotePort: 5000, pid: 5 };
    const steps: ScriptStep[] = [[], [est], [{ ...est, state: 'TIME-WAIT', pid: 0 }], []];
    const h = harness(() => createScriptedSource(steps, { processes: { 5: 'five' } }));
    const done = main(['watch', '--interval', '100', '--json', '--filter', 'rport:5000 -state:time-wait'], h.io);
    // Four polls see the whole life; the closed event (as TIME-WAIT) is shown: the connection was reported.
    await Promise.race([h.lines(3), new Promise((r) => setTimeout(r, 1500))]);
    h.stop();
    expect(await done).toBe(0);
    const events = h.out().trimEnd().split('\n').map((l) => JSON.parse(l) as { type: string; connection: { state: string }; previousState?: string; matched?: boolean });
    expect(events.map((e) => [e.type, e.connection.state, e.previousState, e.matched])).toEqual([
      ['opened', 'ESTABLISHED', undefined, undefined],
      ['changed', 'TIME-WAIT', 'ESTABLISHED', false],
      ['closed', 'TIME-WAIT', undefined, undefined],
    ]);
  });

  it('host: warns once on stderr that the CLI does not resolve names', async () => {
    const h = harness();
    expect(await main(['snapshot', '--source', 'scripted', '--filter', 'port:8080 | host:example'], h.io)).toBe(0);
    expect(h.err().split('\n')).toEqual([
      expect.stringMatching(/^netmon: warning: --filter: host: .*not resolved/),
      '  port:8080 | host:example',
      '              ^^^^^^^^^^^^',
      '',
    ]);
    expect(h.out()).toMatch(/127\.0\.0\.1:8080/);
  });

  it('a recording in a missing directory is refused at start: exit 2, one line naming it', async () => {
    const h = harness();
    expect(await main(['watch', '--source', 'scripted', '-o', '/nonexistent-dir/x.ndjson'], h.io)).toBe(2);
    expect(h.err()).toBe("netmon: cannot write recording '/nonexistent-dir/x.ndjson': no such directory '/nonexistent-dir'\n");
  });
});
