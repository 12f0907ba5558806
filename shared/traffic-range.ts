// The range each numeric traffic field of a Connection can have, from the documents of the OS
// values behind it: the one rule every reader of connections from outside (a recording in NDJSON
// or CSV, shared/format.ts) checks a traffic value against, so a value no OS can report (an RTT of
// 1e308 ms in a hand-edited recording) is refused by name instead of printed as if measured.
import type { TRAFFIC_FIELDS } from './connection';

/** The numeric traffic fields (all of TRAFFIC_FIELDS but limitedBy, which is a name). */
export type TrafficQuantity = Exclude<(typeof TRAFFIC_FIELDS)[number], 'limitedBy'>;

/** What a numeric traffic field can hold: 0 to `max` in `unit`, whole numbers only where `whole`. */
export interface TrafficRange {
  max: number;
  whole: boolean;
  unit: string;
}

/**
 * The largest RTT either OS can report, ms. Windows TCP_ESTATS_PATH_ROD_v0 `SmoothedRtt` and
 * `RttVar` are ULONG milliseconds (tcpestats.h); Linux tcp_info `tcpi_rtt` and `tcpi_rttvar` are
 * __u32 microseconds (include/uapi/linux/tcp.h), so at most 4,294,967.295 ms. Above 2^32 - 1 ms
 * neither can have said it.
 */
export const MAX_RTT_MS = 0xffffffff;

/**
 * Counts and rates: the OS counters are 64-bit (Linux tcpi_bytes_sent / tcpi_segs_out are __u64,
 * Windows EStats DataBytesOut / SegsOut ULONG64), but past Number.MAX_SAFE_INTEGER (2^53 - 1) a
 * JSON number no longer counts exactly, so no recording can hold a larger one truthfully.
 */
const COUNT: TrafficRange = { max: Number.MAX_SAFE_INTEGER, whole: true, unit: '' };
const RATE: TrafficRange = { max: Number.MAX_SAFE_INTEGER, whole: false, unit: 'bytes/s' };
const RTT: TrafficRange = { max: MAX_RTT_MS, whole: false, unit: 'ms' };

/** The range of each numeric traffic field (units as shared/connection.ts documents them). */
export const TRAFFIC_RANGES: Readonly<Record<TrafficQuantity, TrafficRange>> = {
  bytesSent: COUNT,
  bytesReceived: COUNT,
  packetsSent: COUNT,
  packetsReceived: COUNT,
  sendRate: RATE,
  receiveRate: RATE,
  rttMs: RTT,
  rttVarMs: RTT,
  retransmits: COUNT,
};

/** Whether `v` is a value field `f` can hold: a number from 0 to its max (whole where it counts). */
export function inTrafficRange(f: TrafficQuantity, v: unknown): v is number {
  const r = TRAFFIC_RANGES[f];
  return typeof v === 'number' && v >= 0 && v <= r.max && (r.whole ? Number.isInteger(v) : true);
}

/** What field `f` must be, as a reader says it: `a whole number from 0 to 9007199254740991`, `a number from 0 to 4294967295 (ms)`. */
export function trafficRangeText(f: TrafficQuantity): string {
  const r = TRAFFIC_RANGES[f];
  return `${r.whole ? 'a whole number' : 'a number'} from 0 to ${r.max}${r.unit ? ` (${r.unit})` : ''}`;
}
