// The raw snapshot format every OS source decodes into: struct-of-arrays, one row = ROW_WORDS
// 32-bit words in a single Uint32Array. Decoding fills numbers only; strings and Connection
// objects are built later, and only for rows that changed or are asked for (see materialize).
import type { CountersScope } from '../../shared/ipc';

/** Word offsets inside a row. The first KEY_WORDS words are the row's identity. */
export const W = {
  /** IP protocol number: 6 TCP, 17 UDP. */
  PROTO: 0,
  /** 4 or 6. */
  FAMILY: 1,
  /** Local address, 4 words. IPv4: word 0 holds a.b.c.d as (a<<24|b<<16|c<<8|d)>>>0, words 1..3 are 0. IPv6: 4 big-endian words. */
  LADDR: 2,
  LPORT: 6,
  LSCOPE: 7,
  /** Remote address, 4 words, same layout as LADDR. */
  RADDR: 8,
  RPORT: 12,
  RSCOPE: 13,
  /** Windows MIB_TCP_STATE number (1..12); 0 for UDP. Other OSes normalize to these numbers. */
  STATE: 14,
  /** Owning PID; PID_NONE where no process owns the socket; PID_UNKNOWN where the owner is not known. */
  PID: 15,
} as const;

export const KEY_WORDS = 14;
export const ROW_WORDS = 16;
export const PID_UNKNOWN = 0xffffffff;
/**
 * No process owns the socket: Windows lists such sockets (TIME-WAIT, orphans) under PID 0, the
 * System Idle Process; the Linux source writes it for a socket with no file (inode 0: TIME-WAIT,
 * an orphan such as FIN-WAIT-2 after close(), a connection not yet accepted). Not PID_UNKNOWN,
 * which is an owner netmon cannot read (another user's socket without root). See ownerlessState.
 */
export const PID_NONE = 0;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export interface RowTable {
  /** count * ROW_WORDS words; may be longer than needed (reused between polls). */
  words: Uint32Array;
  count: number;
  /** Optional per-row creation time (epoch ms, NaN where unknown), from Windows OWNER_MODULE tables. */
  createdAt?: Float64Array;
  /**
   * Optional per-row TCP traffic counters: COUNTER_SLOTS doubles per row at i * COUNTER_SLOTS,
   * slots named by C, NaN where unknown (UDP, LISTEN, TIME-WAIT, a read that failed). Present only
   * when the source collects counters at all.
   */
  counters?: Float64Array;
  /**
   * Why the rows carry no counters, fit to show in a column (e.g. "not available with the procfs
   * backend", "needs administrator"); absent when the source collects them.
   */
  countersNote?: string;
  /**
   * Whether each row's cumulative counters count from the connection's opening (Linux tcp_info),
   * so a row new since the last poll moved all of them within the interval and has a rate at once
   * (main/engine/rates.ts). Absent where they count from when collection began (Windows EStats,
   * switched on when netmon first sees the connection): such a row's first reading is no rate.
   */
  countersFromOpen?: boolean;
  /**
   * Which connections the counters were read for, where the source reads fewer than every one
   * that can have them (Windows EStats: some states, a cap); absent when it reads them all.
   */
  countersScope?: CountersScope;
}

/**
 * Slots of one row's counters in RowTable.counters. Cumulative counts are over the connection's
 * life; times are microseconds. The three *_US times feed `limitedBy` (see main/engine/rates.ts):
 * BUSY_US is all time spent with data to send (Linux tcpi_busy_time, which already includes the two
 * limited times; Windows: SndLimTimeRwin + SndLimTimeCwnd + SndLimTimeSnd).
 */
