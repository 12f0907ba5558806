// The only module that touches koffi. It binds the few iphlpapi.dll / kernel32.dll functions
// netmon needs, lazily (nothing is loaded until first use, so importing this on Linux is harmless),
// and exposes them as small typed wrappers. Out-pointers are always our own Buffers: koffi.view
// (external memory) does not work inside Electron's V8 memory cage.
import type KoffiModule from 'koffi';

type Koffi = typeof KoffiModule;
type Lib = ReturnType<Koffi['load']>;
let loaded: Koffi | null = null;

// koffi itself is loaded on first use, not at import: importing this module costs nothing, and a
// machine with no koffi binary for its CPU still runs everything that needs no FFI (e.g. procfs).
function koffi(): Koffi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (loaded ??= require('koffi') as Koffi);
}

type Fn = (...args: unknown[]) => unknown;

const libs = new Map<string, Lib>();

function lib(name: string): Lib {
  let l = libs.get(name);
  if (!l) {
    if (process.platform !== 'win32') throw new Error(`${name} exists only on Windows (this is ${process.platform})`);
    l = koffi().load(name);
    libs.set(name, l);
  }
  return l;
}

/** Binds `name` from `dll`; null when the DLL has no such export (koffi throws on lookup). */
function bind(dll: string, name: string, result: string, args: string[]): Fn | null {
  try {
    return lib(dll).func('__stdcall', name, result, args) as Fn;
  } catch (err) {
    if (process.platform !== 'win32') throw err;
    return null;
  }
}

const bound = new Map<string, Fn | null>();
function cached(key: string, make: () => Fn | null): Fn | null {
  if (!bound.has(key)) bound.set(key, make());
  return bound.get(key) ?? null;
}

export type TcpTableFunctionName = 'GetTcpTable2' | 'GetTcp6Table2' | 'GetTcpTable' | 'GetTcp6Table';

/** `(buffer, sizeULONG) → Win32 code` with Order=TRUE, or null when iphlpapi.dll lacks the function. */
export function bindTcpTableFunction(name: TcpTableFunctionName): ((buf: Buffer, size: Buffer) => number) | null {
  const f = cached(name, () => bind('iphlpapi.dll', name, 'uint32', ['void *', 'void *', 'int']));
  return f ? (buf, size) => f(buf, size, 1) as number : null;
}

export const AF_INET = 2;
/** Windows' AF_INET6 (Linux uses 10). */
export const AF_INET6 = 23;
export const TCP_TABLE_OWNER_PID_ALL = 5;
export const TCP_TABLE_OWNER_MODULE_ALL = 8;
export const UDP_TABLE_OWNER_PID = 1;

/** GetExtendedTcpTable / GetExtendedUdpTable curried to one family and class (Order=TRUE). */
export function bindExtendedTableFunction(
  name: 'GetExtendedTcpTable' | 'GetExtendedUdpTable',
  family: number,
  tableClass: number,
): ((buf: Buffer, size: Buffer) => number) | null {
  const f = cached(name, () => bind('iphlpapi.dll', name, 'uint32', ['void *', 'void *', 'int', 'uint32', 'int', 'uint32']));
  return f ? (buf, size) => f(buf, size, 1, family, tableClass, 0) as number : null;
}

/** SetTcpEntry(PMIB_TCPROW) → Win32 code; null when missing. */
export function bindSetTcpEntry(): ((row: Buffer) => number) | null {
  const f = cached('SetTcpEntry', () => bind('iphlpapi.dll', 'SetTcpEntry', 'uint32', ['void *']));
  return f ? (row) => f(row) as number : null;
}

/**
 * GetPerTcpConnectionEStats / GetPerTcp6ConnectionEStats and the two Set functions (iphlpapi.dll,
 * Vista+), curried to version 0 structures and no ROS: `get(family, row, type, rw, rod)` and
 * `set(family, row, type, rw)` → Win32 code. Null when the DLL lacks any of the four.
 */
