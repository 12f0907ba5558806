// `watch --filter` over traffic fields (issue 11): rows that come to match through counters are
// reported, as `matched`, and as `matched: false` when they stop; a reported row's close always.
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import { parseFilter } from '../../shared/filter';
import { counterColumns, movedRow } from '../../shared/testing/counters';
import { formatEventText, parseEventJsonLine, formatEventJsonLine } from '../../shared/format';
import type { RowSpec } from '../model/build';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import type { CliIo } from './io';
import { main } from './main';
import { reportedEvents } from '../export/reported-events';

const busyRow = (localPort: number, sent: number): RowSpec => ({
  local: '127.0.0.1',
  localPort,
  remote: '127.0.0.1',
  remotePort: 9000,
  pid: 10,
  counters: { BYTES_SENT: sent, BYTES_RECEIVED: 0, SEGS_OUT: 1, SEGS_IN: 1, RTT_US: 100, RTTVAR_US: 10, RETRANS: 0 },
});

/** Runs `watch` until `polls` polls of the script have been seen (or 3 s), then stops it. */
async function watch(argv: string[], script: ScriptStep[], polls: number) {
  let out = '';
  const ac = new AbortController();
  let reads = 0;
  const io: CliIo = {
    stdout: (t) => void (out += t),
    stderr: () => {},
    createSource: () => {
      const s = createScriptedSource(script, { processes: { 10: 'pump' } });
      const read = s.read.bind(s);
      // The read after the last wanted poll: every batch wanted has been delivered.
      s.read = () => {
        if (++reads === polls + 1) ac.abort();
        return read();
      };
      return s;
    },
    stop: ac.signal,
  };
  const timer = setTimeout(() => ac.abort(), 3000);
  const code = await main(['watch', '--interval', '100', ...argv], io);
  clearTimeout(timer);
  return { code, events: out.trimEnd().split('\n').filter(Boolean) };
}

// Port 1 is busy from the start (rates are known from the second poll) and closes at the 4th
// poll; port 2 stays idle.
const SCRIPT: ScriptStep[] = [
  [busyRow(1, 0), busyRow(2, 0)],
  [busyRow(1, 500_000), busyRow(2, 10)],
  [busyRow(1, 1_000_000), busyRow(2, 20)],
  [busyRow(2, 30)],
];

