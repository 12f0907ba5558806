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
// sock_diag does (idiag_if, the bound device), and for an IPv6 link-local address that device is
// the address's scope: fe80::1%2 on interface 2 is a different endpoint from fe80::1%3. So this
// decoder fills LSCOPE / RSCOPE from idiag_if for link-local (fe80::/10) addresses only, as Windows
// does, and 0 everywhere else; that is the one place where its rows differ from procfs's.
import { endianness } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { C, COUNTER_SLOTS, ensureCounters, PROTO_TCP, PROTO_UDP, ROW_WORDS, W } from '../../model/rows';
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

/** The u64 at word `i` of host-order words, as a double (exact to 2^53, far beyond any counter a socket reaches). */
function u64(u32: Uint32Array, i: number): number {
  return HOST_LE ? u32[i + 1] * 4294967296 + u32[i] : u32[i] * 4294967296 + u32[i + 1];
}

/**
 * Finds INET_DIAG_INFO among the attributes in [from, to) and writes every one of the row's
 * counter slots `out[at + C.*]`: NaN for fields beyond the attribute's length (older kernels).
 * Returns false, writing nothing, when there is no such attribute or a malformed one ends the
 * walk first (the caller gives the row NaN counters: bad bytes must not cost the row).
 * Reads host-order words through `u32`, a Uint32Array over the same bytes: netlink attributes are
 * 4-byte aligned and carry host order, and an indexed read costs less than a DataView call per
 * field on a path that runs for every socket of every poll. (`decodeInfoAttrDv` reads the same
 * fields for a buffer of the other byte order or alignment; a test holds the two to each other.)
 */
function decodeInfoAttr(u32: Uint32Array, from: number, to: number, out: Float64Array, at: number): boolean {
  let a = from;
  while (a + 4 <= to) {
    const head = u32[a >> 2];
    const alen = HOST_LE ? head & 0xffff : head >>> 16; // struct nlattr { u16 nla_len; u16 nla_type; }
    const type = HOST_LE ? head >>> 16 : head & 0xffff;
    if (alen < 4 || a + alen > to) return false;
    if ((type & NLA_TYPE_MASK) === INET_DIAG_INFO) {
      const b = (a + 4) >> 2;
      const n = alen - 4;
      // 0 = no RTT sample yet (a connection that has not exchanged data), not a 0 µs RTT.
      const rtt = n >= TCP_INFO.rttvar + 4 ? u32[b + TCP_INFO.rtt / 4] : 0;
      const rttVar = rtt !== 0 ? u32[b + TCP_INFO.rttvar / 4] : NaN;
      if (n >= TCP_INFO.bytesSent + 8) {
        // Every field there (4.19+): each slot written once, no NaN first (this runs per socket).
        // Sent: tcpi_bytes_sent (RFC 4898 tcpEStatsPerfHCDataOctetsOut, the very counter Windows
        // reports as DataBytesOut).
        out[at + C.BYTES_SENT] = u64(u32, b + TCP_INFO.bytesSent / 4);
        out[at + C.BYTES_RECEIVED] = u64(u32, b + TCP_INFO.bytesReceived / 4);
        out[at + C.SEGS_OUT] = u32[b + TCP_INFO.segsOut / 4];
        out[at + C.SEGS_IN] = u32[b + TCP_INFO.segsIn / 4];
        out[at + C.RTT_US] = rtt !== 0 ? rtt : NaN;
        out[at + C.RTTVAR_US] = rttVar;
        out[at + C.RETRANS] = u32[b + TCP_INFO.totalRetrans / 4];
        out[at + C.BUSY_US] = u64(u32, b + TCP_INFO.busyTime / 4);
        out[at + C.RWND_LIMITED_US] = u64(u32, b + TCP_INFO.rwndLimited / 4);
        out[at + C.SNDBUF_LIMITED_US] = u64(u32, b + TCP_INFO.sndbufLimited / 4);
        return true;
      }
      // An older kernel's shorter struct: what it covers, NaN for the rest.
      for (let k = at; k < at + COUNTER_SLOTS; k++) out[k] = NaN;
      if (rtt !== 0) {
        out[at + C.RTT_US] = rtt;
        out[at + C.RTTVAR_US] = rttVar;
      }
      if (n >= TCP_INFO.totalRetrans + 4) out[at + C.RETRANS] = u32[b + TCP_INFO.totalRetrans / 4];
      if (n >= TCP_INFO.bytesReceived + 8) {
        // Only tcpi_bytes_acked, which on the side that opened the connection also counts its SYN (one byte more).
        out[at + C.BYTES_SENT] = u64(u32, b + TCP_INFO.bytesAcked / 4);
        out[at + C.BYTES_RECEIVED] = u64(u32, b + TCP_INFO.bytesReceived / 4);
      }
      if (n >= TCP_INFO.segsIn + 4) {
        out[at + C.SEGS_OUT] = u32[b + TCP_INFO.segsOut / 4];
        out[at + C.SEGS_IN] = u32[b + TCP_INFO.segsIn / 4];
      }
      if (n >= TCP_INFO.sndbufLimited + 8) {
        out[at + C.BUSY_US] = u64(u32, b + TCP_INFO.busyTime / 4);
        out[at + C.RWND_LIMITED_US] = u64(u32, b + TCP_INFO.rwndLimited / 4);
        out[at + C.SNDBUF_LIMITED_US] = u64(u32, b + TCP_INFO.sndbufLimited / 4);
      }
      return true;
    }
    a += (alen + 3) & ~3;
  }
  return false;
}

