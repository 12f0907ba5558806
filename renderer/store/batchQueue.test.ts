// Batches applied in order, a poll's counters in slices of their own tasks (issue 9 §4 / 11).
import { describe, expect, it } from 'vitest';
import { movedRow as tuple } from '../../shared/testing/counters';
import { BatchQueue } from './batchQueue';
import { ConnectionStore, type ChangeSet } from './store';
import { conn, diff, diffWithCounters as withCounters, full } from '../test/fixtures';
import { rowComparator } from './columns';
import { withTraffic } from './readsTraffic';
import type { Row } from './rows';
import { SortedView } from './view';


/** A store of `n` open rows, a queue whose tasks wait in `tasks` until run, and the change sets heard. */
function setup(n: number, sliceRows: number) {
  const store = new ConnectionStore();
  const conns = Array.from({ length: n }, (_, i) => conn({ localPort: i + 1, bytesSent: 0 }));
  store.applyBatch(full(1000, conns));
  const tasks: (() => void)[] = [];
  const heard: ChangeSet[] = [];
  store.subscribe((ch) => heard.push(ch));
  const queue = new BatchQueue(store, { sliceRows, schedule: (fn) => tasks.push(fn) });
  /** Runs queued tasks (and those they queue) until none are left; returns how many ran. */
  const drain = () => {
    let ran = 0;
    for (let fn = tasks.shift(); fn; fn = tasks.shift()) {
      fn();
      ran++;
      if (ran > 10_000) throw new Error('tasks never end');
    }
    return ran;
  };
  const sent = () => conns.map((c) => store.rows.get(c.id)?.c.bytesSent);
  return { store, conns, queue, tasks, heard, drain, sent };
}

describe('BatchQueue', () => {
  it('applies a batch of counters in slices and tells subscribers once, with every row, when the last lands', () => {
    const { conns, queue, heard, drain, sent } = setup(10, 3);
    queue.push(withCounters(2000, conns.map((c, i) => tuple(c.id, 100 + i))));
    // The first slice lands in the pushing task; subscribers wait for the whole batch.
    expect(sent()).toEqual([100, 101, 102, 0, 0, 0, 0, 0, 0, 0]);
    expect(heard).toEqual([]);
    expect(queue.pending).toBe(1);
    expect(drain()).toBe(3); // 10 rows, 3 a task: 4 tasks, the first being the push
    expect(sent()).toEqual(conns.map((_, i) => 100 + i));
    expect(heard).toHaveLength(1);
    expect([...heard[0].ids].sort()).toEqual(conns.map((c) => c.id).sort());
    expect(queue.pending).toBe(0);
  });

  it('applies a later batch only after the slices of the one before it', () => {
    const { store, conns, queue, heard, drain, sent } = setup(6, 2);
    const [a, b] = conns;
    queue.push(withCounters(2000, conns.map((c) => tuple(c.id, 1))));
    // The later batch closes row a and moves row b's counters again: both must win.
    const later = withCounters(3000, [tuple(b.id, 2)], [{ type: 'closed', connection: { ...a, bytesSent: 3 } }]);
    later.seq = 7;
    queue.push(later);
    expect(store.rows.get(a.id)!.status).toBe('');
    expect(queue.pending).toBe(2);
    drain();
    expect(store.rows.get(a.id)!.status).toBe('closed');
    expect(sent()).toEqual([3, 2, 1, 1, 1, 1]);
    expect(store.lastSeq).toBe(7);
    expect(heard).toHaveLength(2);
    expect(heard[1].events.map((e) => e.type)).toEqual(['closed']);
  });

  it('cancels the slices pending when a full table arrives, keeping the waiting batches\' events', () => {
    const { store, conns, queue, heard, drain } = setup(8, 2);
    const extra = conn({ localPort: 99 });
    queue.push(withCounters(2000, conns.map((c) => tuple(c.id, 5))));
    queue.push(withCounters(2500, [tuple(conns[7].id, 6)], [{ type: 'opened', connection: extra }]));
    const fresh = conns.slice(0, 4).map((c) => ({ ...c, bytesSent: 42 }));
    const table = full(3000, fresh);
    queue.push(table);
    expect(queue.pending).toBe(0);
    drain(); // tasks scheduled before the full table must not apply anything now
    expect([...store.rows.values()].map((r) => r.c.bytesSent)).toEqual([42, 42, 42, 42]);
    expect(store.log.toArray().map((e) => e.type)).toEqual(['opened']);
    // The batch in slices is told as far as it got, the waiting one with its event, then the table.
    expect(heard.map((h) => [h.reset, h.ids.size])).toEqual([[false, 2], [false, 1], [true, 0]]);
    expect(store.lastSeq).toBe(table.seq);
  });

  it('applies a batch without counters at once and leaves nothing scheduled', () => {
    const { store, conns, queue, tasks, heard } = setup(3, 2);
    queue.push(diff(2000, [{ type: 'closed', connection: conns[0] }]));
    expect(store.rows.get(conns[0].id)!.status).toBe('closed');
    expect(heard).toHaveLength(1);
    expect(tasks).toHaveLength(0);
  });

  it('drops what is pending on dispose; the batch in slices ends where it got, and later updates are heard', () => {
    const { store, queue, conns, drain, heard, sent } = setup(4, 1);
    queue.push(withCounters(2000, conns.map((c) => tuple(c.id, 9))));
    queue.push(withCounters(3000, conns.map((c) => tuple(c.id, 11))));
    queue.dispose();
    drain();
    expect(sent()).toEqual([9, 0, 0, 0]);
    expect(heard.map((h) => [...h.ids])).toEqual([[conns[0].id]]);
    store.sweep();
    expect(heard).toHaveLength(2);
  });
});

