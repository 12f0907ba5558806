// The exporters' live table applies the batch's counters section: well-formed rows of rows it holds.
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../shared/connection';
import type { EventBatch } from '../../shared/ipc';
import { counterColumns } from '../../shared/testing/counters';
import { LiveTable } from './table';

const status: EventBatch['status'] = { paused: false, intervalMs: 1000, source: 'scripted', lastPollAt: 1, lastPollMs: 4, lastError: null };
const row = (id: string): Connection => ({
  id, protocol: 'tcp', family: 4, localAddress: '10.0.0.1', localPort: 50000, remoteAddress: '203.0.113.7', remotePort: 443,
  state: 'ESTABLISHED', pid: 10, process: 'curl', bytesSent: 1, sendRate: null,
});

describe('LiveTable counters', () => {
  it('refreshes the traffic of the rows it holds, skips malformed rows and a section of the wrong shape', () => {
    const t = new LiveTable();
    t.apply({ seq: 1, time: 1, full: true, events: [], status, connections: [row('a'), row('b')] });
    const cols = counterColumns([
      ['a', 5000, 300, 9, 8, 4990, null, 0.5, 0.1, 2, 'receiver'],
      ['b', 7, 7, 7, 7, 7, 7, 7, 7, 7, null],
      ['gone', 1, 1, 1, 1, 1, 1, 1, 1, 1, null],
    ]);
    cols.values[10 + 4] = -2; // b's send rate: malformed, b keeps what it had
    t.apply({ seq: 2, time: 2, full: false, events: [], status, counters: cols });
    expect(t.rows.get('a')).toMatchObject({ bytesSent: 5000, bytesReceived: 300, packetsSent: 9, packetsReceived: 8, sendRate: 4990, receiveRate: null, rttMs: 0.5, rttVarMs: 0.1, retransmits: 2, limitedBy: 'receiver' });
    expect(t.rows.get('b')).toMatchObject({ bytesSent: 1, sendRate: null });
    expect(t.rows.has('gone')).toBe(false);
    const shifted = counterColumns([['a', 9, 9, 9, 9, 9, 9, 9, 9, 9, null]]);
    shifted.values.pop();
    expect(() => t.apply({ seq: 3, time: 3, full: false, events: [], status, counters: shifted })).not.toThrow();
    expect(t.rows.get('a')!.bytesSent).toBe(5000);
  });

  it('a section row for a row this batch\'s events opened, changed or closed is not applied: the event is the batch\'s word, and the event an exporter formats next keeps its values', () => {
    const t = new LiveTable();
    t.apply({ seq: 1, time: 1, full: true, events: [], status, connections: [row('a'), row('c')] });
    const opened = { ...row('b'), bytesSent: 40 };
    const changed = { ...row('a'), state: 'CLOSE-WAIT' as const, bytesSent: 50 };
    const events: EventBatch['events'] = [
      { type: 'opened', time: 2, connection: opened },
      { type: 'changed', time: 2, connection: changed, previousState: 'ESTABLISHED' },
      { type: 'closed', time: 2, connection: row('c') },
    ];
    const counters = counterColumns([
      ['b', 999, 999, 9, 9, 999, 999, 9, 9, 9, 'sender'],
      ['a', 888, 888, 8, 8, 888, 888, 8, 8, 8, 'sender'],
      ['c', 777, 777, 7, 7, 777, 777, 7, 7, 7, 'sender'],
    ]);
    t.apply({ seq: 2, time: 2, full: false, events, status: { ...status, lastPollAt: 2 }, counters });
    expect(events.map((e) => [e.connection.bytesSent, e.connection.sendRate])).toEqual([[40, null], [50, null], [1, null]]);
    expect(t.rows.get('b')).toMatchObject({ bytesSent: 40, sendRate: null });
    expect(t.rows.get('a')).toMatchObject({ bytesSent: 50, state: 'CLOSE-WAIT', sendRate: null });
    expect(t.rows.has('c')).toBe(false);
  });

  it('ids named like Object members (__proto__, constructor, toString) arriving as JSON name no row: nothing is written, nothing throws', () => {
    const t = new LiveTable();
    t.apply({ seq: 1, time: 1, full: true, events: [], status, connections: [row('a')] });
    const text = JSON.stringify({ seq: 2, time: 2, full: false, events: [], status: { ...status, lastPollAt: 2 }, counters: counterColumns([
      ['__proto__', 9, 9, 9, 9, 9, 9, 9, 9, 9, 'sender'],
      ['constructor', 9, 9, 9, 9, 9, 9, 9, 9, 9, 'sender'],
      ['toString', 9, 9, 9, 9, 9, 9, 9, 9, 9, 'sender'],
    ]) });
    expect(() => t.apply(JSON.parse(text) as EventBatch)).not.toThrow();
    expect([...t.rows.keys()]).toEqual(['a']);
    expect(t.rows.get('a')).toMatchObject({ bytesSent: 1, sendRate: null });
    expect(({} as Record<string, unknown>).bytesSent).toBeUndefined();
  });
});