/** u64 at `at` as a double (exact to 2^53, far beyond any counter a socket reaches). */
function u64Dv(dv: DataView, at: number, le: boolean): number {
  const lo = dv.getUint32(at + (le ? 0 : 4), le);
  const hi = dv.getUint32(at + (le ? 4 : 0), le);
  return hi * 4294967296 + lo;
}

/** decodeInfoAttr for bytes of either order at any alignment, through a DataView. */
function decodeInfoAttrDv(dv: DataView, from: number, to: number, le: boolean, out: Float64Array, at: number): boolean {
  let a = from;
  while (a + 4 <= to) {
    const alen = dv.getUint16(a, le);
    if (alen < 4 || a + alen > to) return false;
    if ((dv.getUint16(a + 2, le) & NLA_TYPE_MASK) === INET_DIAG_INFO) {
      const b = a + 4;
      const n = alen - 4;
      for (let k = at; k < at + COUNTER_SLOTS; k++) out[k] = NaN;
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
        out[at + C.BYTES_RECEIVED] = u64Dv(dv, b + TCP_INFO.bytesReceived, le);
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

/**
 * Decodes the netlink messages in `buf[0, len)` (one recv's worth) and appends a row per socket to
 * `into`. Throws SockDiagError on NLMSG_ERROR (or a NLMSG_DONE carrying an error) and SourceError
 * when the buffer is not well-formed netlink.
 */
export function decodeSockDiag(buf: Uint8Array, len: number, opts: DecodeOptions, into: ProcNetTable): DecodeResult {
  const le = opts.littleEndian ?? HOST_LE;
  const dv = new DataView(buf.buffer, buf.byteOffset, Math.min(len, buf.length));
  const end = dv.byteLength;
  // Host-order bytes at a 4-byte boundary (the recv buffer): tcp_info is read by index.
  const u32 = le === HOST_LE && buf.byteOffset % 4 === 0 ? new Uint32Array(buf.buffer, buf.byteOffset, end >> 2) : null;
  const proto = opts.protocol === 'udp' ? PROTO_UDP : PROTO_TCP;
  const wantFamily = opts.family === 6 ? AF_INET6 : AF_INET;
  const name = targetName(opts);
  const res: DecodeResult = { done: false, interrupted: false, rows: 0, stale: 0 };
  // Upper bound: every message is at least header + inet_diag_msg.
  ensureRoom(into, into.rows.count + Math.floor(end / (NLMSG_HDRLEN + INET_DIAG_MSG_LEN)) + 1);
  const w = into.rows.words;
  const inodes = into.inodes;
  const info = wantsInfo(opts);
  // Rows of the table without counters (UDP, or tcp_info not asked for) still get NaN slots once
  // any table of the poll carries counters, so the columns stay row-aligned.
  const counters = info || into.rows.counters ? ensureCounters(into.rows, into.rows.words.length / ROW_WORDS) : null;

  let p = 0;
  while (p + NLMSG_HDRLEN <= end) {
    const mlen = dv.getUint32(p, le);
    const type = dv.getUint16(p + 4, le);
    const flags = dv.getUint16(p + 6, le);
    const seq = dv.getUint32(p + 8, le);
    if (mlen < NLMSG_HDRLEN || p + mlen > end) {
      throw new SourceError(`sock_diag ${name}: malformed netlink message at byte ${p} (length ${mlen}, ${end - p} bytes left)`);
    }
    const body = p + NLMSG_HDRLEN;
    const next = p + ((mlen + 3) & ~3);
    if (seq !== opts.seq) {
      res.stale++;
      p = next;
      continue;
    }
    if (flags & NLM_F_DUMP_INTR) res.interrupted = true;

    if (type === SOCK_DIAG_BY_FAMILY) {
      if (mlen < NLMSG_HDRLEN + INET_DIAG_MSG_LEN) {
        throw new SourceError(`sock_diag ${name}: message at byte ${p} is ${mlen} bytes, shorter than an inet_diag_msg`);
      }
      const family = buf[body];
      if (family !== wantFamily) {
        p = next;
        continue;
      }
      let state = 0;
      if (proto === PROTO_TCP) {
        state = STATE_MAP[buf[body + 1]];
        if (state === 0) {
          // A state newer than this table; skip the socket rather than show it wrong.
          p = next;
          continue;
        }
      }
      const o = into.rows.count * ROW_WORDS;
      const id = body + 4;
      w[o + W.PROTO] = proto;
      w[o + W.FAMILY] = opts.family;
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
        const ifindex = dv.getUint32(id + 36, le); // scopes link-local addresses only
        w[o + W.LSCOPE] = ((w[o + W.LADDR] & 0xffc00000) >>> 0) === 0xfe800000 ? ifindex : 0;
        w[o + W.RSCOPE] = ((w[o + W.RADDR] & 0xffc00000) >>> 0) === 0xfe800000 ? ifindex : 0;
      } else {
        w[o + W.LADDR + 1] = 0;
        w[o + W.LADDR + 2] = 0;
        w[o + W.LADDR + 3] = 0;
        w[o + W.RADDR + 1] = 0;
        w[o + W.RADDR + 2] = 0;
        w[o + W.RADDR + 3] = 0;
        w[o + W.LSCOPE] = 0;
        w[o + W.RSCOPE] = 0;
      }
      w[o + W.STATE] = state;
      w[o + W.PID] = 0xffffffff; // filled in by the PID resolver
      inodes[into.rows.count] = dv.getUint32(body + 68, le);
      if (counters) {
        const at = into.rows.count * COUNTER_SLOTS;
        // A listener's tcp_info holds no traffic of its own: counters are for connections only.
        // The attribute's reader writes every slot; a row without one gets NaN in all of them
        // (a loop, not fill(): a builtin call per 10-slot row costs more than the writes).
        const read =
          info &&
          state !== MIB_LISTEN &&
          (u32 ? decodeInfoAttr(u32, body + INET_DIAG_MSG_LEN, p + mlen, counters, at) : decodeInfoAttrDv(dv, body + INET_DIAG_MSG_LEN, p + mlen, le, counters, at));
        if (!read) for (let k = at; k < at + COUNTER_SLOTS; k++) counters[k] = NaN;
      }
      into.rows.count++;
      res.rows++;
    } else if (type === NLMSG_DONE) {
      // Since Linux 4.x the DONE message carries the dump's final status (0 or -errno).
      const status = mlen >= NLMSG_HDRLEN + 4 ? dv.getInt32(body, le) : 0;
      if (status < 0) throw new SockDiagError(`sock_diag dump of ${name} ended with ${errnoText(-status)}`, -status);
      res.done = true;
      return res;
    } else if (type === NLMSG_ERROR) {
      const err = mlen >= NLMSG_HDRLEN + 4 ? dv.getInt32(body, le) : -1;
      if (err !== 0) throw new SockDiagError(`sock_diag dump of ${name} refused: ${errnoText(-err)}`, -err);
      // err 0 is an acknowledgement; a dump does not ask for one, so there is nothing to do.
    } else if (type === NLMSG_OVERRUN) {
      throw new SockDiagError(`sock_diag dump of ${name}: the kernel reported lost data (NLMSG_OVERRUN)`, 105);
    }
    // NLMSG_NOOP and unknown types carry nothing for us.
    p = next;
  }
  return res;
}
