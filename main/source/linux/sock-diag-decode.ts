// The sock_diag wire format (linux/netlink.h, linux/sock_diag.h, linux/inet_diag.h): the dump
// request for one family + protocol, and a pure decoder from the kernel's answer (a buffer of
// netlink messages, each carrying a struct inet_diag_msg) to RowTable rows plus a parallel array of
// socket inodes, row for row what procfs.ts produces for the same sockets.
//
//   nlmsghdr        len u32 | type u16 | flags u16 | seq u32 | pid u32            (16 bytes, host order)
//   inet_diag_msg   family u8 | state u8 | timer u8 | retrans u8 | id (48 bytes) |
//                   expires u32 | rqueue u32 | wqueue u32 | uid u32 | inode u32   (72 bytes)
//   inet_diag_sockid  sport be16 | dport be16 | src[4] | dst[4] (network order) | if u32 | cookie[2] u32
//
// Messages are padded to 4 bytes (NLMSG_ALIGN). Attributes (struct nlattr: len u16 | type u16, each
// padded to 4 bytes) follow the 72 bytes; the only one read is INET_DIAG_INFO, the socket's struct
// tcp_info (linux/tcp.h), which a TCP request asks for with idiag_ext bit (INET_DIAG_INFO - 1).
// Its counters go to RowTable.counters at the offsets below; the attribute is shorter on older
// kernels (bytes_acked arrived in 4.1, busy_time in 4.10), so only what its length covers is read.
//
// Scope ids: procfs does not print a socket's interface, so the procfs source leaves scope ids 0.
// sock_diag does (idiag_if, the bound device), and for an IPv6 address that needs a zone that
// device is the address's scope: fe80::1%2 on interface 2 is a different endpoint from fe80::1%3.
// The kernel binds a socket to the interface of its sin6_scope_id for exactly those addresses
// (__ipv6_addr_needs_scope_id): link-local unicast fe80::/10 and interface- or link-scope
// multicast ffX1::/16, ffX2::/16 (ff02::fb%2 and ff02::fb%3 are two endpoints too). So this
// decoder fills LSCOPE / RSCOPE from idiag_if for those addresses only (see needsScope), and 0
// everywhere else, where a bound device (SO_BINDTODEVICE) is no part of the address; that is the
// one place where its rows differ from procfs's.
import { endianness } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { C, COUNTER_SLOTS, ensureCounters, PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W } from '../../model/rows';
import { SourceError } from '../types';
import { LINUX_TO_MIB_STATE, ensureRoom, type ProcNetTable } from './procfs';

export const NLMSG_HDRLEN = 16;
export const NLMSG_NOOP = 1;
export const NLMSG_ERROR = 2;
export const NLMSG_DONE = 3;
export const NLMSG_OVERRUN = 4;
export const SOCK_DIAG_BY_FAMILY = 20;
export const NLM_F_REQUEST = 0x1;
export const NLM_F_MULTI = 0x2;
/** Set by the kernel when the tables changed during the dump so that it may be inconsistent. */
export const NLM_F_DUMP_INTR = 0x10;
export const NLM_F_DUMP = 0x300;
export const INET_DIAG_MSG_LEN = 72;
export const INET_DIAG_REQ_V2_LEN = 56;
export const REQUEST_LEN = NLMSG_HDRLEN + INET_DIAG_REQ_V2_LEN;
/** inet_diag attribute carrying struct tcp_info (linux/inet_diag.h). */
export const INET_DIAG_INFO = 2;
/** nla_type bits that are flags, not the type (NLA_F_NESTED | NLA_F_NET_BYTEORDER). */
const NLA_TYPE_MASK = 0x3fff;
/**
 * Byte offsets in struct tcp_info (linux/tcp.h), checked with offsetof against this machine's
 * <linux/tcp.h>: the u32 fields and the u64 ones (read as two u32 halves, exact to 2^53).
 */
export const TCP_INFO = {
  state: 0,
  rtt: 68,
  rttvar: 72,
  totalRetrans: 100,
  bytesAcked: 120,
  bytesReceived: 128,
  segsOut: 136,
  segsIn: 140,
  busyTime: 168,
  rwndLimited: 176,
  sndbufLimited: 184,
  bytesSent: 200,
} as const;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

const HOST_LE = endianness() === 'LE';

