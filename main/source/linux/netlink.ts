// The kernel's socket tables over netlink sock_diag: one dump per family and protocol (the request
// names a single family, so tcp, tcp6, udp, udp6 are four dumps), decoded straight into the same
// rows + inodes table the procfs parser fills. Binary and generated on demand, so the kernel does
// a fraction of the work printing /proc/net/tcp costs at thousands of sockets.
//
// One socket stays open across polls. Retry policy: EINTR retries the recv; ENOBUFS, a truncated
// datagram or a dump the kernel flags as interrupted (NLM_F_DUMP_INTR) drops the rows of that
// table, reopens the socket (so nothing of the abandoned dump can be read later) and dumps again,
// a bounded number of times.
import { EINTR, ENOBUFS, ErrnoError, NETLINK_SOCK_DIAG, openNetlinkSocket, type NetlinkSocket } from '../../native/netlink';
import { SourceError } from '../types';
import type { ProcNetTable } from './procfs';
import { REQUEST_LEN, SockDiagError, decodeSockDiag, encodeInetDiagRequest, errnoText, targetName, type DiagTarget } from './sock-diag-decode';

export interface SockDiagReader {
  /** Appends every socket of each target to `into` (rows + inodes). Throws SourceError. */
  read(into: ProcNetTable, targets: readonly DiagTarget[]): void;
  close(): void;
}

export interface SockDiagOptions {
  /** Opens the netlink socket; tests inject a scripted one. */
  open?: () => NetlinkSocket;
  /** Dump attempts per table before giving up (default 3). */
  attempts?: number;
}

const MAX_EINTR = 100;
/** What the kernel answers for a family or protocol it has no diag handler for (module absent, IPv6 off). */
const ABSENT = new Set([2 /* ENOENT */, 22 /* EINVAL */, 93 /* EPROTONOSUPPORT */, 95 /* EOPNOTSUPP */, 97 /* EAFNOSUPPORT */]);

function describe(e: unknown, what: string): SourceError {
  if (e instanceof SourceError) return e;
  if (e instanceof ErrnoError) return new SourceError(`sock_diag ${what}: ${e.syscall} failed: ${errnoText(e.errno)}`, e.errno);
  return new SourceError(`sock_diag ${what}: ${e instanceof Error ? e.message : String(e)}`);
}

/**
 * Opens the netlink socket at once, so an unavailable sock_diag (no C library binding, socket()
 * refused by a sandbox or seccomp, protocol missing) throws here with the reason.
 */
export function openSockDiag(opts: SockDiagOptions = {}): SockDiagReader {
  const open = opts.open ?? (() => openNetlinkSocket(NETLINK_SOCK_DIAG));
  const attempts = Math.max(1, opts.attempts ?? 3);
  let sock: NetlinkSocket | null;
  try {
    sock = open();
  } catch (e) {
    throw describe(e, 'socket');
  }
  const req = Buffer.alloc(REQUEST_LEN);
  // A dump datagram is at most ~32 KB (the kernel's cap); 64 KB leaves room, and a larger one
  // (recv reports its real length with MSG_TRUNC) grows the buffer and redoes the dump.
  let buf = Buffer.allocUnsafe(64 * 1024);
  let seq = 0;

  const socket = (): NetlinkSocket => (sock ??= open());
  const reopen = () => {
    sock?.close();
    sock = null;
  };

  /** One complete dump of `t`; returns false when it must be redone (rows already rolled back). */
  const dumpOnce = (into: ProcNetTable, t: DiagTarget): boolean => {
    const start = into.rows.count;
    seq = (seq + 1) >>> 0 || 1;
    const s = socket();
    s.send(req, encodeInetDiagRequest(req, t, seq));
    // One options object per dump, not per datagram: an object spread costs ~0.5 µs.
    const decodeOpts = { ...t, seq };
    let interrupted = false;
    for (;;) {
      let n = -1;
      for (let i = 0; n < 0; i++) {
        try {
          n = s.recv(buf);
        } catch (e) {
          if (e instanceof ErrnoError && e.errno === EINTR && i < MAX_EINTR) continue;
          throw e;
        }
      }
      if (n > buf.length) {
        buf = Buffer.allocUnsafe(Math.max(n, buf.length * 2));
        into.rows.count = start;
        reopen();
        return false;
      }
      const r = decodeSockDiag(buf, n, decodeOpts, into);
      interrupted ||= r.interrupted;
      if (r.done) break;
      if (n === 0) throw new SourceError(`sock_diag ${targetName(t)}: the kernel closed the dump without NLMSG_DONE`);
    }
    if (interrupted) {
      into.rows.count = start;
      return false;
    }
    return true;
  };

  const dump = (into: ProcNetTable, t: DiagTarget): void => {
    const start = into.rows.count;
    for (let attempt = 1; ; attempt++) {
      try {
        if (dumpOnce(into, t)) return;
        if (attempt >= attempts) throw new SourceError(`sock_diag ${targetName(t)}: the dump was interrupted ${attempts} times in a row`);
      } catch (e) {
        into.rows.count = start;
        // The socket may hold the rest of the failed dump: never read from it again.
        reopen();
        const errno = e instanceof ErrnoError ? e.errno : e instanceof SockDiagError ? e.errno : 0;
        if (errno === ENOBUFS && attempt < attempts) continue;
        if (t.required === false && e instanceof SockDiagError && ABSENT.has(e.errno)) return;
        throw describe(e, targetName(t));
      }
    }
  };

  return {
    read(into, targets) {
      for (const t of targets) dump(into, t);
    },
    close() {
      reopen();
    },
  };
}
