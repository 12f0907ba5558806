// Pure decoders: the table a GetTcp*Table* / GetExtended*Table call wrote into our buffer → RowTable.
// One pass with a DataView per table; no koffi.decode, no per-row objects (see design notes:
// struct decoding costs microseconds a row, a typed-array pass nanoseconds).
//
// Layout facts (SDK headers, checked against koffi.offsetof in koffi.ts's tests):
// every table starts with DWORD dwNumEntries; rows are 4-aligned and start at offset 4, except
// the OWNER_MODULE rows whose 64-bit timestamp makes them 8-aligned with the first row at 8.
// Ports sit in the low 16 bits in network order (upper bits may be garbage); IPv4 addresses are
// in network order; DWORD fields (state, pid, scope id) are little-endian.
import { PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W, ensureCapacity, createRowTable, type RowTable } from '../../model/rows';
import { SourceError } from '../types';

type Bytes = Uint8Array;

/** Describes one table format: where rows start, how far apart, and how to read one row. */
interface TableFormat {
  name: string;
  firstRow: number;
  stride: number;
  /** Writes row `o` (byte offset) into words at `w`; returns nothing, allocates nothing. */
  row(dv: DataView, b: Bytes, o: number, words: Uint32Array, w: number): void;
  /** Byte offset of the row's FILETIME, for OWNER_MODULE formats. */
  createdAt?: number;
}

export const STRIDE = {
  TCPROW: 20,
  TCPROW2: 28,
  TCP6ROW: 52,
  TCP6ROW2: 60,
  TCPROW_OWNER_PID: 24,
  TCP6ROW_OWNER_PID: 56,
  TCPROW_OWNER_MODULE: 160,
  TCP6ROW_OWNER_MODULE: 192,
  UDPROW_OWNER_PID: 12,
  UDP6ROW_OWNER_PID: 28,
} as const;

const port = (b: Bytes, o: number): number => (b[o] << 8) | b[o + 1];

function v4(dv: DataView, b: Bytes, words: Uint32Array, w: number, st: number, la: number, lp: number, ra: number, rp: number, pid: number): void {
  words[w + W.PROTO] = PROTO_TCP;
  words[w + W.FAMILY] = 4;
  words[w + W.LADDR] = dv.getUint32(la, false);
  words[w + W.LADDR + 1] = 0;
  words[w + W.LADDR + 2] = 0;
  words[w + W.LADDR + 3] = 0;
  words[w + W.LPORT] = port(b, lp);
  words[w + W.LSCOPE] = 0;
  words[w + W.RADDR] = dv.getUint32(ra, false);
  words[w + W.RADDR + 1] = 0;
  words[w + W.RADDR + 2] = 0;
  words[w + W.RADDR + 3] = 0;
  words[w + W.RPORT] = port(b, rp);
  words[w + W.RSCOPE] = 0;
  words[w + W.STATE] = dv.getUint32(st, true);
  words[w + W.PID] = pid;
}

function addr6(dv: DataView, o: number, words: Uint32Array, w: number): void {
  words[w] = dv.getUint32(o, false);
  words[w + 1] = dv.getUint32(o + 4, false);
  words[w + 2] = dv.getUint32(o + 8, false);
  words[w + 3] = dv.getUint32(o + 12, false);
}

/** IPv6 row with the MIB_TCP6ROW2 / OWNER_PID / OWNER_MODULE field order (addresses first). */
function v6(dv: DataView, b: Bytes, o: number, words: Uint32Array, w: number, st: number, pid: number): void {
  words[w + W.PROTO] = PROTO_TCP;
  words[w + W.FAMILY] = 6;
  addr6(dv, o, words, w + W.LADDR);
  words[w + W.LSCOPE] = dv.getUint32(o + 16, true);
  words[w + W.LPORT] = port(b, o + 20);
  addr6(dv, o + 24, words, w + W.RADDR);
  words[w + W.RSCOPE] = dv.getUint32(o + 40, true);
  words[w + W.RPORT] = port(b, o + 44);
  words[w + W.STATE] = dv.getUint32(st, true);
  words[w + W.PID] = pid;
}

const TCPTABLE: TableFormat = {
  name: 'MIB_TCPTABLE',
  firstRow: 4,
  stride: STRIDE.TCPROW,
  row: (dv, b, o, words, w) => v4(dv, b, words, w, o, o + 4, o + 8, o + 12, o + 16, PID_UNKNOWN),
};

