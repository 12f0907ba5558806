// A netlink socket through the C library: socket, setsockopt, send, recv, close, nothing more.
// The caller owns the message format (sock-diag-decode.ts) and the retry policy (source/linux/netlink.ts);
// this module only turns C return values into numbers and failures into ErrnoError.
import { bindLibc, lastErrno } from './koffi';

export const AF_NETLINK = 16;
export const NETLINK_SOCK_DIAG = 4;
const SOCK_DGRAM = 2;
const SOCK_CLOEXEC = 0o2000000;
const SOL_SOCKET = 1;
/** SO_RCVTIMEO on x86, x86-64, ARM and most other Linux ports (the old timeval form). */
const SO_RCVTIMEO = 20;
/** recv flag: return the datagram's real length even when it did not fit (truncation check). */
const MSG_TRUNC = 0x20;

export const EINTR = 4;
export const EAGAIN = 11;
export const ENOBUFS = 105;

/** A failed C call, with its errno. */
export class ErrnoError extends Error {
  override name = 'ErrnoError';
  constructor(
    readonly syscall: string,
    readonly errno: number,
  ) {
    super(`${syscall} failed with errno ${errno}`);
  }
}

export interface NetlinkSocket {
  /** Sends the first `len` bytes of `buf` to the kernel. */
  send(buf: Buffer, len: number): void;
  /**
   * Receives one datagram into `buf` and returns its full length, which exceeds `buf.length` when
   * the datagram was truncated. Throws ErrnoError (EINTR included: the caller decides to retry).
   */
  recv(buf: Buffer): number;
  close(): void;
}

interface Libc {
  socket(domain: number, type: number, protocol: number): number;
  setsockopt(fd: number, level: number, name: number, value: Buffer, len: number): number;
  send(fd: number, buf: Buffer, len: number, flags: number): number;
  recv(fd: number, buf: Buffer, len: number, flags: number): number;
  close(fd: number): number;
}

let c: Libc | null = null;
function libc(): Libc {
  if (c) return c;
  const socket = bindLibc('socket', 'int', ['int', 'int', 'int']);
  const setsockopt = bindLibc('setsockopt', 'int', ['int', 'int', 'int', 'void *', 'uint32']);
  const send = bindLibc('send', 'intptr_t', ['int', 'void *', 'uintptr_t', 'int']);
  const recv = bindLibc('recv', 'intptr_t', ['int', 'void *', 'uintptr_t', 'int']);
  const close = bindLibc('close', 'int', ['int']);
  c = {
    socket: (d, t, p) => socket(d, t, p) as number,
    setsockopt: (fd, l, n, v, len) => setsockopt(fd, l, n, v, len) as number,
    send: (fd, b, len, f) => Number(send(fd, b, len, f)),
    recv: (fd, b, len, f) => Number(recv(fd, b, len, f)),
    close: (fd) => close(fd) as number,
  };
  return c;
}

/**
 * Opens a netlink socket for `protocol` (e.g. NETLINK_SOCK_DIAG). A receive timeout bounds every
 * recv, so a kernel that never finishes a dump costs a failed poll, not a hung worker.
 */
export function openNetlinkSocket(protocol: number, recvTimeoutMs = 2000): NetlinkSocket {
  const lib = libc();
  const fd = lib.socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, protocol);
  if (fd < 0) throw new ErrnoError('socket', lastErrno());
  if (process.arch === 'x64' || process.arch === 'arm64') {
    // struct timeval { long tv_sec; long tv_usec; } on 64-bit Linux.
    const tv = Buffer.alloc(16);
    tv.writeBigInt64LE(BigInt(Math.floor(recvTimeoutMs / 1000)), 0);
    tv.writeBigInt64LE(BigInt((recvTimeoutMs % 1000) * 1000), 8);
    if (lib.setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, tv, 16) < 0) {
      const errno = lastErrno();
      lib.close(fd);
      throw new ErrnoError('setsockopt(SO_RCVTIMEO)', errno);
    }
  }
  let open = true;
  return {
    send(buf, len) {
      if (!open) throw new ErrnoError('send', 9 /* EBADF */);
      const n = lib.send(fd, buf, len, 0);
      if (n < 0) throw new ErrnoError('send', lastErrno());
    },
    recv(buf) {
      if (!open) throw new ErrnoError('recv', 9 /* EBADF */);
      const n = lib.recv(fd, buf, buf.length, MSG_TRUNC);
      if (n < 0) throw new ErrnoError('recv', lastErrno());
      return n;
    },
    close() {
      if (!open) return;
      open = false;
      lib.close(fd);
    },
  };
}
