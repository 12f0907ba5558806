// "Restart as administrator" (Windows): decide whether elevating this copy of netmon is safe, start
// it elevated with ShellExecuteExW("runas"), and hand the single-instance lock over to it.
//
// The lock is never let go before the UAC prompt: the elevated copy starts with
// `--elevated-from=<our PID>` and waits (bounded) for the lock while we quit once the launch has
// succeeded. A declined prompt (ERROR_CANCELLED) leaves us running, lock held.
// Everything here is a pure function of its inputs or of the injected dependencies (unit-tested);
// main.ts supplies the real ShellExecuteExW, app.quit and the known folders.
import path from 'node:path';
import type { ActionResult } from '../../shared/ipc';

/** Switch naming the PID of the copy that asked for elevation (the lock holder to wait for). */
export const ELEVATED_FROM_SWITCH = '--elevated-from';

// Win32 error codes ShellExecuteExW reports through GetLastError (winerror.h).
export const ERROR_FILE_NOT_FOUND = 2;
export const ERROR_PATH_NOT_FOUND = 3;
export const ERROR_ACCESS_DENIED = 5;
export const ERROR_NOT_ENOUGH_MEMORY = 8;
export const ERROR_OUTOFMEMORY = 14;
export const ERROR_BAD_FORMAT = 11;
export const ERROR_NO_ASSOCIATION = 1155;
export const ERROR_CANCELLED = 1223;
export const ERROR_ACCESS_DISABLED_BY_POLICY = 1260;

