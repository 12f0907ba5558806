// The store applies the batch's counters section: live values without highlights or events.
import { describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../shared/ipc';
import { TRAFFIC_FIELDS } from '../../shared/connection';
import { counterColumns, damagedSections, movedRow, withCounterRows, type CounterRow } from '../../shared/testing/counters';
import { parseFilter } from '../../shared/filter';
import { rollUpProcesses } from '../../shared/processes';
import { ConnectionStore, type ChangeSet } from './store';
import { rowComparator } from './columns';
import { rowsToCsv } from './exporter';
import type { Row } from './rows';
import { mergeChanges, SortedView } from './view';
import { readsTraffic, withTraffic } from './readsTraffic';
import { connectionPredicate } from '../filtering';
import { DEFAULT_TOGGLES } from './toggles';
import { conn, diff, diffWithCounters, full } from '../test/fixtures';

describe('ConnectionStore counters', () => {
  it('updates the traffic fields of open rows and nothing else', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, bytesSent: 10, sendRate: null });
    const b = conn({ localPort: 2 });
    s.applyBatch(full(1000, [a, b]));
    const batch = diff(2000, []);
    const moved: CounterRow = [a.id, 5000, 300, 9, 8, 4990, 300, 0.5, 0.1, 2, 'receiver'];
    // A malformed row (a value below -1) names b: it is skipped, the rows beside it apply.
    const bad = counterColumns([[b.id, 1, 1, 1, 1, 1, 1, 1, 1, 1, null]]);
    bad.values[0] = -7;
    const cols = counterColumns([moved, ['no-such-row', 1, 1, 1, 1, 1, 1, 1, 1, 1, null]]);
    batch.counters = { ids: [...cols.ids, ...bad.ids], values: [...cols.values, ...bad.values] };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const ch = s.applyBatch(batch);
    expect(warn.mock.calls).toEqual([[`netmon: skipped 1 malformed counter row(s) of batch ${batch.seq}`]]);
    warn.mockRestore();
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
    withCounterRows(batch, [[a.id, 99, 99, 1, 1, 1, 1, 1, 1, 0, null]]);
    s.applyBatch(batch);
    expect(s.rows.get(a.id)!.c.bytesSent).toBe(10);
  });

  it("takes the event over a section row for the same row in the same batch (opened or changed): the row shows the event's values", () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, bytesSent: 10, sendRate: 1 });
    s.applyBatch(full(1000, [a]));
    const b = conn({ localPort: 2, bytesSent: 20, sendRate: 2 });
    const changed = { ...a, state: 'CLOSE-WAIT' as const, bytesSent: 30, sendRate: 3 };
    const batch = diffWithCounters(
      2000,
      [[b.id, 999, 999, 9, 9, 999, 999, 9, 9, 9, 'sender'], [a.id, 888, 888, 8, 8, 888, 888, 8, 8, 8, 'sender']],
      [{ type: 'opened', connection: b }, { type: 'changed', connection: changed, previousState: 'ESTABLISHED' }],
    );
    const ch = s.beginBatch(batch);
    // In slices, as the renderer applies it: one row per task.
    while (ch.step(1) === null);
    expect(s.rows.get(b.id)!.c).toMatchObject({ bytesSent: 20, sendRate: 2 });
    expect(s.rows.get(b.id)!.c.limitedBy ?? null).toBeNull();
    expect(s.rows.get(a.id)!.c).toMatchObject({ bytesSent: 30, sendRate: 3, state: 'CLOSE-WAIT' });
    expect(s.rows.get(a.id)!.status).toBe('changed');
  });

  it('skips a section whose shape is wrong (columns that disagree, an older engine\'s tuples) and still applies the events', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, bytesSent: 10 });
    const b = conn({ localPort: 2 });
    s.applyBatch(full(1000, [a]));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const shifted = withCounterRows(diff(2000, [{ type: 'opened', connection: b }]), [[a.id, 99, 99, 1, 1, 1, 1, 1, 1, 0, null]]);
    shifted.counters!.values.pop();
    const tuples = { ...diff(3000, []), counters: [[a.id, 98, 98, 1, 1, 1, 1, 1, 1, 0, null]] } as unknown as EventBatch;
    for (const batch of [shifted, tuples]) expect(() => s.applyBatch(batch)).not.toThrow();
    expect(warn.mock.calls.map((c) => c[0])).toEqual([`netmon: skipped the malformed counters section of batch ${shifted.seq}`, `netmon: skipped the malformed counters section of batch ${tuples.seq}`]);
    warn.mockRestore();
    expect(s.rows.get(a.id)!.c.bytesSent).toBe(10);
    expect(s.rows.get(b.id)!.status).toBe('new');
  });

  it('takes damaged sections in slices without throwing: intact rows apply, the others keep their values (seeded fuzz)', () => {
    const s = new ConnectionStore();
    const conns = Array.from({ length: 7 }, (_, i) => conn({ localPort: 1 + i, bytesSent: 0 }));
    s.applyBatch(full(1000, conns));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    let round = 0;
    for (const { rows, section, intact } of damagedSections(conns.map((c) => c.id), 5, 300)) {
      const before = new Map(conns.map((c) => [c.id, TRAFFIC_FIELDS.map((f) => s.rows.get(c.id)!.c[f])]));
      const op = s.beginBatch({ ...diff(2000 + round++, []), counters: section } as EventBatch);
      while (op.step(2) === null); // slices of two rows
      for (const c of conns) {
        const i = intact.lastIndexOf(c.id);
        const now = TRAFFIC_FIELDS.map((f) => s.rows.get(c.id)!.c[f]);
        expect(now).toEqual(i >= 0 ? rows.filter((r) => r[0] === c.id).at(-1)!.slice(1) : before.get(c.id));
      }
    }
    warn.mockRestore();
  });
});

