// Rates, limitedBy and the batch's counters section, over the scripted source and fake timers.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCounterRow } from '../../shared/counter-columns';
import { decodeBatch, type EventBatch } from '../../shared/ipc';
import { LiveTable } from '../export/table';
import { counterRowOf, counterRows, type CounterRow } from '../../shared/testing/counters';
import type { RowSpec } from '../model/build';
import { tableFromSpecs } from '../model/build';
import { materializeRow } from '../model/materialize';
import { createRateColumns, createValuesScratch, LIMITED_NETWORK, LIMITED_RECEIVER, LIMITED_SENDER, writeTrafficValues } from '../model/traffic';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import { createEngine } from './engine';
import { limitedByCode } from './rates';
import { TimelineTracker, type TimelineSample } from '../../shared/timeline';

type Counters = NonNullable<RowSpec['counters']>;
const tcp = (lport: number, counters?: Counters, extra: Partial<RowSpec> = {}): RowSpec => ({
  local: '10.0.0.1',
  localPort: lport,
  remote: '10.0.0.2',
  remotePort: 443,
  pid: 100,
  counters,
  ...extra,
});
const k = (sent: number, received: number, more: Counters = {}): Counters => ({
  BYTES_SENT: sent,
  BYTES_RECEIVED: received,
  SEGS_OUT: 10,
  SEGS_IN: 12,
  RTT_US: 2500,
  RTTVAR_US: 500,
  RETRANS: 1,
  ...more,
});

function setup(script: ScriptStep[]) {
  const source = createScriptedSource(script, { processes: { 100: 'app' } });
  const engine = createEngine({ source, intervalMs: 1000 });
  const batches: EventBatch[] = [];
  engine.onBatch((b) => batches.push(b));
  return { engine, batches };
}

const tupleOf = (b: EventBatch, lport: number): CounterRow | undefined => counterRowOf(b, (id) => id.includes(`:${lport} `));

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => vi.useRealTimers());

