// Close connection / end process on Linux.
//
// Closing uses the kernel's socket destroy (sock_diag SOCK_DESTROY) through `ss -K`, which needs
// CAP_NET_ADMIN and a kernel built with CONFIG_INET_DIAG_DESTROY. `ss -K` prints only the sockets
// it actually destroyed; when the kernel cannot destroy one (EOPNOTSUPP) it prints nothing and
// still exits 0, so success is judged from its output and, when that is empty, a second lookup
// tells "no such connection" apart from "the kernel refused".
import { execFile } from 'node:child_process';
import { isIPv4, isIPv6 } from 'node:net';
import { childEnv } from '../../child-env';
import type { ActionResult, CloseTarget, ProcessDetails } from '../../../shared/ipc';
import { createProcessCache, type ProcessCache } from './processes';

export interface LinuxActionsOptions {
  /** The `ss` binary; default `ss` from PATH. */
  ssPath?: string;
  /** Process cache for details (share the source's to share its cache). */
  processes?: ProcessCache;
  /** Timeout for each `ss` run, ms. */
  timeoutMs?: number;
  /** Signal sender; default process.kill (tests inject failures). */
  kill?: (pid: number, signal: NodeJS.Signals) => void;
}

export interface LinuxActions {
  getProcessDetails(pid: number): Promise<ProcessDetails | null>;
  closeConnection(target: CloseTarget): Promise<ActionResult>;
  endProcess(pid: number): Promise<ActionResult>;
}

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Spawn failure (e.g. ENOENT when ss is not installed). */
  spawnError?: NodeJS.ErrnoException;
}

function run(cmd: string, args: string[], timeoutMs: number): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: timeoutMs, encoding: 'utf8', env: childEnv() }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') {
        resolve({ code: null, stdout, stderr, spawnError: err as NodeJS.ErrnoException });
        return;
      }
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const validPort = (p: unknown): p is number => typeof p === 'number' && Number.isInteger(p) && p >= 1 && p <= 65535;

/** Checks a close target; returns the reason it is unusable, or null. */
export function checkCloseTarget(t: CloseTarget): string | null {
  const isAddr = t.family === 6 ? isIPv6 : isIPv4;
  if (t.family !== 4 && t.family !== 6) return `family must be 4 or 6, got ${String(t.family)}`;
  if (!isAddr(t.localAddress)) return `local address ${JSON.stringify(t.localAddress)} is not an IPv${t.family} address`;
  if (!isAddr(t.remoteAddress)) return `remote address ${JSON.stringify(t.remoteAddress)} is not an IPv${t.family} address`;
  if (!validPort(t.localPort)) return `local port must be 1..65535, got ${String(t.localPort)}`;
  if (!validPort(t.remotePort)) return `remote port must be 1..65535, got ${String(t.remotePort)}`;
  return null;
}

/**
 * The `ss` filter naming exactly one TCP connection. IPv6 addresses go in brackets: ss would read
 * the last `:group` of a bare IPv6 address as a port.
 */
export function ssFilterArgs(t: CloseTarget): string[] {
  const a = (addr: string) => (t.family === 6 ? `[${addr}]` : addr);
  return ['dst', a(t.remoteAddress), 'dport', '=', `:${t.remotePort}`, 'src', a(t.localAddress), 'sport', '=', `:${t.localPort}`];
}

/** Data lines (not the header) of `ss` output. */
function dataLines(out: string): string[] {
  return out.split('\n').filter((l) => l.trim() !== '' && !/^(State|Netid)\s/.test(l));
}

export function describeEndpoints(t: CloseTarget): string {
  const e = (a: string, p: number) => (t.family === 6 ? `[${a}]:${p}` : `${a}:${p}`);
  return `${e(t.localAddress, t.localPort)} → ${e(t.remoteAddress, t.remotePort)}`;
}

export function createLinuxActions(opts: LinuxActionsOptions = {}): LinuxActions {
  const ss = opts.ssPath ?? 'ss';
  const timeoutMs = opts.timeoutMs ?? 5000;
  const processes = opts.processes ?? createProcessCache();
  const kill = opts.kill ?? ((pid: number, sig: NodeJS.Signals) => void process.kill(pid, sig));

  const closeConnection = async (target: CloseTarget): Promise<ActionResult> => {
    const bad = checkCloseTarget(target);
    if (bad) return { ok: false, reason: `cannot close connection: ${bad}` };
    const what = describeEndpoints(target);
    const filter = ssFilterArgs(target);
    const family = target.family === 6 ? '-6' : '-4';
    const killed = await run(ss, ['-K', '-t', '-n', family, 'state', 'connected', ...filter], timeoutMs);
    if (killed.spawnError) {
      return {
        ok: false,
        reason:
          killed.spawnError.code === 'ENOENT'
            ? `cannot close ${what}: the "ss" tool (iproute2) is not installed`
            : `cannot close ${what}: running ss failed: ${killed.spawnError.message}`,
      };
    }
    const err = killed.stderr.trim();
    if (/Operation not permitted|Permission denied/i.test(err)) {
      return {
        ok: false,
        reason: `closing ${what} needs administrator rights (CAP_NET_ADMIN): run netmon as root`,
        needsAdmin: true,
      };
    }
    if (killed.code !== 0) {
      return { ok: false, reason: `ss could not close ${what}: ${err || `exit status ${String(killed.code)}`}` };
    }
    if (dataLines(killed.stdout).length > 0) return { ok: true };

    // Nothing destroyed: is the connection there at all?
    const look = await run(ss, ['-t', '-n', family, 'state', 'connected', ...filter], timeoutMs);
    if (look.code === 0 && dataLines(look.stdout).length === 0) {
      return { ok: false, reason: `no TCP connection ${what} exists (it may have closed already)` };
    }
    return {
      ok: false,
      reason:
        `the kernel did not destroy ${what}: socket destroy needs a kernel built with ` +
        `CONFIG_INET_DIAG_DESTROY and CAP_NET_ADMIN${err ? ` (${err})` : ''}`,
      needsAdmin: process.getuid?.() !== 0,
    };
  };

  const endProcess = async (pid: number): Promise<ActionResult> => {
    if (!Number.isInteger(pid) || pid <= 0) return { ok: false, reason: `not a process id: ${String(pid)}` };
    if (pid === 1) return { ok: false, reason: 'refusing to end PID 1 (init): that would bring the system down' };
    if (pid === process.pid) return { ok: false, reason: `PID ${pid} is netmon itself` };
    try {
      kill(pid, 'SIGTERM');
      return { ok: true };
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ESRCH') return { ok: false, reason: `no process with PID ${pid} (it has exited already)` };
      if (code === 'EPERM') {
        return {
          ok: false,
          reason: `not permitted to end PID ${pid}: it belongs to another user; run netmon as root`,
          needsAdmin: true,
        };
      }
      return { ok: false, reason: `could not end PID ${pid}: ${(e as Error).message}` };
    }
  };

  return {
    getProcessDetails: (pid) => processes.details(pid),
    closeConnection,
    endProcess,
  };
}