const TCPTABLE2: TableFormat = {
  name: 'MIB_TCPTABLE2',
  firstRow: 4,
  stride: STRIDE.TCPROW2,
  row: (dv, b, o, words, w) => v4(dv, b, words, w, o, o + 4, o + 8, o + 12, o + 16, dv.getUint32(o + 20, true)),
};

const TCP6TABLE2: TableFormat = {
  name: 'MIB_TCP6TABLE2',
  firstRow: 4,
  stride: STRIDE.TCP6ROW2,
  row: (dv, b, o, words, w) => v6(dv, b, o, words, w, o + 48, dv.getUint32(o + 52, true)),
};

/** MIB_TCP6ROW puts State first, so its addresses sit 4 bytes later than in MIB_TCP6ROW2. */
const TCP6TABLE: TableFormat = {
  name: 'MIB_TCP6TABLE',
  firstRow: 4,
  stride: STRIDE.TCP6ROW,
  row: (dv, b, o, words, w) => v6(dv, b, o + 4, words, w, o, PID_UNKNOWN),
};

const TCPTABLE_OWNER_PID: TableFormat = {
  name: 'MIB_TCPTABLE_OWNER_PID',
  firstRow: 4,
  stride: STRIDE.TCPROW_OWNER_PID,
  // Same leading fields at the same offsets as MIB_TCPROW2 (which only adds OffloadState after).
  row: TCPTABLE2.row,
};

const TCP6TABLE_OWNER_PID: TableFormat = {
  name: 'MIB_TCP6TABLE_OWNER_PID',
  firstRow: 4,
  stride: STRIDE.TCP6ROW_OWNER_PID,
  // Same leading fields at the same offsets as MIB_TCP6ROW2.
  row: TCP6TABLE2.row,
};

const TCPTABLE_OWNER_MODULE: TableFormat = {
  name: 'MIB_TCPTABLE_OWNER_MODULE',
  firstRow: 8,
  stride: STRIDE.TCPROW_OWNER_MODULE,
  createdAt: 24,
  row: TCPTABLE_OWNER_PID.row,
};

const TCP6TABLE_OWNER_MODULE: TableFormat = {
  name: 'MIB_TCP6TABLE_OWNER_MODULE',
  firstRow: 8,
  stride: STRIDE.TCP6ROW_OWNER_MODULE,
  createdAt: 56,
  row: TCP6TABLE_OWNER_PID.row,
};

function udpCommon(words: Uint32Array, w: number, family: number): void {
  words.fill(0, w, w + ROW_WORDS);
  words[w + W.PROTO] = PROTO_UDP;
  words[w + W.FAMILY] = family;
}

const UDPTABLE_OWNER_PID: TableFormat = {
  name: 'MIB_UDPTABLE_OWNER_PID',
  firstRow: 4,
  stride: STRIDE.UDPROW_OWNER_PID,
  row: (dv, b, o, words, w) => {
    udpCommon(words, w, 4);
    words[w + W.LADDR] = dv.getUint32(o, false);
    words[w + W.LPORT] = port(b, o + 4);
    words[w + W.PID] = dv.getUint32(o + 8, true);
  },
};

const UDP6TABLE_OWNER_PID: TableFormat = {
  name: 'MIB_UDP6TABLE_OWNER_PID',
  firstRow: 4,
  stride: STRIDE.UDP6ROW_OWNER_PID,
  row: (dv, b, o, words, w) => {
    udpCommon(words, w, 6);
    addr6(dv, o, words, w + W.LADDR);
    words[w + W.LSCOPE] = dv.getUint32(o + 16, true);
    words[w + W.LPORT] = port(b, o + 20);
    words[w + W.PID] = dv.getUint32(o + 24, true);
  },
};

/** FILETIME (100 ns ticks since 1601) → epoch ms; 0 → NaN (the OS did not say). */
export function filetimeToEpochMs(lo: number, hi: number): number {
  if (lo === 0 && hi === 0) return NaN;
  return (hi * 4294967296 + lo) / 10_000 - 11_644_473_600_000;
}

/** Number of rows the table claims, validated against the bytes we actually have. */
export function tableRowCount(buf: Bytes, name: string, firstRow: number, stride: number): number {
  if (buf.byteLength < 4) throw new SourceError(`${name}: buffer of ${buf.byteLength} bytes cannot hold dwNumEntries`);
  const count = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0, true);
  if (count === 0) return 0;
  const need = firstRow + count * stride;
  if (need > buf.byteLength) {
    throw new SourceError(
      `${name}: dwNumEntries claims ${count} rows (${need} bytes at ${stride} bytes a row) but the buffer holds only ${buf.byteLength} bytes`,
    );
  }
  return count;
}

