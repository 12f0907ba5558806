// netmon replay: recordings printed as watch prints live events, through the one recording reader.
import { mkdtempSync, readFileSync, rmSync, truncateSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import { EVENT_CSV_HEADER } from '../../shared/format';
import { createRecorder } from '../record/recorder';
import { createScriptedSource } from '../source/scripted';
import type { CliIo } from './io';
import { main } from './main';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'netmon-replay-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]) {
  let out = '';
  let err = '';
  const io: CliIo = {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    createSource: () => createScriptedSource([]),
    stop: new AbortController().signal,
  };
  return main(args, io).then((code) => ({ code, out, err }));
}

function ev(port: number, type: ConnectionEvent['type'] = 'opened', process = 'node'): ConnectionEvent {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 6, localAddress: 'fe80::1', localScopeId: 2, localPort: port, remoteAddress: '::1', remotePort: 80,
    state: 'ESTABLISHED', pid: 7, process,
  };
  return { type, time: Date.UTC(2026, 10, 30, 4, 0, port), connection: { id: connectionKey(c), ...c } };
}

function record(name: string, format: 'ndjson' | 'csv', events: ConnectionEvent[]): string {
  const path = join(dir, name);
  const r = createRecorder({ path, format });
  r.record(events);
  r.close();
  return path;
}