export function bindEStats(): {
  get(family: 4 | 6, row: Uint8Array, type: number, rw: Uint8Array, rod: Uint8Array): number;
  set(family: 4 | 6, row: Uint8Array, type: number, rw: Uint8Array): number;
} | null {
  const getArgs = ['void *', 'int', 'void *', 'uint32', 'uint32', 'void *', 'uint32', 'uint32', 'void *', 'uint32', 'uint32'];
  const setArgs = ['void *', 'int', 'void *', 'uint32', 'uint32', 'uint32'];
  const get4 = cached('GetPerTcpConnectionEStats', () => bind('iphlpapi.dll', 'GetPerTcpConnectionEStats', 'uint32', getArgs));
  const get6 = cached('GetPerTcp6ConnectionEStats', () => bind('iphlpapi.dll', 'GetPerTcp6ConnectionEStats', 'uint32', getArgs));
  const set4 = cached('SetPerTcpConnectionEStats', () => bind('iphlpapi.dll', 'SetPerTcpConnectionEStats', 'uint32', setArgs));
  const set6 = cached('SetPerTcp6ConnectionEStats', () => bind('iphlpapi.dll', 'SetPerTcp6ConnectionEStats', 'uint32', setArgs));
  if (!get4 || !get6 || !set4 || !set6) return null;
  return {
    get: (family, row, type, rw, rod) => (family === 6 ? get6 : get4)(row, type, rw, 0, rw.length, null, 0, 0, rod, 0, rod.length) as number,
    set: (family, row, type, rw) => (family === 6 ? set6 : set4)(row, type, rw, 0, rw.length, 0) as number,
  };
}

/** An opaque process HANDLE. */
export type ProcessHandle = { readonly __handle: unique symbol };

export const PROCESS_TERMINATE = 0x0001;
export const PROCESS_QUERY_LIMITED_INFORMATION = 0x1000;

export interface Kernel32 {
  /** OpenProcess; null on failure (see lastError). */
  openProcess(access: number, pid: number): ProcessHandle | null;
  /** Full Win32 image path, null on failure. */
  imagePath(h: ProcessHandle): string | null;
  /** Creation time as FILETIME ticks (100 ns since 1601), null on failure. */
  creationTime(h: ProcessHandle): bigint | null;
  terminate(h: ProcessHandle, exitCode: number): boolean;
  closeHandle(h: ProcessHandle): void;
  /** GetLastError right after the failed call. */
  lastError(): number;
}

let k32: Kernel32 | null = null;

export function kernel32(): Kernel32 {
  if (k32) return k32;
  const need = (name: string, result: string, args: string[]): Fn => {
    const f = bind('kernel32.dll', name, result, args);
    if (!f) throw new Error(`kernel32.dll has no ${name}`);
    return f;
  };
  const OpenProcess = need('OpenProcess', 'void *', ['uint32', 'int', 'uint32']);
  const QueryFullProcessImageNameW = need('QueryFullProcessImageNameW', 'int', ['void *', 'uint32', 'void *', 'void *']);
  const GetProcessTimes = need('GetProcessTimes', 'int', ['void *', 'void *', 'void *', 'void *', 'void *']);
  const TerminateProcess = need('TerminateProcess', 'int', ['void *', 'uint32']);
  const CloseHandle = need('CloseHandle', 'int', ['void *']);
  const GetLastError = need('GetLastError', 'uint32', []);
  // Reused scratch buffers: one lookup at a time (JS is single-threaded here).
  const pathBuf = Buffer.alloc(32 * 1024 * 2);
  const pathLen = Buffer.alloc(4);
  const times = [Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8), Buffer.alloc(8)];
  k32 = {
    openProcess: (access, pid) => (OpenProcess(access, 0, pid) as ProcessHandle | null) ?? null,
    imagePath(h) {
      pathLen.writeUInt32LE(pathBuf.length / 2, 0);
      if (!QueryFullProcessImageNameW(h, 0, pathBuf, pathLen)) return null;
      return pathBuf.toString('utf16le', 0, pathLen.readUInt32LE(0) * 2);
    },
    creationTime(h) {
      if (!GetProcessTimes(h, times[0], times[1], times[2], times[3])) return null;
      return times[0].readBigUInt64LE(0);
    },
    terminate: (h, exitCode) => Boolean(TerminateProcess(h, exitCode)),
    closeHandle: (h) => void CloseHandle(h),
    lastError: () => GetLastError() as number,
  };
  return k32;
}