// Dense lookup for the hot loop; 0 = unknown state.
const STATE_MAP = new Uint8Array(256);
for (const [k, v] of Object.entries(LINUX_TO_MIB_STATE)) STATE_MAP[Number(k)] = v;

export interface DiagTarget {
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  /** False for tables a kernel may lack (IPv6 disabled, no udp_diag): their absence is no error. */
  required?: boolean;
  /** Ask for and decode tcp_info counters (TCP only; default true for TCP). */
  info?: boolean;
}

/** Whether a dump of `t` asks for tcp_info. */
export function wantsInfo(t: DiagTarget): boolean {
  return t.protocol === 'tcp' && t.info !== false;
}

/** `tcp6`, `udp` …: the procfs file name of the same table, for messages. */
export function targetName(t: DiagTarget): string {
  return `${t.protocol}${t.family === 6 ? '6' : ''}`;
}

/**
 * Writes a SOCK_DIAG_BY_FAMILY dump request for every socket of one family and protocol, in every
 * state, into `out` (at least REQUEST_LEN bytes). Returns its length.
 */
export function encodeInetDiagRequest(out: Buffer, target: DiagTarget, seq: number, littleEndian = HOST_LE): number {
  out.fill(0, 0, REQUEST_LEN);
  const u32 = (v: number, at: number) => (littleEndian ? out.writeUInt32LE(v >>> 0, at) : out.writeUInt32BE(v >>> 0, at));
  const u16 = (v: number, at: number) => (littleEndian ? out.writeUInt16LE(v, at) : out.writeUInt16BE(v, at));
  u32(REQUEST_LEN, 0);
  u16(SOCK_DIAG_BY_FAMILY, 4);
  u16(NLM_F_REQUEST | NLM_F_DUMP, 6);
  u32(seq, 8);
  u32(0, 12); // to the kernel
  out[16] = target.family === 6 ? AF_INET6 : AF_INET;
  out[17] = target.protocol === 'udp' ? IPPROTO_UDP : IPPROTO_TCP;
  // idiag_ext: tcp_info for the counters; UDP has no per-socket counters to ask for.
  out[18] = wantsInfo(target) ? 1 << (INET_DIAG_INFO - 1) : 0;
  u32(0xffffffff, 20); // idiag_states: all
  // id (48 bytes) stays zero: no filter.
  return REQUEST_LEN;
}

/** `EPERM (operation not permitted)` for errno 1; the number alone when Node does not know it. */
export function errnoText(errno: number): string {
  const e = getSystemErrorMap().get(-Math.abs(errno));
  return e ? `${e[0]} (${e[1]})` : `errno ${errno}`;
}

/** The kernel refused or aborted a dump; `code` is the positive errno. */
export class SockDiagError extends SourceError {
  constructor(
    message: string,
    readonly errno: number,
  ) {
    super(message, errno);
  }
}

export interface DecodeOptions extends DiagTarget {
  /** Sequence number of the request; messages with another (left over from an abandoned dump) are skipped. */
  seq: number;
  littleEndian?: boolean;
}

export interface DecodeResult {
  /** NLMSG_DONE seen: the dump is complete. */
  done: boolean;
  /** Some message carried NLM_F_DUMP_INTR: the dump may be inconsistent and should be redone. */
  interrupted: boolean;
  /** Rows appended by this call. */
  rows: number;
  /** Messages of another sequence number that were skipped. */
  stale: number;
}


const MIB_LISTEN = 2;

/**
 * 1 for the states in which the peer's FIN has been received (MIB CLOSE-WAIT 8, CLOSING 9,
 * LAST-ACK 10, TIME-WAIT 11), else 0. tcpi_bytes_received counts rcv_nxt's advance, and a FIN
 * takes one sequence number, so in those states it is one more than the payload received
 * (checked on this kernel: 1,000 bytes then a FIN read 1001 in CLOSE-WAIT, and `ss` says the
 * same). Received is payload (RFC 4898 HCThruOctetsReceived, as Windows' DataBytesIn), so the
 * decoder takes the FIN off. (The pre-4.19 fallback for Sent, tcpi_bytes_acked, likewise counts
 * the connecting side's SYN and an acknowledged FIN; it is left as the kernel gives it.)
 */
const PEER_FIN = new Uint8Array(256);
PEER_FIN[8] = PEER_FIN[9] = PEER_FIN[10] = PEER_FIN[11] = 1;