describe('netmon replay', () => {
  it('prints NDJSON and CSV recordings as text lines, in file order, filtered', async () => {
    const a = record('a.ndjson', 'ndjson', [ev(1), ev(2, 'closed')]);
    const b = record('b.csv', 'csv', [ev(3), ev(4, 'opened', '=calc')]);
    const r = await run(['replay', a, b, '--utc', '--filter', '-lport:2']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      '04:00:01.000Z OPENED  tcp6 [fe80::1%2]:1→[::1]:80 ESTABLISHED pid 7 node\n' +
        '04:00:03.000Z OPENED  tcp6 [fe80::1%2]:3→[::1]:80 ESTABLISHED pid 7 node\n' +
        '04:00:04.000Z OPENED  tcp6 [fe80::1%2]:4→[::1]:80 ESTABLISHED pid 7 =calc\n',
    );
  });

  it('--filter follows watch\'s rule: a shown connection leaving the filter is said to (UNMATCHED), and its close is shown', async () => {
    const open = ev(5);
    const finWait = (e: ConnectionEvent): ConnectionEvent => ({ ...e, connection: { ...e.connection, state: 'FIN-WAIT-2' } });
    const left: ConnectionEvent = { ...finWait(ev(5, 'changed')), previousState: 'ESTABLISHED' };
    const a = record('a.ndjson', 'ndjson', [open, left, finWait(ev(5, 'closed'))]);
    const r = await run(['replay', a, '--utc', '--filter', 'state:established']);
    expect([r.code, r.err]).toEqual([0, '']);
    expect(r.out).toBe(
      '04:00:05.000Z OPENED  tcp6 [fe80::1%2]:5→[::1]:80 ESTABLISHED pid 7 node\n' +
        '04:00:05.000Z UNMATCHED tcp6 [fe80::1%2]:5→[::1]:80 (ESTABLISHED→FIN-WAIT-2) pid 7 node\n' +
        '04:00:05.000Z CLOSED  tcp6 [fe80::1%2]:5→[::1]:80 FIN-WAIT-2 pid 7 node\n',
    );
    const json = await run(['replay', a, '--json', '--filter', 'state:established']);
    expect(json.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as { matched?: boolean }).matched ?? null)).toEqual([null, false, null]);
  });

  it('options before the files (`replay --json FILE`) print the same as after them', async () => {
    const a = record('a.ndjson', 'ndjson', [ev(1), ev(2, 'closed')]);
    const after = await run(['replay', a, '--json', '--filter', 'lport:2']);
    const before = await run(['replay', '--json', '--filter', 'lport:2', a]);
    expect([before.code, before.err]).toEqual([0, '']);
    expect(JSON.parse(before.out)).toMatchObject({ type: 'closed', time: '2026-11-30T04:00:02.000Z', connection: { localPort: 2 } });
    expect(before.out).toBe(after.out);
  });

  it('--json and --csv convert between the formats with every field', async () => {
    const a = record('a.csv', 'csv', [ev(1, 'opened', '-bash')]);
    const j = await run(['replay', a, '--json']);
    expect(JSON.parse(j.out)).toMatchObject({ type: 'opened', time: '2026-11-30T04:00:01.000Z', connection: { localScopeId: 2, process: '-bash' } });
    const b = record('b.ndjson', 'ndjson', [ev(1, 'opened', '-bash')]);
    const c = await run(['replay', b, '--csv']);
    const [header, row, end] = c.out.split('\r\n');
    expect([header, end]).toEqual([EVENT_CSV_HEADER.join(','), '']);
    expect(row.startsWith("2026-11-30T04:00:01.000Z,opened,tcp,6,fe80::1%2,1,2,::1,80,,ESTABLISHED,7,'-bash,")).toBe(true);
  });

  it('a torn last record and a bad line are reported on stderr with file and line; exit 0', async () => {
    const a = record('a.ndjson', 'ndjson', [ev(1), ev(2), ev(3)]);
    truncateSync(a, statSync(a).size - 10);
    const r = await run(['replay', a, '--json']);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n')).toHaveLength(2);
    expect(r.err).toBe(`netmon: ${a}: read 2 events from 3 lines; the last record (line 3) was cut off mid-write and skipped\n`);
  });

  it('lines with out-of-range fields (port 70000, pid 2^32) are skipped, named and counted; the rest printed; exit 0', async () => {
    const a = record('a.ndjson', 'ndjson', [ev(1), ev(2), ev(3), ev(4)]);
    const lines = readFileSync(a, 'utf8').split('\n');
    lines[1] = lines[1].replace('"localPort":2,', '"localPort":70000,');
    lines[2] = lines[2].replace('"pid":7,', '"pid":4294967296,');
    writeFileSync(a, lines.join('\n'));
    const r = await run(['replay', '--json', a]);
    expect(r.code).toBe(0);
    expect(r.out.trim().split('\n').map((l) => (JSON.parse(l) as { connection: { localPort: number } }).connection.localPort)).toEqual([1, 4]);
    expect(r.err).toBe(`netmon: ${a}: read 2 events from 4 lines; skipped 2 records (first: line 2: field "localPort": 70000 is not a port (0 to 65535))\n`);
  });

  it('an RTT no OS can report (rttMs 1e308, hand-edited) skips that record, named, in NDJSON and CSV; the others replay; exit 0', async () => {
    const traffic = (port: number, rttMs: number): ConnectionEvent => {
      const e = ev(port);
      Object.assign(e.connection, { bytesSent: 100, bytesReceived: 200, rttMs, rttVarMs: 0.5 });
      return e;
    };
    const events = [traffic(1, 12.5), traffic(2, 1e308), traffic(3, 0xffffffff)];
    const a = record('a.ndjson', 'ndjson', events);
    const b = record('b.csv', 'csv', events);
    expect(readFileSync(a, 'utf8')).toContain('"rttMs":1e+308');
    expect(readFileSync(b, 'utf8')).toContain(',1e+308,');
    const r = await run(['replay', a, b, '--json']);
    expect(r.code).toBe(0);
    const rtts = r.out.trim().split('\n').map((l) => (JSON.parse(l) as { connection: { localPort: number; rttMs: number } }).connection);
    expect(rtts.map((c) => [c.localPort, c.rttMs])).toEqual([[1, 12.5], [3, 0xffffffff], [1, 12.5], [3, 0xffffffff]]);
    const why = 'field "rttMs": 1e+308 is not a number from 0 to 4294967295 (ms)';
    expect(r.err).toBe(
      `netmon: ${a}: read 2 events from 3 lines; skipped 1 record (line 2: ${why})\n` +
        `netmon: ${b}: read 2 events from 4 lines; skipped 1 record (line 3: ${why})\n`,
    );
  });

  it('a file that is not a recording: what is wrong, which line and field, how much was read; exit 1, other files still printed', async () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, '{"type":"opened","connection":{}}\n');
    const good = record('good.ndjson', 'ndjson', [ev(1)]);
    const r = await run(['replay', bad, good, '--json']);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`netmon: ${bad} is not a netmon recording: line 1: field "time": missing (expected an ISO 8601 time) (1 line read, no events)\n`);
    expect(r.out.trim().split('\n')).toHaveLength(1);
  });

  it('a missing FILE among others is a usage error said before anything is printed: exit 2, one line', async () => {
    const good = record('good.ndjson', 'ndjson', [ev(1)]);
    const r = await run(['replay', good, join(dir, 'missing.ndjson'), '--json']);
    expect(r).toMatchObject({ code: 2, out: '', err: `netmon: cannot read recording '${join(dir, 'missing.ndjson')}': no such file\n` });
  });

  it('usage errors', async () => {
    expect((await run(['replay'])).err).toMatch(/replay needs one or more recording FILEs/);
    expect((await run(['replay', '--json'])).err).toMatch(/replay needs one or more recording FILEs/);
    expect((await run(['replay', 'x', '--json', '--csv'])).code).toBe(2);
    expect((await run(['replay', '--help'])).out).toMatch(/^Usage: netmon replay FILE\.\.\./);
  });
});
