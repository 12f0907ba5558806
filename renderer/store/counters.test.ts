// The store applies the batch's counters section: live values without highlights or events.
import { describe, expect, it } from 'vitest';
import type { CounterTuple } from '../../shared/ipc';
import { ConnectionStore } from './store';
import { conn, diff, full } from '../test/fixtures';

describe('ConnectionStore counters', () => {
  it('updates the traffic fields of open rows and nothing else', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, bytesSent: 10, sendRate: null });
    const b = conn({ localPort: 2 });
    s.applyBatch(full(1000, [a, b]));
    const batch = diff(2000, []);
    const tuple: CounterTuple = [a.id, 5000, 300, 9, 8, 4990, 300, 0.5, 0.1, 2, 'receiver'];
    batch.counters = [tuple, ['no-such-row', 1, 1, 1, 1, 1, 1, 1, 1, 1, null], ['bad'] as unknown as CounterTuple];
    const ch = s.applyBatch(batch);
    expect([...ch.ids]).toEqual([a.id]);
    expect(ch.events).toEqual([]);
    const row = s.rows.get(a.id)!;
    expect(row.status).toBe('');
    expect(row.c).toMatchObject({ bytesSent: 5000, bytesReceived: 300, packetsSent: 9, packetsReceived: 8, sendRate: 4990, receiveRate: 300, rttMs: 0.5, rttVarMs: 0.1, retransmits: 2, limitedBy: 'receiver' });
    expect(s.rows.get(b.id)!.c.bytesSent).toBeUndefined();
    expect(s.log.length).toBe(0);
  });

  it('leaves closed rows as they were when they closed', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, bytesSent: 10 });
    s.applyBatch(full(1000, [a]));
    s.applyBatch(diff(2000, [{ type: 'closed', connection: a }]));
    const batch = diff(3000, []);
    batch.counters = [[a.id, 99, 99, 1, 1, 1, 1, 1, 1, 0, null]];
    s.applyBatch(batch);
    expect(s.rows.get(a.id)!.c.bytesSent).toBe(10);
  });
});
