import { describe, expect, it, vi } from 'vitest';
import { SortedView, merge, mergeChanges } from './view';
import type { ChangeSet } from './store';
import { ConnectionStore } from './store';
import { COLUMNS, rowComparator } from './columns';
import type { Row } from './rows';
import { conn, diff, full } from '../test/fixtures';

describe('SortedView', () => {
  it('merges sorted arrays', () => {
    expect(merge([1, 4, 9], [2, 3, 10], (a, b) => a - b)).toEqual([1, 2, 3, 4, 9, 10]);
  });

  it('incremental updates give exactly what a full rebuild gives', () => {
    const store = new ConnectionStore();
    const pred = (r: Row) => r.c.state !== 'LISTEN';
    const cmp = rowComparator({ key: 'remotePort', dir: 'desc' });
    const view = new SortedView(pred, cmp);
    store.subscribe((ch) => view.apply(ch, store.rows));
    const base = Array.from({ length: 500 }, (_, i) => conn({ localPort: 1000 + i, remotePort: (i * 7919) % 1000, state: i % 5 === 0 ? 'LISTEN' : 'ESTABLISHED' }));
    store.applyBatch(full(1, base));
    let rnd = 1;
    const next = () => (rnd = (rnd * 48271) % 2147483647) % 500;
    for (let k = 0; k < 30; k++) {
      const evs = [];
      for (let j = 0; j < 10; j++) {
        const c = base[next()];
        evs.push({ type: 'changed' as const, connection: { ...c, state: j % 2 ? ('LISTEN' as const) : ('CLOSE-WAIT' as const), remotePort: next() } });
      }
      evs.push({ type: 'opened' as const, connection: conn({ localPort: 5000 + k, remotePort: next() }) });
      store.applyBatch(diff(2 + k, evs));
      const expected = [...store.rows.values()].filter(pred).sort(cmp).map((r) => r.id);
      expect(view.rows.map((r) => r.id)).toEqual(expected);
    }
  });

  it('places hundreds of incoming rows a batch, many tied on the sort column, exactly where a full sort does (keyed and plain comparators)', () => {
    for (const keyed of [true, false]) {
      const store = new ConnectionStore();
      const byProcess = rowComparator({ key: 'process', dir: keyed ? 'asc' : 'desc' });
      // A plain comparator (no precomputed keys) takes the other path through apply.
      const cmp = keyed ? byProcess : (a: Row, b: Row) => byProcess(a, b);
      const view = new SortedView(() => true, cmp);
      store.subscribe((ch) => view.apply(ch, store.rows));
      let rnd = 7;
      const next = (n: number) => (rnd = (rnd * 48271) % 2147483647) % n;
      const procs = ['a', 'b', 'c', null];
      const make = (i: number) => conn({ localPort: 1000 + i, process: procs[i % 4], pid: i % 4 === 3 ? null : 100 + (i % 4), remotePort: next(60000) });
      let live = Array.from({ length: 2000 }, (_, i) => make(i));
      store.applyBatch(full(1, live));
      view.rebuild(store.rows.values());
      for (let k = 0; k < 8; k++) {
        const evs = [];
        const closing = new Set<number>();
        while (closing.size < 150) closing.add(next(live.length));
        for (const i of closing) evs.push({ type: 'closed' as const, connection: live[i] });
        const opened = Array.from({ length: 150 }, (_, j) => make(3000 + k * 200 + j));
        for (const c of opened) evs.push({ type: 'opened' as const, connection: c });
        live = live.filter((_, i) => !closing.has(i)).concat(opened);
        for (let j = 0; j < 100; j++) {
          const i = next(live.length);
          live[i] = { ...live[i], remotePort: next(60000), state: 'CLOSE-WAIT' as const };
          evs.push({ type: 'changed' as const, connection: live[i] });
        }
        store.applyBatch(diff(2 + k, evs));
        const expected = [...store.rows.values()].sort(cmp).map((r) => r.id);
        expect(view.rows.map((r) => r.id), `${keyed ? 'keyed' : 'plain'}, batch ${k}`).toEqual(expected);
      }
    }
  });

  it('returns the same array when a change set touches nothing', () => {
    const store = new ConnectionStore();
    const view = new SortedView(() => true, rowComparator({ key: 'pid', dir: 'asc' }));
    store.applyBatch(full(1, [conn({ localPort: 1 })]));
    const before = view.rebuild(store.rows.values());
    expect(view.apply({ reset: false, ids: new Set(), events: [] }, store.rows)).toBe(before);
  });

  it('a full rebuild sorted by precomputed keys gives the comparator order for every column and direction', () => {
    let rnd = 7;
    const pick = <T,>(xs: readonly T[]): T => xs[(rnd = (rnd * 48271) % 2147483647) % xs.length];
    const procs = ['node', 'Node', 'svchost.exe', 'a', 'ab', 'Ab', null];
    const addrs = ['10.0.0.9', '10.0.0.10', '::1', '2001:db8::1', 'fe80::1', '192.168.1.1', '127.0.0.1'];
    const states = ['ESTABLISHED', 'LISTEN', 'TIME-WAIT', 'CLOSE-WAIT'] as const;
    const store = new ConnectionStore();
    const conns = Array.from({ length: 400 }, (_, i) => {
      const udp = i % 9 === 0;
      return conn({
        protocol: udp ? 'udp' : 'tcp',
        family: 4,
        localPort: 1000 + (i % 37),
        localAddress: pick(addrs),
        remoteAddress: udp ? null : pick(addrs),
        remotePort: udp ? null : pick([80, 443, 50000, 8080]),
        state: udp ? null : pick(states),
        pid: pick([4, 100, 2000, null]),
        process: pick(procs),
        createdAt: i % 3 === 0 ? 1_700_000_000_000 + (i % 5) : undefined,
      });
    });
    store.applyBatch(full(1, conns));
    store.applyBatch(diff(2, conns.slice(0, 40).map((c) => ({ type: 'changed' as const, connection: { ...c, state: 'CLOSE-WAIT' as const } }))));
    store.setHosts({ '10.0.0.9': 'nine.example', '::1': 'Localhost', '2001:db8::1': null });
    for (const col of COLUMNS) {
      for (const dir of ['asc', 'desc'] as const) {
        const cmp = rowComparator({ key: col.key, dir });
        const expected = [...store.rows.values()].sort(cmp).map((r) => r.id);
        const view = new SortedView(() => true, cmp);
        expect(view.rebuild(store.rows.values()).map((r) => r.id), `${col.key} ${dir}`).toEqual(expected);
      }
    }
  });

  it('keyed incremental merges give the comparator order for every column and direction', () => {
    let rnd = 11;
    const next = (n: number) => (rnd = (rnd * 48271) % 2147483647) % n;
    const procs = ['node', 'Node', 'svchost.exe', 'a', null];
    const states = ['ESTABLISHED', 'LISTEN', 'TIME-WAIT', 'CLOSE-WAIT'] as const;
    const base = Array.from({ length: 300 }, (_, i) =>
      conn({ localPort: 2000 + i, remoteAddress: `10.0.0.${i % 7}`, remotePort: [80, 443][i % 2], pid: [4, 100, null][i % 3], process: procs[i % procs.length], state: states[i % 4] }),
    );
    for (const col of COLUMNS) {
      for (const dir of ['asc', 'desc'] as const) {
        const store = new ConnectionStore({ now: () => 0 });
        const cmp = rowComparator({ key: col.key, dir });
        const view = new SortedView((r) => r.c.localPort % 5 !== 0, cmp);
        store.subscribe((ch) => view.apply(ch, store.rows));
        store.applyBatch(full(1, base));
        for (let k = 0; k < 12; k++) {
          const evs = [];
          for (let j = 0; j < 6; j++) {
            const c = base[next(base.length)];
            evs.push({ type: 'changed' as const, connection: { ...c, state: states[next(4)], pid: next(3) === 0 ? null : 4 + next(3), process: procs[next(procs.length)] } });
          }
          evs.push({ type: 'closed' as const, connection: base[next(base.length)] });
          evs.push({ type: 'opened' as const, connection: base[next(base.length)] });
          evs.push({ type: 'opened' as const, connection: conn({ localPort: 9000 + k, remotePort: [80, 443][k % 2], process: procs[k % procs.length] }) });
          store.applyBatch(diff(10 + (k % 3), evs));
          const expected = [...store.rows.values()].filter((r) => r.c.localPort % 5 !== 0).sort(cmp).map((r) => r.id);
          expect(view.rows.map((r) => r.id), `${col.key} ${dir} batch ${k}`).toEqual(expected);
        }
        store.dispose();
      }
    }
  });

  it('finds changed rows by their old values: sweeps, host names, closes and a plain comparator give the rebuild order; a change set without old values is scanned', () => {
    let clock = 0;
    const store = new ConnectionStore({ now: () => clock, highlightMs: 1000, lingerMs: 2000 });
    const pred = (r: Row) => r.status !== 'closed' || r.c.localPort % 2 === 0;
    // A comparator with no sort key (the view binary-searches with it directly).
    const plain = (a: Row, b: Row) => (a.c.remoteHost ?? '~').localeCompare(b.c.remoteHost ?? '~') || a.c.localPort - b.c.localPort;
    const keyed = rowComparator({ key: 'host', dir: 'desc' });
    // Each way of finding the held rows: binary search over old values (cost 0: always), a scan of
    // sequence numbers (the default at this size), a scan of ids (a change set without old values).
    const views = [new SortedView(pred, plain, { searchCost: 0 }), new SortedView(pred, keyed, { searchCost: 0 })];
    const bySeq = [new SortedView(pred, plain), new SortedView(pred, keyed)];
    const scanned = new SortedView(pred, keyed);
    store.subscribe((ch) => {
      for (const v of [...views, ...bySeq]) v.apply(ch, store.rows);
      scanned.apply({ ...ch, before: undefined }, store.rows);
    });
    const base = Array.from({ length: 200 }, (_, i) => conn({ localPort: 3000 + i, remoteAddress: `10.0.1.${i % 9}` }));
    store.applyBatch(full(1, base));
    let rnd = 5;
    const next = (n: number) => (rnd = (rnd * 48271) % 2147483647) % n;
    for (let k = 0; k < 25; k++) {
      clock += 400;
      const evs = Array.from({ length: 5 }, () => {
        const c = base[next(base.length)];
        return next(3) === 0 ? { type: 'closed' as const, connection: c } : { type: next(2) ? ('opened' as const) : ('changed' as const), connection: c };
      });
      store.applyBatch(diff(2 + k, evs));
      store.sweep();
      if (k % 5 === 0) store.setHosts({ [`10.0.1.${next(9)}`]: `host${next(4)}.example` });
      for (const v of [...views, ...bySeq, scanned]) {
        const expected = [...store.rows.values()].filter(pred).sort(v === views[0] || v === bySeq[0] ? plain : keyed).map((r) => r.id);
        expect(v.rows.map((r) => r.id), `batch ${k}`).toEqual(expected);
        // The closing count kept per change is the count of closed rows shown.
        expect(v.closing, `batch ${k}`).toBe(v.rows.filter((r) => r.status === 'closed').length);
      }
    }
  });

  it('change sets merged and applied later give what applying each at once gives', () => {
    let clock = 0;
    const store = new ConnectionStore({ now: () => clock, highlightMs: 700, lingerMs: 1500 });
    const cmp = rowComparator({ key: 'process', dir: 'asc' });
    const pred = (r: Row) => r.c.localPort % 3 !== 0;
    const atOnce = new SortedView(pred, cmp);
    const later = new SortedView(pred, cmp, { searchCost: 0 });
    let pending: ChangeSet | null = null;
    store.subscribe((ch) => {
      atOnce.apply(ch, store.rows);
      pending = pending === null ? ch : mergeChanges(pending, ch);
    });
    const base = Array.from({ length: 8000 }, (_, i) => conn({ localPort: 4000 + i, process: ['a', 'b', 'c'][i % 3], pid: 10 + (i % 4) }));
    store.applyBatch(full(1, base));
    later.rebuild(store.rows.values());
    pending = null;
    // Merged sets name the old rows the late view holds (8,000 rows: few enough changes to search for
    // them): it re-places them, never falls back to a rebuild.
    const rebuilds = vi.spyOn(later, 'rebuild');
    let rnd = 9;
    const next = (n: number) => (rnd = (rnd * 48271) % 2147483647) % n;
    for (let k = 0; k < 40; k++) {
      clock += 300;
      const evs = Array.from({ length: 4 }, () => {
        // Few rows, so one often changes in several of the merged batches.
        const c = base[next(40)];
        const x = next(4);
        return x === 0 ? { type: 'closed' as const, connection: c } : x === 1 ? { type: 'opened' as const, connection: c } : { type: 'changed' as const, connection: { ...c, pid: 10 + next(4) } };
      });
      store.applyBatch(diff(2 + k, evs));
      store.sweep();
      // The late view catches up every third batch, with everything since merged into one.
      if (k % 3 === 2 && pending) {
        later.apply(pending, store.rows);
        pending = null;
        expect(later.rows.map((r) => r.id), `batch ${k}`).toEqual(atOnce.rows.map((r) => r.id));
        expect(later.rows).toEqual(atOnce.rows);
        expect(later.closing).toBe(atOnce.closing);
      }
    }
    expect(rebuilds).not.toHaveBeenCalled();
    expect(atOnce.rows.map((r) => r.id)).toEqual([...store.rows.values()].filter(pred).sort(cmp).map((r) => r.id));
  });

  it('sorted by a connection field at radix size (keys built only as merges read them), merges stay exact', () => {
    let clock = 0;
    const store = new ConnectionStore({ now: () => clock, highlightMs: 500, lingerMs: 900 });
    const specs = [rowComparator({ key: 'remoteAddress', dir: 'desc' }), rowComparator({ key: 'localPort', dir: 'asc' }), rowComparator({ key: 'pid', dir: 'desc' })];
    const views = specs.map((cmp) => new SortedView(() => true, cmp));
    const base = Array.from({ length: 3000 }, (_, i) => conn({ localPort: 2000 + i, remoteAddress: `10.0.${i % 7}.${i % 50}`, remotePort: 40000 + (i % 300), pid: 100 + (i % 9) }));
    store.applyBatch(full(1, base));
    for (const v of views) v.rebuild(store.rows.values());
    store.subscribe((ch) => views.forEach((v) => v.apply(ch, store.rows)));
    let rnd = 5;
    const next = (n: number) => (rnd = (rnd * 48271) % 2147483647) % n;
    for (let k = 0; k < 30; k++) {
      clock += 200;
      const evs = Array.from({ length: 6 }, () => {
        const c = base[next(base.length)];
        const x = next(3);
        return x === 0 ? { type: 'closed' as const, connection: c } : x === 1 ? { type: 'opened' as const, connection: { ...c, remoteAddress: `10.9.${next(5)}.${next(9)}` } } : { type: 'changed' as const, connection: { ...c, pid: 100 + next(9) } };
      });
      store.applyBatch(diff(2 + k, evs));
      store.sweep();
      views.forEach((v, i) => expect(v.rows.map((r) => r.id), `batch ${k} view ${i}`).toEqual([...store.rows.values()].sort(specs[i]).map((r) => r.id)));
    }
  });
});
