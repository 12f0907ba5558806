// The admin actions behind the details pane and the context menu — process details, close
// connection, end process — dispatched to the OS implementation. Whatever the OS does, the
// caller gets an ActionResult: arguments are re-checked here (callers validate too, this is the
// last stop before the OS), a throwing implementation becomes a failure carrying its message,
// and an "access denied" always says that administrator rights are needed. Ending a process is
// refused when the PID now names another process than the row showed (start times differ), when
// it is netmon's own, or a critical Windows process; a close is only ok when the next read of
// the table no longer holds the connection.
import type { ActionResult, CloseTarget, EndProcessTarget, ProcessDetails } from '../../shared/ipc';
import { IpcArgumentError } from '../../shared/ipc';
import { isoTime } from '../../shared/format';
import { validateCloseTarget, validateEndProcessTarget, validatePid } from '../../shared/validate';
import type { RowTable } from '../model/rows';
import { createPlatformSource } from '../source/index';
import { createLinuxActions } from '../source/linux/actions';
import { criticalWindowsProcess, systemPidReason } from './critical';
import { STILL_OPEN_REASON, stillOpen } from './still-open';
import { createWindowsActions } from './windows';

/**
 * Two readings of one process's start time agree within this (ms): Linux counts it in clock ticks
 * (10 ms at USER_HZ 100), Windows in 100 ns units rounded to ms. A PID reused within it is not told apart.
 */
export const START_TIME_TOLERANCE_MS = 10;

/** What one OS provides; results may be sync (Windows FFI calls) or async (Linux runs `ss`). */
export interface OsActions {
  processDetails(pid: number): Promise<ProcessDetails | null> | ProcessDetails | null;
  closeConnection(target: CloseTarget): Promise<ActionResult> | ActionResult;
  /** `startTime` (epoch ms, already checked by the service) lets an OS re-check it on the handle it ends. */
  endProcess(pid: number, startTime?: number): Promise<ActionResult> | ActionResult;
}

export interface ActionService {
  getProcessDetails(pid: number): Promise<ProcessDetails | null>;
  /** Same as getProcessDetails. */
  processDetails(pid: number): Promise<ProcessDetails | null>;
  closeConnection(target: CloseTarget): Promise<ActionResult>;
  endProcess(target: EndProcessTarget): Promise<ActionResult>;
}

export interface ActionServiceOptions {
  /** Default process.platform. */
  platform?: NodeJS.Platform;
  /** The OS implementation; default chosen by platform (tests inject fakes). */
  os?: OsActions;
  /** netmon's own PID (never ended from its own UI); default process.pid. */
  selfPid?: number;
  /**
   * More of netmon's processes that its UI must not end, each with what it is (e.g. the engine's
   * utility process, the server process); default none beyond selfPid.
   */
  ownPids?: () => ReadonlyMap<number, string>;
  /** %SystemRoot% for the critical-process rule; default the environment's, else C:\Windows. */
  systemRoot?: string;
  /** A fresh read of the connection table, to check a close; default this platform's source. */
  readTable?: () => Promise<RowTable> | RowTable;
}

const NEEDS_ADMIN_TEXT = /administrator/i;

