// Socket inode → owning PID, from /proc/<pid>/fd/* links of the form `socket:[inode]`.
//
// Reading every process's fd directory is by far the slowest part of a Linux poll (it is why
// `ss -p` is ~20× slower than `ss`), so the mapping is cached and the directory walk runs only when
// the table shows an inode the cache does not know, or a cached owner has exited (its sockets may
// now belong to a child that inherited them). The walk visits processes already known to own
// sockets first and stops as soon as every unknown inode is found.
//
// Each process's fd → socket inode links are remembered too. A link whose socket is still in the
// table cannot have changed (closing the last fd of a socket takes its inode out of the table), so
// a walk re-reads only the links it has not seen or whose socket has gone: a process holding
// thousands of live sockets costs one readdir, not thousands of readlinks. The one case that rule
// misses (an fd reused while a dup of the old socket lives elsewhere) is caught by the thorough
// walk below.
//
// Inodes no process holds (kernel sockets, other users' processes when not root, a socket closed
// mid-walk) are remembered as unowned and retried by a thorough walk (every link re-read) after
// `unownedRetryMs`, doubling up to 5 minutes while they stay unowned, so they do not cost a walk
// on every poll. Inode 0 (TIME-WAIT, orphaned, not yet accepted) has no owner.
import { readdirSync, readlinkSync, statSync } from 'node:fs';
import { PID_UNKNOWN, ROW_WORDS, W, type RowTable } from '../../model/rows';

export interface PidResolverOptions {
  procRoot?: string;
  /** How long an inode found in no process stays unowned before a walk may look for it again. */
  unownedRetryMs?: number;
  now?: () => number;
}

export interface PidScanStats {
  /** Full or partial directory walks so far. */
  scans: number;
  /** Processes whose fd directory was read in the last walk. */
  lastScanProcesses: number;
  /** fd links read with readlink in the last walk (the rest came from the per-process cache). */
  lastScanReadlinks: number;
  /** Inode entries in the cache (owned + unowned). */
  cached: number;
}

export interface PidResolver {
  /** Writes the owner PID (or PID_UNKNOWN) of row i into `rows` for every row, from inodes[i]. */
  resolve(rows: RowTable, inodes: Float64Array): void;
  /** Owner of one inode from the cache only (PID_UNKNOWN when unknown). */
  lookup(inode: number): number;
  stats(): PidScanStats;
}

const UNOWNED = -1;
const SOCKET_PREFIX = 'socket:[';
const MAX_RETRY_MS = 300_000;