const tuple = movedRow;
const withCounters = diffWithCounters;

describe('ConnectionStore counters written in place', () => {
  it('keeps the Row and, after one copy, its Connection; bumps rev; marks it written in place, with no before entry', () => {
    const s = new ConnectionStore();
    const a = conn({ localPort: 1, bytesSent: 10, sendRate: null });
    s.applyBatch(full(1000, [a]));
    const row = s.rows.get(a.id)!;
    const ch1 = s.applyBatch(withCounters(2000, [tuple(a.id, 500, 490)]));
    expect(s.rows.get(a.id)).toBe(row);
    expect(row.rev).toBe(1);
    expect(row.c.bytesSent).toBe(500);
    expect(ch1.before?.has(a.id)).toBe(false);
    expect([...ch1.inPlace!]).toEqual([a.id]);
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
    // Views whose filter and sort read no traffic field (they leave in-place rows where they stand).
    const portPred = withTraffic((r: Row) => r.c.localPort % 3 !== 0 && r.c.state !== 'CLOSE-WAIT', false);
    const views = [
      { v: new SortedView(portPred, rowComparator({ key: 'process', dir: 'asc' })), pred: portPred, cmp: rowComparator({ key: 'process', dir: 'asc' }) },
      { v: new SortedView(withTraffic(() => true, false), rowComparator({ key: 'remotePort', dir: 'desc' })), pred: () => true, cmp: rowComparator({ key: 'remotePort', dir: 'desc' }) },
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
      const moved = new Map<string, CounterRow>();
      const n = k % 3 === 0 ? 3 : 60;
      for (let j = 0; j < n; j++) {
        const id = conns[next(400)].id;
        moved.set(id, tuple(id, next(1_000_000), next(10) === 0 ? null : next(10_000)));
      }
      // Opened, changed and closed rows among the moving ones (a batch carries no tuple for a row with an event).
      const events: Parameters<typeof diff>[1] = k % 4 === 1 ? [{ type: 'opened' as const, connection: conn({ localPort: 9000 + k, sendRate: next(10_000) }) }] : [];
      for (let j = 0; j < 2; j++) {
        const c = conns[next(400)];
        if (moved.has(c.id) || !s.rows.has(c.id)) continue;
        moved.delete(c.id);
        const cur = s.rows.get(c.id)!.c;
        if (j === 0) events.push({ type: 'changed', connection: { ...cur, state: cur.state === 'ESTABLISHED' ? 'CLOSE-WAIT' : 'ESTABLISHED', pid: next(50) } });
        else if (k % 5 === 0) events.push({ type: 'closed', connection: cur });
      }
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
    expect(rollUpProcesses(rows.map((r) => r.c)).reduce((acc, p) => acc + (p.sendRate ?? 0), 0)).toBe(sum);
    expect(rowsToCsv([last])).toContain(`,${last.c.bytesSent},`);
  });
});

describe('views that read no traffic field', () => {
  it('keep the same rows array for a counters-only update, and re-place rows replaced in the same batch', () => {
    const s = new ConnectionStore();
    const conns = Array.from({ length: 50 }, (_, i) => conn({ localPort: 2000 + i, remotePort: 50000 + i }));
    s.applyBatch(full(1, conns));
    const blind = new SortedView(withTraffic(() => true, false), rowComparator({ key: 'localPort', dir: 'desc' }));
    const byRate = new SortedView(withTraffic(() => true, false), rowComparator({ key: 'sendRate', dir: 'desc' }));
    const unmarked = new SortedView(() => true, rowComparator({ key: 'localPort', dir: 'desc' }));
    for (const v of [blind, byRate, unmarked]) v.rebuild(s.rows.values());
    const held = blind.rows;
    const ch = s.applyBatch(withCounters(2, conns.slice(0, 30).map((c, i) => tuple(c.id, 1000 * i, 100 * i))));
    expect(ch.inPlace!.size).toBe(30);
    expect(blind.apply(ch, s.rows)).toBe(held);
    // Sorted by a traffic column or not saying what it reads: the rows are looked at.
    const rateOrder = [...s.rows.values()].sort(rowComparator({ key: 'sendRate', dir: 'desc' })).map((r) => r.id);
    expect(byRate.apply(ch, s.rows).map((r) => r.id)).toEqual(rateOrder);
    expect(rateOrder.indexOf(conns[29].id)).toBeLessThan(rateOrder.indexOf(conns[28].id));
    expect(unmarked.apply(ch, s.rows).map((r) => r.id)).toEqual(held.map((r) => r.id));
    // A batch with an event and counters: the event's row moves, the others stay.
    const moved = { ...s.rows.get(conns[40].id)!.c, localPort: 1 };
    const ch2 = s.applyBatch(withCounters(3, [tuple(conns[0].id, 5, 5)], [{ type: 'closed', connection: s.rows.get(conns[45].id)!.c }, { type: 'changed', connection: moved }]));
    expect([...ch2.inPlace!]).toEqual([conns[0].id]);
    const after = blind.apply(ch2, s.rows);
    expect(after.map((r) => r.id)).toEqual([...s.rows.values()].sort(rowComparator({ key: 'localPort', dir: 'desc' })).map((r) => r.id));
    expect(after.at(-1)!.c.localPort).toBe(1);
  });

  it('merged change sets keep a row in place only when no part replaced it', () => {
    const s = new ConnectionStore();
    const [a, b, c] = [1, 2, 3].map((p) => conn({ localPort: p }));
    s.applyBatch(full(1, [a, b, c]));
    const sets: ChangeSet[] = [];
    s.subscribe((ch) => sets.push(ch));
    s.applyBatch(withCounters(2, [tuple(a.id, 1, 1), tuple(b.id, 1, 1)]));
    const bRow = s.rows.get(b.id)!;
    s.applyBatch(withCounters(3, [tuple(a.id, 2, 2), tuple(c.id, 2, 2)], [{ type: 'changed', connection: { ...b, state: 'CLOSE-WAIT' } }]));
    const m = mergeChanges(sets[0], sets[1]);
    expect([...m.ids].sort()).toEqual([a.id, b.id, c.id].sort());
    expect([...m.inPlace!].sort()).toEqual([a.id, c.id].sort());
    // b was only written in place by the first: its old value is the row a view holds.
    expect(m.before!.get(b.id)).toBe(bRow);
    expect(m.before!.has(a.id)).toBe(false);
  });
});

describe("the app's predicate and comparator say whether they read traffic fields", () => {
  it('the filter decides for the predicate (toggles never read them); the sort column for the comparator', () => {
    const compiled = (e: string) => {
      const r = parseFilter(e);
      if (!r.ok) throw new Error(r.error.message);
      return r.filter;
    };
    expect(readsTraffic(connectionPredicate(null, { ...DEFAULT_TOGGLES, hideListen: true }))).toBe(false);
    expect(readsTraffic(connectionPredicate(compiled('port:443'), DEFAULT_TOGGLES))).toBe(false);
    expect(readsTraffic(connectionPredicate(compiled('rate>1M'), DEFAULT_TOGGLES))).toBe(true);
    expect(readsTraffic(rowComparator({ key: 'process', dir: 'asc' }))).toBe(false);
    for (const key of ['sent', 'received', 'sendRate', 'receiveRate', 'rtt', 'retrans', 'limitedBy'] as const) expect(readsTraffic(rowComparator({ key, dir: 'desc' }))).toBe(true);
    // A function that says nothing is taken to read them (the safe side).
    expect(readsTraffic(() => true)).toBe(true);
  });
});