/** Layout of the OWNER_MODULE rows as koffi computes it from the SDK declarations (tests compare it with decode.ts). */
export function ownerModuleLayout(): { v4: { size: number; created: number }; v6: { size: number; created: number } } {
  const v4 = koffi().struct({
    dwState: 'uint32',
    dwLocalAddr: 'uint32',
    dwLocalPort: 'uint32',
    dwRemoteAddr: 'uint32',
    dwRemotePort: 'uint32',
    dwOwningPid: 'uint32',
    liCreateTimestamp: 'int64',
    OwningModuleInfo: koffi().array('uint64', 16),
  });
  const v6 = koffi().struct({
    ucLocalAddr: koffi().array('uint8', 16),
    dwLocalScopeId: 'uint32',
    dwLocalPort: 'uint32',
    ucRemoteAddr: koffi().array('uint8', 16),
    dwRemoteScopeId: 'uint32',
    dwRemotePort: 'uint32',
    dwState: 'uint32',
    dwOwningPid: 'uint32',
    liCreateTimestamp: 'int64',
    OwningModuleInfo: koffi().array('uint64', 16),
  });
  return {
    v4: { size: koffi().sizeof(v4), created: koffi().offsetof(v4, 'liCreateTimestamp') },
    v6: { size: koffi().sizeof(v6), created: koffi().offsetof(v6, 'liCreateTimestamp') },
  };
}

// ---- Generic access for modules that keep their own narrow wrappers (win-process.ts) ----

/** Binds a `__stdcall` export of `dll` (memoized); null when the DLL lacks it. Throws off Windows. */
export function bindWin32(dll: string, name: string, result: string, args: string[]): Fn | null {
  return cached(`${dll}!${name}`, () => bind(dll, name, result, args));
}

/** Address of a Buffer's memory: turns pointers the OS wrote into that Buffer back into offsets. */
export function bufferAddress(buf: Buffer): bigint {
  return koffi().address(buf);
}

/** Size and member offsets of a C struct as koffi lays it out (layout checks in tests). */
export function structLayout(fields: Record<string, string>): { size: number; offsets: Record<string, number> } {
  const t = koffi().struct(fields);
  return { size: koffi().sizeof(t), offsets: Object.fromEntries(Object.keys(fields).map((f) => [f, koffi().offsetof(t, f)])) };
}

// ---- Linux: the C library, for modules that keep their own narrow wrappers (netlink.ts) ----

let libcHandle: Lib | null = null;

function libc(): Lib {
  if (!libcHandle) {
    if (process.platform !== 'linux') throw new Error(`the C library bindings are for Linux (this is ${process.platform})`);
    try {
      libcHandle = koffi().load('libc.so.6');
    } catch {
      // Not glibc (e.g. musl): the symbols of the running process include its C library.
      libcHandle = koffi().load(null);
    }
  }
  return libcHandle;
}

/** Binds a C library function (memoized). Throws off Linux or when the library lacks it. */
export function bindLibc(name: string, result: string, args: string[]): Fn {
  const f = cached(`libc!${name}`, () => libc().func(name, result, args) as Fn);
  if (!f) throw new Error(`the C library has no ${name}`);
  return f;
}

/** errno as the last bound C call left it. */
export function lastErrno(): number {
  return koffi().errno();
}

// ---- shell32: "Restart as administrator" (ShellExecuteExW "runas") and known folders ----

// SHELLEXECUTEINFOW fMask bits (shellapi.h).
export const SEE_MASK_NOCLOSEPROCESS = 0x00000040;
export const SEE_MASK_NOASYNC = 0x00000100;
export const SEE_MASK_FLAG_NO_UI = 0x00000400;
export const SW_SHOWNORMAL = 1;

/** SHELLEXECUTEINFOW field names in declaration order (shellapi.h; the hIcon/hMonitor union as one pointer). */
export const SHELLEXECUTEINFOW_FIELDS = {
  cbSize: 'uint32',
  fMask: 'uint32',
  hwnd: 'uintptr_t',
  lpVerb: 'str16',
  lpFile: 'str16',
  lpParameters: 'str16',
  lpDirectory: 'str16',
  nShow: 'int',
  hInstApp: 'void *',
  lpIDList: 'void *',
  lpClass: 'str16',
  hkeyClass: 'void *',
  dwHotKey: 'uint32',
  hIconOrMonitor: 'void *',
  hProcess: 'void *',
} as const;

let shellExecuteInfo: unknown = null;
function shellExecuteInfoType(): unknown {
  return (shellExecuteInfo ??= koffi().struct('SHELLEXECUTEINFOW', SHELLEXECUTEINFOW_FIELDS));
}

/** Size and offsets of SHELLEXECUTEINFOW as koffi lays it out (checked against the documented x64 layout). */
export function shellExecuteInfoLayout(): { size: number; offsets: Record<string, number> } {
  const t = shellExecuteInfoType() as Parameters<Koffi['sizeof']>[0];
  const offsets = Object.fromEntries(Object.keys(SHELLEXECUTEINFOW_FIELDS).map((f) => [f, koffi().offsetof(t, f)]));
  return { size: koffi().sizeof(t), offsets };
}

