import { describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/connection';
import type { EventBatch } from '../../shared/ipc';
import { createMetrics, topN } from './prometheus';
import { bearerMatches } from './metrics-server';
import { LiveTable } from './table';

const status = (lastPollAt: number | null, lastError: string | null = null): EventBatch['status'] => ({
  paused: false, intervalMs: 1000, source: 'scripted', lastPollAt, lastPollMs: 4, lastError,
});
const row = (id: string, p: Partial<Connection>): Connection => ({
  id, protocol: 'tcp', family: 4, localAddress: '10.0.0.1', localPort: 50000, remoteAddress: '203.0.113.7', remotePort: 443,
  state: 'ESTABLISHED', pid: 10, process: 'curl', ...p,
});

describe('LiveTable + metrics', () => {
  it('counts by protocol, family and state; bounds processes; counts events and poll errors', async () => {
    const t = new LiveTable();
    const m = createMetrics({ table: t, topProcesses: 1, portRanges: () => ({ tcp: { low: 50000, high: 50099 }, udp: { low: 50000, high: 50099 } }) });
    const feed = (b: EventBatch) => {
      const p = t.apply(b);
      if (p) m.observePoll(p);
    };
    feed({ seq: 1, time: 1, full: true, events: [], status: status(1), connections: [
      row('a', {}), row('b', { localPort: 50001, process: 'curl' }),
      row('l', { state: 'LISTEN', localPort: 80, remoteAddress: '0.0.0.0', remotePort: 0, process: 'nginx' }),
      row('u', { protocol: 'udp', family: 6, localAddress: '::', localPort: 53, remoteAddress: null, remotePort: null, state: null, process: null, pid: 0 }),
    ] });
    feed({ seq: 2, time: 2, full: false, status: status(2), events: [
      { type: 'closed', time: 2, connection: row('b', { localPort: 50001 }) },
      { type: 'opened', time: 2, connection: row('c', { localPort: 50002, bytesSent: 100, sendRate: 5 }) },
      { type: 'changed', time: 2, connection: row('a', { state: 'CLOSE-WAIT' }), previousState: 'ESTABLISHED' },
    ] });
    feed({ seq: 3, time: 3, full: false, events: [], status: status(3, 'read failed') });
    feed({ seq: 4, time: 3, full: false, events: [], status: { ...status(3, 'read failed'), paused: true } });
    const text = await m.registry.metrics();
    const lines = text.split('\n').filter((l) => !l.startsWith('#'));
    expect(lines).toContain('netmon_connections{protocol="tcp",family="ipv4",state="ESTABLISHED"} 1');
    expect(lines).toContain('netmon_connections{protocol="tcp",family="ipv4",state="CLOSE-WAIT"} 1');
    expect(lines).toContain('netmon_connections{protocol="tcp",family="ipv4",state="LISTEN"} 1');
    expect(lines).toContain('netmon_connections{protocol="udp",family="ipv6",state="none"} 1');
    expect(lines).toContain('netmon_listeners{protocol="tcp",family="ipv4"} 1');
    expect(lines).toContain('netmon_listeners{protocol="udp",family="ipv6"} 1');
    expect(lines).toContain('netmon_process_connections{process="curl"} 2');
    // The one process past the top 1 (nginx) is "other"; the nameless UDP socket is "unknown", not in "other".
    expect(lines).toContain('netmon_process_connections{aggregate="other"} 1');
    expect(lines).toContain('netmon_process_connections{aggregate="unknown"} 1');
    expect(lines.filter((l) => l.includes('"other"'))).toEqual(['netmon_process_connections{aggregate="other"} 1']);
    expect(lines).toContain('netmon_process_sent_bytes{process="curl"} 100');
    expect(lines).toContain('netmon_process_send_rate_bytes_per_second{process="curl"} 5');
    expect(lines).toContain('netmon_events_total{type="opened"} 1');
    expect(lines).toContain('netmon_events_total{type="closed"} 1');
    expect(lines).toContain('netmon_events_total{type="changed"} 1');
    expect(lines).toContain('netmon_poll_errors_total 1');
    expect(lines).toContain('netmon_poll_duration_seconds_count 3');
    expect(lines).toContain('netmon_ephemeral_ports_in_use{protocol="tcp",local_address="10.0.0.1"} 2');
    expect(lines).toContain('netmon_ephemeral_ports_range_size{protocol="tcp"} 100');
  });

  it('keeps a process really named unknown, no_owner or other apart from netmon\'s own aggregates of those names', async () => {
    const t = new LiveTable();
    const m = createMetrics({ table: t, topProcesses: 3 });
    const conns = [
      // Real processes with those names (a Linux process may call itself anything).
      row('r1', { process: 'unknown', pid: 100 }), row('r2', { process: 'unknown', pid: 100, localPort: 2 }),
      row('r3', { process: 'no_owner', pid: 101, localPort: 3 }), row('r4', { process: 'no_owner', pid: 101, localPort: 4 }),
      row('r5', { process: 'other', pid: 102, localPort: 5 }), row('r6', { process: 'other', pid: 102, localPort: 6 }),
      // netmon's aggregates: owner not known, no owner by nature (neither takes a process's place), and a small process past the top 3.
      row('n1', { process: null, pid: null, localPort: 7, bytesSent: 10 }),
      row('n2', { process: null, pid: 0, localPort: 8, state: 'FIN-WAIT-2' }),
      row('n3', { process: 'sshd', pid: 7, localPort: 9 }),
    ];
    t.apply({ seq: 1, time: 1, full: true, events: [], status: status(1), connections: conns });
    const lines = (await m.registry.metrics()).split('\n').filter((l) => l.startsWith('netmon_process_connections'));
    expect(lines.sort()).toEqual([
      'netmon_process_connections{aggregate="no_owner"} 1',
      'netmon_process_connections{aggregate="other"} 1',
      'netmon_process_connections{aggregate="unknown"} 1',
      'netmon_process_connections{process="no_owner"} 2',
      'netmon_process_connections{process="other"} 2',
      'netmon_process_connections{process="unknown"} 2',
    ]);
    // With room for everyone, the same.
    const wide = createMetrics({ table: t, topProcesses: 10 });
    const text = await wide.registry.metrics();
    for (const l of [
      'netmon_process_connections{process="unknown"} 2',
      'netmon_process_connections{aggregate="unknown"} 1',
      'netmon_process_connections{process="no_owner"} 2',
      'netmon_process_connections{aggregate="no_owner"} 1',
      'netmon_process_connections{process="sshd"} 1',
      'netmon_process_sent_bytes{aggregate="unknown"} 10',
    ]) expect(text.split('\n')).toContain(l);
    expect(text).not.toMatch(/process="[^"]*",aggregate=|aggregate="[^"]*",process=/);
  });

  it('a socket no process owns is aggregate="no_owner" as every view calls it, also where Windows names PID 0', async () => {
    const t = new LiveTable();
    const m = createMetrics({ table: t });
    t.apply({ seq: 1, time: 1, full: true, events: [], status: status(1), connections: [
      row('w', { state: 'TIME-WAIT', pid: 0, process: 'System Idle Process' }),
      row('l', { state: 'TIME-WAIT', pid: null, process: null, localPort: 2 }),
      row('o', { state: 'ESTABLISHED', pid: 0, process: null, localPort: 3 }),
      row('s', { state: 'LISTEN', pid: 4, process: 'System', localPort: 445 }),
    ] });
    const lines = (await m.registry.metrics()).split('\n').filter((l) => l.startsWith('netmon_process_connections'));
    expect(lines.sort()).toEqual(['netmon_process_connections{aggregate="no_owner"} 3', 'netmon_process_connections{process="System"} 1']);
  });

  it('gives topProcesses named processes their own series however many sockets have no owner or an unknown one', async () => {
    const t = new LiveTable();
    const m = createMetrics({ table: t, topProcesses: 2 });
    const conns = [
      // A Linux box whose TIME-WAIT (no owner) and other users' sockets (owner unknown) outnumber every process.
      ...Array.from({ length: 5 }, (_, i) => row(`tw${i}`, { process: null, pid: 0, state: 'TIME-WAIT', localPort: 100 + i })),
      ...Array.from({ length: 4 }, (_, i) => row(`u${i}`, { process: null, pid: null, localPort: 200 + i })),
      ...Array.from({ length: 3 }, (_, i) => row(`c${i}`, { process: 'curl', pid: 10, localPort: 300 + i })),
      ...Array.from({ length: 2 }, (_, i) => row(`n${i}`, { process: 'nginx', pid: 11, localPort: 400 + i })),
      row('s', { process: 'sshd', pid: 12, localPort: 500 }),
    ];
    t.apply({ seq: 1, time: 1, full: true, events: [], status: status(1), connections: conns });
    const lines = (await m.registry.metrics()).split('\n').filter((l) => l.startsWith('netmon_process_connections'));
    // netmon's aggregates are series of their own, never summed into "other" and never a process's slot.
    expect(lines.sort()).toEqual([
      'netmon_process_connections{aggregate="no_owner"} 5',
      'netmon_process_connections{aggregate="other"} 1',
      'netmon_process_connections{aggregate="unknown"} 4',
      'netmon_process_connections{process="curl"} 3',
      'netmon_process_connections{process="nginx"} 2',
    ]);
  });

  it('topN keeps the largest and sums the rest as other', () => {
    expect(topN(new Map([['a', 1], ['b', 5], ['c', 3]]), 2)).toEqual([['b', 5], ['c', 3], ['other', 1]]);
    expect(topN(new Map([['a', 1]]), 2)).toEqual([['a', 1]]);
    expect(topN(new Map([['a', 1], ['b', 5]]), 1, 'rest')).toEqual([['b', 5], ['rest', 1]]);
  });

  it('accepts only the exact bearer token', () => {
    const token = 'abcdefghijklmnop0123';
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    expect(bearerMatches(`bearer ${token}`, token)).toBe(true);
    for (const bad of [undefined, '', token, `Bearer ${token}x`, `Bearer ${token.slice(1)}`, `Basic ${token}`, 'Bearer ']) {
      expect(bearerMatches(bad, token)).toBe(false);
    }
  });
});
