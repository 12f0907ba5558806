// Test support: netlink sock_diag answers built byte by byte, as the kernel lays them out, and a
// scripted netlink socket that replays them.
import type { NetlinkSocket } from '../../native/netlink';
import { ErrnoError } from '../../native/netlink';
import { AF_INET, AF_INET6, NLMSG_DONE, NLMSG_ERROR, NLMSG_HDRLEN, SOCK_DIAG_BY_FAMILY, TCP_INFO } from './sock-diag-decode';

export interface FakeSocket {
  family: 4 | 6;
  /** Linux state number (1 ESTABLISHED … 10 LISTEN, 12 NEW_SYN_RECV; 7 CLOSE for unconnected UDP). */
  state: number;
  /** 4 (IPv4) or 16 (IPv6) bytes in network order. */
  src: number[];
  dst: number[];
  sport: number;
  dport: number;
  ifindex?: number;
  uid?: number;
  inode: number;
  /** Attribute bytes after the inet_diag_msg (exercises skipping and alignment). */
  extra?: number;
  /** Well-formed attributes (see nlattr) after the inet_diag_msg, instead of `extra`'s filler. */
  attrs?: Buffer[];
}

/** One netlink attribute (struct nlattr: len u16 | type u16, then the payload, padded to 4 bytes). */
export function nlattr(type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(4);
  h.writeUInt16LE(4 + payload.length, 0);
  h.writeUInt16LE(type, 2);
  return aligned(Buffer.concat([h, payload]));
}

function header(len: number, type: number, flags: number, seq: number): Buffer {
  const h = Buffer.alloc(NLMSG_HDRLEN);
  h.writeUInt32LE(len, 0);
  h.writeUInt16LE(type, 4);
  h.writeUInt16LE(flags, 6);
  h.writeUInt32LE(seq, 8);
  h.writeUInt32LE(12345, 12);
  return h;
}

/** Pads to NLMSG_ALIGN (4 bytes); the header's length stays the unpadded one, as the kernel writes it. */
function aligned(msg: Buffer): Buffer {
  const pad = (4 - (msg.length % 4)) % 4;
  return pad ? Buffer.concat([msg, Buffer.alloc(pad, 0xee)]) : msg;
}

export function diagMessage(s: FakeSocket, seq: number, flags = 2 /* NLM_F_MULTI */): Buffer {
  const body = Buffer.alloc(72 + (s.extra ?? 0), 0);
  body[0] = s.family === 6 ? AF_INET6 : AF_INET;
  body[1] = s.state;
  body[2] = 1; // timer
  body[3] = 0; // retrans
  body.writeUInt16BE(s.sport, 4);
  body.writeUInt16BE(s.dport, 6);
  Buffer.from(s.src).copy(body, 8);
  Buffer.from(s.dst).copy(body, 24);
  body.writeUInt32LE(s.ifindex ?? 0, 40);
  body.writeUInt32LE(0xdeadbeef, 44); // cookie
  body.writeUInt32LE(0xcafef00d, 48);
  body.writeUInt32LE(1000, 52); // expires
  body.writeUInt32LE(7, 56); // rqueue
  body.writeUInt32LE(9, 60); // wqueue
  body.writeUInt32LE(s.uid ?? 0, 64);
  body.writeUInt32LE(s.inode, 68);
  if (s.extra) body.fill(0xab, 72);
  const all = s.attrs ? Buffer.concat([body, ...s.attrs]) : body;
  return aligned(Buffer.concat([header(NLMSG_HDRLEN + all.length, SOCK_DIAG_BY_FAMILY, flags, seq), all]));
}

export function doneMessage(seq: number, status = 0): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32LE(status, 0);
  return Buffer.concat([header(NLMSG_HDRLEN + 4, NLMSG_DONE, 2, seq), b]);
}

/** NLMSG_ERROR carrying -errno and the offending request's header. */
export function errorMessage(seq: number, errno: number): Buffer {
  const b = Buffer.alloc(4 + NLMSG_HDRLEN);
  b.writeInt32LE(-errno, 0);
  return Buffer.concat([header(NLMSG_HDRLEN + b.length, NLMSG_ERROR, 0, seq), b]);
}

/** A recv's worth of bytes, an errno to fail with, or a datagram larger than the caller's buffer. */
export type ScriptStep = Buffer | { errno: number } | { truncatedTo: number };

/**
 * A netlink socket that answers each request (decoded: family byte 16, protocol byte 17, seq) with
 * what `answer` scripts for it; every open is counted so reopen-on-failure can be checked.
 */
export function scriptedSockets(answer: (req: { family: number; protocol: number; seq: number; opened: number }) => ScriptStep[]) {
  const log = { opened: 0, closed: 0, requests: [] as Array<{ family: number; protocol: number; seq: number }> };
  const open = (): NetlinkSocket => {
    log.opened++;
    const opened = log.opened;
    let queue: ScriptStep[] = [];
    return {
      send(buf, len) {
        const req = { family: buf[16], protocol: buf[17], seq: buf.readUInt32LE(8) };
        if (len !== 72) throw new Error(`request of ${len} bytes`);
        log.requests.push(req);
        queue = answer({ ...req, opened });
      },
      recv(buf) {
        const step = queue.shift();
        if (!step) throw new ErrnoError('recv', 11 /* EAGAIN: nothing queued */);
        if ('errno' in step) throw new ErrnoError('recv', step.errno);
        if ('truncatedTo' in step) return step.truncatedTo;
        if (step.length > buf.length) return step.length;
        step.copy(buf);
        return step.length;
      },
      close() {
        log.closed++;
      },
    };
  };
  return { open, log };
}

/** struct tcp_info fields a test sets (linux/tcp.h); the rest are filler. */
export interface InfoFields {
  rtt?: number;
  rttvar?: number;
  totalRetrans?: number;
  bytesAcked?: number;
  bytesSent?: number;
  bytesReceived?: number;
  segsOut?: number;
  segsIn?: number;
  busyTime?: number;
  rwndLimited?: number;
  sndbufLimited?: number;
}

/** A struct tcp_info of `len` bytes (232 on this kernel) with the given fields, the rest 0x5a filler. */
export function tcpInfo(f: InfoFields, len = 232): Buffer {
  const b = Buffer.alloc(Math.max(len, 232), 0x5a);
  b.writeUInt32LE(f.rtt ?? 0, TCP_INFO.rtt);
  b.writeUInt32LE(f.rttvar ?? 0, TCP_INFO.rttvar);
  b.writeUInt32LE(f.totalRetrans ?? 0, TCP_INFO.totalRetrans);
  b.writeBigUInt64LE(BigInt(f.bytesAcked ?? 0), TCP_INFO.bytesAcked);
  b.writeBigUInt64LE(BigInt(f.bytesReceived ?? 0), TCP_INFO.bytesReceived);
  b.writeUInt32LE(f.segsOut ?? 0, TCP_INFO.segsOut);
  b.writeUInt32LE(f.segsIn ?? 0, TCP_INFO.segsIn);
  b.writeBigUInt64LE(BigInt(f.busyTime ?? 0), TCP_INFO.busyTime);
  b.writeBigUInt64LE(BigInt(f.rwndLimited ?? 0), TCP_INFO.rwndLimited);
  b.writeBigUInt64LE(BigInt(f.sndbufLimited ?? 0), TCP_INFO.sndbufLimited);
  b.writeBigUInt64LE(BigInt(f.bytesSent ?? 0), TCP_INFO.bytesSent);
  return b.subarray(0, len);
}
