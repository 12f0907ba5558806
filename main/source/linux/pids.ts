// Socket inode → owning PID, from /proc/<pid>/fd/* links of the form `socket:[inode]`.
//
// Reading every process's fd directory is by far the slowest part of a Linux poll (it is why
// `ss -p` is ~20× slower than `ss`), so the mapping is cached and the directory walk runs only when
// the table shows an inode the cache does not know, or a cached owner has exited (its sockets may
// now belong to a child that inherited them). The walk visits processes already known to own
// sockets first and stops as soon as every unknown inode is found.
//
// Inodes no process holds (kernel sockets, other users' processes when not root, a socket closed
// mid-walk) are remembered as unowned and retried only after `unownedRetryMs`, so they do not
// trigger a full walk on every poll. Inode 0 (TIME-WAIT, orphaned, not yet accepted) has no owner.
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

export function createPidResolver(opts: PidResolverOptions = {}): PidResolver {
  const root = opts.procRoot ?? '/proc';
  const retryMs = opts.unownedRetryMs ?? 10_000;
  const now = opts.now ?? Date.now;
  /** inode → pid, or UNOWNED. */
  const owner = new Map<number, number>();
  /** inode → time a walk last failed to find it (only for UNOWNED entries). */
  const unownedSince = new Map<number, number>();
  let scans = 0;
  let lastScanProcesses = 0;

  const pidAlive = (pid: number): boolean => {
    try {
      statSync(`${root}/${pid}`);
      return true;
    } catch {
      return false;
    }
  };

  /** Socket inodes held by `pid`; empty when the process is gone or its fds are not readable. */
  const socketsOf = (pid: number): number[] => {
    const dir = `${root}/${pid}/fd`;
    let fds: string[];
    try {
      fds = readdirSync(dir);
    } catch {
      return []; // exited, or another user's process and we are not root: skip quietly
    }
    const out: number[] = [];
    for (const fd of fds) {
      let link: string;
      try {
        link = readlinkSync(`${dir}/${fd}`);
      } catch {
        continue; // fd closed between readdir and readlink
      }
      if (!link.startsWith(SOCKET_PREFIX)) continue;
      const ino = Number(link.slice(SOCKET_PREFIX.length, -1));
      if (Number.isFinite(ino) && ino > 0) out.push(ino);
    }
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
  const walk = (wanted: Set<number>, preferred: Set<number>): void => {
    scans++;
    const all = listPids();
    // Known socket owners first, then the rest newest first (new sockets tend to be in new processes).
    const rest = all.filter((p) => !preferred.has(p)).sort((a, b) => b - a);
    const present = new Set(all);
    const order = [...[...preferred].filter((p) => present.has(p)), ...rest];
    let remaining = wanted.size;
    let visited = 0;
    const seenThisWalk = new Set<number>();
    for (const pid of order) {
      if (remaining === 0) break;
      visited++;
      for (const ino of socketsOf(pid)) {
        // Shared sockets (fork, fd passing): the first process found in this walk keeps it, but an
        // owner cached from an earlier walk that is still alive keeps it too (stable display).
        if (seenThisWalk.has(ino)) continue;
        seenThisWalk.add(ino);
        const prev = owner.get(ino);
        if (prev === undefined || prev === UNOWNED) owner.set(ino, pid);
        unownedSince.delete(ino);
        if (wanted.delete(ino)) remaining--;
      }
    }
    lastScanProcesses = visited;
    const t = now();
    for (const ino of wanted) {
      owner.set(ino, UNOWNED);
      unownedSince.set(ino, t);
    }
  };

  const resolve = (rows: RowTable, inodes: Float64Array): void => {
    const w = rows.words;
    const count = rows.count;
    const t = now();
    const wanted = new Set<number>();
    const owners = new Set<number>();
    for (let i = 0; i < count; i++) {
      const ino = inodes[i];
      if (ino === 0) continue;
      const pid = owner.get(ino);
      if (pid === undefined) wanted.add(ino);
      else if (pid === UNOWNED) {
        if (t - (unownedSince.get(ino) ?? 0) >= retryMs) wanted.add(ino);
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
    if (wanted.size > 0) walk(wanted, owners);

    for (let i = 0; i < count; i++) {
      const ino = inodes[i];
      const pid = ino === 0 ? UNOWNED : (owner.get(ino) ?? UNOWNED);
      w[i * ROW_WORDS + W.PID] = pid === UNOWNED ? PID_UNKNOWN : pid;
    }

    // Keep the cache bounded by what the table still holds.
    if (owner.size > 2 * count + 1024) {
      const live = new Set<number>();
      for (let i = 0; i < count; i++) live.add(inodes[i]);
      for (const ino of owner.keys()) {
        if (!live.has(ino)) {
          owner.delete(ino);
          unownedSince.delete(ino);
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
    stats: () => ({ scans, lastScanProcesses, cached: owner.size }),
  };
}