describe('engine rates', () => {
  it('gives null rates on the first poll, bytes/s over the interval after, in the counters section only', async () => {
    const { engine, batches } = setup([
      [tcp(1, k(1000, 500)), tcp(2, k(7, 7)), tcp(3, k(0, 0))],
      [tcp(1, k(3000, 1500, { RETRANS: 2 })), tcp(2, k(7, 7)), tcp(3, k(0, 0))],
      [tcp(1, k(3000, 1500, { RETRANS: 2 })), tcp(2, k(7, 7)), tcp(3, k(0, 0))],
    ]);
    engine.start();
    await vi.advanceTimersByTimeAsync(0);
    const first = batches[0].connections!.find((c) => c.localPort === 1)!;
    expect(first).toMatchObject({ bytesSent: 1000, bytesReceived: 500, packetsSent: 10, packetsReceived: 12, rttMs: 2.5, rttVarMs: 0.5, retransmits: 1 });
    expect(first.sendRate).toBeNull();
    expect(first.receiveRate).toBeNull();
    expect(first.limitedBy).toBeNull();

    await vi.advanceTimersByTimeAsync(1000);
    const second = batches[1];
    expect(second.events).toEqual([]); // counter movement is not a `changed` event
    const t1 = tupleOf(second, 1)!;
    expect(t1).toEqual([first.id, 3000, 1500, 10, 12, 2000, 1000, 2.5, 0.5, 2, null]);
    // As the section carries it: numbers only, row by row in TRAFFIC_FIELDS order (limitedBy 0: unknown).
    const k1 = second.counters!.ids.indexOf(first.id);
    // RTT 2.5 ± 0.5 ms travels as 2500 / 500 µs: the section holds whole numbers only.
    expect(second.counters!.values.slice(k1 * 10, k1 * 10 + 10)).toEqual([3000, 1500, 10, 12, 2000, 1000, 2500, 500, 2, 0]);
    expect(second.counters!.values.every(Number.isInteger)).toBe(true);
    expect(second.counters!.values).toHaveLength(second.counters!.ids.length * 10);
    expect(isCounterRow(second.counters!, k1)).toBe(true);
    // Row 2 did not move but its rate went from unknown to 0: viewers must learn that once.
    expect(tupleOf(second, 2)?.slice(5, 7)).toEqual([0, 0]);

    const secondValues = JSON.stringify(second.counters);
    await vi.advanceTimersByTimeAsync(1000);
    const third = batches[2];
    // Each batch owns its section: the next poll's values do not overwrite the last one's.
    expect(third.counters!.values).not.toBe(second.counters!.values);
    expect(JSON.stringify(second.counters)).toBe(secondValues);
    // Row 1 stopped: its rate falls to 0, which is news; rows 2 and 3 stayed at 0: nothing to send.
    expect(tupleOf(third, 1)?.slice(5, 7)).toEqual([0, 0]);
    expect(tupleOf(third, 2)).toBeUndefined();
    expect(tupleOf(third, 3)).toBeUndefined();
  });

  it('sends a row whose only change is any one slot viewers see (and no row whose counters stood still)', async () => {
    const visible = ['BYTES_SENT', 'BYTES_RECEIVED', 'SEGS_OUT', 'SEGS_IN', 'RTT_US', 'RTTVAR_US', 'RETRANS'] as const;
    const base = k(100, 100);
    const rows = (bump: number | null) => [
      tcp(1, base),
      ...visible.map((slot, j) => tcp(10 + j, bump === null ? base : { ...base, [slot]: base[slot]! + bump })),
    ];
    // Polls 1-2 settle every rate at 0, poll 3 stands still, poll 4 moves each row's one slot, poll 5 repeats poll 4.
    const { engine, batches } = setup([rows(null), rows(null), rows(null), rows(1), rows(1)]);
    engine.start();
    await vi.advanceTimersByTimeAsync(4000);
    expect(batches[2].counters).toBeUndefined();
    const sent = counterRows(batches[3].counters).map((t) => Number(t[0].split(' ')[1].split(':')[1]));
    expect(sent.sort((a, b) => a - b)).toEqual(visible.map((_, j) => 10 + j));
    // Then the two whose bytes moved are news again: their rate fell back to 0.
    expect(counterRows(batches[4].counters).map((t) => t[0]).sort()).toEqual(['tcp4 10.0.0.1:10 10.0.0.2:443', 'tcp4 10.0.0.1:11 10.0.0.2:443']);
  });

  it('divides by the real interval between polls', async () => {
    const { engine, batches } = setup([[tcp(1, k(0, 0))], [tcp(1, k(5000, 0))]]);
    engine.setIntervalMs(2500);
    engine.start();
    await vi.advanceTimersByTimeAsync(2500);
    expect(tupleOf(batches[1], 1)?.[5]).toBe(2000);
  });

  it('follows the row through a state change (the changed event carries the rate) and restarts on a new socket', async () => {
    const { engine, batches } = setup([
      [tcp(1, k(0, 0))],
      [tcp(1, k(4000, 0), { state: 'CLOSE-WAIT' })],
      [tcp(1, k(10, 0), { state: 'CLOSE-WAIT' })], // counters went back: another socket on the same tuple
    ]);
    engine.start();
    await vi.advanceTimersByTimeAsync(1000);
    const changed = batches[1].events.find((e) => e.type === 'changed')!;
    expect(changed.connection.sendRate).toBe(4000);
    expect(tupleOf(batches[1], 1)).toBeUndefined(); // the event already carries it
    await vi.advanceTimersByTimeAsync(1000);
    expect(tupleOf(batches[2], 1)?.[5]).toBeNull();
  });

  it('gives opened rows null rates and UDP rows null everything; a source without counters → no fields', async () => {
    const { engine, batches } = setup([
      [tcp(1, k(0, 0)), { protocol: 'udp', local: '0.0.0.0', localPort: 53, pid: 100 }],
      [tcp(1, k(0, 0)), tcp(2, k(100, 100)), { protocol: 'udp', local: '0.0.0.0', localPort: 53, pid: 100 }],
    ]);
    engine.start();
    await vi.advanceTimersByTimeAsync(0);
    const udp = batches[0].connections!.find((c) => c.protocol === 'udp')!;
    expect([udp.bytesSent, udp.sendRate, udp.rttMs, udp.limitedBy]).toEqual([null, null, null, null]);
    expect(batches[0].status.countersNote).toBeNull();
    await vi.advanceTimersByTimeAsync(1000);
    const opened = batches[1].events.find((e) => e.type === 'opened')!;
    expect(opened.connection).toMatchObject({ localPort: 2, bytesSent: 100, sendRate: null });
    // Only row 1 (rate unknown → 0); the opened row's event carries it, UDP has nothing to send.
    expect(counterRows(batches[1].counters).map((t) => t[0])).toEqual(['tcp4 10.0.0.1:1 10.0.0.2:443']);

    const plain = setup([[tcp(1)]]);
    plain.engine.start();
    await vi.advanceTimersByTimeAsync(0);
    const c = plain.batches[0].connections![0];
    expect('bytesSent' in c).toBe(false);
    expect('sendRate' in c).toBe(false);
  });
});

