// A view rebuilt while a batch is in slices (a sort or filter change) finds its held rows by a scan
// of sequence numbers: those of the rows before the (merged) update and of the rows now. A row the
// update opened, and a later merged batch closed and opened again (same id, a new sequence number),
// is held under neither: the scan misses it and the row is placed a second time.
import { describe, expect, it } from 'vitest';
import { counterColumns, movedRow as tuple } from '../../shared/testing/counters';
import { ConnectionStore, type ChangeSet } from '../store/store';
import { rowComparator } from '../store/columns';
import type { Row } from '../store/rows';
import { mergeChanges, SortedView } from '../store/view';
import { withTraffic } from '../store/readsTraffic';
import { conn, diff, full } from '../test/fixtures';

describe('stale view, reused id across merged change sets', () => {
  it('a row opened mid-rebuild, then closed and reopened before the view catches up, appears once', () => {
    let clock = 0;
    const s = new ConnectionStore({ now: () => clock, highlightMs: 300, lingerMs: 5000 });
    const conns = Array.from({ length: 400 }, (_, i) => conn({ localPort: 1000 + i }));
    s.applyBatch(full(1, conns));
    const cmp = rowComparator({ key: 'localPort', dir: 'asc' });
    const pred = withTraffic(() => true, false);
    const v = new SortedView(pred, cmp);
    v.rebuild(s.rows.values(), s.version);
    let pending: ChangeSet | null = null;
    s.subscribe((ch) => (pending = pending === null ? ch : mergeChanges(pending, ch)));

    const x = conn({ localPort: 9000 });
    const a = diff(2, [{ type: 'opened', connection: x }]);
    a.counters = counterColumns([tuple(conns[1].id, 5), tuple(conns[2].id, 6)]);
    const op = s.beginBatch(a);
    op.step(1);
    // The user's new sort reaches the view's effect mid-batch: rebuilt from the store now.
    const byPortDesc = rowComparator({ key: 'localPort', dir: 'desc' });
    v.setSpec(pred, byPortDesc, s.rows.values(), s.version);
    op.step(1);
    clock += 10;
    s.applyBatch(diff(3, [{ type: 'closed', connection: x }]));
    clock += 10;
    s.applyBatch(diff(4, [{ type: 'opened', connection: x }]));

    v.apply(pending!, s.rows, s.version);
    const ids = v.rows.map((r) => r.id);
    expect(ids.filter((id) => id === x.id).length).toBe(1);
    expect(ids).toEqual([...s.rows.values()].filter(pred).sort(byPortDesc).map((r: Row) => r.id));
  });
});

describe('views follow the store with reused ids (randomized, seeded)', () => {
  for (const seed of [1, 7, 23, 99]) it(`seed ${seed}`, () => {
    let clock = 0;
    const s = new ConnectionStore({ now: () => clock, highlightMs: 300, lingerMs: 400 });
    let rnd = seed;
    const next = (n: number) => (rnd = (rnd * 48271) % 2147483647) % n;
    const preds = [
      withTraffic(() => true, false),
      withTraffic((r: Row) => r.c.localPort % 3 !== 0, false),
      withTraffic((r: Row) => (r.c.sendRate ?? 0) > 400, true),
    ];
    const cmps = (['localPort', 'process', 'sendRate', 'remoteAddress'] as const).flatMap((key) => (['asc', 'desc'] as const).map((dir) => rowComparator({ key, dir })));
    const spec = () => ({ pred: preds[next(preds.length)], cmp: cmps[next(cmps.length)] });
    const specs = [spec(), spec(), spec(), spec()];
    const views = specs.map((p) => new SortedView(p.pred, p.cmp));
    const procs = ['node', 'sshd', 'java'];
    // A small id space, so ids close and open again.
    const mk = (i: number) => conn({ localPort: 1000 + i, pid: 100 + (i % 4), process: procs[i % 3], sendRate: next(1000) });
    s.applyBatch(full(1, Array.from({ length: 300 }, (_, i) => mk(i))));
    for (const v of views) v.rebuild(s.rows.values(), s.version);
    let pending: ChangeSet | null = null;
    s.subscribe((ch) => (pending = pending === null ? ch : mergeChanges(pending, ch)));
    for (let k = 0; k < 60; k++) {
      clock += 100;
      const events: Parameters<typeof diff>[1] = [];
      const used = new Set<string>();
      for (let j = 0; j < 6; j++) {
        const i = next(2) ? 300 + next(12) : next(300); // a hot few ids open and close often
        const c = mk(i);
        if (used.has(c.id)) continue;
        used.add(c.id);
        const cur = s.rows.get(c.id);
        const open = cur !== undefined && cur.status !== 'closed';
        if (!open) events.push({ type: 'opened', connection: c });
        else if (next(3) === 0) {
          // Closed and opened again in one batch (a reused id).
          events.push({ type: 'closed', connection: cur.c });
          events.push({ type: 'opened', connection: c });
        } else if (next(2) === 0) events.push({ type: 'closed', connection: cur.c });
        else events.push({ type: 'changed', connection: { ...cur.c, state: next(2) ? 'CLOSE-WAIT' : 'ESTABLISHED' } });
      }
      const live = [...s.rows.values()].filter((r) => r.status !== 'closed' && !used.has(r.id));
      const counters = Array.from({ length: next(60) }, () => live[next(live.length)]).filter((r, j, a) => r && a.indexOf(r) === j).map((r) => tuple(r.id, next(1000)));
      const b = diff(2 + k, events);
      b.counters = counterColumns(counters);
      const op = s.beginBatch(b);
      while (op.step(1 + next(10)) === null) {
        if (next(5) === 0) {
          clock += 60;
          s.sweep();
        }
        if (next(3) === 0) {
          const i = next(views.length);
          specs[i] = spec();
          views[i].setSpec(specs[i].pred, specs[i].cmp, s.rows.values(), s.version);
        }
      }
      if (next(3) !== 0) continue; // the views catch up later: change sets merge
      for (const v of views) v.apply(pending!, s.rows, s.version);
      pending = null;
      views.forEach((v, i) => expect(v.rows.map((r) => r.id), `batch ${k} view ${i}`).toEqual([...s.rows.values()].filter(specs[i].pred).sort(specs[i].cmp).map((r) => r.id)));
    }
  });
});
