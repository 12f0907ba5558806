// The filter or sort changes while a batch is in slices: the view is rebuilt from store.rows, which
// already hold the batch's events and anything that joined its open change set. The batch's change
// set, heard later, began before that rebuild (ChangeSet.from): the view finds its held rows by a
// scan (their old values would not find them) rather than insert a row that entered the filter a
// second time, and does not sort the whole table again.
import { describe, expect, it } from 'vitest';
import { counterColumns, movedRow as tuple } from '../../shared/testing/counters';
import { ConnectionStore, type ChangeSet } from '../store/store';
import { rowComparator } from '../store/columns';
import type { Row } from '../store/rows';
import { SortedView } from '../store/view';
import { withTraffic } from '../store/readsTraffic';
import { conn, diff, full } from '../test/fixtures';

function setup() {
  const s = new ConnectionStore();
  const conns = Array.from({ length: 400 }, (_, i) => conn({ localPort: 1000 + i, remoteAddress: `10.0.${i >> 8}.${i & 255}` }));
  s.applyBatch(full(1, conns));
  const cmp = rowComparator({ key: 'localPort', dir: 'asc' });
  const v = new SortedView(withTraffic(() => true, false), cmp);
  v.rebuild(s.rows.values());
  return { s, v, conns, cmp };
}

/** Counts the view's full rebuilds from here on. */
function spyOn(v: SortedView): () => number {
  let n = 0;
  const rebuild = v.rebuild.bind(v);
  v.rebuild = (...args: Parameters<SortedView['rebuild']>) => {
    n++;
    return rebuild(...args);
  };
  return () => n;
}

describe('spec changed while a batch is in slices', () => {
  it('a row a sweep-joined host answer lets into the new filter appears once', () => {
    const { s, v, conns, cmp } = setup();
    const b = diff(2, []);
    b.counters = counterColumns([tuple(conns[1].id, 5), tuple(conns[2].id, 6)]);
    const op = s.beginBatch(b);
    op.step(1);
    s.setHosts({ '10.0.0.7': 'db.example' }); // joins the open change set
    // The user's new filter (host text) reaches the view's effect: rebuilt from store.rows now.
    const hostPred = withTraffic((r: Row) => (r.c.remoteHost ?? '').includes('db') || r.c.localPort >= 1050, false);
    v.setSpec(hostPred, cmp, s.rows.values(), s.version);
    let heard: ChangeSet | null = null;
    s.subscribe((ch) => (heard = ch));
    op.step(1);
    const rebuilt = spyOn(v);
    v.apply(heard!, s.rows, s.version);
    expect(rebuilt()).toBe(0);
    const ids = v.rows.map((r) => r.id);
    expect(ids).toEqual([...s.rows.values()].filter(hostPred).sort(cmp).map((r) => r.id));
  });

  it('a row the batch\'s event lets into the new filter appears once', () => {
    const { s, v, conns, cmp } = setup();
    const x = conns[3];
    const b = diff(2, [{ type: 'changed', connection: { ...x, state: 'CLOSE-WAIT' } }]);
    b.counters = counterColumns([tuple(conns[1].id, 5), tuple(conns[2].id, 6)]);
    const op = s.beginBatch(b);
    op.step(1);
    const cw = withTraffic((r: Row) => r.c.state === 'CLOSE-WAIT' || r.c.localPort >= 1050, false);
    v.setSpec(cw, cmp, s.rows.values(), s.version);
    let heard: ChangeSet | null = null;
    s.subscribe((ch) => (heard = ch));
    op.step(1);
    const rebuilt = spyOn(v);
    v.apply(heard!, s.rows, s.version);
    expect(rebuilt()).toBe(0);
    expect(v.rows.map((r) => r.id)).toEqual([...s.rows.values()].filter(cw).sort(cmp).map((r) => r.id));
  });

  it('sorted by a traffic column, rows whose counters land after the new sort move to their places', () => {
    const { s, conns } = setup();
    const bySend = rowComparator({ key: 'sendRate', dir: 'desc' });
    const all = withTraffic(() => true, true);
    const v = new SortedView(all, bySend);
    v.rebuild(s.rows.values());
    // Rates for many rows, in slices; the sort changes (a click) after the first slice.
    const b = diff(2, [{ type: 'opened', connection: conn({ localPort: 9000 }) }]);
    b.counters = counterColumns(conns.slice(0, 120).map((c, i) => tuple(c.id, (i * 7919) % 1000)));
    const op = s.beginBatch(b);
    op.step(40);
    v.setSpec(all, bySend, s.rows.values(), s.version);
    let heard: ChangeSet | null = null;
    s.subscribe((ch) => (heard = ch));
    while (!heard) op.step(40);
    const rebuilt = spyOn(v);
    v.apply(heard!, s.rows, s.version);
    expect(rebuilt()).toBe(0);
    expect(v.rows.map((r) => r.id)).toEqual([...s.rows.values()].sort(bySend).map((r) => r.id));
    expect(new Set(v.rows.map((r) => r.id)).size).toBe(s.rows.size);
  });
});
