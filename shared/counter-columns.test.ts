// The viewer's checks of the batch's counters section: its shape, each row, the decoding into a
// Connection; and random damage to a section (seeded, bounded) that never throws and never lets a
// damaged row through.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TRAFFIC_FIELDS, type Connection } from './connection';
import { applyCounterValues, COUNTER_OFFSET, counterRowCount, forEachCounterRow, isCounterRow } from './counter-columns';
import { COUNTER_STRIDE, decodeBatch, encodeBatch, type CounterColumns, type EventBatch } from './ipc';
import { counterColumns, counterRows, damagedSections, type CounterRow } from './testing/counters';
import { TimelineTracker } from './timeline';

const good: CounterRow = ['x', 1, 2, 3, 4, 5, 6, 0.1, 0.2, 0, 'network'];
const unknown: CounterRow = ['x', null, null, null, null, null, null, null, null, null, null];

/** A one-row section whose values are `values` as given (no encoding). */
const raw = (id: unknown, values: unknown[]) => ({ ids: [id], values }) as unknown as CounterColumns;

describe('counterRowCount', () => {
  it('counts the rows of a section whose columns agree, 0 for none, -1 for any other shape', () => {
    expect(counterRowCount(counterColumns([good, unknown]))).toBe(2);
    expect(counterRowCount(undefined)).toBe(0);
    expect(counterRowCount(null)).toBe(0);
    expect(counterRowCount({ ids: [], values: [] })).toBe(0);
    // A value missing: every row after it would be read shifted.
    expect(counterRowCount(raw('x', [1, 2, 3, 4, 5, 6, 0.1, 0.2, 0]))).toBe(-1);
    expect(counterRowCount({ ids: ['x'], values: [...counterColumns([good]).values, 0] })).toBe(-1);
    // An older engine's per-row tuples, and other shapes.
    expect(counterRowCount([['x', 1, 2, 3, 4, 5, 6, 0.1, 0.2, 0, 'network']])).toBe(-1);
    expect(counterRowCount({})).toBe(-1);
    expect(counterRowCount({ ids: 'x', values: [] })).toBe(-1);
    expect(counterRowCount({ ids: [], values: {} })).toBe(-1);
    expect(counterRowCount('ids')).toBe(-1);
    expect(counterRowCount(7)).toBe(-1);
  });
});

describe('isCounterRow', () => {
  it('accepts the shape and rejects anything else', () => {
    expect(isCounterRow(counterColumns([good]), 0)).toBe(true);
    expect(isCounterRow(counterColumns([unknown]), 0)).toBe(true);
    const v = counterColumns([good]).values;
    expect(isCounterRow(raw(1, v), 0)).toBe(false); // id not a string
    expect(isCounterRow(raw(null, v), 0)).toBe(false);
    const at = (k: number, x: unknown) => raw('x', v.map((y, j) => (j === k ? x : y)));
    expect(isCounterRow(at(0, -2), 0)).toBe(false); // below the unknown marker
    expect(isCounterRow(at(4, -0.5), 0)).toBe(false);
    expect(isCounterRow(at(1, '2'), 0)).toBe(false);
    expect(isCounterRow(at(1, null), 0)).toBe(false); // unknown is -1, never null
    expect(isCounterRow(at(6, NaN), 0)).toBe(false);
    expect(isCounterRow(at(6, Infinity), 0)).toBe(false);
    expect(isCounterRow(at(9, 4), 0)).toBe(false); // limitedBy: no such code ('wifi')
    expect(isCounterRow(at(9, -1), 0)).toBe(false); // its unknown is 0
    expect(isCounterRow(at(9, 1.5), 0)).toBe(false);
    expect(isCounterRow(at(9, 'network'), 0)).toBe(false);
    expect(isCounterRow(at(9, 3), 0)).toBe(true);
    expect(isCounterRow(at(0, -1), 0)).toBe(true);
    expect(isCounterRow(at(0, 2 ** 53), 0)).toBe(true);
  });
});

describe('applyCounterValues', () => {
  it('writes offset k into TRAFFIC_FIELDS[k]: -1 → null, RTTs µs → ms, the limitedBy code → its name', () => {
    const values = Array.from({ length: COUNTER_STRIDE }, (_, k) => k + 0.5);
    values[COUNTER_OFFSET.limitedBy] = 1;
    const c: Partial<Connection> = {};
    applyCounterValues(c, [99, ...values], 1);
    const rtt = new Set<string>(['rttMs', 'rttVarMs']);
    for (const [k, f] of TRAFFIC_FIELDS.entries()) expect(c[f], f).toBe(f === 'limitedBy' ? 'receiver' : rtt.has(f) ? (k + 0.5) / 1000 : k + 0.5);
    applyCounterValues(c, counterColumns([unknown]).values, 0);
    for (const f of TRAFFIC_FIELDS) expect(c[f], f).toBeNull();
  });
});

