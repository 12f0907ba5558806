// The raw snapshot format every OS source decodes into: struct-of-arrays, one row = ROW_WORDS
// 32-bit words in a single Uint32Array. Decoding fills numbers only; strings and Connection
// objects are built later, and only for rows that changed or are asked for (see materialize).

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
  /** Owning PID, or PID_UNKNOWN. */
  PID: 15,
} as const;

export const KEY_WORDS = 14;
export const ROW_WORDS = 16;
export const PID_UNKNOWN = 0xffffffff;
export const PROTO_TCP = 6;
export const PROTO_UDP = 17;

export interface RowTable {
  /** count * ROW_WORDS words; may be longer than needed (reused between polls). */
  words: Uint32Array;
  count: number;
  /** Optional per-row creation time (epoch ms, NaN where unknown), from Windows OWNER_MODULE tables. */
  createdAt?: Float64Array;
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
  for (const p of parts) {
    out.words.set(p.words.subarray(0, p.count * ROW_WORDS), at * ROW_WORDS);
    if (withCreated && p.createdAt) out.createdAt!.set(p.createdAt.subarray(0, p.count), at);
    at += p.count;
  }
  out.count = count;
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
