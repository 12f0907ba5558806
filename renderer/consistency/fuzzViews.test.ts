// Views against the store under everything that changes rows: counters written in place, events,
// host names and sweeps joining a batch in slices, change sets merged in random groups, filters and
// sorts changed mid-batch; field sorts at radix size (keys built lazily), views that read traffic
// fields and views that do not. After every catch-up each view equals a fresh filter + sort.
import { describe, expect, it } from 'vitest';
import { counterColumns, movedRow as tuple, type CounterRow } from '../../shared/testing/counters';
import { ConnectionStore, type ChangeSet } from '../store/store';
import { rowComparator } from '../store/columns';
import type { Row } from '../store/rows';
import { mergeChanges, SortedView } from '../store/view';
import { withTraffic } from '../store/readsTraffic';
import { conn, diff, full } from '../test/fixtures';

describe('views follow the store exactly (seeded)', () => {
  for (const seed of [3, 11]) it(`seed ${seed}`, () => {
    let clock = 0;
    const s = new ConnectionStore({ now: () => clock, highlightMs: 300, lingerMs: 500 });
    const keys = ['process', 'localAddress', 'remoteAddress', 'host', 'sendRate'] as const;
    const preds = [
      withTraffic((r: Row) => r.c.localPort % 5 !== 0, false),
      withTraffic(() => true, false),
      withTraffic((r: Row) => (r.c.sendRate ?? 0) > 300, true),
    ];
    const specs = keys.flatMap((key, i) => (['asc', 'desc'] as const).map((dir, j) => ({ cmp: rowComparator({ key, dir }), pred: preds[(i + j) % 3] })));
    const views = specs.map(({ cmp, pred }) => new SortedView(pred, cmp));
    let rnd = seed;
    const next = (n: number) => (rnd = (rnd * 48271) % 2147483647) % n;
    const procs = ['node', 'Nginx', 'sshd', 'java', null];
    const mk = (i: number) => conn({ localPort: 1000 + i, localAddress: `10.1.${i % 3}.${i % 7}`, remoteAddress: `10.0.${next(5)}.${next(9)}`, remotePort: 40000 + next(50), pid: 100 + next(6), process: procs[next(5)] ?? undefined, sendRate: next(1000) });
    const conns = Array.from({ length: 2600 }, (_, i) => mk(i));
    s.applyBatch(full(1, conns));
    for (const v of views) v.rebuild(s.rows.values());
    let pending: ChangeSet | null = null;
    s.subscribe((ch) => (pending = pending === null ? ch : mergeChanges(pending, ch)));
    let nextPort = 5000;
    for (let k = 0; k < 30; k++) {
      clock += 100;
      const live = [...s.rows.values()].filter((r) => r.status !== 'closed');
      const events: Parameters<typeof diff>[1] = [];
      const used = new Set<string>();
      for (let j = 0; j < 5; j++) {
        const r = live[next(live.length)];
        if (used.has(r.id)) continue;
        used.add(r.id);
        const x = next(4);
        if (x === 0) events.push({ type: 'closed', connection: r.c });
        else if (x === 1) events.push({ type: 'changed', connection: { ...r.c, pid: 100 + next(6), process: procs[next(5)], state: next(2) ? 'CLOSE-WAIT' : 'ESTABLISHED' } });
        else events.push({ type: 'opened', connection: mk(nextPort++ - 1000) });
      }
      const counters: CounterRow[] = [];
      for (let j = 0; j < (k % 3 === 0 ? 2 : 80); j++) {
        const r = live[next(live.length)];
        if (used.has(r.id)) continue;
        used.add(r.id);
        counters.push(tuple(r.id, next(1000)));
      }
      const b = diff(2 + k, events);
      b.counters = counterColumns(counters);
      const op = s.beginBatch(b);
      while (op.step(17) === null) {
        if (next(4) === 0) {
          clock += 50;
          s.sweep();
        }
        if (next(6) === 0) s.setHosts({ [`10.0.${next(5)}.${next(9)}`]: `h${next(4)}.example` });
        // The user changes a view's filter or sort while the batch is in slices (rebuilt from the store now).
        if (next(8) === 0) {
          const i = next(views.length);
          const j = next(specs.length);
          specs[i] = { cmp: specs[j].cmp, pred: preds[next(3)] };
          views[i].setSpec(specs[i].pred, specs[i].cmp, s.rows.values(), s.version);
        }
      }
      if (next(3) === 0) s.sweep();
      if (next(2) === 0) continue;
      for (const v of views) v.apply(pending!, s.rows, s.version);
      pending = null;
      views.forEach((v, i) => expect(v.rows.map((r) => r.id), `batch ${k} view ${i}`).toEqual([...s.rows.values()].filter(specs[i].pred).sort(specs[i].cmp).map((r) => r.id)));
      views.forEach((v) => v.rows.forEach((r) => expect(s.rows.get(r.id)).toBe(r)));
    }
  });
});
