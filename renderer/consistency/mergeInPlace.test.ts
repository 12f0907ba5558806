// A row written in place by one change set and replaced by the next, merged before the view applies
// them: the merged `before` entry is the Row with its new traffic values, so a view filtered or
// sorted by traffic (rate>…) must not trust it (ChangeSet.wroteInPlace) — it scans instead.
import { describe, expect, it } from 'vitest';
import { counterColumns, type CounterRow } from '../../shared/testing/counters';
import { parseFilter } from '../../shared/filter';
import { ConnectionStore, type ChangeSet } from '../store/store';
import { rowComparator } from '../store/columns';
import type { Row } from '../store/rows';
import { mergeChanges, SortedView } from '../store/view';
import { withTraffic } from '../store/readsTraffic';
import { connectionPredicate } from '../filtering';
import { DEFAULT_TOGGLES } from '../store/toggles';
import { conn, diff, full } from '../test/fixtures';

const tuple = (id: string, rate: number): CounterRow => [id, 1000, 100, 3, 2, rate, 0, 0.5, 0.1, 0, null];

function setup() {
  let clock = 0;
  const s = new ConnectionStore({ now: () => clock, highlightMs: 100 });
  const f = parseFilter('rate>1M');
  if (!f.ok) throw new Error('filter');
  const cp = connectionPredicate(f.filter, DEFAULT_TOGGLES);
  const pred = withTraffic((r: Row) => cp(r.c), true);
  const cmp = rowComparator({ key: 'localPort', dir: 'asc' });
  const conns = Array.from({ length: 400 }, (_, i) => conn({ localPort: 1000 + i, sendRate: 2_000_000 }));
  s.applyBatch(full(1, conns));
  const v = new SortedView(pred, cmp);
  v.rebuild(s.rows.values());
  // As useSortedRows: change sets that arrive before the view's task merge.
  let pending: ChangeSet | null = null;
  s.subscribe((ch) => (pending = pending === null ? ch : mergeChanges(pending, ch)));
  const flush = () => {
    v.apply(pending!, s.rows);
    pending = null;
  };
  const expected = () => [...s.rows.values()].filter(pred).sort(cmp).map((r) => r.id);
  return { s, v, conns, flush, expected, tick: (ms: number) => (clock += ms), pred };
}

describe('merged change sets: written in place, then replaced', () => {
  it('a changed event after a counters-only batch: the row that left rate>1M stays in the view', () => {
    const { s, v, conns, flush, expected } = setup();
    const x = conns[10];
    const b = diff(2, []);
    b.counters = counterColumns([tuple(x.id, 0)]); // x's rate drops to 0: it leaves rate>1M
    s.applyBatch(b);
    // The next poll (before the view's task ran): x changes state (its own traffic: rate 0).
    s.applyBatch(diff(3, [{ type: 'changed', connection: { ...x, sendRate: 0, state: 'CLOSE-WAIT' } }]));
    flush();
    expect(v.rows.map((r) => r.id)).toEqual(expected());
  });

  it('a sweep (highlight ending) after a counters-only batch: same', () => {
    const { s, v, flush, expected, tick } = setup();
    const y = conn({ localPort: 5000, sendRate: 3_000_000 });
    s.applyBatch(diff(2, [{ type: 'opened', connection: y }]));
    flush();
    expect(v.rows.some((r) => r.id === y.id)).toBe(true);
    tick(150);
    const b = diff(3, []);
    b.counters = counterColumns([tuple(y.id, 0)]);
    s.applyBatch(b); // in place: y's rate 0
    s.sweep(); // y's "new" highlight ends before the view's task
    flush();
    expect(v.rows.map((r) => r.id)).toEqual(expected());
  });
});

describe('a sweep joining a batch in slices', () => {
  it('the row written by slice 1 and swept before slice 2: its before is the mutated Row', () => {
    const { s, v, expected, tick } = setup();
    const y = conn({ localPort: 5000, sendRate: 3_000_000 });
    const opened = s.applyBatch(diff(2, [{ type: 'opened', connection: y }]));
    v.apply(opened, s.rows);
    tick(150);
    const b = diff(3, []);
    // The second row names a row the store does not hold (closed meanwhile): skipped.
    b.counters = counterColumns([tuple(y.id, 0), tuple('tcp4 10.0.0.1:1 10.0.0.2:2', 5)]);
    const sets: ChangeSet[] = [];
    s.subscribe((ch) => sets.push(ch));
    const inProgress = s.beginBatch(b);
    inProgress.step(1);
    s.sweep(); // y's highlight ends meanwhile: joins the open change set
    inProgress.step(1);
    expect(sets.length).toBe(1);
    v.apply(sets[0], s.rows);
    expect(v.rows.map((r) => r.id)).toEqual(expected());
  });
});
