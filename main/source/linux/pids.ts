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
// Owners are processes, not PIDs: each owner is remembered with its start time (field 22 of
// /proc/<pid>/stat), and a cached owner stands only while that PID still has that start time and
// is not a zombie (state Z: its fds are gone, though /proc/<pid> stays until it is reaped). So a
// zombie child does not keep a listener its parent still holds, and a reused PID does not inherit
// an old owner's sockets.
//
// A socket can sit in a fd table /proc/<pid>/fd does not show: a thread that unshared its files
// (CLONE_FILES) has its own, listed under /proc/<pid>/task/<tid>/fd, and so does a thread whose
// leader exited. When a walk leaves inodes unowned, it reads those task tables too.
//
// Inodes no process holds (kernel sockets, other users' processes when not root, a socket closed
// mid-walk) are remembered as unowned. A socket is in the table a moment before its fd is in its
// process's table (accept() makes the inode, then installs the fd), so an inode missed once is
// looked for again at the next resolve; after that it is retried by a thorough walk (every link
// re-read) after `unownedRetryMs`, doubling up to 5 minutes while it stays unowned, so it does not cost a walk
// on every poll. Inode 0 (TIME-WAIT, orphaned, not yet accepted) is a socket with no file: no process
// owns it, which the row says with PID_NONE (not PID_UNKNOWN, an owner not found).
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { PID_NONE, PID_UNKNOWN, ROW_WORDS, W, type RowTable } from '../../model/rows';
import { parseStat } from './processes';

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
  /** Processes whose fd directory could not be read for lack of rights (EACCES) in the last walk. */
  lastScanDenied: number;
}

export interface PidResolver {
  /** Writes the owner PID of row i into `rows` for every row, from inodes[i]: PID_NONE for inode 0 (no file), PID_UNKNOWN where no process was found. */
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
  /** Owner pid → the start time it had when found, and the task whose fd table holds its sockets. */
  const ownerId = new Map<number, { start: string; tid: number }>();
  let scans = 0;
  let lastScanProcesses = 0;
  let lastScanReadlinks = 0;
  let lastScanDenied = 0;

  /** State and start time of a task (the process itself when tid = pid); null when it is gone. */
  const taskStat = (pid: number, tid: number) => {
    try {
      return parseStat(readFileSync(tid === pid ? `${root}/${pid}/stat` : `${root}/${pid}/task/${tid}/stat`, 'latin1'));
    } catch {
      return null;
    }
  };

  /** Records `pid` as an owner found through task `tid`; false when it is a zombie or gone by now. */
  const noteOwner = (pid: number, tid: number): boolean => {
    const have = ownerId.get(pid);
    if (have && have.tid === tid) return true;
    const st = taskStat(pid, tid);
    if (!st || st.state === 'Z' || st.state === 'X') return false;
    ownerId.set(pid, { start: st.start, tid });
    return true;
  };

  /** Whether a cached owner is still the process it was: same start time, not a zombie. */
  const ownerAlive = (pid: number): boolean => {
    const id = ownerId.get(pid);
    if (!id) return false;
    const st = taskStat(pid, id.tid);
    return st !== null && st.start === id.start && st.state !== 'Z' && st.state !== 'X';
  };

  /**
   * Socket inodes held by `pid`; empty when the process is gone or its fds are not readable.
   * With `live`, cached links to sockets still in the table are trusted; without, all are re-read.
   */
  const socketsOf = (pid: number, live: Set<number> | null, tid = pid): number[] => {
    const dir = tid === pid ? `${root}/${pid}/fd` : `${root}/${pid}/task/${tid}/fd`;
    // Links of a thread's own table are cached under its negated tid, apart from the process's.
    const cacheKey = tid === pid ? pid : -tid;
    let fds: string[];
    try {
      fds = readdirSync(dir);
    } catch (e) {
      fdLinks.delete(cacheKey);
      if ((e as NodeJS.ErrnoException).code === 'EACCES') lastScanDenied++;
      return []; // exited, or another user's process and we are not root (counted above)
    }
    const prev = live ? fdLinks.get(cacheKey) : undefined;
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
    fdLinks.set(cacheKey, next);
    return out;
  };

  /** Thread ids of `pid` other than itself. */
  const threadsOf = (pid: number): number[] => {
    try {
      return readdirSync(`${root}/${pid}/task`)
        .map(Number)
        .filter((t) => Number.isInteger(t) && t !== pid);
    } catch {
      return [];
    }
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
    lastScanDenied = 0;
    const all = listPids();
    const present = new Set(all);
    for (const pid of fdLinks.keys()) if (pid > 0 && !present.has(pid)) fdLinks.delete(pid);
    for (const pid of ownerId.keys()) if (!present.has(pid)) ownerId.delete(pid);
    // Known socket owners first, then the rest newest first (new sockets tend to be in new processes).
    const rest = all.filter((p) => !preferred.has(p)).sort((a, b) => b - a);
    const order = [...[...preferred].filter((p) => present.has(p)), ...rest];
    let remaining = wanted.size;
    let visited = 0;
    const seenThisWalk = new Set<number>();
    const take = (pid: number, tid: number, inodes: number[]) => {
      if (inodes.length === 0 || !noteOwner(pid, tid)) return;
      for (const ino of inodes) {
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
    };
    for (const pid of order) {
      if (remaining === 0) break;
      visited++;
      take(pid, pid, socketsOf(pid, live));
    }
    // Still missing: look in the fd tables of threads that have their own (see the top).
    if (remaining > 0) {
      for (const pid of order) {
        if (remaining === 0) break;
        for (const tid of threadsOf(pid)) take(pid, tid, socketsOf(pid, live, tid));
      }
    }
    lastScanProcesses = visited;
    const t = now();
    for (const ino of wanted) {
      owner.set(ino, UNOWNED);
      const before = unowned.get(ino);
      // First miss: again at the next resolve (delay 0); then retryMs, doubling.
      unowned.set(ino, { at: t, delay: !before ? 0 : before.delay === 0 ? retryMs : Math.min(before.delay * 2, MAX_RETRY_MS) });
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
          // The quick second look trusts cached links (a new fd is read anyway); later ones do not.
          if (!u || u.delay > 0) thorough = true;
        }
      } else owners.add(pid);
    }
    // A cached owner that exited (or is a zombie, or whose PID now names another process): its
    // sockets may live on in a parent or child. Forget them and look again.
    for (const pid of owners) {
      if (ownerAlive(pid)) continue;
      ownerId.delete(pid);
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
      const pid = ino === 0 ? PID_NONE : (owner.get(ino) ?? UNOWNED);
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
    stats: () => ({ scans, lastScanProcesses, lastScanReadlinks, cached: owner.size, lastScanDenied }),
  };
}
