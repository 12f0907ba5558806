// The Linux connection source: the kernel's TCP (and UDP) tables from netlink sock_diag, or from
// procfs where netlink is unavailable; owners from the inode → PID cache, names from the process cache.
//
// Why two ways to read the same tables: at ~10k sockets the kernel spends most of a poll printing
// /proc/net/tcp as text, a few percent of a core at 1 Hz; a sock_diag dump hands over the same
// sockets (inode included) in binary for a fraction of that. But sock_diag needs the C library
// through koffi and a netlink socket, which a sandbox, seccomp or an odd build may refuse, while
// procfs is always there. So netlink is preferred and procfs is the fallback, and the source's name
// (linux-netlink / linux-procfs) says which one is in use; backendInfo() says why.
//
// Both show the sockets of netmon's own network namespace only. procfs does not print the
// interface an IPv6 link-local socket is bound to, so its scope ids are 0; netlink fills them for
// the addresses that need a zone: link-local, and link-scope multicast (see sock-diag-decode.ts).
import { closeSync, openSync, readSync } from 'node:fs';
import { COUNTER_SLOTS, ROW_WORDS, type RowTable } from '../../model/rows';
import { SourceError, type ConnectionSource } from '../types';
import { readDynamicRanges } from '../port-range';
import { createPidResolver, type PidResolverOptions, type PidScanStats } from './pids';
import { openSockDiag, type SockDiagOptions, type SockDiagReader } from './netlink';
import { createProcessCache } from './processes';
import { createProcNetTable, parseProcNet, type ParseReport, type ProcNetTable } from './procfs';

export interface LinuxSourceOptions {
  /** Include UDP endpoints (/proc/net/udp, udp6); default true. */
  udp?: boolean;
  /** Root of procfs; tests point this at a fake tree. Default `/proc`. */
  procRoot?: string;
  /** See PidResolverOptions. */
  unownedRetryMs?: PidResolverOptions['unownedRetryMs'];
  /**
   * Where the tables come from. `auto` (default): netlink, falling back to procfs when netlink is
   * unavailable, and procfs whenever procRoot is not `/proc` (tables and owners must come from the
   * same tree). `netlink` throws SourceError when it is unavailable.
   */
  tables?: 'auto' | 'netlink' | 'procfs';
  /** Test seam for the netlink socket. */
  sockDiag?: SockDiagOptions;
  /** Per-connection traffic counters (tcp_info) with the netlink backend; default true. */
  counters?: boolean;
  /** Effective user id (tests); default process.geteuid(). */
  euid?: number;
}

export interface LinuxBackendInfo {
  kind: 'netlink' | 'procfs';
  /** Why procfs is used when it is (netlink's error, or the option that asked for it); null for netlink. */
  reason: string | null;
}

export interface LinuxSource extends ConnectionSource {
  /**
   * Synchronous: procfs reads are fast file reads and the caller runs polls off the UI thread.
   * Two buffers are filled in turn: the table (and lastInodes) stay intact until the read after next.
   */
  read(): RowTable;
  /** Lines skipped in the last read, per file (empty when none were). */
  lastSkipped(): Record<string, ParseReport>;
  pidStats(): PidScanStats;
  /** Socket inodes of the rows of the last read, row by row (for diagnostics and tests). */
  lastInodes(): Float64Array;
  backendInfo(): LinuxBackendInfo;
  notices(): string[];
}

/** EngineStatus notice of a run without root that could not read other users' fd tables. */
export const HIDDEN_OWNERS_NOTICE = "not running as root: the owners of other users' sockets are hidden (run as root to see every owner)";


interface TableFile {
  name: string;
  protocol: 'tcp' | 'udp';
  family: 4 | 6;
  /** A missing file is fine (IPv6 disabled, UDP module absent); the IPv4 TCP table must exist. */
  required: boolean;
}