function decode(fmt: TableFormat, buf: Bytes, out: RowTable | undefined, append: boolean): RowTable {
  const count = tableRowCount(buf, fmt.name, fmt.firstRow, fmt.stride);
  const t = out ?? createRowTable(count);
  const start = append ? t.count : 0;
  ensureCapacity(t, start + count);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const words = t.words;
  let created = t.createdAt;
  if (fmt.createdAt !== undefined || created) {
    if (!created || created.length < start + count) {
      const bigger = new Float64Array(Math.max(1, Math.ceil((start + count) * 1.25))).fill(NaN);
      if (created) bigger.set(created.subarray(0, start));
      created = bigger;
      t.createdAt = created;
    }
    if (fmt.createdAt === undefined) created.fill(NaN, start, start + count);
  }
  const at = fmt.createdAt;
  // One pass: rows are large (up to 192 bytes), so reading the timestamp in a second pass would
  // stream the whole buffer through the cache twice.
  for (let i = 0, o = fmt.firstRow, w = start * ROW_WORDS; i < count; i++, o += fmt.stride, w += ROW_WORDS) {
    fmt.row(dv, buf, o, words, w);
    if (at !== undefined) created![start + i] = filetimeToEpochMs(dv.getUint32(o + at, true), dv.getUint32(o + at + 4, true));
  }
  t.count = start + count;
  return t;
}

// Each decoder: `out` is reused when given (its rows are overwritten, or appended to with `append`).

/** GetTcpTable → MIB_TCPTABLE (MIB_TCPROW, 20 bytes, no PID). */
export const decodeTcpTable = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(TCPTABLE, buf, out, append);
/** GetTcpTable2 → MIB_TCPTABLE2 (MIB_TCPROW2, 28 bytes). */
export const decodeTcpTable2 = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(TCPTABLE2, buf, out, append);
/** GetTcp6Table → MIB_TCP6TABLE (MIB_TCP6ROW, 52 bytes, no PID). */
export const decodeTcp6Table = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(TCP6TABLE, buf, out, append);
/** GetTcp6Table2 → MIB_TCP6TABLE2 (MIB_TCP6ROW2, 60 bytes). */
export const decodeTcp6Table2 = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(TCP6TABLE2, buf, out, append);
/** GetExtendedTcpTable(AF_INET, TCP_TABLE_OWNER_PID_*) → MIB_TCPTABLE_OWNER_PID. */
export const decodeTcpTableOwnerPid = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(TCPTABLE_OWNER_PID, buf, out, append);
/** GetExtendedTcpTable(AF_INET6, TCP_TABLE_OWNER_PID_*) → MIB_TCP6TABLE_OWNER_PID. */
export const decodeTcp6TableOwnerPid = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(TCP6TABLE_OWNER_PID, buf, out, append);
/** GetExtendedTcpTable(AF_INET, TCP_TABLE_OWNER_MODULE_*) → rows with creation time. */
export const decodeTcpTableOwnerModule = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(TCPTABLE_OWNER_MODULE, buf, out, append);
/** GetExtendedTcpTable(AF_INET6, TCP_TABLE_OWNER_MODULE_*) → rows with creation time. */
export const decodeTcp6TableOwnerModule = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(TCP6TABLE_OWNER_MODULE, buf, out, append);
/** GetExtendedUdpTable(AF_INET, UDP_TABLE_OWNER_PID) → UDP rows (state 0, remote zero). */
export const decodeUdpTableOwnerPid = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(UDPTABLE_OWNER_PID, buf, out, append);
/** GetExtendedUdpTable(AF_INET6, UDP_TABLE_OWNER_PID) → UDP rows (state 0, remote zero). */
export const decodeUdp6TableOwnerPid = (buf: Bytes, out?: RowTable, append = false): RowTable => decode(UDP6TABLE_OWNER_PID, buf, out, append);

/** Bytes a decoded table of `fmt` occupies, for shrinking a buffer kept between polls. */
export function usedBytes(buf: Bytes, firstRow: number, stride: number): number {
  if (buf.byteLength < 4) return buf.byteLength;
  const count = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0, true);
  return firstRow + count * stride;
}
