// PID → ProcessDetails on Windows: image path, start time, command line, user and hosted services.
// Everything goes through one PROCESS_QUERY_LIMITED_INFORMATION handle, which an unelevated
// process can get for most processes (only the PEB fallback for the command line needs more). Each field is best effort: a call that fails (access
// denied, process gone, API missing) leaves that field null; nothing here throws.
//
// The OS writes pointers into our own buffers (UNICODE_STRING.Buffer, TOKEN_USER.Sid,
// ENUM_SERVICE_STATUS_PROCESSW names); the pure decoders below turn them into offsets using the
// buffer's address, refusing any pointer that lands outside the buffer.
import type { ProcessDetails } from '../../shared/ipc';
import { filetimeToEpochMs, imageName } from '../source/windows/process-names';
import * as k from './koffi';

// ---------------------------------------------------------------- pure decoders

// One conversion for the details pane and the rows' owner start time (process-names.ts), so the
// end-process identity check compares like with like.
export { filetimeToEpochMs } from '../source/windows/process-names';

/** Offset inside a `length`-byte buffer at `base` for pointer `ptr` covering `bytes` bytes, or null. */
export function pointerOffset(ptr: bigint, base: bigint, length: number, bytes = 1): number | null {
  const off = ptr - base;
  if (off < 0n || off + BigInt(bytes) > BigInt(length)) return null;
  return Number(off);
}

/** x64 UNICODE_STRING: USHORT Length (bytes) @0, USHORT MaximumLength @2, PWSTR Buffer @8. */
export const UNICODE_STRING_SIZE = 16;

/**
 * The UNICODE_STRING at offset 0 of `buf` (what NtQueryInformationProcess(ProcessCommandLineInformation)
 * writes), whose characters the OS placed in the same buffer. `base` is the buffer's address.
 */
export function decodeUnicodeStringInBuffer(buf: Uint8Array, base: bigint): string | null {
  if (buf.length < UNICODE_STRING_SIZE) return null;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const len = dv.getUint16(0, true);
  if (len === 0) return '';
  if (len % 2 !== 0) return null;
  const off = pointerOffset(dv.getBigUint64(8, true), base, buf.length, len);
  if (off === null) return null;
  return Buffer.from(buf.buffer, buf.byteOffset + off, len).toString('utf16le');
}

/** NUL-terminated UTF-16LE string at byte offset `off` (bounded by the buffer), or null. */
export function readWideZ(buf: Uint8Array, off: number): string | null {
  if (off < 0 || off >= buf.length) return null;
  let end = off;
  while (end + 1 < buf.length && (buf[end] | buf[end + 1]) !== 0) end += 2;
  if (end + 1 >= buf.length) return null; // no terminator inside the buffer
  return Buffer.from(buf.buffer, buf.byteOffset + off, end - off).toString('utf16le');
}

/**
 * x64 ENUM_SERVICE_STATUS_PROCESSW: LPWSTR lpServiceName @0, LPWSTR lpDisplayName @8,
 * SERVICE_STATUS_PROCESS @16 (nine DWORDs; dwProcessId is the 8th → @44); 52 bytes padded to 56.
 */
export const ENUM_SERVICE_STATUS_PROCESS = { size: 56, serviceName: 0, displayName: 8, currentState: 20, processId: 44 } as const;

export interface ServiceEntry {
  name: string;
  displayName: string | null;
  pid: number;
}

/** The `count` entries EnumServicesStatusExW(SC_ENUM_PROCESS_INFO) wrote at the start of `buf` (at address `base`). */
export function decodeServiceEntries(buf: Uint8Array, count: number, base: bigint): ServiceEntry[] {
  const L = ENUM_SERVICE_STATUS_PROCESS;
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const n = Math.min(count, Math.floor(buf.length / L.size));
  const out: ServiceEntry[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * L.size;
    const nameOff = pointerOffset(dv.getBigUint64(o + L.serviceName, true), base, buf.length, 2);
    const name = nameOff === null ? null : readWideZ(buf, nameOff);
    if (!name) continue;
    const dispOff = pointerOffset(dv.getBigUint64(o + L.displayName, true), base, buf.length, 2);
    out.push({ name, displayName: dispOff === null ? null : readWideZ(buf, dispOff), pid: dv.getUint32(o + L.processId, true) });
  }
  return out;
}

