import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection, type ConnectionEvent } from '../../shared/connection';
import type { EngineStatus, EventBatch } from '../../shared/ipc';
import { createHistory, createHistoryMirror, type HistoryRecord } from './history';
import { prng } from '../model/random';

const st: EngineStatus = { paused: false, intervalMs: 1000, source: 'scripted', lastPollAt: null, lastPollMs: null, lastError: null };
function c(localPort: number, state: Connection['state'] = 'ESTABLISHED'): Connection {
  const base = { protocol: 'tcp' as const, family: 4 as const, localAddress: '127.0.0.1', localPort, remoteAddress: '127.0.0.1', remotePort: 40000, state, pid: 7, process: 'srv' };
  return { id: connectionKey(base), ...base };
}
let seq = 0;
const full = (time: number, conns: Connection[]): EventBatch => ({ seq: ++seq, time, full: true, connections: conns, events: [], status: st });
const diff = (time: number, events: Omit<ConnectionEvent, 'time'>[]): EventBatch => ({ seq: ++seq, time, full: false, events: events.map((e) => ({ ...e, time })), status: st });
const times = (x: Connection) => [x.firstSeenAt, x.lastChangeAt, x.preexisting];

describe('run history', () => {
  it('the first table is preexisting; opened rows carry their own first-seen time; changes move lastChangeAt only', () => {
    const h = createHistory();
    const b1 = h.apply(full(1000, [c(1), c(2)]));
    expect(b1.connections?.map(times)).toEqual([
      [1000, 1000, true],
      [1000, 1000, true],
    ]);
    const b2 = h.apply(diff(2000, [{ type: 'opened', connection: c(3) }]));
    expect(times(b2.events[0].connection)).toEqual([2000, 2000, false]);
    const b3 = h.apply(diff(5000, [{ type: 'changed', connection: c(3, 'CLOSE-WAIT'), previousState: 'ESTABLISHED' }, { type: 'changed', connection: c(1, 'FIN-WAIT-1') }]));
    expect(b3.events.map((e) => times(e.connection))).toEqual([
      [2000, 5000, false],
      [1000, 5000, true],
    ]);
    // A viewer that asks later gets the same times the batches carried.
    const snap = h.annotate({ time: 6000, connections: [c(1, 'FIN-WAIT-1'), c(2), c(3, 'CLOSE-WAIT')], status: st });
    expect(snap.connections.map(times)).toEqual([
      [1000, 5000, true],
      [1000, 1000, true],
      [2000, 5000, false],
    ]);
    const b4 = h.apply(diff(7000, [{ type: 'closed', connection: c(3, 'CLOSE-WAIT') }]));
    expect(times(b4.events[0].connection)).toEqual([2000, 7000, false]);
    expect(h.rowCount).toBe(2);
  });

  it('does not change the batch it is given', () => {
    const h = createHistory();
    const conns = [c(1)];
    h.apply(full(1000, conns));
    expect(conns[0].firstSeenAt).toBeUndefined();
    const b = diff(2000, [{ type: 'opened', connection: c(2) }]);
    h.apply(b);
    expect(b.events[0].connection.firstSeenAt).toBeUndefined();
  });

  it('a later full table keeps the times of rows that survived and drops the rest', () => {
    const h = createHistory();
    h.apply(full(1000, [c(1), c(2)]));
    h.apply(diff(2000, [{ type: 'opened', connection: c(3) }]));
    const again = h.apply(full(9000, [c(1), c(3), c(4)]));
    expect(again.connections?.map(times)).toEqual([
      [1000, 1000, true],
      [2000, 2000, false],
      [9000, 9000, false], // appeared while the engine was not looking: not "before netmon started"
    ]);
    expect(h.rowCount).toBe(3);
  });

  it('a reused id after a close starts a new life', () => {
    const h = createHistory();
    h.apply(full(1000, [c(1)]));
    h.apply(diff(2000, [{ type: 'closed', connection: c(1) }]));
    const b = h.apply(diff(3000, [{ type: 'opened', connection: c(1) }]));
    expect(times(b.events[0].connection)).toEqual([3000, 3000, false]);
  });

  it('keeps a bounded ring, oldest first, counting what fell off; limit keeps the newest', () => {
    const h = createHistory({ capacity: 3 });
    h.apply(full(1000, []));
    for (let i = 1; i <= 5; i++) h.apply(diff(1000 + i, [{ type: 'opened', connection: c(i) }]));
    const all = h.history();
    expect(all).toMatchObject({ since: 1000, capacity: 3, dropped: 2 });
    expect(all.events.map((e) => e.connection.localPort)).toEqual([3, 4, 5]);
    expect(all.events[0].connection.firstSeenAt).toBe(1003);
    const last = h.history(2);
    expect(last.events.map((e) => e.connection.localPort)).toEqual([4, 5]);
    expect(last.dropped).toBe(3);
    expect(JSON.parse(h.historyJson(1))).toEqual(h.history(1));
    expect(h.eventCount).toBe(3);
  });

  it('an empty history says so', () => {
    expect(createHistory().history()).toEqual({ since: null, capacity: 180_000, dropped: 0, events: [] });
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => createHistory({ capacity: 0 })).toThrow(RangeError);
    expect(() => createHistory({ capacity: 1.5 })).toThrow(/positive integer/);
  });

  it('a mirror fed with its records answers as the history does, and seeds a history that goes on where it stopped', () => {
    const rnd = prng(11);
    const records: HistoryRecord[] = [];
    const h = createHistory({ capacity: 50, onRecord: (r) => records.push(r) });
    const mirror = createHistoryMirror(50);
    let table = Array.from({ length: 20 }, (_, i) => c(2000 + i));
    h.apply(full(1000, table));
    let next = 3000;
    for (let t = 2000; t < 40_000; t += 1000) {
      const events: Omit<ConnectionEvent, 'time'>[] = [];
      for (const x of table) if (rnd() < 0.1) events.push({ type: 'changed', connection: { ...x, state: 'CLOSE-WAIT' } });
      const closing = table.filter(() => rnd() < 0.02);
      for (const x of closing) events.push({ type: 'closed', connection: x });
      const opening = Array.from({ length: Math.floor(rnd() * 4) }, () => c(next++));
      for (const x of opening) events.push({ type: 'opened', connection: x });
      table = [...table.filter((x) => !closing.includes(x)), ...opening];
      h.apply(diff(t, events));
    }
    for (const r of records) mirror.apply(r);
    for (const limit of [undefined, 1, 7, 50]) expect(mirror.historyJson(limit)).toBe(h.historyJson(limit));
    expect(mirror.rowCount).toBe(h.rowCount);
    expect(mirror.eventCount).toBe(h.eventCount);
    // A new history from the seed (an engine restarted after a crash): its first full table keeps
    // the old first-seen times of rows that outlived the old engine; rows new to it start now.
    const before = new Map(h.annotate({ time: 50_000, connections: table, status: st }).connections.map((x) => [x.id, x]));
    const again = createHistory({ capacity: 50, seed: mirror.seed(), keepEvents: false });
    const newcomer = c(9999);
    const out = again.apply(full(50_000, [...table, newcomer])).connections!;
    for (const x of out.slice(0, table.length)) expect(times(x)).toEqual(times(before.get(x.id)!));
    expect(out.some((x) => x.preexisting === false && (x.firstSeenAt ?? 0) > 1000)).toBe(true);
    expect(out.some((x) => x.preexisting === true && x.firstSeenAt === 1000)).toBe(true);
    expect(times(out[table.length])).toEqual([50_000, 50_000, false]);
    expect(() => again.historyJson()).toThrow(/keeps no events/);
  });

  it('a mirror refuses a record of the wrong shape whole and serves around a text that is not JSON', () => {
    const m = createHistoryMirror(10);
    m.apply({ time: 1, full: ['a'], events: [] });
    const before = m.seed();
    for (const bad of [null, { time: 'x', events: [] }, { time: 2, events: [{ type: 'opened', id: 'b', time: 2 }] }, { time: 2, events: [{ type: 'moved', id: 'b', time: 2, text: '{}' }] }, { time: 2, full: [1], events: [] }]) {
      expect(() => m.apply(bad as unknown as HistoryRecord)).toThrow(TypeError);
    }
    expect(m.seed()).toEqual(before);
    m.apply({ time: 3, events: [{ type: 'opened', id: 'b', time: 3, text: 'not json' }, { type: 'opened', id: 'c', time: 3, text: '{"type":"opened","time":3}' }] });
    expect(() => JSON.parse(m.historyJson())).toThrow();
    expect(m.history()).toEqual({ since: 1, capacity: 10, dropped: 1, events: [{ type: 'opened', time: 3 }] });
    expect(m.rowCount).toBe(3);
  });
});