describe('watch --filter on traffic (issue 11)', () => {
  it('--initial reports the busy connection once it has a rate, then its close; nothing of the idle one', async () => {
    const r = await watch(['--initial', '--json', '--filter', 'rate>1M'], SCRIPT, 4);
    expect(r.code).toBe(0);
    const events = r.events.map((l) => JSON.parse(l) as { type: string; matched?: boolean; connection: { localPort: number; sendRate: number | null } });
    expect(events.map((e) => [e.type, e.matched ?? false, e.connection.localPort])).toEqual([
      ['opened', true, 1],
      ['closed', false, 1],
    ]);
    expect(events[0].connection.sendRate).toBeGreaterThan(1e6);
  });

  it('without --initial too: a connection that becomes busy is news; text says MATCHED', async () => {
    const r = await watch(['--utc', '--filter', 'rate>1M'], SCRIPT, 4);
    expect(r.events).toHaveLength(2);
    // Each line ends with the traffic the filter reads (the rate it matched by).
    expect(r.events[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3}Z MATCHED tcp 127\.0\.0\.1:1→127\.0\.0\.1:9000 ESTABLISHED pid 10 pump {2}\(send\/s \d+(\.\d+)? MiB\/s, recv\/s 0 B\/s, sent 488 KiB, received 0 B, rtt 0\.1 ms, retrans 0, limited —\)$/);
    expect(r.events[1]).toMatch(/ CLOSED {2}tcp 127\.0\.0\.1:1→.* {2}\(send\/s /);
  });

  it('a reported connection that goes idle is said to leave the filter, and its close is still reported', async () => {
    // Port 1 busy at poll 2, idle at polls 3 and 4, closed at poll 5.
    const script: ScriptStep[] = [[busyRow(1, 0)], [busyRow(1, 2_000_000)], [busyRow(1, 2_000_000)], [busyRow(1, 2_000_000)], []];
    const r = await watch(['--utc', '--filter', 'rate>1M'], script, 5);
    expect(r.events.map((l) => l.split(' ')[1])).toEqual(['MATCHED', 'UNMATCHED', 'CLOSED']);
    expect(r.events[1]).toMatch(/ UNMATCHED tcp 127\.0\.0\.1:1→127\.0\.0\.1:9000 ESTABLISHED pid 10 pump {2}\(send\/s 0 B\/s, /);
  });

  it('a filter without traffic terms prints as before (no matched events)', async () => {
    const r = await watch(['--json', '--filter', 'lport:1'], SCRIPT, 4);
    expect(r.events.map((l) => JSON.parse(l) as { type: string; matched?: boolean }).map((e) => [e.type, e.matched ?? false])).toEqual([['closed', false]]);
  });
});

const conn = (localPort: number, extra: Partial<Connection> = {}): Connection => {
  const c: Omit<Connection, 'id'> = { protocol: 'tcp', family: 4, localAddress: '10.0.0.1', localPort, remoteAddress: '10.0.0.2', remotePort: 80, state: 'ESTABLISHED', pid: 1, process: 'p', ...extra };
  return { id: connectionKey(c), ...c };
};

describe('reportedEvents', () => {
  const compile = (expr: string) => {
    const r = parseFilter(expr);
    if (!r.ok) throw new Error(r.error.message);
    return r.filter;
  };

  it('closed for rows told, whether their last row matches or not; changed for rows matching now or leaving', () => {
    const t = reportedEvents(compile('rate>100 | state:close-wait'));
    const quietBusy = conn(1, { sendRate: 500 });
    const idle = conn(2, { sendRate: 0 });
    t.start([quietBusy, idle]);
    // The busy row present at the start is told (the starting point): its close is passed even idle.
    expect(t.events([{ type: 'closed', time: 0, connection: conn(1, { sendRate: 0 }) }])).toHaveLength(1);
    // The idle one was never told: its close is not news.
    expect(t.events([{ type: 'closed', time: 0, connection: conn(2, { sendRate: 500 }) }])).toEqual([]);
  });

  it('matched events: rows whose counters moved into the filter, and out of it; none for filters without traffic terms', () => {
    const t = reportedEvents(compile('rate>100'));
    const a = conn(1, { sendRate: null });
    const b = conn(2, { sendRate: null });
    t.start([a, b]);
    const step = (time: number, rows: ReturnType<typeof movedRow>[], events: ConnectionEvent[] = []) => {
      const batch = { time, events, counters: rows.length ? counterColumns(rows) : undefined };
      return [...t.events(events), ...t.moved(batch)];
    };
    // Poll 2: a's rate is known and high, b's is low.
    const m = step(5, [movedRow(a.id, 5000, 1000), movedRow(b.id, 50, 50)]);
    expect(m.map((e) => [e.type, e.matched, e.time, e.connection.localPort, e.connection.sendRate, e.connection.bytesSent])).toEqual([['opened', true, 5, 1, 1000, 5000]]);
    // Poll 3: a stays busy (told already), b becomes busy.
    const m3 = step(6, [movedRow(a.id, 9000, 1000), movedRow(b.id, 9000, 900)]);
    expect(m3.map((e) => [e.connection.localPort, e.connection.sendRate])).toEqual([[2, 900]]);
    expect(step(7, [movedRow(a.id, 9999, 999), movedRow(b.id, 9999, 999)])).toEqual([]);
    // Poll 8: a goes idle: one unmatched event, then nothing while it stays idle.
    const m8 = step(8, [movedRow(a.id, 9999, 0)]);
    expect(m8.map((e) => [e.type, e.matched, e.connection.localPort, e.connection.sendRate])).toEqual([['changed', false, 1, 0]]);
    expect(step(9, [movedRow(a.id, 9999, 0)])).toEqual([]);
    // Its close is reported though its last row does not match; b's too.
    const closes = step(10, [], [
      { type: 'closed', time: 10, connection: { ...a, sendRate: 0 } },
      { type: 'closed', time: 10, connection: { ...b, sendRate: 999 } },
    ]);
    expect(closes.map((e) => [e.type, e.connection.localPort])).toEqual([['closed', 1], ['closed', 2]]);
    // A row opened later and moving: judged by its counters as well; unknown ids are ignored.
    const c = conn(3, { sendRate: null });
    step(11, [], [{ type: 'opened', time: 11, connection: c }]);
    const m12 = step(12, [movedRow('no-such-id', 1, 1e9), movedRow(c.id, 1, 1e6)]);
    expect(m12.map((e) => e.connection.localPort)).toEqual([3]);
    const plain = reportedEvents(compile('port:1'));
    plain.start([a]);
    expect(plain.moved({ time: 5, events: [], counters: counterColumns([movedRow(a.id, 5000, 1000)]) })).toEqual([]);
  });

  it('the marker survives JSON (additive: still an opened event) and shows in text', () => {
    const e: ConnectionEvent = { type: 'opened', matched: true, time: Date.UTC(2026, 0, 1), connection: conn(1) };
    const line = formatEventJsonLine(e);
    expect(JSON.parse(line)).toMatchObject({ type: 'opened', matched: true });
    expect(parseEventJsonLine(line)).toMatchObject({ type: 'opened', matched: true });
    expect(JSON.parse(formatEventJsonLine({ ...e, matched: undefined }))).not.toHaveProperty('matched');
    expect(formatEventText(e, { utc: true })).toMatch(/^00:00:00\.000Z MATCHED tcp /);
    // Leaving the filter: a changed event marked false, UNMATCHED in text, kept by a recording.
    const left: ConnectionEvent = { type: 'changed', matched: false, time: Date.UTC(2026, 0, 1), connection: conn(1) };
    expect(JSON.parse(formatEventJsonLine(left))).toMatchObject({ type: 'changed', matched: false });
    expect(parseEventJsonLine(formatEventJsonLine(left))).toMatchObject({ type: 'changed', matched: false });
    expect(formatEventText(left, { utc: true })).toMatch(/^00:00:00\.000Z UNMATCHED tcp /);
    // A mark that means nothing (false on opened, any on closed) is not written.
    expect(JSON.parse(formatEventJsonLine({ ...left, type: 'closed' }))).not.toHaveProperty('matched');
    expect(parseEventJsonLine(formatEventJsonLine(e).replace('"matched":true', '"matched":false'))).not.toHaveProperty('matched');
  });
});