/** PID → service names, sorted; PID 0 (stopped services) left out. */
export function servicesByPid(entries: ServiceEntry[]): Map<number, string[]> {
  const map = new Map<number, string[]>();
  for (const e of entries) {
    if (e.pid === 0) continue;
    const list = map.get(e.pid);
    if (list) list.push(e.name);
    else map.set(e.pid, [e.name]);
  }
  for (const list of map.values()) list.sort((a, b) => a.localeCompare(b));
  return map;
}

/** TOKEN_USER: SID_AND_ATTRIBUTES { PSID Sid @0; DWORD Attributes @8 }; the SID follows in the same buffer. */
export function tokenUserSidOffset(buf: Uint8Array, base: bigint): number | null {
  if (buf.length < 16) return null;
  const ptr = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getBigUint64(0, true);
  // A SID is at least 8 bytes (revision, count, 6-byte authority).
  return pointerOffset(ptr, base, buf.length, 8);
}

/** `DOMAIN\user`, or just the user where the domain is empty. */
export function accountName(domain: string, user: string): string {
  return domain ? `${domain}\\${user}` : user;
}

/** x64 offsets for reading the command line out of another process's PEB (pre-8.1 Windows, Wine). */
export const PEB_LAYOUT = {
  /** PROCESS_BASIC_INFORMATION.PebBaseAddress. */
  basicInfoPeb: 8,
  basicInfoSize: 48,
  /** PEB.ProcessParameters. */
  pebProcessParameters: 0x20,
  /** RTL_USER_PROCESS_PARAMETERS.CommandLine (a UNICODE_STRING). */
  paramsCommandLine: 0x70,
} as const;

/** Reads `size` bytes at `address` in the target process; null on failure. */
export type ReadMemory = (address: bigint, size: number) => Buffer | null;

/** PEB → ProcessParameters → CommandLine, each step read from the target process's memory. */
export function commandLineFromPeb(peb: bigint, read: ReadMemory): string | null {
  if (peb === 0n) return null;
  const pp = read(peb + BigInt(PEB_LAYOUT.pebProcessParameters), 8);
  if (!pp || pp.length < 8) return null;
  const params = pp.readBigUInt64LE(0);
  if (params === 0n) return null;
  const us = read(params + BigInt(PEB_LAYOUT.paramsCommandLine), UNICODE_STRING_SIZE);
  if (!us || us.length < UNICODE_STRING_SIZE) return null;
  const len = us.readUInt16LE(0);
  if (len === 0) return '';
  if (len % 2 !== 0) return null;
  const text = read(us.readBigUInt64LE(8), len);
  return text && text.length >= len ? text.toString('utf16le', 0, len) : null;
}

// ---------------------------------------------------------------- composition (testable with a fake API)

/** The native calls, one process handle at a time; each returns null on any failure. */
export interface WinProcessApi<H> {
  open(pid: number): H | null;
  close(h: H): void;
  imagePath(h: H): string | null;
  creationTicks(h: H): bigint | null;
  /** The limited handle first; `pid` lets a fallback open a handle with more rights. */
  commandLine(h: H, pid: number): string | null;
  user(h: H): string | null;
  /** Running Win32 services; null when the service manager will not answer. */
  services(): ServiceEntry[] | null;
}

export interface WinProcessDetailsOptions<H> {
  api: WinProcessApi<H>;
  /** How long the PID → services map is reused (ms); services rarely move. */
  serviceTtlMs?: number;
  now?: () => number;
}

