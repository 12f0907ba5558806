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
    expect(lines).toContain('netmon_process_connections{process="other"} 2');
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

  it('topN keeps the largest and sums the rest as other', () => {
    expect(topN(new Map([['a', 1], ['b', 5], ['c', 3]]), 2)).toEqual([['b', 5], ['c', 3], ['other', 1]]);
    expect(topN(new Map([['a', 1]]), 2)).toEqual([['a', 1]]);
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
