import { describe, expect, it } from 'vitest';
import type { Connection } from './connection';
import { parseFilter } from './filter';
import { busiest, busyness, processGroupFilter, processGroupKey, processKey, rollUpProcesses, TIME_WAIT_KEY } from './processes';

let n = 0;
const conn = (c: Partial<Connection>): Connection => ({
  id: `c${n++}`,
  protocol: 'tcp',
  family: 4,
  localAddress: '10.0.0.1',
  localPort: 1000 + n,
  remoteAddress: '10.0.0.2',
  remotePort: 443,
  state: 'ESTABLISHED',
  pid: 10,
  process: 'app',
  ...c,
});

describe('rollUpProcesses', () => {
  it('sums connections by state, listeners, UDP, rates, bytes and retransmits and keeps the worst RTT', () => {
    const rows = rollUpProcesses([
      conn({ sendRate: 100, receiveRate: 10, bytesSent: 1000, bytesReceived: 50, rttMs: 2, retransmits: 1 }),
      conn({ sendRate: 300, receiveRate: null, bytesSent: 24, bytesReceived: 6, rttMs: 40.5, retransmits: 2 }),
      conn({ state: 'CLOSE-WAIT', sendRate: null, receiveRate: null, bytesSent: null, rttMs: null }),
      conn({ state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 }),
      conn({ protocol: 'udp', state: null, remoteAddress: null, remotePort: null }),
      conn({ pid: 20, process: 'other', sendRate: 5 }),
    ]);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual({
      key: '10',
      pid: 10,
      name: 'app',
      byState: { ESTABLISHED: 2, 'CLOSE-WAIT': 1 },
      connections: 3,
      listeners: 1,
      udp: 1,
      sendRate: 400,
      receiveRate: 10,
      bytesSent: 1024,
      bytesReceived: 56,
      worstRttMs: 40.5,
      retransmits: 3,
    });
    expect(rows[1]).toMatchObject({ pid: 20, name: 'other', connections: 1, sendRate: 5, receiveRate: null, bytesSent: null, worstRttMs: null, retransmits: null });
  });

  it('keeps a reused PID apart by start time and groups unknown owners under one row', () => {
    const rows = rollUpProcesses([
      conn({ pid: 7, processStartTime: 1000, process: 'old' }),
      conn({ pid: 7, processStartTime: 2000, process: 'new' }),
      conn({ pid: null, process: null }),
      conn({ pid: null, process: null }),
    ]);
    expect(rows.map((r) => [r.key, r.name, r.connections])).toEqual([
      ['7@1000', 'old', 1],
      ['7@2000', 'new', 1],
      ['?', null, 2],
    ]);
    expect(processKey({ pid: 7 })).toBe('7');
  });

  it('names the owner of TIME-WAIT rows as every other view does, not blank', () => {
    const rows = rollUpProcesses([conn({ pid: 0, process: null, state: 'TIME-WAIT' }), conn({ pid: 0, process: null, state: 'TIME-WAIT' })]);
    expect(rows.map((r) => [r.name, r.connections])).toEqual([['TIME-WAIT (no owner)', 2]]);
  });

  it('gives the TIME-WAIT (no owner) group no PID, whichever row comes first (a PID would select other rows)', () => {
    const a = rollUpProcesses([conn({ id: 'r1', pid: 0, process: 'System Idle Process', state: 'TIME-WAIT' }), conn({ id: 'r2', pid: null, process: null, state: 'TIME-WAIT' }), conn({ id: 'r3', pid: 0, process: 'System Idle Process', state: 'LISTEN' })]);
    const b = rollUpProcesses([conn({ id: 'r2', pid: null, process: null, state: 'TIME-WAIT' }), conn({ id: 'r1', pid: 0, process: 'System Idle Process', state: 'TIME-WAIT' }), conn({ id: 'r3', pid: 0, process: 'System Idle Process', state: 'LISTEN' })]);
    const tw = (rows: ReturnType<typeof rollUpProcesses>) => rows.find((r) => r.name === 'TIME-WAIT (no owner)');
    expect(tw(a)?.connections).toBe(2);
    expect(tw(a)?.pid).toBe(tw(b)?.pid);
    // pid 0 would select (pid:0) the PID-0 listener that is not in this group.
    expect(tw(a)?.pid).toBeNull();
    expect(tw(a)?.key).toBe(TIME_WAIT_KEY);
  });
  it('keeps other ownerless rows out of the TIME-WAIT group (a listener no process can be read for, FIN-WAIT-2)', () => {
    const rows = rollUpProcesses([
      conn({ pid: null, process: null, state: 'TIME-WAIT' }),
      conn({ pid: null, process: null, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 }),
      conn({ pid: null, process: null, state: 'FIN-WAIT-2' }),
      conn({ pid: null, process: null, state: 'TIME-WAIT' }),
      // Windows lists TIME-WAIT under PID 0; another PID 0 row is not TIME-WAIT's.
      conn({ pid: 0, process: null, state: 'TIME-WAIT' }),
      conn({ pid: 0, process: 'System Idle Process', state: 'ESTABLISHED' }),
    ]);
    expect(rows.map((r) => [r.name, r.byState, r.connections, r.listeners])).toEqual([
      ['TIME-WAIT (no owner)', { 'TIME-WAIT': 3 }, 3, 0],
      [null, { 'FIN-WAIT-2': 1 }, 1, 1],
      ['System Idle Process', { ESTABLISHED: 1 }, 1, 0],
    ]);
  });
});

