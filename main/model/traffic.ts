// Row counters (RowTable.counters) and the engine's per-row rates → the traffic fields of a
// Connection (shared/connection.ts TRAFFIC_FIELDS) and the batch's counters section. Pure; runs
// only for rows being materialized or whose counters moved.
import type { Connection } from '../../shared/connection';
import { applyCounterValues } from '../../shared/counter-columns';
import { COUNTER_STRIDE, UNKNOWN_VALUE } from '../../shared/ipc';
import { C, COUNTER_SLOTS, PROTO_UDP, ROW_WORDS, W, type RowTable } from './rows';

/** Codes in RateColumns.limited: indexes of shared/ipc.ts LIMITED_BY_CODES (0 = unknown). */
export const LIMITED_RECEIVER = 1;
export const LIMITED_NETWORK = 2;
export const LIMITED_SENDER = 3;

/** What the engine derives from two polls of the same row, row-aligned with its current table. */
export interface RateColumns {
  /** Bytes/s over the last interval; NaN where unknown (first poll of the row, no counters). */
  send: Float64Array;
  receive: Float64Array;
  /** LIMITED_BY_CODES index; 0 where unknown. */
  limited: Uint8Array;
}

export function createRateColumns(rows: number): RateColumns {
  const n = Math.max(1, rows);
  return { send: new Float64Array(n).fill(NaN), receive: new Float64Array(n).fill(NaN), limited: new Uint8Array(n) };
}

/** Whole numbers below this are V8 small integers (31-bit Smis): an array of them prints fastest. */
const SMI_LIMIT = 2 ** 30;

/**
 * `v` as the counters section carries it: a whole number (a small integer where it fits), or
 * UNKNOWN_VALUE where the source or the rates do not know it (NaN). Nothing counted is below 0 or
 * infinite, so every value written passes a viewer's check (shared/counter-columns.ts).
 */
const wire = (v: number): number => (v >= 0 ? (v < SMI_LIMIT ? Math.round(v) | 0 : v !== Infinity ? Math.round(v) : UNKNOWN_VALUE) : UNKNOWN_VALUE);

/** A counters-section row of nothing known: every value unknown, limitedBy 0 (UDP; a source that stopped giving counters). */
export const UNKNOWN_TRAFFIC: readonly number[] = [...Array<number>(COUNTER_STRIDE - 1).fill(UNKNOWN_VALUE), 0];

/**
 * Appends row `i`'s traffic values to `out` as the batch's counters section holds them (shared/ipc.ts
 * CounterColumns: TRAFFIC_FIELDS order, whole numbers only): UDP rows and unknown values are
 * UNKNOWN_VALUE (-1), never 0; RTT and its variance in µs; rates in bytes/s rounded to whole bytes;
 * limitedBy its code. Call only for tables that carry counters. No array per row: `out` grows in place.
 */
export function pushTrafficValues(t: RowTable, i: number, rates: RateColumns | undefined, out: number[]): void {
  if (t.words[i * ROW_WORDS + W.PROTO] === PROTO_UDP) {
    out.push(...UNKNOWN_TRAFFIC);
    return;
  }
  const k = t.counters!;
  const at = i * COUNTER_SLOTS;
  out.push(
    wire(k[at + C.BYTES_SENT]),
    wire(k[at + C.BYTES_RECEIVED]),
    wire(k[at + C.SEGS_OUT]),
    wire(k[at + C.SEGS_IN]),
    rates ? wire(rates.send[i]) : UNKNOWN_VALUE,
    rates ? wire(rates.receive[i]) : UNKNOWN_VALUE,
    wire(k[at + C.RTT_US]),
    wire(k[at + C.RTTVAR_US]),
    wire(k[at + C.RETRANS]),
    rates ? rates.limited[i] : 0,
  );
}

/** One row's values, reused by addTrafficFields (rows are materialized one at a time). */
const scratch: number[] = [];

/**
 * Adds the traffic fields of row `i` to `c` (see pushTrafficValues; unknown values are null).
 * Nothing is added when the table carries no counters: the source does not collect them
 * (EngineStatus.countersNote says why).
 */
export function addTrafficFields(c: Omit<Connection, 'id'>, t: RowTable, i: number, rates?: RateColumns): void {
  if (!t.counters) return;
  scratch.length = 0;
  pushTrafficValues(t, i, rates, scratch);
  applyCounterValues(c, scratch, 0);
}
