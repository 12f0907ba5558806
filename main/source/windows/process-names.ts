// PID → image name / path. Windows reuses PIDs quickly, so each cache entry remembers the
// process's creation time and is trusted only while that still matches: a new process under an
// old PID is looked up afresh instead of showing the old name.
import type { ProcessInfo } from '../types';

/** 100 ns ticks between 1601-01-01 (FILETIME epoch) and 1970-01-01. */
const FILETIME_UNIX_EPOCH_TICKS = 116_444_736_000_000_000n;

/** FILETIME ticks (GetProcessTimes creation time) → epoch ms; null for 0 (the OS's "unknown") and for times before 1970. */
export function filetimeToEpochMs(ticks: bigint): number | null {
  if (ticks <= FILETIME_UNIX_EPOCH_TICKS) return null;
  return Number((ticks - FILETIME_UNIX_EPOCH_TICKS) / 10_000n);
}

/** The native lookups, injected so the cache logic is testable without Windows. */
export interface ProcessLookups<H> {
  /** Opens the process for limited query; null when denied or gone. */
  open(pid: number): H | null;
  /** Creation time (any monotonic identity of the process instance); null when unavailable. */
  creationTime(h: H): bigint | null;
  /** Full image path; null when the OS will not say. */
  imagePath(h: H): string | null;
  close(h: H): void;
}

const WELL_KNOWN: Record<number, string> = { 0: 'System Idle Process', 4: 'System' };

interface Entry {
  created: bigint;
  info: ProcessInfo;
  /** Poll generation in which the creation time was last checked. */
  checked: number;
}

/** Last path component of a Windows (or POSIX) path. */
export function imageName(path: string): string {
  const i = Math.max(path.lastIndexOf('\\'), path.lastIndexOf('/'));
  return i >= 0 ? path.slice(i + 1) : path;
}

export class ProcessNameCache<H> {
  private readonly entries = new Map<number, Entry>();
  private generation = 0;
  /** Native lookups done (path queries), for tests and stats. */
  pathQueries = 0;

  constructor(private readonly native: ProcessLookups<H>) {}

  /**
   * Starts a new poll: entries for PIDs not in `seen` are dropped (keeps the cache bounded by the
   * live table), and each remaining PID is re-validated once on its next lookup.
   */
  beginPoll(seen: Iterable<number>): void {
    this.generation++;
    const keep = new Set(seen);
    for (const pid of this.entries.keys()) if (!keep.has(pid)) this.entries.delete(pid);
  }

  get size(): number {
    return this.entries.size;
  }

  lookup(pid: number): ProcessInfo {
    const known = WELL_KNOWN[pid];
    if (known !== undefined) return { pid, name: known, path: null };
    const cached = this.entries.get(pid);
    // Within one poll a PID cannot be reused in a way the table would show: skip the re-check.
    if (cached && cached.checked === this.generation) return cached.info;

    const h = this.native.open(pid);
    if (h === null) {
      // Access denied (or the process is gone): say "unknown" rather than guess from the cache.
      this.entries.delete(pid);
      return { pid, name: null, path: null };
    }
    try {
      const created = this.native.creationTime(h);
      if (cached && created !== null && cached.created === created) {
        cached.checked = this.generation;
        return cached.info;
      }
      this.pathQueries++;
      const path = this.native.imagePath(h);
      const info: ProcessInfo = { pid, name: path === null ? null : imageName(path), path };
      // The owner's start time rides on every row (Connection.processStartTime): end-process checks it.
      const startTime = created === null ? null : filetimeToEpochMs(created);
      if (startTime !== null) info.startTime = startTime;
      if (created !== null) this.entries.set(pid, { created, info, checked: this.generation });
      else this.entries.delete(pid);
      return info;
    } finally {
      this.native.close(h);
    }
  }
}
