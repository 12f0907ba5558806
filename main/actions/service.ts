// The admin actions behind the details pane and the context menu — process details, close
// connection, end process — dispatched to the OS implementation. Whatever the OS does, the
// caller gets an ActionResult: arguments are re-checked here (callers validate too, this is the
// last stop before the OS), a throwing implementation becomes a failure carrying its message,
// and an "access denied" always says that administrator rights are needed.
import type { ActionResult, CloseTarget, ProcessDetails } from '../../shared/ipc';
import { IpcArgumentError } from '../../shared/ipc';
import { validateCloseTarget, validatePid } from '../../shared/validate';
import { createLinuxActions } from '../source/linux/actions';
import { createWindowsActions } from './windows';

/** What one OS provides; results may be sync (Windows FFI calls) or async (Linux runs `ss`). */
export interface OsActions {
  processDetails(pid: number): Promise<ProcessDetails | null> | ProcessDetails | null;
  closeConnection(target: CloseTarget): Promise<ActionResult> | ActionResult;
  endProcess(pid: number): Promise<ActionResult> | ActionResult;
}

export interface ActionService {
  getProcessDetails(pid: number): Promise<ProcessDetails | null>;
  /** Same as getProcessDetails. */
  processDetails(pid: number): Promise<ProcessDetails | null>;
  closeConnection(target: CloseTarget): Promise<ActionResult>;
  endProcess(pid: number): Promise<ActionResult>;
}

export interface ActionServiceOptions {
  /** Default process.platform. */
  platform?: NodeJS.Platform;
  /** The OS implementation; default chosen by platform (tests inject fakes). */
  os?: OsActions;
  /** netmon's own PID (never ended from its own UI); default process.pid. */
  selfPid?: number;
}

const NEEDS_ADMIN_TEXT = /administrator/i;

export function createActionService(opts: ActionServiceOptions = {}): ActionService {
  const platform = opts.platform ?? process.platform;
  const selfPid = opts.selfPid ?? process.pid;
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

  const closeConnection = async (target: CloseTarget): Promise<ActionResult> =>
    settle('close connection', async () => impl().closeConnection(validateCloseTarget(target)));

  const endProcess = async (pid: number): Promise<ActionResult> =>
    settle(`end process ${String(pid)}`, async () => {
      const p = validatePid(pid);
      if (p === selfPid) return { ok: false, reason: `PID ${p} is netmon itself; close the app instead` };
      return impl().endProcess(p);
    });

  return { getProcessDetails, processDetails: getProcessDetails, closeConnection, endProcess };
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
