// Win32 / NTSTATUS codes the iphlpapi and kernel32 calls return, and the messages an admin sees.
import { SourceError } from '../types';

export const NO_ERROR = 0;
export const ERROR_FILE_NOT_FOUND = 2;
export const ERROR_ACCESS_DENIED = 5;
export const ERROR_INVALID_HANDLE = 6;
export const ERROR_NOT_SUPPORTED = 50;
export const ERROR_INVALID_PARAMETER = 87;
export const ERROR_INSUFFICIENT_BUFFER = 122;
export const ERROR_NO_DATA = 232;
export const ERROR_MR_MID_NOT_FOUND = 317;
export const ERROR_NOT_FOUND = 1168;
export const ERROR_CALL_NOT_IMPLEMENTED = 120;
/** NTSTATUS leaking through GetTcpTable* under load; calling again usually clears it. */
export const STATUS_UNSUCCESSFUL = 0xc0000001;

/** `0x0000007A` style, for codes the table below does not know. */
export function hex(code: number): string {
  return `0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')}`;
}

const KNOWN: Record<number, string> = {
  [ERROR_FILE_NOT_FOUND]: 'not found (ERROR_FILE_NOT_FOUND)',
  [ERROR_ACCESS_DENIED]: 'access denied (ERROR_ACCESS_DENIED): this needs administrator rights',
  [ERROR_INVALID_HANDLE]: 'invalid handle (ERROR_INVALID_HANDLE)',
  [ERROR_NOT_SUPPORTED]: 'not supported on this version of Windows (ERROR_NOT_SUPPORTED)',
  [ERROR_INVALID_PARAMETER]: 'invalid parameter (ERROR_INVALID_PARAMETER)',
  [ERROR_INSUFFICIENT_BUFFER]: 'buffer too small (ERROR_INSUFFICIENT_BUFFER)',
  [ERROR_NO_DATA]: 'no data (ERROR_NO_DATA)',
  [ERROR_MR_MID_NOT_FOUND]: 'the OS returned ERROR_MR_MID_NOT_FOUND (317), which SetTcpEntry uses for "access denied / not elevated"',
  [ERROR_NOT_FOUND]: 'no such element (ERROR_NOT_FOUND)',
  [ERROR_CALL_NOT_IMPLEMENTED]: 'not implemented on this system (ERROR_CALL_NOT_IMPLEMENTED)',
  [STATUS_UNSUCCESSFUL]: 'STATUS_UNSUCCESSFUL (0xC0000001): the system is under load and the table kept changing',
};

/** Human text for a Win32 error or NTSTATUS code. */
export function describeWin32(code: number): string {
  const c = code >>> 0;
  return KNOWN[c] ?? `unknown error code ${c} (${hex(c)})`;
}

/** The SourceError for a failed table call, e.g. `GetTcpTable2 failed: …`. */
export function tableCallError(fn: string, code: number): SourceError {
  // The table functions document 87 as "the size pointer was NULL or not writable".
  const hint = code >>> 0 === ERROR_INVALID_PARAMETER ? ': the size pointer was NULL or not writable' : '';
  return new SourceError(`${fn} failed: ${describeWin32(code)}${hint}`, code >>> 0);
}