describe('updates while a batch is in slices', () => {
  it('a sweep joins the batch: views hear each row in order and re-place it without a rebuild', () => {
    const now = { t: 0 };
    const store = new ConnectionStore({ highlightMs: 100, now: () => now.t });
    const conns = Array.from({ length: 10 }, (_, i) => conn({ localPort: i + 1, bytesSent: 0 }));
    const x = conn({ localPort: 50, bytesSent: 0 });
    store.applyBatch(full(1000, conns));
    store.applyBatch(diff(1001, [{ type: 'opened', connection: x }])); // x highlighted as new from t=0
    class CountingView extends SortedView {
      rebuilds = 0;
      override rebuild(all: Iterable<Row>): Row[] {
        this.rebuilds++;
        return super.rebuild(all);
      }
    }
    const view = new CountingView(withTraffic(() => true, false), rowComparator({ key: 'localPort', dir: 'asc' }));
    view.rebuild(store.rows.values());
    view.rebuilds = 0;
    const heard: ChangeSet[] = [];
    store.subscribe((ch) => {
      heard.push(ch);
      view.apply(ch, store.rows);
    });
    const tasks: (() => void)[] = [];
    const queue = new BatchQueue(store, { sliceRows: 3, schedule: (fn) => tasks.push(fn) });
    const before = store.rows.get(x.id)!;
    // x changes (still new) and nine rows move data: events now, counters in three slices.
    queue.push(withCounters(2000, conns.slice(0, 9).map((c, i) => tuple(c.id, 10 + i)), [{ type: 'changed', connection: { ...x, state: 'CLOSE-WAIT' } }]));
    expect(store.rows.get(x.id)!.status).toBe('new');
    now.t = 200;
    store.sweep(); // x's highlight ends between two slices
    expect(store.rows.get(x.id)!.status).toBe('');
    expect(heard).toEqual([]);
    for (let fn = tasks.shift(); fn; fn = tasks.shift()) fn();
    expect(heard).toHaveLength(1);
    expect(heard[0].before!.get(x.id)).toBe(before);
    expect(heard[0].inPlace!.size).toBe(9);
    expect(view.rebuilds).toBe(0);
    expect(view.rows.map((r) => r.id)).toEqual([...store.rows.values()].sort(rowComparator({ key: 'localPort', dir: 'asc' })).map((r) => r.id));
    expect(view.rows.find((r) => r.id === x.id)!.status).toBe('');
  });

  it('a row written in place and then replaced by a sweep in the same batch is re-placed from the row the view held', () => {
    const now = { t: 0 };
    const store = new ConnectionStore({ highlightMs: 100, now: () => now.t });
    const a = conn({ localPort: 1, bytesSent: 0 });
    const b = conn({ localPort: 2, bytesSent: 0 });
    store.applyBatch(full(1000, [a]));
    store.applyBatch(diff(1001, [{ type: 'opened', connection: b }]));
    const held = store.rows.get(b.id)!;
    const heard: ChangeSet[] = [];
    store.subscribe((ch) => heard.push(ch));
    const tasks: (() => void)[] = [];
    const queue = new BatchQueue(store, { sliceRows: 1, schedule: (fn) => tasks.push(fn) });
    queue.push(withCounters(2000, [tuple(b.id, 5), tuple(a.id, 6)]));
    now.t = 200;
    store.sweep(); // b, written in place by the first slice, loses its highlight: a new Row
    for (let fn = tasks.shift(); fn; fn = tasks.shift()) fn();
    expect(heard).toHaveLength(1);
    expect([...heard[0].inPlace!]).toEqual([a.id]);
    expect(heard[0].before!.get(b.id)).toBe(held);
    expect(store.rows.get(b.id)).not.toBe(held);
  });
});
