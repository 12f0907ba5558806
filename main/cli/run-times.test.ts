// Every CLI output carries the run's times (firstSeenAt / lastChangeAt / preexisting), stamped by
// the engine's own history as the app's are: never the nulls a bare engine batch leaves.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RowSpec } from '../model/build';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import type { CliIo } from './io';
import { main } from './main';

interface Times {
  firstSeenAt: string | null;
  lastChangeAt: string | null;
  preexisting: boolean | null;
}
interface EventLine {
  type: string;
  time: string;
  connection: Times & { localPort: number; state: string | null };
}

const LISTENER: RowSpec = { local: '127.0.0.1', localPort: 47010, state: 'LISTEN', pid: 5 };
const CLIENT: RowSpec = { local: '127.0.0.1', localPort: 47011, remote: '127.0.0.1', remotePort: 47010, pid: 5 };
/** A listener throughout; a client opens (SYN-SENT), becomes ESTABLISHED, closes. */
const LIFE: ScriptStep[] = [[LISTENER], [LISTENER, { ...CLIENT, state: 'SYN-SENT' }], [LISTENER, CLIENT], [LISTENER]];

function run(steps: ScriptStep[]) {
  let out = '';
  let err = '';
  const ac = new AbortController();
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: (t) => void (err += t),
    createSource: () => createScriptedSource(steps, { processes: { 5: 'five' } }),
    stop: ac.signal,
  };
  return { io, out: () => out, err: () => err, stop: () => ac.abort() };
}

const jsonLines = <T>(text: string): T[] => text.trimEnd().split('\n').map((l) => JSON.parse(l) as T);

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Runs `watch ARGS --interval 100` over LIFE until the client's close was printed (at most 3 s). */
async function watchLife(args: string[]): Promise<ReturnType<typeof run>> {
  const h = run(LIFE);
  const done = main(['watch', '--interval', '100', ...args], h.io);
  const until = Date.now() + 3000;
  while (!/closed/i.test(h.out()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  h.stop();
  expect(await done).toBe(0);
  return h;
}

/** The client's events (opened, changed, closed) carry the times the app's engine gives them. */
function expectClientTimes(events: EventLine[]): void {
  const client = events.filter((e) => e.connection.localPort === 47011);
  expect(client.map((e) => e.type)).toEqual(['opened', 'changed', 'closed']);
  const [opened, changed, closed] = client;
  expect(opened.connection).toMatchObject({ firstSeenAt: opened.time, lastChangeAt: opened.time, preexisting: false });
  expect(changed.connection).toMatchObject({ firstSeenAt: opened.time, lastChangeAt: changed.time, preexisting: false });
  expect(changed.time > opened.time).toBe(true);
  expect(closed.connection).toMatchObject({ firstSeenAt: opened.time, lastChangeAt: closed.time, preexisting: false });
}

describe('the run times in CLI outputs', () => {
  it('snapshot --json: a row at the (only) poll was already open, first seen then', async () => {
    const h = run(LIFE);
    expect(await main(['snapshot', '--json'], h.io)).toBe(0);
    const [row] = jsonLines<Times>(h.out());
    expect(row.firstSeenAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(row).toEqual(expect.objectContaining({ lastChangeAt: row.firstSeenAt, preexisting: true }));
  });

  it('snapshot polling twice: a row new at the second poll is not preexisting and first seen then', async () => {
    const h = run(LIFE);
    expect(await main(['snapshot', '--json', '--interval', '100'], h.io)).toBe(0);
    const [listener, client] = jsonLines<Times & { localPort: number }>(h.out());
    expect([listener.localPort, client.localPort]).toEqual([47010, 47011]);
    expect(listener.preexisting).toBe(true);
    expect(client.preexisting).toBe(false);
    expect(client.firstSeenAt! > listener.firstSeenAt!).toBe(true);
    expect(client.lastChangeAt).toBe(client.firstSeenAt);
  });

  it('snapshot --csv and top --json fill the three columns', async () => {
    const csv = run(LIFE);
    expect(await main(['snapshot', '--csv'], csv.io)).toBe(0);
    const [header, record] = csv.out().split('\r\n');
    const cells = Object.fromEntries(header.split(',').map((f, i) => [f, record.split(',')[i]]));
    expect(cells.firstSeenAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(cells).toMatchObject({ lastChangeAt: cells.firstSeenAt, preexisting: 'true' });

    const top = run(LIFE);
    expect(await main(['top', '--json', '--interval', '100'], top.io)).toBe(0);
    const rows = jsonLines<Times>(top.out());
    expect(rows.length).toBeGreaterThan(0);
    for (const r of rows) expect(r.firstSeenAt).not.toBeNull();
  });

  it('watch --json (--initial): stdout and the NDJSON recording carry the times, and replay gives them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netmon-times-'));
    dirs.push(dir);
    const rec = join(dir, 'rec.ndjson');
    const h = await watchLife(['--json', '--initial', '--output', rec]);
    const events = jsonLines<EventLine>(h.out());
    // The listener was there at the first poll: preexisting, first seen at that poll.
    expect(events[0]).toMatchObject({ type: 'opened', connection: { localPort: 47010, preexisting: true } });
    expect(events[0].connection).toMatchObject({ firstSeenAt: events[0].time, lastChangeAt: events[0].time });
    expectClientTimes(events);

    const replayed = run([]);
    expect(await main(['replay', '--json', rec], replayed.io)).toBe(0);
    expect(jsonLines<EventLine>(replayed.out())).toEqual(events);
  });

  it('watch --output FILE --format csv records the times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netmon-times-'));
    dirs.push(dir);
    const rec = join(dir, 'rec.csv');
    await watchLife(['--output', rec, '--format', 'csv']);
    const replayed = run([]);
    expect(await main(['replay', '--json', rec], replayed.io)).toBe(0);
    expectClientTimes(jsonLines<EventLine>(replayed.out()));
  });
});

