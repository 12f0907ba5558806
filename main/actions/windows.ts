// Windows actions: SetTcpEntry(DELETE_TCB) for IPv4 connections, TerminateProcess, and the
// process details of win-process.ts. IPv6 connections have no SetTcpEntry equivalent.
import type { ActionResult, CloseTarget, ProcessDetails } from '../../shared/ipc';
import { parseIPv4Text } from '../../shared/ip';
import { closeTcpConnectionV4, endProcess, type ActionNative } from '../source/windows/actions';
import { koffiActionNative } from '../source/windows/index';
import { winProcessDetails } from '../native/win-process';
import type { OsActions } from './service';

export const IPV6_CLOSE_REASON = 'Windows cannot close IPv6 connections (SetTcpEntry is IPv4-only)';

export interface WindowsActionsOptions {
  /** SetTcpEntry / OpenProcess / TerminateProcess; default koffi-backed. */
  native?: ActionNative;
  /** PID → details; default win-process.ts through koffi. */
  details?: (pid: number) => ProcessDetails;
}

export function createWindowsActions(opts: WindowsActionsOptions = {}): OsActions {
  let native = opts.native ?? null;
  const act = (): ActionNative => (native ??= koffiActionNative());
  const details = opts.details ?? winProcessDetails;

  return {
    processDetails(pid) {
      const d = details(pid);
      // Nothing at all known: the PID names no process we can see.
      const empty = d.name === null && d.path === null && d.startTime === null && d.services.length === 0;
      return empty ? null : d;
    },
    closeConnection(t: CloseTarget): ActionResult {
      if (t.family === 6) return { ok: false, reason: IPV6_CLOSE_REASON };
      const localAddr = parseIPv4Text(t.localAddress);
      const remoteAddr = parseIPv4Text(t.remoteAddress);
      if (localAddr === null || remoteAddr === null) return { ok: false, reason: 'close connection: the addresses are not IPv4 addresses' };
      const { code: _code, ...result } = closeTcpConnectionV4({ localAddr, localPort: t.localPort, remoteAddr, remotePort: t.remotePort }, act());
      return result as ActionResult;
    },
    endProcess(pid, startTime): ActionResult {
      const { code: _code, ...result } = endProcess(pid, act(), startTime ?? null);
      return result as ActionResult;
    },
  };
}
