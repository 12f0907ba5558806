// PID → process name / path / details from procfs.
//
// Names are whole: `comm` holds at most 15 bytes (TASK_COMM_LEN - 1) and may be cut inside a UTF-8
// character, so when it is exactly 15 bytes the name is the executable's basename or argv[0]'s,
// whichever it is a prefix of; failing both, comm without its torn last character (see wholeName).
//
// PIDs are reused, so every cache entry is keyed by PID *and* the process start time (field 22 of
// /proc/<pid>/stat, clock ticks since boot): a new process under an old PID has a different start
// time and is looked up afresh. Checking the start time costs a file read, so it is checked at most
// once per PID per generation (the source bumps the generation once per poll); within one poll the
// same PID is asked about for many rows.
import { execFileSync } from 'node:child_process';
import { readFileSync, readlinkSync } from 'node:fs';
import { basename } from 'node:path';
import { readFile, readlink } from 'node:fs/promises';
import type { ProcessDetails, ProcessInfo } from '../types';
import { childEnv } from '../../child-env';

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

/** Bytes kept of a process's name in `comm` (TASK_COMM_LEN 16, less the NUL). */
const COMM_BYTES = 15;

/** UTF-8 text of `b`, without an incomplete character at its end (any other bad byte becomes U+FFFD). */
export function utf8WithoutTornTail(b: Uint8Array): string {
  let end = b.length;
  // Step back over continuation bytes (10xxxxxx) to the lead byte of the last character.
  let lead = end - 1;
  while (lead >= 0 && lead > end - 4 && (b[lead] & 0xc0) === 0x80) lead--;
  if (lead >= 0) {
    const x = b[lead];
    const need = x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : x >= 0xc0 ? 2 : 1;
    if (end - lead < need) end = lead;
  }
  return Buffer.from(b.buffer, b.byteOffset, end).toString('utf8');
}

/**
 * A process's whole name from `comm` (its bytes, without the trailing newline), the target of its
 * `exe` link and its argv[0] (bytes; either null when unreadable). A 15-byte comm was cut by the
 * kernel: the basename of exe or of argv[0] that starts with those bytes is the name. Otherwise
 * comm is, with a torn last character dropped. Always valid UTF-8 text.
 */
export function wholeName(comm: Uint8Array, exe: Uint8Array | null, argv0: Uint8Array | null): string {
  if (comm.length === COMM_BYTES) {
    for (const full of [exe, argv0]) {
      if (!full || full.length === 0) continue;
      let text = Buffer.from(full.buffer, full.byteOffset, full.length).toString('utf8');
      text = basename(text.replace(/ \(deleted\)$/, ''));
      const bytes = Buffer.from(text, 'utf8');
      if (bytes.length > COMM_BYTES && Buffer.compare(bytes.subarray(0, COMM_BYTES), comm) === 0) return text;
    }
  }
  return utf8WithoutTornTail(comm);
}

let clockTicksCached: number | null = null;
/** CLK_TCK from `getconf` once per process; 100 (the value on every mainstream Linux ABI) if unavailable. */
function systemClockTicks(): number {
  if (clockTicksCached !== null) return clockTicksCached;
  let ticks = 100;
  try {
    const v = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8', timeout: 2000, env: childEnv() }).trim());
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
  let bootMs: number | null | undefined;

  /** Epoch ms of a start time in clock ticks since boot; null when /proc/stat has no btime. */
  const startEpochMs = (ticks: string): number | null => {
    if (bootMs === undefined) {
      let btime: number | null = null;
      try {
        btime = parseBootTime(readFileSync(`${root}/stat`, 'latin1'));
      } catch {
        // no /proc/stat: start times stay unknown
      }
      bootMs = btime === null ? null : btime * 1000;
    }
    return bootMs === null ? null : bootMs + Math.round((Number(ticks) * 1000) / (opts.clockTicks ?? systemClockTicks()));
  };

  /** The whole name of `pid` (see wholeName), null when comm cannot be read. */
  const nameOf = (pid: number, comm: Buffer | null, exe: Buffer | null): string | null => {
    if (comm === null) return null;
    const c = comm[comm.length - 1] === 0x0a ? comm.subarray(0, -1) : comm;
    let argv0: Buffer | null = null;
    if (c.length === COMM_BYTES) {
      try {
        const raw = readFileSync(`${root}/${pid}/cmdline`);
        const nul = raw.indexOf(0);
        argv0 = nul < 0 ? raw : raw.subarray(0, nul);
      } catch {
        argv0 = null;
      }
    }
    return wholeName(c, exe, argv0);
  };
  const readBytes = (path: string): Buffer | null => {
    try {
      return readFileSync(path);
    } catch {
      return null;
    }
  };
  const linkBytes = (path: string): Buffer | null => {
    try {
      return readlinkSync(path, { encoding: 'buffer' });
    } catch {
      return null; // another user's process without privileges, or a kernel thread
    }
  };

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
    const exe = linkBytes(`${root}/${pid}/exe`);
    const name = nameOf(pid, readBytes(`${root}/${pid}/comm`), exe);
    const path = exe === null ? null : exe.toString('utf8');
    const fresh: Entry = { start, checkedGen: gen, info: { pid, name, path, startTime: startEpochMs(start) } };
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
      orNull(readFile(`${root}/${pid}/comm`)),
      orNull(readlink(`${root}/${pid}/exe`, { encoding: 'buffer' })),
      orNull(readFile(`${root}/${pid}/cmdline`, 'utf8')),
      orNull(readFile(`${root}/${pid}/status`, 'utf8')),
      orNull(readFile(`${root}/stat`, 'latin1')),
    ]);
    const uid = status === null ? null : parseStatusUid(status);
    const btime = procStat === null ? null : parseBootTime(procStat);
    const ticks = opts.clockTicks ?? systemClockTicks();
    return {
      pid,
      name: nameOf(pid, comm, exe),
      path: exe === null ? null : exe.toString('utf8'),
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