/** Payload received of a counter read in `state` (see PEER_FIN); a 0 stays 0. */
const payloadReceived = (bytesReceived: number, state: number): number => (bytesReceived > 0 ? bytesReceived - PEER_FIN[state] : bytesReceived);
/** Bytes before the first attribute: nlmsghdr + inet_diag_msg. */
const ATTRS_AT = NLMSG_HDRLEN + INET_DIAG_MSG_LEN;

/**
 * What the last walk of a message's attributes found (see findInfoAttr): [0] INET_DIAG_INFO's byte
 * offset from the message start (0 = nothing to go by), [1] its nlattr head word, then HINT_HEADS
 * pairs of a word offset from the message start and the word found there: the heads of the
 * attributes before INFO, the slots past them filled with INFO's own head. Every message of a
 * dump carries the same attributes in the same order, so the next message's INFO is almost always
 * at the same offset. The word path takes it there only after checking that all those words are
 * the same: a walk depends on nothing else (and the message's length), so it would land there too,
 * and the output never depends on this record. The padding makes the check the same five compares
 * for every message, without a branch on how many heads there were.
 */
const HINT_HEADS = 4;
const hint = new Uint32Array(2 + 2 * HINT_HEADS);

/**
 * For tests: a copy of `hint` — INFO's byte offset (0 = none), its head word, and the HINT_HEADS
 * [word offset, word] pairs the word path compares before taking that offset.
 */
export function infoHintForTest(): { infoAt: number; infoHead: number; heads: Array<[number, number]> } {
  return { infoAt: hint[0], infoHead: hint[1], heads: Array.from({ length: HINT_HEADS }, (_, k): [number, number] => [hint[2 + 2 * k], hint[3 + 2 * k]]) };
}

/**
 * Whether an IPv6 address whose first four bytes, read big-endian, are `word0` names an endpoint
 * only together with an interface (its zone, RFC 4007): link-local unicast (fe80::/10) or multicast
 * of interface- or link-local scope (ffX1::/16, ffX2::/16: scope in the low 4 bits of byte 1).
 * The decoder gives such an address the socket's interface index as scope id, any other 0.
 */
export function needsScope(word0: number): boolean {
  if (((word0 & 0xffc00000) >>> 0) === 0xfe800000) return true;
  const scope = (word0 >>> 16) & 0x0f;
  return word0 >>> 24 === 0xff && (scope === 1 || scope === 2);
}

/** Byte-swaps a u32 read in little-endian order from network-order bytes (a.b.c.d → a<<24|…|d). */
function bswap(x: number): number {
  return ((x & 0xff) << 24) | ((x & 0xff00) << 8) | ((x >>> 8) & 0xff00) | (x >>> 24);
}

/**
 * Byte offset of the INET_DIAG_INFO attribute of the message at byte `p` (its end at `to`), read
 * from little-endian host words `u32`, or -1 when there is none or a malformed attribute (length
 * < 4 or past `to`) ends the walk first. Records what it crossed in `hint`.
 */
function findInfoAttr(u32: Uint32Array, p: number, to: number): number {
  hint[0] = 0; // the heads are overwritten below: nothing to go by until the walk completes
  let a = p + ATTRS_AT;
  let n = 0;
  while (a + 4 <= to) {
    const head = u32[a >> 2];
    const alen = head & 0xffff; // struct nlattr { u16 nla_len; u16 nla_type; }
    if (alen < 4 || a + alen > to) return -1;
    if (((head >>> 16) & NLA_TYPE_MASK) === INET_DIAG_INFO) {
      if (n <= HINT_HEADS) {
        for (let k = n; k < HINT_HEADS; k++) {
          hint[2 + 2 * k] = (a - p) >> 2;
          hint[3 + 2 * k] = head;
        }
        hint[0] = a - p;
        hint[1] = head;
      }
      return a;
    }
    if (n < HINT_HEADS) {
      hint[2 + 2 * n] = (a - p) >> 2;
      hint[3 + 2 * n] = head;
    }
    n++;
    a += (alen + 3) & ~3;
  }
  return -1;
}

/** Bytes of struct tcp_info up to and including tcpi_bytes_sent (Linux 4.19+), all that is read. */
const TCP_INFO_READ = TCP_INFO.bytesSent + 8;

/**
 * Sets the row's COUNTER_SLOTS counter slots from `at` to NaN (unknown). Ten stores, not a loop
 * or fill(): measured ~4 ns a row less on a path that runs for every socket without tcp_info.
 */