export function createLinuxSource(opts: LinuxSourceOptions = {}): LinuxSource {
  const root = opts.procRoot ?? '/proc';
  const files: TableFile[] = [
    { name: 'tcp', protocol: 'tcp', family: 4, required: true },
    { name: 'tcp6', protocol: 'tcp', family: 6, required: false },
  ];
  if (opts.udp ?? true) {
    files.push({ name: 'udp', protocol: 'udp', family: 4, required: false });
    files.push({ name: 'udp6', protocol: 'udp', family: 6, required: false });
  }
  const counters = opts.counters ?? true;
  const targets = files.map((f) => ({ protocol: f.protocol, family: f.family, required: f.required, info: counters }));
  const mode = opts.tables ?? 'auto';
  let netlink: SockDiagReader | null = null;
  let backend: LinuxBackendInfo = { kind: 'procfs', reason: 'tables: procfs was asked for' };
  if (mode === 'netlink' || (mode === 'auto' && root === '/proc')) {
    try {
      netlink = openSockDiag(opts.sockDiag);
      backend = { kind: 'netlink', reason: null };
    } catch (e) {
      if (mode === 'netlink') throw e;
      backend = { kind: 'procfs', reason: `netlink sock_diag unavailable: ${(e as Error).message}` };
    }
  } else if (mode === 'auto') {
    backend = { kind: 'procfs', reason: `procRoot is ${root}, not /proc` };
  }
  const euid = opts.euid ?? process.geteuid?.() ?? 0;
  let hiddenOwners = false;
  const pids = createPidResolver({ procRoot: root, unownedRetryMs: opts.unownedRetryMs });
  const processes = createProcessCache({ procRoot: root });
  // Two tables filled in turn: what read() hands out stays intact through the next read (the
  // engine copies it at once; a caller comparing two reads still can) and no poll allocates.
  const scratches: [ProcNetTable, ProcNetTable] = [createProcNetTable(1024), createProcNetTable(1024)];
  let turn = 0;
  let scratch = scratches[0];
  // One read buffer kept between polls; procfs files report size 0, so read until EOF.
  let buf = Buffer.allocUnsafe(1 << 20);
  let skipped: Record<string, ParseReport> = {};
  let inodes: Float64Array = new Float64Array(0);

  const readWhole = (path: string): Uint8Array | null => {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      if (err.code === 'ENOENT') return null;
      throw new SourceError(`cannot open ${path}: ${err.message}`, typeof err.errno === 'number' ? -err.errno : undefined);
    }
    try {
      let len = 0;
      for (;;) {
        if (len === buf.length) {
          const bigger = Buffer.allocUnsafe(buf.length * 2);
          buf.copy(bigger, 0, 0, len);
          buf = bigger;
        }
        // Reads of up to 1 MB measured fastest from seq_file; much larger ones were slower.
        const n = readSync(fd, buf, len, Math.min(buf.length - len, 1 << 20), null);
        if (n === 0) break;
        len += n;
      }
      return buf.subarray(0, len);
    } catch (e) {
      throw new SourceError(`cannot read ${path}: ${(e as Error).message}`);
    } finally {
      closeSync(fd);
    }
  };

  const readProcfs = (): void => {
    for (const f of files) {
      const path = `${root}/net/${f.name}`;
      const bytes = readWhole(path);
      if (bytes === null) {
        if (f.required) throw new SourceError(`${path} does not exist: is procfs mounted?`);
        continue;
      }
      const report = parseProcNet(bytes, { protocol: f.protocol, family: f.family, fileName: path }, scratch);
      if (report.skipped > 0) skipped[path] = report;
    }
  };

  let netlinkWorked = false;
  const readNetlink = (): void => {
    try {
      netlink!.read(scratch, targets);
      netlinkWorked = true;
    } catch (e) {
      // A socket that opens but whose dumps are refused (an LSM, a filtered syscall) is as good as
      // none: until one dump has worked, a failure means procfs for the rest of the session. After
      // that a failure is this poll's, and the next poll tries again.
      if (netlinkWorked || opts.tables === 'netlink') throw e;
      netlink!.close();
      netlink = null;
      backend = { kind: 'procfs', reason: `netlink sock_diag failed: ${(e as Error).message}` };
      scratch.rows.count = 0;
      readProcfs();
    }
  };

  const read = (): RowTable => {
    turn ^= 1;
    scratch = scratches[turn];
    scratch.rows.count = 0;
    skipped = {};
    if (netlink) readNetlink();
    else readProcfs();
    pids.resolve(scratch.rows, scratch.inodes);
    // Once a walk has met fd tables it may not read, the table misses owners for good (said once).
    if (euid !== 0 && pids.stats().lastScanDenied > 0) hiddenOwners = true;
    processes.nextGeneration();
    const count = scratch.rows.count;
    inodes = scratch.inodes.subarray(0, count);
    const out: RowTable = { words: scratch.rows.words.subarray(0, Math.max(1, count) * ROW_WORDS), count };
    if (netlink && counters && scratch.rows.counters) {
      out.counters = scratch.rows.counters.subarray(0, Math.max(1, count) * COUNTER_SLOTS);
      // tcp_info counts from the socket's creation (tcp_sock zeroed at connect / accept).
      out.countersFromOpen = true;
    } else out.countersNote = netlink ? 'counters are switched off' : 'not available with the procfs backend';
    return out;
  };

  return {
    get name() {
      return netlink ? 'linux-netlink' : 'linux-procfs';
    },
    read,
    processInfo: (pid) => processes.info(pid),
    processDetails: (pid) => processes.details(pid),
    lastSkipped: () => skipped,
    pidStats: () => pids.stats(),
    lastInodes: () => inodes,
    backendInfo: () => backend,
    notices: () => (hiddenOwners ? [HIDDEN_OWNERS_NOTICE] : []),
    dynamicRanges: () => readDynamicRanges('linux'),
    close: () => netlink?.close(),
  };
}
