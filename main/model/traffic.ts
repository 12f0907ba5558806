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
 * Writes row `i`'s traffic values into `out[at .. at + COUNTER_STRIDE)` as the batch's counters
 * section holds them (shared/ipc.ts CounterColumns: TRAFFIC_FIELDS order, whole numbers only): UDP
 * rows and unknown values are UNKNOWN_VALUE (-1), never 0; RTT and its variance in µs; rates in
 * bytes/s rounded to whole bytes; limitedBy its code. Call only for tables that carry counters.
 * Stores by index, not push(): a poll writes this for thousands of rows, and ten indexed stores into
 * an array already that long cost a quarter of one ten-argument push.
 */
export function writeTrafficValues(t: RowTable, i: number, rates: RateColumns | undefined, out: number[], at: number): void {
  if (t.words[i * ROW_WORDS + W.PROTO] === PROTO_UDP) {
    writeUnknownTraffic(out, at);
    return;
  }
  const k = t.counters!;
  const c = i * COUNTER_SLOTS;
  out[at] = wire(k[c + C.BYTES_SENT]);
  out[at + 1] = wire(k[c + C.BYTES_RECEIVED]);
  out[at + 2] = wire(k[c + C.SEGS_OUT]);
  out[at + 3] = wire(k[c + C.SEGS_IN]);
  out[at + 4] = rates ? wire(rates.send[i]) : UNKNOWN_VALUE;
  out[at + 5] = rates ? wire(rates.receive[i]) : UNKNOWN_VALUE;
  out[at + 6] = wire(k[c + C.RTT_US]);
  out[at + 7] = wire(k[c + C.RTTVAR_US]);
  out[at + 8] = wire(k[c + C.RETRANS]);
  out[at + 9] = rates ? rates.limited[i] : 0;
}

/** Writes a counters-section row of nothing known at `out[at]` (see UNKNOWN_TRAFFIC). */
export function writeUnknownTraffic(out: number[], at: number): void {
  for (let k = 0; k < COUNTER_STRIDE; k++) out[at + k] = UNKNOWN_TRAFFIC[k];
}

/**
 * A growing array of numbers written by index (writeTrafficValues) and copied out whole: the
 * counters section's values without a push per value, and packed (no holes), which JSON.stringify
 * prints fastest. Each take() returns a fresh array; the scratch itself is never handed out.
 */
export interface ValuesScratch {
  /** The array to write into, at least `length` long. */
  room(length: number): number[];
  /** A copy of the first `length` values. */
  take(length: number): number[];
}

export function createValuesScratch(): ValuesScratch {
  const a: number[] = [];
  return {
    room(length) {
      while (a.length < length) a.push(0);
      return a;
    },
    take: (length) => a.slice(0, length),
  };
}

/**
 * One row's values, reused by addTrafficFields (rows are materialized one at a time). Packed, as
 * the engine's scratch is: writeTrafficValues' stores, once they saw an array with holes, would turn
 * every array they write into one with holes, which JSON.stringify prints at half the speed.
 */
const scratch: number[] = Array.from({ length: COUNTER_STRIDE }, () => 0);

/**
 * Adds the traffic fields of row `i` to `c` (see writeTrafficValues; unknown values are null).
 * Nothing is added when the table carries no counters: the source does not collect them
 * (EngineStatus.countersNote says why).
 */
export function addTrafficFields(c: Omit<Connection, 'id'>, t: RowTable, i: number, rates?: RateColumns): void {
  if (!t.counters) return;
  writeTrafficValues(t, i, rates, scratch, 0);
  applyCounterValues(c, scratch, 0);
}
