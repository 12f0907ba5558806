// Pure parsers for the kernel's socket tables in procfs (/proc/net/tcp, tcp6, udp, udp6) → RowTable
// plus a parallel array of socket inodes (the key to the owning process).
//
// Format facts (net/ipv4/tcp_ipv4.c, net/ipv6/tcp_ipv6.c, net/ipv4/udp.c):
//   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ...
//    0: 0100007F:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 12345 ...
// Addresses are the in-memory (network order) bytes printed as %08X host-order u32 words, so on a
// little-endian machine 127.0.0.1 prints as 0100007F; IPv6 is four such words. Ports are printed
// after ntohs (plain hex). Inode is decimal, 0 when no struct socket is attached (TIME-WAIT,
// orphaned sockets, connections still in a listener's accept queue).
//
// The parser scans bytes: a 50k-line table is a few MB and a per-line split/regex would allocate
// several strings per line. Malformed data lines are skipped, counted and described (capped), so a
// single odd line never costs the whole poll; a missing or unknown header throws, because then the
// format itself is not what this parser knows.
import { endianness } from 'node:os';
import { PROTO_TCP, PROTO_UDP, ROW_WORDS, W, createRowTable, ensureCapacity, type RowTable } from '../../model/rows';
import { SourceError } from '../types';

/** Linux TCP state number (include/net/tcp_states.h) → Windows MIB_TCP_STATE number used by RowTable. */
export const LINUX_TO_MIB_STATE: Readonly<Record<number, number>> = {
  1: 5, // ESTABLISHED
  2: 3, // SYN_SENT
  3: 4, // SYN_RECV → SYN-RECEIVED
  4: 6, // FIN_WAIT1
  5: 7, // FIN_WAIT2
  6: 11, // TIME_WAIT
  7: 1, // CLOSE → CLOSED
  8: 8, // CLOSE_WAIT
  9: 10, // LAST_ACK
  10: 2, // LISTEN
  11: 9, // CLOSING
  12: 4, // NEW_SYN_RECV (request socket) → SYN-RECEIVED
};

// Dense lookup for the hot loop; 0 = unknown state.
const STATE_MAP = new Uint8Array(256);
for (const [k, v] of Object.entries(LINUX_TO_MIB_STATE)) STATE_MAP[Number(k)] = v;

const HEX = new Int8Array(256).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) {
  HEX[65 + c] = 10 + c;
  HEX[97 + c] = 10 + c;
}

const SP = 32;
const TAB = 9;
const NL = 10;
const CR = 13;
const COLON = 58;

/** Parsed rows plus, for row i, the socket inode in inodes[i] (0 = no owner). */
export interface ProcNetTable {
  rows: RowTable;
  /** Socket inodes (Float64Array: exact beyond 32 bits, should a kernel ever print one). */
  inodes: Float64Array;
}