function unknownCounters(out: Float64Array, at: number): void {
  const slots: 10 = COUNTER_SLOTS; // does not compile once a row has more slots than the stores below
  out[at] = NaN;
  out[at + 1] = NaN;
  out[at + 2] = NaN;
  out[at + 3] = NaN;
  out[at + 4] = NaN;
  out[at + 5] = NaN;
  out[at + 6] = NaN;
  out[at + 7] = NaN;
  out[at + 8] = NaN;
  out[at + slots - 1] = NaN;
}

/** u64 at `at` as a double (exact to 2^53, far beyond any counter a socket reaches). */
function u64Dv(dv: DataView, at: number, le: boolean): number {
  const lo = dv.getUint32(at + (le ? 0 : 4), le);
  const hi = dv.getUint32(at + (le ? 4 : 0), le);
  return hi * 4294967296 + lo;
}

/**
 * Finds INET_DIAG_INFO among the attributes in [from, to) of bytes of either order at any
 * alignment and writes every one of the row's counter slots `out[at + C.*]`, NaN for fields beyond
 * the attribute's length. Returns false, writing nothing, when there is no such attribute or a
 * malformed one ends the walk first (the caller gives the row NaN counters: bad bytes must not
 * cost the row).
 */
function decodeInfoAttrDv(dv: DataView, from: number, to: number, le: boolean, out: Float64Array, at: number, state: number): boolean {
  let a = from;
  while (a + 4 <= to) {
    const alen = dv.getUint16(a, le);
    if (alen < 4 || a + alen > to) return false;
    if ((dv.getUint16(a + 2, le) & NLA_TYPE_MASK) === INET_DIAG_INFO) {
      const b = a + 4;
      const n = alen - 4;
      unknownCounters(out, at);
      if (n >= TCP_INFO.rttvar + 4) {
        const rtt = dv.getUint32(b + TCP_INFO.rtt, le);
        if (rtt !== 0) {
          out[at + C.RTT_US] = rtt;
          out[at + C.RTTVAR_US] = dv.getUint32(b + TCP_INFO.rttvar, le);
        }
      }
      if (n >= TCP_INFO.totalRetrans + 4) out[at + C.RETRANS] = dv.getUint32(b + TCP_INFO.totalRetrans, le);
      if (n >= TCP_INFO.bytesReceived + 8) {
        out[at + C.BYTES_SENT] = u64Dv(dv, b + (n >= TCP_INFO.bytesSent + 8 ? TCP_INFO.bytesSent : TCP_INFO.bytesAcked), le);
        out[at + C.BYTES_RECEIVED] = payloadReceived(u64Dv(dv, b + TCP_INFO.bytesReceived, le), state);
      }
      if (n >= TCP_INFO.segsIn + 4) {
        out[at + C.SEGS_OUT] = dv.getUint32(b + TCP_INFO.segsOut, le);
        out[at + C.SEGS_IN] = dv.getUint32(b + TCP_INFO.segsIn, le);
      }
      if (n >= TCP_INFO.sndbufLimited + 8) {
        out[at + C.BUSY_US] = u64Dv(dv, b + TCP_INFO.busyTime, le);
        out[at + C.RWND_LIMITED_US] = u64Dv(dv, b + TCP_INFO.rwndLimited, le);
        out[at + C.SNDBUF_LIMITED_US] = u64Dv(dv, b + TCP_INFO.sndbufLimited, le);
      }
      return true;
    }
    a += (alen + 3) & ~3;
  }
  return false;
}

/** What one decode call works on, besides the bytes. */
interface Pass {
  opts: DecodeOptions;
  into: ProcNetTable;
  /** The table's counters when rows get counter slots (NaN when not read), else null. */
  counters: Float64Array | null;
  /** Read tcp_info into the counters. */
  info: boolean;
  res: DecodeResult;
}

/** All zero: UDP rows carry state 0, whatever the kernel's state. */
const NO_STATES = new Uint8Array(256);
/** decodeRunWords' `kind` bits. */
const RUN_TCP = 1;
const RUN_V6 = 2;
/** Rows get counter slots. */
const RUN_COUNTERS = 4;
/** Read tcp_info into them. */
const RUN_INFO = 8;
/** The row count after decodeRunWords' last call (its second result). */
let runRows = 0;
const NO_COUNTERS = new Float64Array(0);