export interface ShellExecuteRequest {
  verb: string;
  file: string;
  /** One command line (see quoteWindowsArg). */
  parameters: string;
  directory?: string;
  /** Owner window (BrowserWindow.getNativeWindowHandle() read as an integer); the UAC prompt is parented to it. */
  hwnd?: bigint | null;
}

/**
 * ShellExecuteExW (shell32.dll), synchronous (SEE_MASK_NOASYNC) and without error dialogs
 * (SEE_MASK_FLAG_NO_UI): we report failures ourselves. With verb "runas" Windows shows the UAC
 * prompt; a declined prompt fails with ERROR_CANCELLED (1223). The started process's handle is
 * closed at once. Throws off Windows or when shell32.dll lacks the function.
 * @returns ok, or the Win32 error code from GetLastError
 */
export function shellExecuteEx(req: ShellExecuteRequest): { ok: true } | { ok: false; error: number } {
  const ShellExecuteExW = bindWin32('shell32.dll', 'ShellExecuteExW', 'int', [koffi().inout(koffi().pointer(shellExecuteInfoType() as never)) as unknown as string]);
  if (!ShellExecuteExW) throw new Error('shell32.dll has no ShellExecuteExW');
  const layout = shellExecuteInfoLayout();
  const info: Record<string, unknown> = {
    cbSize: layout.size,
    fMask: SEE_MASK_NOCLOSEPROCESS | SEE_MASK_NOASYNC | SEE_MASK_FLAG_NO_UI,
    hwnd: req.hwnd ?? 0n,
    lpVerb: req.verb,
    lpFile: req.file,
    lpParameters: req.parameters,
    lpDirectory: req.directory ?? null,
    nShow: SW_SHOWNORMAL,
    hInstApp: null,
    lpIDList: null,
    lpClass: null,
    hkeyClass: null,
    dwHotKey: 0,
    hIconOrMonitor: null,
    hProcess: null,
  };
  const ok = ShellExecuteExW(info);
  if (!ok) return { ok: false, error: kernel32().lastError() };
  if (info.hProcess) kernel32().closeHandle(info.hProcess as ProcessHandle);
  return { ok: true };
}

/** The 16 bytes of a GUID written as text ({xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx}), in memory order. */
export function guidBytes(text: string): Buffer {
  const m = /^\{?([0-9a-f]{8})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{4})-([0-9a-f]{12})\}?$/i.exec(text);
  if (!m) throw new Error(`not a GUID: ${text}`);
  const b = Buffer.alloc(16);
  b.writeUInt32LE(parseInt(m[1], 16), 0);
  b.writeUInt16LE(parseInt(m[2], 16), 4);
  b.writeUInt16LE(parseInt(m[3], 16), 6);
  Buffer.from(m[4] + m[5], 'hex').copy(b, 8);
  return b;
}

/** KNOWNFOLDERID values (KnownFolders.h). */
export const FOLDERID_ProgramFiles = '{905e63b6-c1bf-494e-b29c-65b732d3d21a}';
export const FOLDERID_ProgramFilesX86 = '{7c5a40ef-a0fb-4bfc-874a-c0f2e0b9fa8e}';

/**
 * SHGetKnownFolderPath (shell32.dll): the folder's path as the OS knows it, or null when the OS
 * has none (e.g. ProgramFilesX86 on 32-bit Windows). The returned string is freed with CoTaskMemFree.
 */
export function knownFolderPath(folderId: string): string | null {
  const SHGetKnownFolderPath = bindWin32('shell32.dll', 'SHGetKnownFolderPath', 'int32', ['void *', 'uint32', 'void *', 'void *']);
  const CoTaskMemFree = bindWin32('ole32.dll', 'CoTaskMemFree', 'void', ['void *']);
  if (!SHGetKnownFolderPath || !CoTaskMemFree) throw new Error('shell32.dll has no SHGetKnownFolderPath');
  // Our own pointer-sized cell receives the PWSTR: decoding it as 'str16' reads the string it points to.
  const cell = Buffer.alloc(8);
  const hr = SHGetKnownFolderPath(guidBytes(folderId), 0, null, cell) as number;
  if (cell.readBigUInt64LE(0) === 0n) return null;
  try {
    return hr < 0 ? null : (koffi().decode(cell, 'str16') as string);
  } finally {
    CoTaskMemFree(koffi().decode(cell, 'void *'));
  }
}