/** Quotes one argument the way CommandLineToArgvW (and the C runtime) splits it back. */
export function quoteWindowsArg(arg: string): string {
  if (arg !== '' && !/[\s"]/.test(arg)) return arg;
  let out = '"';
  let slashes = 0;
  for (const ch of arg) {
    if (ch === '\\') {
      slashes++;
      continue;
    }
    // Backslashes are literal unless they precede a quote: then each one must be doubled.
    if (ch === '"') out += '\\'.repeat(slashes * 2 + 1) + '"';
    else out += '\\'.repeat(slashes) + ch;
    slashes = 0;
  }
  return out + '\\'.repeat(slashes * 2) + '"';
}

/** The lpParameters string of ShellExecuteExW: every argument quoted, joined by spaces. */
export function windowsCommandLine(args: readonly string[]): string {
  return args.map(quoteWindowsArg).join(' ');
}

/**
 * Arguments for the elevated copy: ours (argv after the executable) without an older
 * `--elevated-from`, plus `--elevated-from=<pid>`. An elevated process does not inherit our
 * environment (the consent service starts it), so `NETMON_SOURCE` travels as `--source=`
 * unless a `--source=` switch is already given.
 */
export function elevatedArgs(args: readonly string[], pid: number, env: Record<string, string | undefined>): string[] {
  const kept = args.filter((a) => !a.startsWith(`${ELEVATED_FROM_SWITCH}=`));
  const source = env.NETMON_SOURCE;
  if (source && !kept.some((a) => a.startsWith('--source='))) kept.push(`--source=${source}`);
  kept.push(`${ELEVATED_FROM_SWITCH}=${pid}`);
  return kept;
}

/** The PID given with `--elevated-from=PID`, or null (absent or not a positive integer). */
export function elevatedFrom(argv: readonly string[]): number | null {
  for (const a of argv) {
    const m = new RegExp(`^${ELEVATED_FROM_SWITCH}=(\\d{1,10})$`).exec(a);
    if (m) {
      const pid = Number(m[1]);
      if (pid > 0 && pid <= 0xffffffff) return pid;
    }
  }
  return null;
}

export type ElevationPolicy = { allowed: true } | { allowed: false; reason: string };

function isInside(child: string, root: string): boolean {
  const c = path.win32.resolve(child).toLowerCase();
  const r = path.win32.resolve(root).toLowerCase().replace(/\\+$/, '');
  return r.length > 0 && c.startsWith(`${r}\\`);
}

/**
 * Whether this copy may be restarted as administrator. Elevating runs netmon.exe and the koffi
 * binaries unpacked beside app.asar (outside its integrity check) with full rights, so they must
 * sit where only administrators can write: under a Program Files folder the OS names
 * (FOLDERID_ProgramFiles / ProgramFilesX86, from SHGetKnownFolderPath). A per-user install
 * (%LOCALAPPDATA%\Programs), a copied or unpacked folder, a network path or a development build is
 * refused with the reason. Pure: paths in, decision out.
 * @param execPath the running executable (process.execPath)
 * @param protectedRoots the OS's Program Files folders; empty when the OS would not say
 */
export function elevationPolicy(input: { execPath: string; packaged: boolean; protectedRoots: readonly string[] }): ElevationPolicy {
  if (!input.packaged) {
    return {
      allowed: false,
      reason:
        'this is a development build, run from a folder your account can change; elevating it would run that code as administrator. Start it from an administrator prompt if you mean to.',
    };
  }
  const exe = input.execPath;
  if (/^(\\\\|\/\/)/.test(exe)) {
    return { allowed: false, reason: `netmon runs from a network path (${exe}); it is only restarted as administrator from a local Program Files install.` };
  }
  const roots = input.protectedRoots.filter((r) => r.trim() !== '');
  if (roots.length === 0) {
    return { allowed: false, reason: 'Windows did not say where Program Files is, so netmon cannot tell whether its folder is protected; it will not elevate.' };
  }
  if (roots.some((r) => isInside(exe, r))) return { allowed: true };
  return {
    allowed: false,
    reason:
      `netmon is installed in ${path.win32.dirname(exe)}, a folder programs running as you can change, so running it as administrator ` +
      'would also run whatever they planted there. Install netmon for all users (it goes to Program Files) to use Restart as administrator.',
  };
}

/** Outcome of a ShellExecuteExW call: the Win32 error code from GetLastError when it failed. */
export type ShellExecuteOutcome = { ok: true } | { ok: false; error: number };

/** Human reason for a failed ShellExecuteExW("runas"), by Win32 error code (never by message text). */
export function elevationErrorReason(error: number, file: string): string {
  switch (error) {
    case ERROR_CANCELLED:
      return 'the administrator prompt was declined';
    case ERROR_FILE_NOT_FOUND:
    case ERROR_PATH_NOT_FOUND:
      return `Windows could not find ${file}`;
    case ERROR_ACCESS_DENIED:
      return 'Windows refused to start netmon as administrator (access denied); an administrator policy may forbid elevation';
    case ERROR_ACCESS_DISABLED_BY_POLICY:
      return 'a group policy (AppLocker / Software Restriction) blocks starting netmon as administrator';
    case ERROR_BAD_FORMAT:
      return `${file} is not a valid Windows program`;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
      return 'Windows ran out of memory starting netmon as administrator';
    case ERROR_NO_ASSOCIATION:
      return `Windows has no way to run ${file} as administrator`;
    default:
      return `starting netmon as administrator failed (Windows error ${error})`;
  }
}

export interface ElevateDeps {
  platform: NodeJS.Platform;
  execPath: string;
  /** Our arguments after the executable (process.argv.slice(1) in a packaged app). */
  args: string[];
  pid: number;
  env: Record<string, string | undefined>;
  packaged: boolean;
  /** The OS's Program Files folders (see elevationPolicy). */
  protectedRoots(): string[];
  /** ShellExecuteExW with verb "runas", owned by our window; synchronous (SEE_MASK_NOASYNC). */
  shellExecute(request: { file: string; parameters: string; directory: string }): ShellExecuteOutcome;
  /** Told every outcome (the app log keeps elevation results). */
  log(message: string): void;
  quit(): void;
}

/**
 * Restarts netmon elevated. Resolves `{ ok: true }` once the elevated copy has been started (we
 * then quit, handing it the lock); otherwise the reason, and we keep running with the lock.
 */
export async function restartAsAdmin(deps: ElevateDeps): Promise<ActionResult> {
  if (deps.platform !== 'win32') {
    return { ok: false, reason: `restarting as administrator is only available on Windows (this is ${deps.platform}); run netmon with sudo instead` };
  }
  let roots: string[];
  try {
    roots = deps.protectedRoots();
  } catch {
    roots = [];
  }
  const policy = elevationPolicy({ execPath: deps.execPath, packaged: deps.packaged, protectedRoots: roots });
  if (!policy.allowed) {
    deps.log(`restart as administrator refused: ${policy.reason}`);
    return { ok: false, reason: policy.reason };
  }
  const request = {
    file: deps.execPath,
    parameters: windowsCommandLine(elevatedArgs(deps.args, deps.pid, deps.env)),
    directory: path.win32.dirname(deps.execPath),
  };
  let outcome: ShellExecuteOutcome;
  try {
    outcome = deps.shellExecute(request);
  } catch (err) {
    const reason = `could not call ShellExecuteExW: ${err instanceof Error ? err.message : String(err)}`;
    deps.log(`restart as administrator failed: ${reason}`);
    return { ok: false, reason };
  }
  if (!outcome.ok) {
    const reason = elevationErrorReason(outcome.error, deps.execPath);
    deps.log(`restart as administrator: ${reason} (Windows error ${outcome.error})`);
    return { ok: false, reason };
  }
  deps.log(`restart as administrator: elevated copy started (${request.parameters}); this copy quits`);
  deps.quit();
  return { ok: true };
}

export interface LockWaitDeps {
  /** app.requestSingleInstanceLock(): true when we hold the lock now. */
  tryLock(): boolean;
  /** PID of the copy that elevated us (it holds the lock until it has quit), or null. */
  elevatedFrom: number | null;
  sleep(ms: number): Promise<void>;
  now(): number;
  /** Bound of the wait (default 15 s: the old copy quits right after the launch succeeds). */
  timeoutMs?: number;
  retryMs?: number;
}

/**
 * Takes the single-instance lock. A copy started by "Restart as administrator" waits for the
 * copy that started it to let go; any other copy asks once.
 * @returns 'acquired', 'taken' (another instance runs) or 'timeout' (the old copy did not quit in time)
 */
export async function acquireInstanceLock(deps: LockWaitDeps): Promise<'acquired' | 'taken' | 'timeout'> {
  if (deps.tryLock()) return 'acquired';
  if (deps.elevatedFrom === null) return 'taken';
  const deadline = deps.now() + (deps.timeoutMs ?? 15_000);
  while (deps.now() < deadline) {
    await deps.sleep(deps.retryMs ?? 200);
    if (deps.tryLock()) return 'acquired';
  }
  return 'timeout';
}