export interface ParseIssue {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

export interface ParseReport {
  /** Data lines skipped because they were malformed. */
  skipped: number;
  /** The first few skip reasons (capped at MAX_ISSUES), for status text and tests. */
  issues: ParseIssue[];
}

export const MAX_ISSUES = 20;

export function createProcNetTable(capacity = 256): ProcNetTable {
  return { rows: createRowTable(capacity), inodes: new Float64Array(Math.max(1, capacity)) };
}

/** Grows the rows and the parallel inode array together, keeping their contents. */
export function ensureRoom(t: ProcNetTable, rows: number): void {
  ensureCapacity(t.rows, rows);
  if (t.inodes.length < rows) {
    const bigger = new Float64Array(Math.ceil(rows * 1.25));
    bigger.set(t.inodes.subarray(0, t.rows.count));
    t.inodes = bigger;
  }
}

export interface ParseOptions {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  /** Byte order the kernel printed the address words in; defaults to this machine's. */
  littleEndian?: boolean;
  /** Name used in error messages, e.g. `/proc/net/tcp6`. */
  fileName?: string;
}

const HOST_LE = endianness() === 'LE';

/**
 * Parses one procfs table and appends its rows to `into` (so tcp, tcp6, udp and udp6 of one poll
 * can share one table). Returns what was skipped. Throws SourceError when the header is missing.
 */
export function parseProcNet(text: Uint8Array | string, opts: ParseOptions, into: ProcNetTable): ParseReport {
  const b = typeof text === 'string' ? Buffer.from(text, 'latin1') : text;
  const file = opts.fileName ?? `/proc/net/${opts.protocol}${opts.family === 6 ? '6' : ''}`;
  const le = opts.littleEndian ?? HOST_LE;
  const addrDigits = opts.family === 6 ? 32 : 8;
  const proto = opts.protocol === 'udp' ? PROTO_UDP : PROTO_TCP;
  const report: ParseReport = { skipped: 0, issues: [] };
  const skip = (line: number, reason: string) => {
    report.skipped++;
    if (report.issues.length < MAX_ISSUES) report.issues.push({ line, reason });
  };

  const n = b.length;
  // Header: first non-blank line must start with "sl".
  let p = 0;
  while (p < n && (b[p] === SP || b[p] === TAB)) p++;
  if (!(b[p] === 115 /* s */ && b[p + 1] === 108) /* l */) {
    throw new SourceError(`${file}: unrecognized format (expected a header line starting with "sl")`);
  }
  while (p < n && b[p] !== NL) p++;
  p++;

  // Upper bound on rows: a data line is > 80 bytes, so this never underestimates by much.
  ensureRoom(into, into.rows.count + Math.ceil((n - p) / 80) + 1);
  let lineNo = 1;
  // Scratch for one address (4 words); avoids allocation per row.
  const addr = new Uint32Array(4);

  // Parses `digits` hex digits at q into addr[] as kernel-printed words, then converts to the
  // RowTable layout. Returns the position after them, or -1.
  const readAddr = (q: number): number => {
    for (let k = 0; k < addrDigits; k += 8) {
      let v = 0;
      for (let j = 0; j < 8; j++) {
        const h = HEX[b[q + k + j]];
        if (h < 0) return -1;
        v = (v << 4) | h;
      }
      // Printed as a host-order u32 of network-order bytes: swap on little-endian to get the
      // big-endian word RowTable stores (a<<24|b<<16|c<<8|d).
      addr[k >> 3] = le ? ((v >>> 24) | ((v >>> 8) & 0xff00) | ((v << 8) & 0xff0000) | (v << 24)) >>> 0 : v >>> 0;
    }
    return q + addrDigits;
  };
  const readPort = (q: number): number => {
    // Exactly 4 hex digits after ':'.
    if (b[q] !== COLON) return -1;
    let v = 0;
    for (let j = 1; j <= 4; j++) {
      const h = HEX[b[q + j]];
      if (h < 0) return -1;
      v = (v << 4) | h;
    }
    return v;
  };
  const isSpace = (c: number) => c === SP || c === TAB;

  while (p < n) {
    lineNo++;
    const start = p;
    let end = p;
    while (end < n && b[end] !== NL) end++;
    p = end + 1;
    let q = start;
    while (q < end && (isSpace(b[q]) || b[q] === CR)) q++;
    if (q === end) continue; // blank line (e.g. trailing newline)

    // "sl:" — decimal slot number and a colon.
    const slStart = q;
    while (q < end && HEX[b[q]] >= 0) q++;
    if (q === slStart || b[q] !== COLON) {
      skip(lineNo, 'no slot number ("N:") at the start of the line');
      continue;
    }
    q++;
    while (q < end && isSpace(b[q])) q++;

    if (q + addrDigits + 5 > end) {
      skip(lineNo, 'line ends before the local address');
      continue;
    }
    // The pre-size above is an estimate; crafted short lines could exceed it.
    if (into.inodes.length <= into.rows.count || into.rows.words.length < (into.rows.count + 1) * ROW_WORDS) {
      ensureRoom(into, into.rows.count * 2 + 16);
    }
    const o = into.rows.count * ROW_WORDS;
    const w = into.rows.words;
    q = readAddr(q);
    if (q < 0) {
      skip(lineNo, `local address is not ${addrDigits} hex digits`);
      continue;
    }
    const lport = readPort(q);
    if (lport < 0) {
      skip(lineNo, 'local port is not ":" and 4 hex digits');
      continue;
    }
    w[o + W.LADDR] = addr[0];
    w[o + W.LADDR + 1] = opts.family === 6 ? addr[1] : 0;
    w[o + W.LADDR + 2] = opts.family === 6 ? addr[2] : 0;
    w[o + W.LADDR + 3] = opts.family === 6 ? addr[3] : 0;
    q += 5;
    if (!isSpace(b[q])) {
      skip(lineNo, 'no space after the local endpoint');
      continue;
    }
    while (q < end && isSpace(b[q])) q++;

    if (q + addrDigits + 5 > end) {
      skip(lineNo, 'line ends before the remote address');
      continue;
    }
    q = readAddr(q);
    if (q < 0) {
      skip(lineNo, `remote address is not ${addrDigits} hex digits`);
      continue;
    }
    const rport = readPort(q);
    if (rport < 0) {
      skip(lineNo, 'remote port is not ":" and 4 hex digits');
      continue;
    }
    q += 5;
    if (!isSpace(b[q])) {
      skip(lineNo, 'no space after the remote endpoint');
      continue;
    }
    while (q < end && isSpace(b[q])) q++;

    // st: two hex digits.
    const s1 = HEX[b[q]];
    const s2 = HEX[b[q + 1]];
    if (s1 < 0 || s2 < 0 || !(isSpace(b[q + 2]) || q + 2 === end)) {
      skip(lineNo, 'state is not 2 hex digits');
      continue;
    }
    const linuxState = (s1 << 4) | s2;
    q += 2;

    // Skip tx:rx, tr:tm->when, retrnsmt, uid, timeout; the 6th token is the inode.
    let ok = true;
    for (let t = 0; t < 5; t++) {
      while (q < end && isSpace(b[q])) q++;
      if (q >= end) {
        ok = false;
        break;
      }
      while (q < end && !isSpace(b[q])) q++;
    }
    while (q < end && isSpace(b[q])) q++;
    let inode = 0;
    const inoStart = q;
    while (q < end && b[q] >= 48 && b[q] <= 57) inode = inode * 10 + (b[q++] - 48);
    if (!ok || q === inoStart || !(q === end || isSpace(b[q]) || b[q] === CR)) {
      skip(lineNo, 'no decimal inode in the 10th column');
      continue;
    }

    let state = 0;
    if (proto === PROTO_TCP) {
      state = STATE_MAP[linuxState];
      if (state === 0) {
        skip(lineNo, `unknown TCP state 0x${linuxState.toString(16).padStart(2, '0')}`);
        continue;
      }
    }

    w[o + W.PROTO] = proto;
    w[o + W.FAMILY] = opts.family;
    w[o + W.LPORT] = lport;
    w[o + W.LSCOPE] = 0; // procfs does not print the bound interface, so no IPv6 scope id
    w[o + W.RADDR] = addr[0];
    w[o + W.RADDR + 1] = opts.family === 6 ? addr[1] : 0;
    w[o + W.RADDR + 2] = opts.family === 6 ? addr[2] : 0;
    w[o + W.RADDR + 3] = opts.family === 6 ? addr[3] : 0;
    w[o + W.RPORT] = rport;
    w[o + W.RSCOPE] = 0;
    w[o + W.STATE] = state;
    w[o + W.PID] = 0xffffffff; // filled in by the PID resolver
    into.inodes[into.rows.count] = inode;
    into.rows.count++;
  }
  return report;
}

/** Convenience for tests and one-off use: parse one file's text into a fresh table. */
export function parseProcNetText(text: string, opts: ParseOptions): ProcNetTable & ParseReport {
  const t = createProcNetTable();
  const r = parseProcNet(text, opts, t);
  return { ...t, ...r };
}