/**
 * The word path: decodes the run of ordinary messages from byte `p` — SOCK_DIAG_BY_FAMILY
 * messages of sequence number `seq`, of the wanted family and a known state, well-formed, not
 * flagged NLM_F_DUMP_INTR, whose tcp_info (when read) is a 4.19+ one of TCP_INFO_READ bytes or
 * more (an older kernel's messages all take the DataView path) — into rows `row`, `row + 1` … of `w`, `inodes` and `counters` (see
 * RUN_* for `kind`), and returns the byte offset of the first message it leaves to
 * `decodeMessageDv` (or one past the end); the new row count is left in `runRows`.
 * `u32` holds the recv buffer as little-endian host words (a little-endian host and kernel,
 * buffer at a 4-byte boundary; netlink messages and attributes are 4-byte aligned). Every field is
 * an indexed read, addresses and ports byte-swapped from their words; this runs for every socket
 * of every poll. It takes no objects, anything rare leaves the loop instead of taking a branch
 * here, and the IPv6 words are written for IPv4 too (masked to 0): the compiled loop never meets a
 * map or a path it has not seen, where V8 would deoptimize it and might then re-enter it only
 * through slower on-stack-replacement code.
 */
function decodeRunWords(
  u32: Uint32Array,
  p: number,
  end: number,
  seq: number,
  kind: number,
  w: Uint32Array,
  inodes: Float64Array,
  counters: Float64Array,
  row: number,
): number {
  const tcp = (kind & RUN_TCP) !== 0;
  const v6 = (kind & RUN_V6) !== 0;
  const withCounters = (kind & RUN_COUNTERS) !== 0;
  const info = withCounters && (kind & RUN_INFO) !== 0;
  const states = tcp ? STATE_MAP : NO_STATES;
  const proto = tcp ? PROTO_TCP : PROTO_UDP;
  const family = v6 ? 6 : 4;
  const wantFamily = v6 ? AF_INET6 : AF_INET;
  const mask = v6 ? 0xffffffff : 0; // IPv4: the kernel zeroes the other words; the row has 0 there whatever they hold
  // `hint` in locals: INFO's offset, the number of heads before it and their word offsets and words.
  let hAt = hint[0], hInfo = hint[1], hP0 = hint[2], hH0 = hint[3], hP1 = hint[4], hH1 = hint[5], hP2 = hint[6], hH2 = hint[7], hP3 = hint[8], hH3 = hint[9];
  for (; p + ATTRS_AT <= end; ) {
    const q = p >> 2;
    const mlen = u32[q];
    if (mlen < ATTRS_AT || mlen > end - p) break;
    // nlmsg_type | nlmsg_flags << 16: this type, and not NLM_F_DUMP_INTR.
    if ((u32[q + 1] & (0xffff | (NLM_F_DUMP_INTR << 16))) !== SOCK_DIAG_BY_FAMILY || u32[q + 2] !== seq) break;
    const fs = u32[q + 4]; // idiag_family | idiag_state << 8 | …
    const state = states[(fs >>> 8) & 0xff];
    if ((fs & 0xff) !== wantFamily || (state === 0 && tcp)) break;
    // A listener's tcp_info holds no traffic of its own: counters are for connections only.
    let a = -1;
    if (info && state !== MIB_LISTEN) {
      const to = p + mlen;
      // Where the last walk found INFO, if the heads before it are the same words (see `hint`).
      if (
        hAt !== 0 &&
        p + hAt + 4 <= to && // (keeps the reads inside this message)
        ((u32[q + hP0] ^ hH0) | (u32[q + hP1] ^ hH1) | (u32[q + hP2] ^ hH2) | (u32[q + hP3] ^ hH3) | (u32[(p + hAt) >> 2] ^ hInfo)) === 0
      ) {
        a = p + hAt;
      } else {
        a = findInfoAttr(u32, p, to);
        [hAt, hInfo, hP0, hH0, hP1, hH1, hP2, hH2, hP3, hH3] = [hint[0], hint[1], hint[2], hint[3], hint[4], hint[5], hint[6], hint[7], hint[8], hint[9]];
      }
      if (a >= 0) {
        const alen = u32[a >> 2] & 0xffff;
        if (alen < 4 || a + alen > to) a = -1;
        else if (alen < 4 + TCP_INFO_READ) break; // an older kernel's shorter struct: decodeMessageDv reads what it covers
      }
    }
    const o = row * ROW_WORDS;
    const ports = u32[q + 5]; // sport, dport: big-endian u16s
    const l0 = u32[q + 6];
    const r0 = u32[q + 10];
    const ifindex = u32[q + 14] & mask; // scopes IPv6 addresses that need a zone only
    w[o + W.PROTO] = proto;
    w[o + W.FAMILY] = family;
    w[o + W.LADDR] = bswap(l0);
    w[o + W.LADDR + 1] = bswap(u32[q + 7]) & mask;
    w[o + W.LADDR + 2] = bswap(u32[q + 8]) & mask;
    w[o + W.LADDR + 3] = bswap(u32[q + 9]) & mask;
    w[o + W.LPORT] = ((ports & 0xff) << 8) | ((ports >>> 8) & 0xff);
    // needsScope on the word read little-endian (byte 0 low, byte 1 next): fe80::/10 is byte 0
    // 0xfe, byte 1 0b10xxxxxx; ffX1::/ffX2:: is byte 0 0xff and byte 1's low nibble 1 or 2, so
    // that nibble + 1 (the + 0x100; a carry out of it is masked off) is 0b001x.
    w[o + W.LSCOPE] = (l0 & 0xc0ff) === 0x80fe || ((l0 + 0x100) & 0xeff) === 0x2ff ? ifindex : 0;
    w[o + W.RADDR] = bswap(r0);
    w[o + W.RADDR + 1] = bswap(u32[q + 11]) & mask;
    w[o + W.RADDR + 2] = bswap(u32[q + 12]) & mask;
    w[o + W.RADDR + 3] = bswap(u32[q + 13]) & mask;
    w[o + W.RPORT] = ((ports >>> 8) & 0xff00) | (ports >>> 24);
    w[o + W.RSCOPE] = (r0 & 0xc0ff) === 0x80fe || ((r0 + 0x100) & 0xeff) === 0x2ff ? ifindex : 0;
    w[o + W.STATE] = state;
    w[o + W.PID] = PID_UNKNOWN; // filled in by the PID resolver
    inodes[row] = u32[q + (NLMSG_HDRLEN + 68) / 4];
    if (withCounters) {
      const at = row * COUNTER_SLOTS;
      if (a >= 0) {
        // The struct tcp_info after INFO's head, into every counter slot. Written out here, not in a
        // function: V8 does not inline one this deep into the loop, and the call cost ~2 ns a row.
        // (`decodeInfoAttrDv` reads the same fields for a buffer of the other byte order or
        // alignment; a property test holds the two to each other.)
        const b = (a + 4) >> 2;
        // 0 = no RTT sample yet (a connection that has not exchanged data), not a 0 µs RTT.
        const rtt = u32[b + TCP_INFO.rtt / 4];
        // Sent: tcpi_bytes_sent (RFC 4898 tcpEStatsPerfHCDataOctetsOut, the very counter Windows
        // reports as DataBytesOut). Each u64 as a double: exact to 2^53, far beyond any counter.
        counters[at + C.BYTES_SENT] = u32[b + TCP_INFO.bytesSent / 4 + 1] * 4294967296 + u32[b + TCP_INFO.bytesSent / 4];
        counters[at + C.BYTES_RECEIVED] = payloadReceived(u32[b + TCP_INFO.bytesReceived / 4 + 1] * 4294967296 + u32[b + TCP_INFO.bytesReceived / 4], state);
        counters[at + C.SEGS_OUT] = u32[b + TCP_INFO.segsOut / 4];
        counters[at + C.SEGS_IN] = u32[b + TCP_INFO.segsIn / 4];
        // Stores in branches: storing a `rtt !== 0 ? rtt : NaN` value measured ~2.5 ns a row more.
        if (rtt !== 0) {
          counters[at + C.RTT_US] = rtt;
          counters[at + C.RTTVAR_US] = u32[b + TCP_INFO.rttvar / 4];
        } else {
          counters[at + C.RTT_US] = NaN;
          counters[at + C.RTTVAR_US] = NaN;
        }
        counters[at + C.RETRANS] = u32[b + TCP_INFO.totalRetrans / 4];
        counters[at + C.BUSY_US] = u32[b + TCP_INFO.busyTime / 4 + 1] * 4294967296 + u32[b + TCP_INFO.busyTime / 4];
        counters[at + C.RWND_LIMITED_US] = u32[b + TCP_INFO.rwndLimited / 4 + 1] * 4294967296 + u32[b + TCP_INFO.rwndLimited / 4];
        counters[at + C.SNDBUF_LIMITED_US] = u32[b + TCP_INFO.sndbufLimited / 4 + 1] * 4294967296 + u32[b + TCP_INFO.sndbufLimited / 4];
      } else {
        unknownCounters(counters, at);
      }
    }
    row++;
    p += (mlen + 3) & ~3;
  }
  runRows = row;
  return p;
}