describe('the engine\'s rate totals', () => {
  it('equal what the timeline counts row by row, poll after poll (rows moving, going idle, closing, opening, changing, UDP)', async () => {
    // A UDP spec's counters (no OS has them) must count nowhere: not in the rows, not in the sums.
    const udp = (n: number): RowSpec => ({ protocol: 'udp', local: '0.0.0.0', localPort: 53, pid: 100, counters: k(100 * n, 100 * n) });
    const { engine, batches } = setup([
      [tcp(1, k(0, 0)), tcp(2, k(0, 0)), tcp(3, k(0, 0)), udp(0)],
      [tcp(1, k(1500, 250)), tcp(2, k(1000, 0)), tcp(3, k(0, 0)), udp(1)],
      [tcp(1, k(3000, 500)), tcp(2, k(1000, 0)), tcp(4, k(50, 50)), udp(2)], // 2 idle, 3 closed, 4 opened
      [tcp(1, k(3333, 500), { state: 'CLOSE-WAIT' }), tcp(2, k(1000, 0)), tcp(4, k(150, 50)), udp(3)],
      [tcp(2, k(1000, 1)), udp(4)],
    ]);
    const withTotals = new TimelineTracker();
    const byRows = new TimelineTracker();
    const samples: [TimelineSample | null, TimelineSample | null][] = [];
    engine.onBatch((b) => samples.push([withTotals.apply(b, engine.rateTotals()), byRows.apply(b)]));
    engine.start();
    await vi.advanceTimersByTimeAsync(4000);
    expect(batches).toHaveLength(5);
    const rates = samples.map(([a]) => [a?.sendRate, a?.receiveRate]);
    expect(rates).toEqual([
      [null, null], // first poll: no interval yet
      [2500, 250],
      [1500, 250], // 1 moved 1500/250; 2 idle at 0; 4 opened: unknown
      [433, 0], // 1 (a changed event) 333/0; 4 moved 100/0
      [0, 1],
    ]);
    for (const [a, b] of samples) expect(a).toEqual(b);
  });
});

describe('a source that stops giving counters', () => {
  it('sends each remaining row once with every value unknown, so no viewer keeps its last rate', async () => {
    // Counters for three polls (e.g. Windows EStats), then none (collection refused from then on).
    const { engine, batches } = setup([
      [tcp(1, k(0, 0)), tcp(2, k(0, 0))],
      [tcp(1, k(2000, 100)), tcp(2, k(0, 0))],
      [tcp(1, k(2000, 100)), tcp(2, k(0, 0)), tcp(3)],
      [tcp(1), tcp(2), tcp(3)],
      [tcp(1), tcp(2), tcp(3)],
    ]);
    const viewer = new LiveTable();
    const byRows = new TimelineTracker();
    engine.onBatch((b) => {
      viewer.apply(decodeBatch(JSON.stringify(b)));
      byRows.apply(b);
    });
    engine.start();
    await vi.advanceTimersByTimeAsync(2000);
    expect([...viewer.rows.values()].find((c) => c.localPort === 1)?.sendRate).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    // The poll without counters: rows 1 and 2 had values, row 3 never did (it is in the table, not in the section).
    expect(counterRows(batches[3].counters).map((r) => r[0]).sort()).toEqual(['tcp4 10.0.0.1:1 10.0.0.2:443', 'tcp4 10.0.0.1:2 10.0.0.2:443']);
    for (const r of counterRows(batches[3].counters)) expect(r.slice(1)).toEqual([null, null, null, null, null, null, null, null, null, null]);
    for (const c of viewer.rows.values()) expect([c.bytesSent ?? null, c.sendRate ?? null, c.rttMs ?? null]).toEqual([null, null, null]);
    expect(byRows.store!.samples().at(-1)?.sendRate).toBeNull();
    expect(engine.rateTotals()).toEqual({ rated: 0, send: 0, receive: 0 });
    // Once is enough: the next poll without counters sends no section.
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches[4].counters).toBeUndefined();
  });
});

describe('the counters scope in the status', () => {
  it('carries the source\'s countersScope while it gives counters, and none once it gives none', async () => {
    const scope = { states: ['ESTABLISHED' as const, 'CLOSE-WAIT' as const], cap: 2, beyondCap: 1 };
    let withCounters = true;
    const engine = createEngine({
      source: {
        name: 'scoped',
        read: () => {
          const t = tableFromSpecs([tcp(1, withCounters ? k(0, 0) : undefined)]);
          if (withCounters) t.countersScope = scope;
          else t.countersNote = 'needs administrator';
          return t;
        },
        processInfo: () => null,
      },
      intervalMs: 1000,
    });
    const batches: EventBatch[] = [];
    engine.onBatch((b) => batches.push(decodeBatch(JSON.stringify(b))));
    engine.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(batches[0].status.countersScope).toEqual(scope);
    withCounters = false;
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches[1].status.countersNote).toBe('needs administrator');
    expect('countersScope' in batches[1].status).toBe(false);
  });
});

