// The store applies the batch's counters section: live values without highlights or events.
import { describe, expect, it } from 'vitest';
import type { CounterTuple } from '../../shared/ipc';
import { parseFilter } from '../../shared/filter';
import { rollUpProcesses } from '../../shared/processes';
import { ConnectionStore, type ChangeSet } from './store';
import { rowComparator } from './columns';
import { rowsToCsv } from './exporter';
import type { Row } from './rows';
import { mergeChanges, SortedView } from './view';
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

/** A counter tuple for `id` with these bytes sent and send rate (the rest fixed). */
const tuple = (id: string, sent: number, rate: number | null): CounterTuple => [id, sent, 100, 3, 2, rate, 10, 0.5, 0.1, 0, null];

function withCounters(time: number, counters: CounterTuple[], events: Parameters<typeof diff>[1] = []) {
  const b = diff(time, events);
  b.counters = counters;
  return b;
}

describe('ConnectionStore counters written in place', () => {
  it('keeps the Row and, after one copy, its Connection; bumps rev; drops before', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, bytesSent: 10, sendRate: null });
    s.applyBatch(full(1000, [a]));
    const row = s.rows.get(a.id)!;
    const ch1 = s.applyBatch(withCounters(2000, [tuple(a.id, 500, 490)]));
    expect(s.rows.get(a.id)).toBe(row);
    expect(row.rev).toBe(1);
    expect(row.c.bytesSent).toBe(500);
    expect(ch1.before).toBeUndefined();
    expect([...ch1.ids]).toEqual([a.id]);
    const c1 = row.c;
    s.applyBatch(withCounters(3000, [tuple(a.id, 900, 400)]));
    expect(s.rows.get(a.id)).toBe(row);
    expect(row.c).toBe(c1);
    expect(row.rev).toBe(2);
    expect(row.c).toMatchObject({ bytesSent: 900, sendRate: 400 });
  });

  it('leaves the values of connections shared with the batch, the event log and older rows', () => {
    const now = { t: 0 };
    const s = new ConnectionStore({ highlightMs: 100, now: () => now.t });
    const a = conn({ localPort: 1, bytesSent: 10 });
    const b = conn({ localPort: 2, bytesSent: 20 });
    s.applyBatch(full(1000, [a]));
    s.applyBatch(diff(1500, [{ type: 'opened', connection: b }]));
    const logged = s.log.toArray().at(-1)!.connection;
    const highlighted = s.rows.get(b.id)!;
    now.t = 200;
    s.sweep(); // the highlight ends: a new Row sharing the old one's Connection
    const swept = s.rows.get(b.id)!;
    expect(swept).not.toBe(highlighted);
    s.applyBatch(withCounters(2000, [tuple(a.id, 700, 1), tuple(b.id, 800, 2)]));
    expect(a.bytesSent).toBe(10);
    expect(logged.bytesSent).toBe(20);
    expect(highlighted.c.bytesSent).toBe(20);
    expect(s.rows.get(a.id)!.c.bytesSent).toBe(700);
    expect(s.rows.get(b.id)!.c.bytesSent).toBe(800);
    // A later in-place write reaches the current row only.
    s.applyBatch(withCounters(3000, [tuple(b.id, 999, 3)]));
    expect(highlighted.c.bytesSent).toBe(20);
    expect(s.rows.get(b.id)!.c.bytesSent).toBe(999);
  });

  it('views sorted and filtered by traffic, the roll-up and the export follow in-place writes exactly', () => {
    const s = new ConnectionStore();
    const filter = parseFilter('rate>5000');
    if (!filter.ok) throw new Error('filter');
    const pred = (r: Row) => filter.filter.match(r.c);
    const views = [
      { v: new SortedView(pred, rowComparator({ key: 'sendRate', dir: 'desc' })), pred, cmp: rowComparator({ key: 'sendRate', dir: 'desc' }) },
      { v: new SortedView(() => true, rowComparator({ key: 'sent', dir: 'asc' })), pred: () => true, cmp: rowComparator({ key: 'sent', dir: 'asc' }) },
      // Unkeyed comparator: the view cannot know where an in-place row stood and rebuilds.
      { v: new SortedView(pred, (x: Row, y: Row) => (x.c.sendRate ?? -1) - (y.c.sendRate ?? -1) || x.seq - y.seq), pred, cmp: (x: Row, y: Row) => (x.c.sendRate ?? -1) - (y.c.sendRate ?? -1) || x.seq - y.seq },
    ];
    // Change sets reach the views merged in pairs, as the app's views take them a task later.
    let pending: ChangeSet | null = null;
    s.subscribe((ch) => (pending = pending === null ? ch : mergeChanges(pending, ch)));
    const flush = () => {
      for (const { v } of views) v.apply(pending!, s.rows);
      pending = null;
    };
    const conns = Array.from({ length: 400 }, (_, i) => conn({ localPort: 1000 + i, remotePort: 40000 + i }));
    s.applyBatch(full(1, conns));
    for (const { v } of views) v.rebuild(s.rows.values());
    pending = null;
    let rnd = 7;
    const next = (n: number) => (rnd = (rnd * 48271) % 2147483647) % n;
    for (let k = 0; k < 40; k++) {
      const moved = new Map<string, CounterTuple>();
      const n = k % 3 === 0 ? 3 : 60;
      for (let j = 0; j < n; j++) {
        const id = conns[next(400)].id;
        moved.set(id, tuple(id, next(1_000_000), next(10) === 0 ? null : next(10_000)));
      }
      const events = k % 4 === 1 ? [{ type: 'opened' as const, connection: conn({ localPort: 9000 + k, sendRate: next(10_000) }) }] : [];
      s.applyBatch(withCounters(2 + k, [...moved.values()], events));
      if (k % 2 === 1) flush();
      else continue;
      for (const { v, pred: p, cmp } of views) {
        const expected = [...s.rows.values()].filter(p).sort(cmp).map((r) => r.id);
        expect(v.rows.map((r) => r.id)).toEqual(expected);
      }
    }
    const rows = [...s.rows.values()];
    const last = rows.find((r) => (r.rev ?? 0) > 0)!;
    const sum = rows.reduce((acc, r) => acc + (r.c.sendRate ?? 0), 0);
    expect(rollUpProcesses(rows.map((r) => r.c))[0].sendRate).toBe(sum);
    expect(rowsToCsv([last])).toContain(`,${last.c.bytesSent},`);
  });
});