/**
 * Decodes the one message at byte `p` of `dv` (bytes of order `le`, any alignment; `buf` the same
 * bytes): appends its row, skips it, or handles the end of the dump. Returns the next message's
 * offset, or -1 at NLMSG_DONE. Throws SockDiagError for the kernel's errors and SourceError for a
 * malformed message. The whole decoder for the other byte order or alignment, and the word path's
 * fallback for every message out of the ordinary.
 */
function decodeMessageDv(dv: DataView, buf: Uint8Array, p: number, end: number, le: boolean, x: Pass): number {
  const { opts, into, counters, info, res } = x;
  const mlen = dv.getUint32(p, le);
  const type = dv.getUint16(p + 4, le);
  const flags = dv.getUint16(p + 6, le);
  const seq = dv.getUint32(p + 8, le);
  if (mlen < NLMSG_HDRLEN || mlen > end - p) {
    throw new SourceError(`sock_diag ${targetName(opts)}: malformed netlink message at byte ${p} (length ${mlen}, ${end - p} bytes left)`);
  }
  const body = p + NLMSG_HDRLEN;
  const next = p + ((mlen + 3) & ~3);
  if (seq !== opts.seq) {
    res.stale++;
    return next;
  }
  if (flags & NLM_F_DUMP_INTR) res.interrupted = true;
  if (type === NLMSG_DONE) {
    // Since Linux 4.x the DONE message carries the dump's final status (0 or -errno).
    const status = mlen >= NLMSG_HDRLEN + 4 ? dv.getInt32(body, le) : 0;
    if (status < 0) throw new SockDiagError(`sock_diag dump of ${targetName(opts)} ended with ${errnoText(-status)}`, -status);
    res.done = true;
    return -1;
  }
  if (type === NLMSG_ERROR) {
    const err = mlen >= NLMSG_HDRLEN + 4 ? dv.getInt32(body, le) : -1;
    if (err !== 0) throw new SockDiagError(`sock_diag dump of ${targetName(opts)} refused: ${errnoText(-err)}`, -err);
    // err 0 is an acknowledgement; a dump does not ask for one, so there is nothing to do.
    return next;
  }
  if (type === NLMSG_OVERRUN) throw new SockDiagError(`sock_diag dump of ${targetName(opts)}: the kernel reported lost data (NLMSG_OVERRUN)`, 105);
  // NLMSG_NOOP and unknown types carry nothing for us.
  if (type !== SOCK_DIAG_BY_FAMILY) return next;
  if (mlen < ATTRS_AT) throw new SourceError(`sock_diag ${targetName(opts)}: message at byte ${p} is ${mlen} bytes, shorter than an inet_diag_msg`);
  if (buf[body] !== (opts.family === 6 ? AF_INET6 : AF_INET)) return next;
  const tcp = opts.protocol !== 'udp';
  const state = tcp ? STATE_MAP[buf[body + 1]] : 0;
  // A state newer than this table; skip the socket rather than show it wrong.
  if (tcp && state === 0) return next;
  const row = into.rows.count;
  const w = into.rows.words;
  const o = row * ROW_WORDS;
  const id = body + 4;
  w[o + W.PROTO] = tcp ? PROTO_TCP : PROTO_UDP;
  w[o + W.FAMILY] = opts.family === 6 ? 6 : 4;
  w[o + W.LPORT] = (buf[id] << 8) | buf[id + 1];
  w[o + W.RPORT] = (buf[id + 2] << 8) | buf[id + 3];
  // Addresses are in network order: read each 4-byte group big-endian.
  w[o + W.LADDR] = dv.getUint32(id + 4, false);
  w[o + W.RADDR] = dv.getUint32(id + 20, false);
  if (opts.family === 6) {
    w[o + W.LADDR + 1] = dv.getUint32(id + 8, false);
    w[o + W.LADDR + 2] = dv.getUint32(id + 12, false);
    w[o + W.LADDR + 3] = dv.getUint32(id + 16, false);
    w[o + W.RADDR + 1] = dv.getUint32(id + 24, false);
    w[o + W.RADDR + 2] = dv.getUint32(id + 28, false);
    w[o + W.RADDR + 3] = dv.getUint32(id + 32, false);
    const ifindex = dv.getUint32(id + 36, le); // scopes addresses that need a zone only
    w[o + W.LSCOPE] = needsScope(w[o + W.LADDR]) ? ifindex : 0;
    w[o + W.RSCOPE] = needsScope(w[o + W.RADDR]) ? ifindex : 0;
  } else {
    for (let k = 1; k < 4; k++) w[o + W.LADDR + k] = w[o + W.RADDR + k] = 0;
    w[o + W.LSCOPE] = w[o + W.RSCOPE] = 0;
  }
  w[o + W.STATE] = state;
  w[o + W.PID] = PID_UNKNOWN; // filled in by the PID resolver
  into.inodes[row] = dv.getUint32(body + 68, le);
  if (counters) {
    const at = row * COUNTER_SLOTS;
    // A listener's tcp_info holds no traffic of its own: counters are for connections only.
    const read = info && state !== MIB_LISTEN && decodeInfoAttrDv(dv, body + INET_DIAG_MSG_LEN, p + mlen, le, counters, at, state);
    if (!read) unknownCounters(counters, at);
  }
  into.rows.count++;
  res.rows++;
  return next;
}

