// Admin actions on Windows: close an IPv4 TCP connection (SetTcpEntry with DELETE_TCB) and end a
// process (OpenProcess(PROCESS_TERMINATE) + TerminateProcess). Failures carry the OS's reason.
import type { ActionResult } from '../../../shared/ipc';
import { filetimeToEpochMs } from './process-names';
import {
  ERROR_ACCESS_DENIED,
  ERROR_INVALID_PARAMETER,
  ERROR_MR_MID_NOT_FOUND,
  NO_ERROR,
  describeWin32,
} from './errors';

export const MIB_TCP_STATE_DELETE_TCB = 12;

/** An IPv4 connection as the RowTable holds it: addresses as (a<<24|b<<16|c<<8|d)>>>0, ports as numbers. */
export interface TcpEndpointsV4 {
  localAddr: number;
  localPort: number;
  remoteAddr: number;
  remotePort: number;
}

export type WindowsActionResult = ActionResult & { code: number };

/** MIB_TCPROW (20 bytes) asking for DELETE_TCB: addresses and ports in network order, as GetTcpTable gives them. */
export function encodeDeleteTcbRow(t: TcpEndpointsV4): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32LE(MIB_TCP_STATE_DELETE_TCB, 0);
  b.writeUInt32BE(t.localAddr >>> 0, 4);
  b.writeUInt16BE(t.localPort, 8);
  b.writeUInt32BE(t.remoteAddr >>> 0, 12);
  b.writeUInt16BE(t.remotePort, 16);
  return b;
}

/** Turns a SetTcpEntry / TerminateProcess code into an ActionResult. */
export function actionResult(what: string, code: number): WindowsActionResult {
  const c = code >>> 0;
  if (c === NO_ERROR) return { ok: true, code: c };
  // Windows answers SetTcpEntry from a non-elevated process with 317 rather than 5.
  const needsAdmin = c === ERROR_ACCESS_DENIED || c === ERROR_MR_MID_NOT_FOUND;
  const reason = needsAdmin
    ? `${what}: access denied — this needs administrator rights (code ${c})`
    : `${what}: ${describeWin32(c)}`;
  return needsAdmin ? { ok: false, reason, needsAdmin, code: c } : { ok: false, reason, code: c };
}

export interface ActionNative {
  setTcpEntry(row: Buffer): number | null;
  openForTerminate(pid: number): { handle: unknown } | { error: number };
  /** GetProcessTimes creation time (FILETIME ticks) of an opened process; null when it cannot be read. */
  creationTime?(handle: unknown): bigint | null;
  terminate(handle: unknown, exitCode: number): number;
  close(handle: unknown): void;
}

export function closeTcpConnectionV4(t: TcpEndpointsV4, native: ActionNative): WindowsActionResult {
  const code = native.setTcpEntry(encodeDeleteTcbRow(t));
  if (code === null) return { ok: false, reason: 'SetTcpEntry is not available in iphlpapi.dll', code: -1 };
  return actionResult('close connection', code);
}

/** Exit code given to a terminated process (what Task Manager's "End task" uses: 1). */
const TERMINATED_EXIT_CODE = 1;

/**
 * TerminateProcess on PID `pid`. With `startTimeMs` (the owner start time the row showed, epoch ms)
 * the creation time is read from the very handle that terminates, so a PID reused at any moment
 * before the call is refused rather than ended.
 */
export function endProcess(pid: number, native: ActionNative, startTimeMs: number | null = null): WindowsActionResult {
  if (!Number.isInteger(pid) || pid <= 4) {
    // 0 and 4 are the idle process and the kernel: never a sensible target.
    return { ok: false, reason: `end process: PID ${pid} cannot be ended`, code: ERROR_INVALID_PARAMETER };
  }
  const opened = native.openForTerminate(pid);
  if ('error' in opened) {
    // OpenProcess says 87 for a PID that names no process.
    if (opened.error >>> 0 === ERROR_INVALID_PARAMETER) {
      return { ok: false, reason: `end process ${pid}: no process with this PID (it may have exited)`, code: opened.error };
    }
    return actionResult(`end process ${pid}`, opened.error);
  }
  try {
    if (startTimeMs !== null && native.creationTime) {
      const created = native.creationTime(opened.handle);
      const ms = created === null ? null : filetimeToEpochMs(created);
      // Both sides come from the same FILETIME conversion (process-names.ts): equal or not the same process.
      if (ms !== startTimeMs) {
        return { ok: false, reason: `end process ${pid}: this PID now names another process than the one shown; nothing was ended`, code: -1 };
      }
    }
    return actionResult(`end process ${pid}`, native.terminate(opened.handle, TERMINATED_EXIT_CODE));
  } finally {
    native.close(opened.handle);
  }
}