describe('the run times across what a long watch meets', () => {
  // Two UDP sockets on one endpoint (two slots of one key), a poll that fails, a new connection,
  // an owner change on the first socket, the second closing, and a new socket on the same endpoint.
  const A: RowSpec = { protocol: 'udp', local: '0.0.0.0', localPort: 47020, pid: 5 };
  const B: RowSpec = { protocol: 'udp', local: '0.0.0.0', localPort: 47020, pid: 6 };
  const C: RowSpec = { local: '127.0.0.1', localPort: 47021, remote: '127.0.0.1', remotePort: 47022, pid: 6, state: 'SYN-SENT' };
  const STEPS: ScriptStep[] = [
    [A, B],
    { error: 'table unreadable' },
    [A, B, C],
    [{ ...A, pid: 7 }, B, { ...C, state: 'ESTABLISHED' }],
    [{ ...A, pid: 7 }, { ...C, state: 'ESTABLISHED' }],
    [{ ...A, pid: 7 }, { ...B, pid: 9 }, { ...C, state: 'ESTABLISHED' }],
  ];
  type Line = EventLine & { connection: { pid: number | null } };

  it('keeps each slot’s first-seen time, starts a reopened slot afresh and goes on after a failed poll', async () => {
    const h = run(STEPS);
    const done = main(['watch', '--json', '--initial', '--interval', '100'], h.io);
    const until = Date.now() + 1800;
    while (!/"pid":9/.test(h.out()) && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    h.stop();
    expect([await done, h.err()]).toEqual([0, expect.stringMatching(/poll failed: table unreadable/)]);
    const lines = jsonLines<Line>(h.out());
    const at = (type: string, pid: number) => lines.find((e) => e.type === type && e.connection.pid === pid)!;
    const [a, b] = [at('opened', 5), at('opened', 6)];
    const t0 = a.time;
    for (const e of [a, b]) expect(e.connection).toMatchObject({ firstSeenAt: t0, lastChangeAt: t0, preexisting: true });
    // C opened after the failed poll: new, first seen then.
    const c = lines.find((e) => e.type === 'opened' && e.connection.localPort === 47021)!;
    expect(c.time > t0).toBe(true);
    expect(c.connection).toMatchObject({ firstSeenAt: c.time, lastChangeAt: c.time, preexisting: false });
    // A's owner changed (PID 5 → 7): the same socket, first seen at the start, changed now.
    const owner = lines.find((e) => e.type === 'changed' && e.connection.pid === 7)!;
    expect(owner.connection).toMatchObject({ firstSeenAt: t0, lastChangeAt: owner.time, preexisting: true });
    // B closed; a socket on the same endpoint afterwards is a new one.
    const closed = at('closed', 6);
    expect(closed.connection).toMatchObject({ firstSeenAt: t0, lastChangeAt: closed.time, preexisting: true });
    const again = at('opened', 9);
    expect(again.time > closed.time).toBe(true);
    expect(again.connection).toMatchObject({ firstSeenAt: again.time, lastChangeAt: again.time, preexisting: false });
  });
});

describe('replay of a recording made before the run times were recorded', () => {
  it('reads it and says the times are unknown (null, empty cells), never made up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'netmon-times-'));
    dirs.push(dir);
    const old = join(dir, 'old.ndjson');
    const connection = { protocol: 'tcp', family: 4, localAddress: '10.0.0.1', localPort: 50000, remoteAddress: '10.0.0.2', remotePort: 443, state: 'ESTABLISHED', pid: 7, process: 'curl' };
    writeFileSync(old, `${JSON.stringify({ type: 'opened', time: '2025-01-01T00:00:00.000Z', connection })}\n`);
    const json = run([]);
    expect(await main(['replay', '--json', old], json.io)).toBe(0);
    expect(jsonLines<EventLine>(json.out())[0].connection).toMatchObject({ firstSeenAt: null, lastChangeAt: null, preexisting: null });
    const csv = run([]);
    expect(await main(['replay', '--csv', old], csv.io)).toBe(0);
    const [header, record] = csv.out().split('\r\n');
    const cells = Object.fromEntries(header.split(',').map((f, i) => [f, record.split(',')[i]]));
    expect([cells.firstSeenAt, cells.lastChangeAt, cells.preexisting]).toEqual(['', '', '']);
  });
});
