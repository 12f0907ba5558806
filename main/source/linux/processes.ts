// PID → process name / path / details from procfs.
//
// PIDs are reused, so every cache entry is keyed by PID *and* the process start time (field 22 of
// /proc/<pid>/stat, clock ticks since boot): a new process under an old PID has a different start
// time and is looked up afresh. Checking the start time costs a file read, so it is checked at most
// once per PID per generation (the source bumps the generation once per poll); within one poll the
// same PID is asked about for many rows.
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { readFile, readlink } from 'node:fs/promises';
import type { ProcessDetails, ProcessInfo } from '../types';

export interface ProcessCacheOptions {
  procRoot?: string;
  /** Where user names come from; default /etc/passwd. */
  passwdPath?: string;
  /** Clock ticks per second for /proc/<pid>/stat times; default `getconf CLK_TCK` (read once). */
  clockTicks?: number;
}

export interface ProcessCache {
  info(pid: number): ProcessInfo | null;
  details(pid: number): Promise<ProcessDetails | null>;
  /** Marks the start of a new poll: start times are re-checked once per PID per generation. */
  nextGeneration(): void;
  /** Entries currently cached (for tests / stats). */
  size(): number;
}

interface Entry {
  start: string;
  checkedGen: number;
  info: ProcessInfo;
}

/**
 * Start time (field 22) from /proc/<pid>/stat text. The command name (field 2) is in parentheses
 * and may itself hold spaces and ')', so fields are counted from the *last* ')'.
 */
export function parseStatStartTime(stat: string): string | null {
  const close = stat.lastIndexOf(')');
  if (close < 0) return null;
  // After ") " come field 3 (state) onwards; field 22 is the 20th of them.
  const fields = stat.slice(close + 2).split(' ');
  const v = fields[19];
  return v !== undefined && /^\d+$/.test(v) ? v : null;
}

/**
 * State (field 3: R, S, D, Z zombie, X dead, …) and start time (field 22, clock ticks since boot)
 * from /proc/<pid>/stat text; null when malformed. Fields are counted from the last ')' (see above).
 */
export function parseStat(stat: string): { state: string; start: string } | null {
  const close = stat.lastIndexOf(')');
  const start = parseStatStartTime(stat);
  if (close < 0 || start === null) return null;
  return { state: stat.charAt(close + 2), start };
}

/** Real UID from /proc/<pid>/status text (`Uid:\treal\teffective\tsaved\tfs`). */
export function parseStatusUid(status: string): number | null {
  const m = /^Uid:\s+(\d+)/m.exec(status);
  return m ? Number(m[1]) : null;
}

/** UID → user name from /etc/passwd text. */
export function parsePasswd(text: string): Map<number, string> {
  const out = new Map<number, string>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const f = line.split(':');
    if (f.length < 3) continue;
    const uid = Number(f[2]);
    if (Number.isInteger(uid) && !out.has(uid)) out.set(uid, f[0]);
  }
  return out;
}

/** `btime` (boot time, epoch seconds) from /proc/stat text. */
export function parseBootTime(procStat: string): number | null {
  const m = /^btime\s+(\d+)/m.exec(procStat);
  return m ? Number(m[1]) : null;
}

/** /proc/<pid>/cmdline (NUL-separated argv) → one line; null when empty (kernel threads, zombies). */
export function formatCmdline(raw: string): string | null {
  const s = raw.replace(/\0+$/, '').replace(/\0/g, ' ');
  return s === '' ? null : s;
}

let clockTicksCached: number | null = null;
/** CLK_TCK from `getconf` once per process; 100 (the value on every mainstream Linux ABI) if unavailable. */
function systemClockTicks(): number {
  if (clockTicksCached !== null) return clockTicksCached;
  let ticks = 100;
  try {
    const v = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000 }).trim());
    if (Number.isInteger(v) && v > 0) ticks = v;
  } catch {
    // getconf missing: keep 100
  }
  clockTicksCached = ticks;
  return ticks;
}

export function createProcessCache(opts: ProcessCacheOptions = {}): ProcessCache {
  const root = opts.procRoot ?? '/proc';
  const passwdPath = opts.passwdPath ?? '/etc/passwd';
  const cache = new Map<number, Entry>();
  let gen = 1;

  const readStart = (pid: number): string | null => {
    try {
      return parseStatStartTime(readFileSync(`${root}/${pid}/stat`, 'latin1'));
    } catch {
      return null;
    }
  };

  const info = (pid: number): ProcessInfo | null => {
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const e = cache.get(pid);
    if (e && e.checkedGen === gen) return e.info;
    const start = readStart(pid);
    if (start === null) {
      cache.delete(pid); // exited (or unreadable): nothing to show
      return null;
    }
    if (e && e.start === start) {
      e.checkedGen = gen;
      return e.info;
    }
    let name: string | null;
    try {
      name = readFileSync(`${root}/${pid}/comm`, 'utf8').replace(/\n$/, '');
    } catch {
      name = null;
    }
    let path: string | null;
    try {
      path = readlinkSync(`${root}/${pid}/exe`);
    } catch {
      path = null; // another user's process without privileges, or a kernel thread
    }
    const fresh: Entry = { start, checkedGen: gen, info: { pid, name, path } };
    cache.set(pid, fresh);
    return fresh.info;
  };

  let users: Map<number, string> | null = null;
  const userName = async (uid: number): Promise<string> => {
    if (users === null || !users.has(uid)) {
      try {
        users = parsePasswd(await readFile(passwdPath, 'utf8'));
      } catch {
        users = new Map();
      }
    }
    return users.get(uid) ?? String(uid);
  };

  const orNull = async <T>(p: Promise<T>): Promise<T | null> => {
    try {
      return await p;
    } catch {
      return null;
    }
  };

  const details = async (pid: number): Promise<ProcessDetails | null> => {
    if (!Number.isInteger(pid) || pid <= 0) return null;
    const stat = await orNull(readFile(`${root}/${pid}/stat`, 'latin1'));
    if (stat === null) return null;
    const start = parseStatStartTime(stat);
    const [comm, exe, cmdline, status, procStat] = await Promise.all([
      orNull(readFile(`${root}/${pid}/comm`, 'utf8')),
      orNull(readlink(`${root}/${pid}/exe`)),
      orNull(readFile(`${root}/${pid}/cmdline`, 'utf8')),
      orNull(readFile(`${root}/${pid}/status`, 'utf8')),
      orNull(readFile(`${root}/stat`, 'latin1')),
    ]);
    const uid = status === null ? null : parseStatusUid(status);
    const btime = procStat === null ? null : parseBootTime(procStat);
    const ticks = opts.clockTicks ?? systemClockTicks();
    return {
      pid,
      name: comm === null ? null : comm.replace(/\n$/, ''),
      path: exe,
      commandLine: cmdline === null ? null : formatCmdline(cmdline),
      user: uid === null ? null : await userName(uid),
      startTime: start === null || btime === null ? null : btime * 1000 + Math.round((Number(start) * 1000) / ticks),
      services: [],
    };
  };

  return {
    info,
    details,
    nextGeneration: () => {
      gen++;
      // Forget processes nobody has asked about for a while (exited ones, mostly).
      if (gen % 64 === 0) for (const [pid, e] of cache) if (e.checkedGen < gen - 64) cache.delete(pid);
    },
    size: () => cache.size,
  };
}