export const C = {
  /**
   * Payload bytes put on the wire, retransmissions included: RFC 4898 HCDataOctetsOut (Linux
   * tcpi_bytes_sent, 4.19+; tcpi_bytes_acked, which counts each byte once, on older kernels;
   * Windows EStats DataBytesOut). So it can exceed the peer's BYTES_RECEIVED by the bytes
   * retransmitted. See sock-diag-decode.ts and estats-decode.ts.
   */
  BYTES_SENT: 0,
  /** Payload bytes received in order, each once (Linux tcpi_bytes_received; Windows EStats ThruBytesReceived). */
  BYTES_RECEIVED: 1,
  /** Segments sent / received (tcpi_segs_out / tcpi_segs_in; Windows SegsOut / SegsIn). */
  SEGS_OUT: 2,
  SEGS_IN: 3,
  /** Smoothed RTT and its variance, µs (tcpi_rtt / tcpi_rttvar; Windows SmoothedRtt / RttVar × 1000). */
  RTT_US: 4,
  RTTVAR_US: 5,
  /** Retransmitted segments (tcpi_total_retrans; Windows PktsRetrans). */
  RETRANS: 6,
  BUSY_US: 7,
  /** Time the peer's receive window held the sender back (tcpi_rwnd_limited; Windows SndLimTimeRwin). */
  RWND_LIMITED_US: 8,
  /** Time the send buffer / application held it back (tcpi_sndbuf_limited; Windows SndLimTimeSnd). */
  SNDBUF_LIMITED_US: 9,
} as const;
export const COUNTER_SLOTS = 10;

/** Makes sure `t.counters` exists and holds `rows` rows, keeping its contents (new slots NaN). */
export function ensureCounters(t: RowTable, rows: number): Float64Array {
  const have = t.counters;
  if (have && have.length >= rows * COUNTER_SLOTS) return have;
  const bigger = new Float64Array(Math.ceil(Math.max(1, rows) * 1.25) * COUNTER_SLOTS).fill(NaN);
  if (have) bigger.set(have.subarray(0, Math.min(have.length, t.count * COUNTER_SLOTS)));
  t.counters = bigger;
  return bigger;
}

export function createRowTable(capacity: number): RowTable {
  return { words: new Uint32Array(Math.max(1, capacity) * ROW_WORDS), count: 0 };
}

/** Makes sure `t` can hold `rows` rows, keeping its contents. */
export function ensureCapacity(t: RowTable, rows: number): void {
  if (t.words.length >= rows * ROW_WORDS) return;
  const bigger = new Uint32Array(Math.ceil(rows * 1.25) * ROW_WORDS);
  bigger.set(t.words.subarray(0, t.count * ROW_WORDS));
  t.words = bigger;
}

/** Concatenates tables (e.g. the IPv4 and IPv6 tables of one poll) into a new table. */
export function concatTables(parts: RowTable[]): RowTable {
  const count = parts.reduce((n, p) => n + p.count, 0);
  const out = createRowTable(count);
  let at = 0;
  const withCreated = parts.some((p) => p.createdAt);
  if (withCreated) out.createdAt = new Float64Array(Math.max(1, count)).fill(NaN);
  const withCounters = parts.some((p) => p.counters);
  if (withCounters) out.counters = new Float64Array(Math.max(1, count) * COUNTER_SLOTS).fill(NaN);
  for (const p of parts) {
    out.words.set(p.words.subarray(0, p.count * ROW_WORDS), at * ROW_WORDS);
    if (withCreated && p.createdAt) out.createdAt!.set(p.createdAt.subarray(0, p.count), at);
    if (withCounters && p.counters) out.counters!.set(p.counters.subarray(0, p.count * COUNTER_SLOTS), at * COUNTER_SLOTS);
    at += p.count;
  }
  out.count = count;
  const note = parts.find((p) => p.countersNote)?.countersNote;
  if (note !== undefined && !withCounters) out.countersNote = note;
  return out;
}

/** One row's words as named fields: for tests, probes and debugging output, not the hot path. */
export interface RowFields {
  proto: number;
  family: number;
  laddr: number[];
  lport: number;
  raddr: number[];
  rport: number;
  state: number;
  pid: number;
}

export function rowFields(t: RowTable, i: number): RowFields {
  const w = t.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS);
  return {
    proto: w[W.PROTO],
    family: w[W.FAMILY],
    laddr: Array.from(w.subarray(W.LADDR, W.LADDR + 4)),
    lport: w[W.LPORT],
    raddr: Array.from(w.subarray(W.RADDR, W.RADDR + 4)),
    rport: w[W.RPORT],
    state: w[W.STATE],
    pid: w[W.PID],
  };
}
