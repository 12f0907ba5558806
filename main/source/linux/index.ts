// The Linux connection source: the kernel's TCP (and UDP) tables from procfs, owners from the
// inode → PID cache, names from the process cache.
//
// Limits of procfs worth knowing: it shows the sockets of netmon's own network namespace only, and
// it does not print the interface an IPv6 link-local socket is bound to, so scope ids are 0.
import { closeSync, openSync, readSync } from 'node:fs';
import { ROW_WORDS, type RowTable } from '../../model/rows';
import { SourceError, type ConnectionSource } from '../types';
import { createPidResolver, type PidResolverOptions, type PidScanStats } from './pids';
import { createProcessCache } from './processes';
import { createProcNetTable, parseProcNet, type ParseReport, type ProcNetTable } from './procfs';

export interface LinuxSourceOptions {
  /** Include UDP endpoints (/proc/net/udp, udp6); default true. */
  udp?: boolean;
  /** Root of procfs; tests point this at a fake tree. Default `/proc`. */
  procRoot?: string;
  /** See PidResolverOptions. */
  unownedRetryMs?: PidResolverOptions['unownedRetryMs'];
}

export interface LinuxSource extends ConnectionSource {
  /** Synchronous: procfs reads are fast file reads and the caller runs polls off the UI thread. */
  read(): RowTable;
  /** Lines skipped in the last read, per file (empty when none were). */
  lastSkipped(): Record<string, ParseReport>;
  pidStats(): PidScanStats;
  /** Socket inodes of the rows of the last read, row by row (for diagnostics and tests). */
  lastInodes(): Float64Array;
}

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
  const pids = createPidResolver({ procRoot: root, unownedRetryMs: opts.unownedRetryMs });
  const processes = createProcessCache({ procRoot: root });
  const scratch: ProcNetTable = createProcNetTable(1024);
  // One read buffer kept between polls; procfs files report size 0, so read until EOF.
  let buf = Buffer.allocUnsafe(1 << 20);
  let skipped: Record<string, ParseReport> = {};
  let inodes = new Float64Array(0);

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

  const read = (): RowTable => {
    scratch.rows.count = 0;
    skipped = {};
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
    pids.resolve(scratch.rows, scratch.inodes);
    processes.nextGeneration();
    // The engine keeps the previous table for its diff: hand out a copy, keep the scratch.
    const count = scratch.rows.count;
    inodes = scratch.inodes.slice(0, count);
    return { words: scratch.rows.words.slice(0, Math.max(1, count) * ROW_WORDS), count };
  };

  return {
    name: 'linux-procfs',
    read,
    processInfo: (pid) => processes.info(pid),
    processDetails: (pid) => processes.details(pid),
    lastSkipped: () => skipped,
    pidStats: () => pids.stats(),
    lastInodes: () => inodes,
  };
}