const WELL_KNOWN: Record<number, string> = { 0: 'System Idle Process', 4: 'System' };

export function createWinProcessDetails<H>(opts: WinProcessDetailsOptions<H>): (pid: number) => ProcessDetails {
  const { api } = opts;
  const ttl = opts.serviceTtlMs ?? 5_000;
  const now = opts.now ?? (() => Date.now());
  let serviceMap: Map<number, string[]> | null = null;
  let serviceMapAt = -Infinity;

  const guard = <T>(f: () => T | null): T | null => {
    try {
      return f();
    } catch {
      return null;
    }
  };

  const servicesOf = (pid: number): string[] => {
    if (!serviceMap || now() - serviceMapAt > ttl) {
      const entries = guard(() => api.services());
      // A failed enumeration is retried on the next call rather than cached as "no services".
      if (entries) {
        serviceMap = servicesByPid(entries);
        serviceMapAt = now();
      }
    }
    return [...(serviceMap?.get(pid) ?? [])];
  };

  return (pid: number): ProcessDetails => {
    const details: ProcessDetails = { pid, name: WELL_KNOWN[pid] ?? null, path: null, commandLine: null, user: null, startTime: null, services: [] };
    if (pid in WELL_KNOWN) return details;
    const h = guard(() => api.open(pid));
    if (h !== null) {
      try {
        details.path = guard(() => api.imagePath(h));
        details.name = details.path ? imageName(details.path) : null;
        const ticks = guard(() => api.creationTicks(h));
        details.startTime = ticks === null ? null : filetimeToEpochMs(ticks);
        details.commandLine = guard(() => api.commandLine(h, pid));
        details.user = guard(() => api.user(h));
      } finally {
        guard(() => (api.close(h), null));
      }
    }
    details.services = servicesOf(pid);
    return details;
  };
}

// ---------------------------------------------------------------- the koffi-backed API

const ProcessBasicInformation = 0;
const ProcessCommandLineInformation = 60;
const PROCESS_QUERY_INFORMATION = 0x0400;
const PROCESS_VM_READ = 0x0010;
const STATUS_SUCCESS = 0;
const STATUS_BUFFER_OVERFLOW = 0x80000005;
const STATUS_INFO_LENGTH_MISMATCH = 0xc0000004;
const STATUS_BUFFER_TOO_SMALL = 0xc0000023;
/** Class 60 unknown: Windows before 8.1, and Wine. */
const STATUS_INVALID_INFO_CLASS = 0xc0000003;
const TOKEN_QUERY = 0x0008;
const TokenUser = 1;
const ERROR_INSUFFICIENT_BUFFER = 122;
const ERROR_MORE_DATA = 234;
const SC_MANAGER_ENUMERATE_SERVICE = 0x0004;
const SC_ENUM_PROCESS_INFO = 0;
const SERVICE_WIN32 = 0x30;
const SERVICE_ACTIVE = 0x1;
/** EnumServicesStatusExW refuses buffers above 256 KiB; larger lists come in pages (resume handle). */
const SERVICE_BUFFER_MAX = 256 * 1024;
const MAX_GROW = 4;

type Fn = (...args: unknown[]) => unknown;
const isNullHandle = (h: unknown): boolean => h === null || h === undefined || h === 0n || h === 0;

