// Row counters (RowTable.counters) and the engine's per-row rates → the traffic fields of a
// Connection (shared/connection.ts TRAFFIC_FIELDS). Pure; runs only for rows being materialized.
import type { Connection, LimitedBy } from '../../shared/connection';
import { applyTrafficValues, type TrafficValues } from '../../shared/ipc';
import { C, COUNTER_SLOTS, PROTO_UDP, ROW_WORDS, W, type RowTable } from './rows';

/** limitedBy codes in RateColumns.limited: 0 = unknown. */
export const LIMITED_BY: readonly (LimitedBy | null)[] = [null, 'receiver', 'network', 'sender'];
export const LIMITED_RECEIVER = 1;
export const LIMITED_NETWORK = 2;
export const LIMITED_SENDER = 3;

/** What the engine derives from two polls of the same row, row-aligned with its current table. */
export interface RateColumns {
  /** Bytes/s over the last interval; NaN where unknown (first poll of the row, no counters). */
  send: Float64Array;
  receive: Float64Array;
  /** LIMITED_BY index; 0 where unknown. */
  limited: Uint8Array;
}

export function createRateColumns(rows: number): RateColumns {
  const n = Math.max(1, rows);
  return { send: new Float64Array(n).fill(NaN), receive: new Float64Array(n).fill(NaN), limited: new Uint8Array(n) };
}

const known = (v: number): number | null => (Number.isNaN(v) ? null : v);

/**
 * Row `i`'s traffic values in TRAFFIC_FIELDS order (the tail of a CounterTuple): UDP rows and
 * unknown values are null, never 0; RTT in ms; rates in bytes/s rounded to whole bytes.
 * Call only for tables that carry counters.
 */
export function trafficValues(t: RowTable, i: number, rates?: RateColumns): TrafficValues {
  const k = t.counters!;
  if (t.words[i * ROW_WORDS + W.PROTO] === PROTO_UDP) return [null, null, null, null, null, null, null, null, null, null];
  const at = i * COUNTER_SLOTS;
  const rtt = known(k[at + C.RTT_US]);
  const rttVar = known(k[at + C.RTTVAR_US]);
  const send = rates ? known(rates.send[i]) : null;
  const receive = rates ? known(rates.receive[i]) : null;
  return [
    known(k[at + C.BYTES_SENT]),
    known(k[at + C.BYTES_RECEIVED]),
    known(k[at + C.SEGS_OUT]),
    known(k[at + C.SEGS_IN]),
    send === null ? null : Math.round(send),
    receive === null ? null : Math.round(receive),
    rtt === null ? null : rtt / 1000,
    rttVar === null ? null : rttVar / 1000,
    known(k[at + C.RETRANS]),
    rates ? LIMITED_BY[rates.limited[i]] : null,
  ];
}

/**
 * Adds the traffic fields of row `i` to `c` (see trafficValues). Nothing is added when the table
 * carries no counters: the source does not collect them (EngineStatus.countersNote says why).
 */
export function addTrafficFields(c: Omit<Connection, 'id'>, t: RowTable, i: number, rates?: RateColumns): void {
  if (t.counters) applyTrafficValues(c, trafficValues(t, i, rates));
}