describe('the counters section on the wire', () => {
  it('round-trips exactly through JSON into a viewer: counters past 2^32, RTT in fractions of a ms, a rate of 0, unknown → null', async () => {
    const big = 2 ** 40;
    const { engine, batches } = setup([
      [tcp(1, k(big, 5e9, { RTT_US: 45, RTTVAR_US: 3 }))],
      [tcp(1, k(big + 3000, 5e9, { RTT_US: 45, RTTVAR_US: 3, RETRANS: 2 ** 33 }))],
    ]);
    engine.start();
    await vi.advanceTimersByTimeAsync(1000);
    const table = new LiveTable();
    for (const b of batches) table.apply(decodeBatch(JSON.stringify(b)));
    const [row] = table.rows.values();
    expect(row).toMatchObject({ bytesSent: big + 3000, bytesReceived: 5e9, packetsSent: 10, packetsReceived: 12, sendRate: 3000, receiveRate: 0, rttMs: 0.045, rttVarMs: 0.003, retransmits: 2 ** 33, limitedBy: null });
  });
});

describe('limitedByCode', () => {
  const SEC = 1_000_000;
  it('picks the largest share of the interval', () => {
    expect(limitedByCode(SEC, 0, 0, SEC)).toBe(LIMITED_NETWORK); // busy all along, nothing else: cwnd
    expect(limitedByCode(SEC, 0.7 * SEC, 0, SEC)).toBe(LIMITED_RECEIVER);
    expect(limitedByCode(SEC, 0, 0.6 * SEC, SEC)).toBe(LIMITED_SENDER); // send buffer
    expect(limitedByCode(0.2 * SEC, 0, 0, SEC)).toBe(LIMITED_SENDER); // idle 80%: the application
    expect(limitedByCode(0.6 * SEC, 0.1 * SEC, 0, SEC)).toBe(LIMITED_NETWORK);
  });
  it('is unknown with neither busy time nor bytes sent, or with counters that went back; "sender" when bytes went out with no busy time', () => {
    expect(limitedByCode(0, 0, 0, SEC)).toBe(0);
    expect(limitedByCode(0, 0, 0, SEC, 0)).toBe(0); // nothing sent, no busy time: unknown
    // Bytes went out but the busy clock (jiffies on Linux) did not tick: the application paced it.
    expect(limitedByCode(0, 0, 0, SEC, 102_400)).toBe(LIMITED_SENDER);
    expect(limitedByCode(NaN, 0, 0, SEC, 102_400)).toBe(0);
    expect(limitedByCode(NaN, 0, 0, SEC)).toBe(0);
    expect(limitedByCode(SEC, -5, 0, SEC)).toBe(0);
  });
});

describe('materializeRow traffic fields', () => {
  it('maps counters and rates to the Connection fields, rates rounded to whole bytes', () => {
    const t = tableFromSpecs([tcp(1, k(10, 20))]);
    const r = createRateColumns(1);
    r.send[0] = 1234.6;
    r.receive[0] = 0.2;
    r.limited[0] = LIMITED_RECEIVER;
    expect(materializeRow(t, 0, undefined, r)).toMatchObject({ sendRate: 1235, receiveRate: 0, limitedBy: 'receiver', rttMs: 2.5 });
  });

  it('writes the counters section as whole numbers only: -1 where unknown (rates of a first poll, UDP), RTTs in µs, limitedBy as its code', () => {
    const t = tableFromSpecs([tcp(1, k(10, 20)), { protocol: 'udp', local: '0.0.0.0', localPort: 53, pid: 100 }, tcp(2, k(10, 20, { RTT_US: NaN })), tcp(3, k(-5, Infinity))]);
    const r = createRateColumns(4);
    r.send[0] = 1234.6;
    r.receive[0] = NaN;
    r.limited[0] = LIMITED_NETWORK;
    // Written at an offset into a scratch that held other values, and copied out.
    const scratch = createValuesScratch();
    const out = scratch.room(31).fill(99);
    out[0] = 7;
    writeTrafficValues(t, 0, r, out, 1);
    writeTrafficValues(t, 1, r, out, 11);
    writeTrafficValues(t, 2, undefined, out, 21);
    expect(scratch.take(31)).toEqual([7, 10, 20, 10, 12, 1235, -1, 2500, 500, 1, LIMITED_NETWORK, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0, 10, 20, 10, 12, -1, -1, -1, 500, 1, 0]);
    // A source's nonsense (below 0, infinite) goes out as unknown: the row still passes a viewer's check.
    const bad = Array<number>(10).fill(99);
    writeTrafficValues(t, 3, undefined, bad, 0);
    expect(bad.slice(0, 2)).toEqual([-1, -1]);
    expect(isCounterRow({ ids: ['x'], values: bad }, 0)).toBe(true);
  });
});