export function createPidResolver(opts: PidResolverOptions = {}): PidResolver {
  const root = opts.procRoot ?? '/proc';
  const retryMs = opts.unownedRetryMs ?? 10_000;
  const now = opts.now ?? Date.now;
  /** inode → pid, or UNOWNED. */
  const owner = new Map<number, number>();
  /** For UNOWNED inodes: when a walk last missed them and how long to wait before the next try. */
  const unowned = new Map<number, { at: number; delay: number }>();
  /** pid → (fd name → socket inode), the links read in earlier walks. */
  const fdLinks = new Map<number, Map<string, number>>();
  let scans = 0;
  let lastScanProcesses = 0;
  let lastScanReadlinks = 0;

  const pidAlive = (pid: number): boolean => {
    try {
      statSync(`${root}/${pid}`);
      return true;
    } catch {
      return false;
    }
  };

  /**
   * Socket inodes held by `pid`; empty when the process is gone or its fds are not readable.
   * With `live`, cached links to sockets still in the table are trusted; without, all are re-read.
   */
  const socketsOf = (pid: number, live: Set<number> | null): number[] => {
    const dir = `${root}/${pid}/fd`;
    let fds: string[];
    try {
      fds = readdirSync(dir);
    } catch {
      fdLinks.delete(pid);
      return []; // exited, or another user's process and we are not root: skip quietly
    }
    const prev = live ? fdLinks.get(pid) : undefined;
    const next = new Map<string, number>();
    const out: number[] = [];
    for (const fd of fds) {
      const known = prev?.get(fd);
      if (known !== undefined && live!.has(known)) {
        next.set(fd, known);
        out.push(known);
        continue;
      }
      let link: string;
      try {
        lastScanReadlinks++;
        link = readlinkSync(`${dir}/${fd}`);
      } catch {
        continue; // fd closed between readdir and readlink
      }
      if (!link.startsWith(SOCKET_PREFIX)) continue;
      const ino = Number(link.slice(SOCKET_PREFIX.length, -1));
      if (Number.isFinite(ino) && ino > 0) {
        next.set(fd, ino);
        out.push(ino);
      }
    }
    fdLinks.set(pid, next);
    return out;
  };

  const listPids = (): number[] => {
    let names: string[];
    try {
      names = readdirSync(root);
    } catch {
      return [];
    }
    const pids: number[] = [];
    for (const n of names) {
      const c = n.charCodeAt(0);
      if (c >= 48 && c <= 57) {
        const pid = Number(n);
        if (Number.isInteger(pid)) pids.push(pid);
      }
    }
    return pids;
  };

  /** Walks processes until every inode in `wanted` has an owner; marks the rest unowned. */
  const walk = (wanted: Set<number>, preferred: Set<number>, live: Set<number> | null): void => {
    scans++;
    lastScanReadlinks = 0;
    const all = listPids();
    const present = new Set(all);
    for (const pid of fdLinks.keys()) if (!present.has(pid)) fdLinks.delete(pid);
    // Known socket owners first, then the rest newest first (new sockets tend to be in new processes).
    const rest = all.filter((p) => !preferred.has(p)).sort((a, b) => b - a);
    const order = [...[...preferred].filter((p) => present.has(p)), ...rest];
    let remaining = wanted.size;
    let visited = 0;
    const seenThisWalk = new Set<number>();
    for (const pid of order) {
      if (remaining === 0) break;
      visited++;
      for (const ino of socketsOf(pid, live)) {
        // Shared sockets (fork, fd passing): the first process found keeps it, and an owner cached
        // from an earlier walk that is still alive keeps it too (a stable display).
        if (seenThisWalk.has(ino)) continue;
        seenThisWalk.add(ino);
        const prev = owner.get(ino);
        if (prev === undefined || prev === UNOWNED) owner.set(ino, pid);
        if (wanted.delete(ino)) {
          remaining--;
          unowned.delete(ino);
        }
      }
    }
    lastScanProcesses = visited;
    const t = now();
    for (const ino of wanted) {
      owner.set(ino, UNOWNED);
      const before = unowned.get(ino);
      unowned.set(ino, { at: t, delay: before ? Math.min(before.delay * 2, MAX_RETRY_MS) : retryMs });
    }
  };

  const resolve = (rows: RowTable, inodes: Float64Array): void => {
    const w = rows.words;
    const count = rows.count;
    const t = now();
    const wanted = new Set<number>();
    const owners = new Set<number>();
    let thorough = false;
    for (let i = 0; i < count; i++) {
      const ino = inodes[i];
      if (ino === 0) continue;
      const pid = owner.get(ino);
      if (pid === undefined) wanted.add(ino);
      else if (pid === UNOWNED) {
        const u = unowned.get(ino);
        if (!u || t - u.at >= u.delay) {
          wanted.add(ino);
          thorough = true;
        }
      } else owners.add(pid);
    }
    // A cached owner that exited: its sockets may live on in a child. Forget them and look again.
    for (const pid of owners) {
      if (pidAlive(pid)) continue;
      owners.delete(pid);
      for (const [ino, p] of owner) {
        if (p === pid) {
          owner.delete(ino);
          wanted.add(ino);
        }
      }
    }
    if (wanted.size > 0) walk(wanted, owners, thorough ? null : new Set(inodes.subarray(0, count)));

    for (let i = 0; i < count; i++) {
      const ino = inodes[i];
      const pid = ino === 0 ? UNOWNED : (owner.get(ino) ?? UNOWNED);
      w[i * ROW_WORDS + W.PID] = pid === UNOWNED ? PID_UNKNOWN : pid;
    }

    // Keep the cache bounded by what the table still holds.
    if (owner.size > 2 * count + 1024) {
      const live = new Set(inodes.subarray(0, count));
      for (const ino of owner.keys()) {
        if (!live.has(ino)) {
          owner.delete(ino);
          unowned.delete(ino);
        }
      }
    }
  };

  return {
    resolve,
    lookup: (inode) => {
      const pid = owner.get(inode);
      return pid === undefined || pid === UNOWNED ? PID_UNKNOWN : pid;
    },
    stats: () => ({ scans, lastScanProcesses, lastScanReadlinks, cached: owner.size }),
  };
}