/** A Uint32Array over the whole recv buffer, kept while the caller passes the same buffer. */
let lastBuf: Uint8Array | null = null;
let lastWords: Uint32Array = new Uint32Array(0);

/** `buf` as host-order u32 words (it starts at a 4-byte boundary). */
function wordsOf(buf: Uint8Array): Uint32Array {
  if (buf !== lastBuf || lastWords.length !== buf.length >> 2) {
    lastWords = new Uint32Array(buf.buffer, buf.byteOffset, buf.length >> 2);
    lastBuf = buf;
  }
  return lastWords;
}

/**
 * Decodes the netlink messages in `buf[0, len)` (one recv's worth) and appends a row per socket to
 * `into`. Throws SockDiagError on NLMSG_ERROR (or a NLMSG_DONE carrying an error) and SourceError
 * when the buffer is not well-formed netlink; rows of the messages before the fault stay appended.
 * Little-endian bytes at a 4-byte boundary on a little-endian host (every recv buffer there) go
 * through the word path, others through the DataView path; both give the same output.
 */
export function decodeSockDiag(buf: Uint8Array, len: number, opts: DecodeOptions, into: ProcNetTable): DecodeResult {
  const le = opts.littleEndian ?? HOST_LE;
  const end = len > 0 ? Math.min(Math.floor(len), buf.length) : 0;
  const res: DecodeResult = { done: false, interrupted: false, rows: 0, stale: 0 };
  // Upper bound: every message is at least header + inet_diag_msg.
  ensureRoom(into, into.rows.count + Math.floor(end / ATTRS_AT) + 1);
  const info = wantsInfo(opts);
  // Rows of the table without counters (UDP, or tcp_info not asked for) still get NaN slots once
  // any table of the poll carries counters, so the columns stay row-aligned.
  const counters = info || into.rows.counters ? ensureCounters(into.rows, into.rows.words.length / ROW_WORDS) : null;
  const pass: Pass = { opts, into, counters, info, res };
  let dv: DataView | null = null; // made when a message needs it: the word path may decode them all
  const u32 = HOST_LE && le && (buf.byteOffset & 3) === 0 && end >= NLMSG_HDRLEN ? wordsOf(buf) : null;
  let p = 0;
  const kind = (opts.protocol !== 'udp' ? RUN_TCP : 0) | (opts.family === 6 ? RUN_V6 : 0) | (counters ? RUN_COUNTERS : 0) | (info ? RUN_INFO : 0);
  while (p + NLMSG_HDRLEN <= end) {
    if (u32) {
      const first = into.rows.count;
      p = decodeRunWords(u32, p, end, opts.seq, kind, into.rows.words, into.inodes, counters ?? NO_COUNTERS, first);
      into.rows.count = runRows;
      res.rows += runRows - first;
      if (p + NLMSG_HDRLEN > end) break;
    }
    dv ??= new DataView(buf.buffer, buf.byteOffset, end);
    p = decodeMessageDv(dv, buf, p, end, le, pass);
    if (p < 0) break;
  }
  return res;
}