/** Binds the ntdll / advapi32 calls lazily; any missing export disables just its field. */
export function koffiWinProcessApi(): WinProcessApi<k.ProcessHandle> {
  const k32 = k.kernel32();
  const fn = (dll: string, name: string, result: string, args: string[]): Fn | null => {
    try {
      return k.bindWin32(dll, name, result, args);
    } catch {
      return null;
    }
  };
  const NtQueryInformationProcess = fn('ntdll.dll', 'NtQueryInformationProcess', 'uint32', ['void *', 'int', 'void *', 'uint32', 'void *']);
  const OpenProcessToken = fn('advapi32.dll', 'OpenProcessToken', 'int', ['void *', 'uint32', 'void *']);
  const GetTokenInformation = fn('advapi32.dll', 'GetTokenInformation', 'int', ['void *', 'int', 'void *', 'uint32', 'void *']);
  const LookupAccountSidW = fn('advapi32.dll', 'LookupAccountSidW', 'int', ['void *', 'void *', 'void *', 'void *', 'void *', 'void *', 'void *']);
  const OpenSCManagerW = fn('advapi32.dll', 'OpenSCManagerW', 'void *', ['void *', 'void *', 'uint32']);
  const EnumServicesStatusExW = fn('advapi32.dll', 'EnumServicesStatusExW', 'int', [
    'void *', 'int', 'uint32', 'uint32', 'void *', 'uint32', 'void *', 'void *', 'void *', 'void *',
  ]);
  const CloseServiceHandle = fn('advapi32.dll', 'CloseServiceHandle', 'int', ['void *']);
  const CloseHandle = fn('kernel32.dll', 'CloseHandle', 'int', ['void *']);
  const ReadProcessMemory = fn('kernel32.dll', 'ReadProcessMemory', 'int', ['void *', 'void *', 'void *', 'size_t', 'void *']);

  /**
   * Before Windows 8.1 (and under Wine, which answers class 60 with STATUS_INVALID_INFO_CLASS) the
   * command line is read from the target's PEB; that needs PROCESS_QUERY_INFORMATION | PROCESS_VM_READ.
   */
  function commandLineFromMemory(pid: number): string | null {
    if (!NtQueryInformationProcess || !ReadProcessMemory) return null;
    const h = k32.openProcess(PROCESS_QUERY_INFORMATION | PROCESS_VM_READ, pid);
    if (!h) return null;
    try {
      const pbi = Buffer.alloc(PEB_LAYOUT.basicInfoSize);
      const status = (NtQueryInformationProcess(h, ProcessBasicInformation, pbi, pbi.length, null) as number) >>> 0;
      if (status !== STATUS_SUCCESS) return null;
      const read: ReadMemory = (address, size) => {
        const b = Buffer.alloc(size);
        return ReadProcessMemory(h, address, b, size, null) ? b : null;
      };
      return commandLineFromPeb(pbi.readBigUInt64LE(PEB_LAYOUT.basicInfoPeb), read);
    } finally {
      k32.closeHandle(h);
    }
  }

  function commandLine(h: k.ProcessHandle, pid: number): string | null {
    if (!NtQueryInformationProcess) return null;
    let size = 2048;
    const retLen = Buffer.alloc(4);
    for (let i = 0; i < MAX_GROW; i++) {
      const buf = Buffer.alloc(size);
      retLen.writeUInt32LE(0, 0);
      const status = (NtQueryInformationProcess(h, ProcessCommandLineInformation, buf, size, retLen) as number) >>> 0;
      if (status === STATUS_SUCCESS) return decodeUnicodeStringInBuffer(buf, k.bufferAddress(buf));
      if (status === STATUS_INVALID_INFO_CLASS) return commandLineFromMemory(pid);
      if (status !== STATUS_INFO_LENGTH_MISMATCH && status !== STATUS_BUFFER_OVERFLOW && status !== STATUS_BUFFER_TOO_SMALL) return null;
      // Command lines are at most 32767 characters: never grow past what that needs.
      size = Math.min(Math.max(retLen.readUInt32LE(0), size * 2), UNICODE_STRING_SIZE + 65536 + 16);
    }
    return null;
  }

  function user(h: k.ProcessHandle): string | null {
    if (!OpenProcessToken || !GetTokenInformation || !LookupAccountSidW || !CloseHandle) return null;
    const tokenOut = Buffer.alloc(8);
    if (!OpenProcessToken(h, TOKEN_QUERY, tokenOut)) return null;
    const token = tokenOut.readBigUInt64LE(0);
    try {
      let size = 256;
      const needed = Buffer.alloc(4);
      let info: Buffer | null = null;
      for (let i = 0; i < MAX_GROW && !info; i++) {
        const buf = Buffer.alloc(size);
        if (GetTokenInformation(token, TokenUser, buf, size, needed)) info = buf;
        else if (k32.lastError() === ERROR_INSUFFICIENT_BUFFER) size = Math.max(needed.readUInt32LE(0), size * 2);
        else return null;
      }
      if (!info) return null;
      const sidOff = tokenUserSidOffset(info, k.bufferAddress(info));
      if (sidOff === null) return null;
      const sid = info.subarray(sidOff);
      let nameChars = 256;
      let domainChars = 256;
      for (let i = 0; i < MAX_GROW; i++) {
        const name = Buffer.alloc(nameChars * 2);
        const domain = Buffer.alloc(domainChars * 2);
        const cchName = Buffer.alloc(4);
        const cchDomain = Buffer.alloc(4);
        cchName.writeUInt32LE(nameChars, 0);
        cchDomain.writeUInt32LE(domainChars, 0);
        const use = Buffer.alloc(4);
        if (LookupAccountSidW(null, sid, name, cchName, domain, cchDomain, use)) {
          return accountName(domain.toString('utf16le', 0, cchDomain.readUInt32LE(0) * 2), name.toString('utf16le', 0, cchName.readUInt32LE(0) * 2));
        }
        if (k32.lastError() !== ERROR_INSUFFICIENT_BUFFER) return null;
        nameChars = Math.max(cchName.readUInt32LE(0), nameChars);
        domainChars = Math.max(cchDomain.readUInt32LE(0), domainChars);
      }
      return null;
    } finally {
      CloseHandle(token);
    }
  }

  function services(): ServiceEntry[] | null {
    if (!OpenSCManagerW || !EnumServicesStatusExW || !CloseServiceHandle) return null;
    const scm = OpenSCManagerW(null, null, SC_MANAGER_ENUMERATE_SERVICE);
    if (isNullHandle(scm)) return null;
    try {
      const all: ServiceEntry[] = [];
      const needed = Buffer.alloc(4);
      const returned = Buffer.alloc(4);
      const resume = Buffer.alloc(4);
      let size = 64 * 1024;
      for (let page = 0; page < 64; page++) {
        const buf = Buffer.alloc(size);
        const ok = EnumServicesStatusExW(scm, SC_ENUM_PROCESS_INFO, SERVICE_WIN32, SERVICE_ACTIVE, buf, size, needed, returned, resume, null);
        const err = ok ? 0 : k32.lastError();
        const count = returned.readUInt32LE(0);
        all.push(...decodeServiceEntries(buf, count, k.bufferAddress(buf)));
        if (ok) return all;
        if (err !== ERROR_MORE_DATA) return null;
        // More pages follow the resume handle; a page that held nothing needs a bigger buffer.
        if (count === 0) {
          if (size >= SERVICE_BUFFER_MAX) return null;
          size = Math.min(SERVICE_BUFFER_MAX, Math.max(needed.readUInt32LE(0), size * 2));
        }
      }
      return null;
    } finally {
      CloseServiceHandle(scm);
    }
  }

  return {
    open: (pid) => k32.openProcess(k.PROCESS_QUERY_LIMITED_INFORMATION, pid),
    close: (h) => k32.closeHandle(h),
    imagePath: (h) => k32.imagePath(h),
    creationTicks: (h) => k32.creationTime(h),
    commandLine,
    user,
    services,
  };
}

let shared: ((pid: number) => ProcessDetails) | null = null;

/** Process details through the real Windows API (bound on first use; one shared service-map cache). */
export function winProcessDetails(pid: number): ProcessDetails {
  shared ??= createWinProcessDetails({ api: koffiWinProcessApi() });
  return shared(pid);
}
