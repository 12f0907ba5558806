// Row counters (RowTable.counters) and the engine's per-row rates → the traffic fields of a
// Connection (shared/connection.ts TRAFFIC_FIELDS) and the batch's counters section. Pure; runs
// only for rows being materialized or whose counters moved.
import type { Connection } from '../../shared/connection';
import { applyCounterValues } from '../../shared/counter-columns';
import { UNKNOWN_VALUE } from '../../shared/ipc';
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

/**
 * `v`, or UNKNOWN_VALUE where the source or the rates do not know it (NaN); nothing counted is
 * below 0 or infinite, so every value written passes a viewer's check (shared/counter-columns.ts).
 */
const known = (v: number): number => (v >= 0 && v !== Infinity ? v : UNKNOWN_VALUE);

/**
 * Appends row `i`'s traffic values to `out` as the batch's counters section holds them (shared/ipc.ts
 * CounterColumns: TRAFFIC_FIELDS order, numbers only): UDP rows and unknown values are
 * UNKNOWN_VALUE (-1), never 0; RTT in ms; rates in bytes/s rounded to whole bytes; limitedBy its
 * code. Call only for tables that carry counters. No array per row: `out` grows in place.
 */
export function pushTrafficValues(t: RowTable, i: number, rates: RateColumns | undefined, out: number[]): void {
  if (t.words[i * ROW_WORDS + W.PROTO] === PROTO_UDP) {
    out.push(UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, UNKNOWN_VALUE, 0);
    return;
  }
  const k = t.counters!;
  const at = i * COUNTER_SLOTS;
  const rtt = k[at + C.RTT_US];
  const rttVar = k[at + C.RTTVAR_US];
  const send = rates ? rates.send[i] : NaN;
  const receive = rates ? rates.receive[i] : NaN;
  out.push(
    known(k[at + C.BYTES_SENT]),
    known(k[at + C.BYTES_RECEIVED]),
    known(k[at + C.SEGS_OUT]),
    known(k[at + C.SEGS_IN]),
    known(Math.round(send)),
    known(Math.round(receive)),
    known(rtt / 1000),
    known(rttVar / 1000),
    known(k[at + C.RETRANS]),
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