describe('processGroupFilter', () => {
  // Every kind of owner side by side: sockets no process owns in several states (Windows' PID 0,
  // the Linux source's PID 0 for a socket with no file, older recordings' TIME-WAIT without PID),
  // PID-0 rows Windows names, processes holding sockets in those same states, owners netmon cannot name.
  const table = [
    conn({ id: 'linux-orphan', pid: 0, process: null, state: 'FIN-WAIT-2' }),
    conn({ id: 'win-orphan', pid: 0, process: 'System Idle Process', state: 'FIN-WAIT-2' }),
    conn({ id: 'half-closed', pid: 42, process: 'node', state: 'FIN-WAIT-2' }), // shutdown(SHUT_WR): still node's
    conn({ id: 'unread', pid: null, process: null, state: 'FIN-WAIT-2' }), // another user's, without root
    conn({ id: 'last-ack', pid: 0, process: null, state: 'LAST-ACK' }),
    conn({ id: 'fw1', pid: 0, process: 'System Idle Process', state: 'FIN-WAIT-1' }),
    conn({ id: 'tw-linux', pid: 0, process: null, state: 'TIME-WAIT' }),
    conn({ id: 'tw-old', pid: null, process: null, state: 'TIME-WAIT' }),
    conn({ id: 'tw-held', pid: 42, process: 'node', state: 'TIME-WAIT' }),
    conn({ id: 'backlog', pid: 0, process: null, state: 'ESTABLISHED' }), // Linux: not yet accepted, no file
    conn({ id: 'idle-est', pid: 0, process: 'System Idle Process', state: 'ESTABLISHED' }),
    conn({ id: 'idle-listen', pid: 0, process: 'System Idle Process', state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 }),
    conn({ id: 'node', pid: 42, process: 'node', state: 'ESTABLISHED' }),
    conn({ id: 'nameless', pid: 77, process: null, state: 'ESTABLISHED' }), // a PID whose name could not be read
  ];

  it('filters Connections to exactly the rows of each group, ownerless groups of any state included', () => {
    const groups = rollUpProcesses(table);
    const shown = groups.map((g) => {
      const expr = processGroupFilter(g);
      const r = parseFilter(expr);
      if (!r.ok) throw new Error(`${expr}: ${r.error.message}`);
      return [g.key, expr, table.filter((c) => r.filter.match(c)).map((c) => c.id)];
    });
    expect(shown).toEqual([
      ['no-owner:FIN-WAIT-2', 'state:fin-wait-2 owner:none', ['linux-orphan', 'win-orphan']],
      ['42', 'pid:42', ['half-closed', 'tw-held', 'node']],
      ['?', 'owner:unknown -pid:0-4294967295', ['unread']],
      ['no-owner:LAST-ACK', 'state:last-ack owner:none', ['last-ack']],
      ['no-owner:FIN-WAIT-1', 'state:fin-wait-1 owner:none', ['fw1']],
      [TIME_WAIT_KEY, 'state:time-wait owner:none', ['tw-linux', 'tw-old']],
      ['no-owner:ESTABLISHED', 'state:established owner:none', ['backlog']],
      ['0', 'pid:0 -owner:none', ['idle-est', 'idle-listen']],
      ['77', 'pid:77', ['nameless']],
    ]);
    // The rule behind it: each group's filter selects the rows whose group key is its key.
    for (const [key, , ids] of shown as [string, string, string[]][]) {
      expect(ids).toEqual(table.filter((c) => processGroupKey(c) === key).map((c) => c.id));
    }
  });

  it('names every ownerless group as ownerLabel names its rows, with no PID', () => {
    const groups = rollUpProcesses(table).filter((g) => g.ownerless !== undefined);
    expect(groups.map((g) => [g.name, g.pid, g.ownerless])).toEqual([
      ['FIN-WAIT-2 (no owner)', null, 'FIN-WAIT-2'],
      ['LAST-ACK (no owner)', null, 'LAST-ACK'],
      ['FIN-WAIT-1 (no owner)', null, 'FIN-WAIT-1'],
      ['TIME-WAIT (no owner)', null, 'TIME-WAIT'],
      ['ESTABLISHED (no owner)', null, 'ESTABLISHED'],
    ]);
  });
});

describe('busiest', () => {
  it('ranks by rate or bytes, busiest first, unknowns last', () => {
    const a = { name: 'a', sendRate: 10, receiveRate: 5, bytesSent: 1, bytesReceived: 1 };
    const b = { name: 'b', sendRate: null, receiveRate: null, bytesSent: 900, bytesReceived: 0 };
    const c = { name: 'c', sendRate: 100, receiveRate: null, bytesSent: 50, bytesReceived: 50 };
    expect(busiest([a, b, c], 'rate', 10).map((x) => x.name)).toEqual(['c', 'a', 'b']);
    expect(busiest([a, b, c], 'bytes', 2).map((x) => x.name)).toEqual(['b', 'c']);
    expect(busyness(b, 'rate')).toBeNull();
    expect(busyness(a, 'rate')).toBe(15);
  });
});