describe('a damaged counters section (seeded fuzz)', () => {
  it('never throws, applies exactly the rows that are intact, skips the rest', () => {
    const tally = { applied: 0, skipped: 0, rejected: 0 };
    for (const { rows, section, intact } of damagedSections(['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'], 17, 400)) {
      const n = counterRowCount(section);
      const seen: string[] = [];
      if (n > 0) {
        const cols = section as CounterColumns;
        const skipped = forEachCounterRow(cols, (id, values, at) => {
          const c: Partial<Connection> = {};
          applyCounterValues(c, values, at);
          seen.push(id);
          // What was applied is what the engine meant, field for field.
          expect(TRAFFIC_FIELDS.map((f) => c[f])).toEqual(rows.find((r) => r[0] === id)!.slice(1));
        });
        expect(skipped + seen.length).toBe(n);
        tally.skipped += skipped;
      } else if (n < 0) tally.rejected++;
      tally.applied += seen.length;
      // Every intact row of a well-shaped section went through; no damaged one did.
      expect(seen).toEqual(intact);
      // The timeline (the engine's own reader) takes the same section without throwing.
      const batch = { seq: 1, time: 1, full: false, events: [], status: { paused: false, intervalMs: 1000, source: 'fuzz', lastPollAt: 1, lastPollMs: 1, lastError: null }, counters: section } as EventBatch;
      expect(() => new TimelineTracker().apply(batch)).not.toThrow();
    }
    // The damage reached every kind of outcome.
    expect(tally.applied).toBeGreaterThan(300);
    expect(tally.skipped).toBeGreaterThan(100);
    expect(tally.rejected).toBeGreaterThan(100);
  });
});

describe('the section as JSON', () => {
  it('parses into one packed array of small integers (V8), or of unboxed doubles past 2^30, where per-row tuples parsed into arrays of boxed values', () => {
    // What the engine sends: whole numbers (RTTs in µs), unknown values (-1), codes; checked with
    // V8's own predicates in a child Node (natives syntax is a V8 flag, not for the test runner itself).
    const status = { paused: false, intervalMs: 1000, source: 's', lastPollAt: 1, lastPollMs: 1, lastError: null };
    const small = counterColumns([good, unknown, ['y', 2 ** 29, 7, 1, 1, null, 0, 12.25, 0.5, 0, 'sender']]);
    const big = counterColumns([good, ['y', 2 ** 40, 7, 1, 1, null, 0, 12.25, 0.5, 0, 'sender']]);
    const json = JSON.stringify([small, big].map((counters) => encodeBatch({ seq: 1, time: 1, full: false, events: [], status, counters })));
    const probe = `const [small, big] = JSON.parse(require('fs').readFileSync(0, 'utf8')).map((j) => JSON.parse(j));
      const kind = (a) => [%HasSmiElements(a), %HasDoubleElements(a), %HasFastPackedElements(a), %HasObjectElements(a)];
      console.log(JSON.stringify({ small: kind(small.counters.values), big: kind(big.counters.values), tuple: kind(JSON.parse('["x",1,2,0.5,null]')) }));`;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '-e', probe], { input: json, encoding: 'utf8', timeout: 20_000 });
    // [small integer elements, double elements, packed, object elements]
    expect(JSON.parse(out)).toEqual({ small: [true, false, true, false], big: [false, true, true, false], tuple: [false, false, true, true] });
  });

  it('round-trips as two flat arrays (-1 and 0 stay numbers)', () => {
    const cols = counterColumns([good, unknown]);
    const back = decodeBatch(encodeBatch({ seq: 1, time: 1, full: false, events: [], status: { paused: false, intervalMs: 1000, source: 's', lastPollAt: 1, lastPollMs: 1, lastError: null }, counters: cols }));
    // RTTs of 0.1 and 0.2 ms travel as 100 and 200 µs: whole numbers only.
    expect(back.counters).toEqual({ ids: ['x', 'x'], values: [1, 2, 3, 4, 5, 6, 100, 200, 0, 2, -1, -1, -1, -1, -1, -1, -1, -1, -1, 0] });
    expect(counterRows(back.counters)).toEqual([good, unknown]);
  });
});