export function createActionService(opts: ActionServiceOptions = {}): ActionService {
  const platform = opts.platform ?? process.platform;
  const selfPid = opts.selfPid ?? process.pid;
  const systemRoot = opts.systemRoot ?? process.env.SystemRoot ?? 'C:\\Windows';
  let os: OsActions | null = opts.os ?? null;
  // Bound on first use: the Windows implementation loads DLLs, the Linux one reads /etc/passwd.
  const impl = (): OsActions => (os ??= osActionsFor(platform));

  const getProcessDetails = async (pid: number): Promise<ProcessDetails | null> => {
    try {
      return (await impl().processDetails(validatePid(pid))) ?? null;
    } catch {
      // Details are informational: a failure shows as "no details", the pane says the process is unknown.
      return null;
    }
  };

  const endProcess = async (target: EndProcessTarget): Promise<ActionResult> =>
    settle(endLabel(target), async () => {
      const { pid, startTime } = validateEndProcessTarget(target);
      const system = systemPidReason(pid, platform);
      if (system) return { ok: false, reason: system };
      // No OS implementation: its own reason, before any check that would need one.
      if (!opts.os && platform !== 'win32' && platform !== 'linux') return impl().endProcess(pid);
      if (pid === selfPid) return { ok: false, reason: `PID ${pid} is netmon itself; close the app instead` };
      const own = opts.ownPids?.().get(pid);
      if (own !== undefined) return { ok: false, reason: `PID ${pid} is ${own}, part of netmon; close the app instead` };
      const now = await impl().processDetails(pid);
      if (!now) return { ok: false, reason: `no process with PID ${pid} (it has exited already)` };
      const changed = identityProblem(pid, startTime, now.startTime);
      if (changed) return { ok: false, reason: changed };
      if (platform === 'win32') {
        const critical = criticalWindowsProcess(now.path, systemRoot);
        if (critical) return { ok: false, reason: critical };
      }
      // startTime is known here (identityProblem refuses null): Windows checks it again on its handle.
      return impl().endProcess(pid, startTime ?? undefined);
    });

  let source: ReturnType<typeof createPlatformSource> | null = null;
  const readTable = opts.readTable ?? (() => (source ??= createPlatformSource('auto')).read());

  const closeConnection = async (target: CloseTarget): Promise<ActionResult> =>
    settle('close connection', async () => {
      const t = validateCloseTarget(target);
      const r = await impl().closeConnection(t);
      if (!r.ok) return r;
      // The OS said yes; the table has the last word.
      let table: RowTable;
      try {
        table = await readTable();
      } catch (e) {
        return { ok: false, reason: `the OS reported success, but the table could not be read to check it: ${(e as Error).message}` };
      }
      return stillOpen(table, t) ? { ok: false, reason: STILL_OPEN_REASON } : r;
    });

  return { getProcessDetails, processDetails: getProcessDetails, closeConnection, endProcess };
}

function endLabel(target: unknown): string {
  const pid = (target as { pid?: unknown } | null)?.pid;
  return typeof pid === 'number' ? `end process ${pid}` : 'end process';
}

/** Why PID `pid` is no longer the process the row showed, or null when it still is. */
export function identityProblem(pid: number, shown: number | null, now: number | null): string | null {
  // The OS's number may be anything: a time a Date cannot hold is shown as the number, never thrown.
  const at = (ms: number): string => isoTime(ms) ?? `${ms} ms`;
  if (shown === null) {
    return `netmon does not know when PID ${pid} started, so it cannot make sure it is still the process shown; nothing was ended`;
  }
  if (now === null) return `cannot read when PID ${pid} started, so netmon cannot make sure it is still the process shown; nothing was ended`;
  if (Math.abs(now - shown) > START_TIME_TOLERANCE_MS) {
    return `PID ${pid} is now another process (started ${at(now)}; the one shown started ${at(shown)}): it exited and its PID was reused; nothing was ended`;
  }
  return null;
}

/** Runs an action, turning throws into failures and making "needs admin" say so. */
async function settle(what: string, run: () => Promise<ActionResult>): Promise<ActionResult> {
  let r: ActionResult;
  try {
    r = await run();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: e instanceof IpcArgumentError ? `${what}: ${msg}` : `${what} failed: ${msg}` };
  }
  return normalize(r);
}

/** A fresh ActionResult with only the contract's fields (OS layers may add e.g. `code`). */
export function normalize(r: ActionResult): ActionResult {
  if (r.ok) return { ok: true };
  const reason = r.reason && r.reason.trim() ? r.reason : 'the operating system refused without giving a reason';
  if (!r.needsAdmin) return { ok: false, reason };
  return { ok: false, reason: NEEDS_ADMIN_TEXT.test(reason) ? reason : `${reason} — administrator rights are needed`, needsAdmin: true };
}

function osActionsFor(platform: NodeJS.Platform): OsActions {
  if (platform === 'win32') return createWindowsActions();
  if (platform === 'linux') {
    const linux = createLinuxActions();
    return { processDetails: (pid) => linux.getProcessDetails(pid), closeConnection: (t) => linux.closeConnection(t), endProcess: (pid) => linux.endProcess(pid) };
  }
  return unsupported(platform);
}

export function unsupported(platform: string): OsActions {
  return {
    processDetails: () => null,
    closeConnection: () => ({ ok: false, reason: `closing connections is not supported on ${platform}` }),
    endProcess: () => ({ ok: false, reason: `ending processes is not supported on ${platform}` }),
  };
}
