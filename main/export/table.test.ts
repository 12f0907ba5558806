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
});
