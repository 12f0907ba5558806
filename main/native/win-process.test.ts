import { describe, expect, it } from 'vitest';
import { structLayout } from './koffi';
import {
  ENUM_SERVICE_STATUS_PROCESS,
  UNICODE_STRING_SIZE,
  PEB_LAYOUT,
  accountName,
  commandLineFromPeb,
  createWinProcessDetails,
  decodeServiceEntries,
  decodeUnicodeStringInBuffer,
  filetimeToEpochMs,
  pointerOffset,
  readWideZ,
  servicesByPid,
  tokenUserSidOffset,
  type ServiceEntry,
  type WinProcessApi,
} from './win-process';

const BASE = 0x7ff6_1234_0000n;

/** A UNICODE_STRING at 0 whose Buffer points `at` bytes into the same buffer. */
function unicodeString(text: string, at = UNICODE_STRING_SIZE, size = 256): Buffer {
  const buf = Buffer.alloc(size);
  const bytes = Buffer.from(text, 'utf16le');
  buf.writeUInt16LE(bytes.length, 0);
  buf.writeUInt16LE(bytes.length + 2, 2);
  buf.writeBigUInt64LE(BASE + BigInt(at), 8);
  bytes.copy(buf, at);
  return buf;
}

/** An EnumServicesStatusExW(SC_ENUM_PROCESS_INFO) result: fixed entries first, strings packed after them. */
function serviceBuffer(entries: { name: string; display: string; pid: number; state?: number }[], size = 4096): Buffer {
  const L = ENUM_SERVICE_STATUS_PROCESS;
  const buf = Buffer.alloc(size, 0xcc); // garbage everywhere the OS did not write
  let strings = entries.length * L.size;
  const put = (s: string): bigint => {
    const at = strings;
    strings += buf.write(`${s}\0`, at, 'utf16le');
    return BASE + BigInt(at);
  };
  entries.forEach((e, i) => {
    const o = i * L.size;
    buf.writeBigUInt64LE(put(e.name), o + L.serviceName);
    buf.writeBigUInt64LE(put(e.display), o + L.displayName);
    for (let f = 0; f < 9; f++) buf.writeUInt32LE(0, o + 16 + f * 4);
    buf.writeUInt32LE(0x20, o + 16); // SERVICE_WIN32_SHARE_PROCESS
    buf.writeUInt32LE(e.state ?? 4, o + L.currentState);
    buf.writeUInt32LE(e.pid, o + L.processId);
  });
  return buf;
}

describe('pure decoders', () => {
  it('converts FILETIME ticks to epoch ms', () => {
    expect(filetimeToEpochMs(116_444_736_000_000_000n + 10_000n)).toBe(1);
    // 2024-01-01T00:00:00Z = 133485408000000000 ticks.
    expect(filetimeToEpochMs(133_485_408_000_000_000n)).toBe(Date.UTC(2024, 0, 1));
    expect(filetimeToEpochMs(133_485_408_000_123_456n)).toBe(Date.UTC(2024, 0, 1) + 12);
    expect(filetimeToEpochMs(0n)).toBeNull();
    expect(filetimeToEpochMs(116_444_736_000_000_000n)).toBeNull();
  });

  it('bounds pointers to the buffer', () => {
    expect(pointerOffset(BASE + 16n, BASE, 32, 16)).toBe(16);
    expect(pointerOffset(BASE + 17n, BASE, 32, 16)).toBeNull();
    expect(pointerOffset(BASE - 1n, BASE, 32)).toBeNull();
    expect(pointerOffset(0n, BASE, 32)).toBeNull();
  });

  it('decodes a UNICODE_STRING whose characters live in the same buffer', () => {
    const cmd = '"C:\\Program Files\\nodejs\\node.exe" probe.cjs --flag "ü 漢"';
    expect(decodeUnicodeStringInBuffer(unicodeString(cmd), BASE)).toBe(cmd);
    expect(decodeUnicodeStringInBuffer(unicodeString('x', 100), BASE)).toBe('x');
  });

  it('refuses a UNICODE_STRING pointing outside the buffer, odd lengths and short buffers', () => {
    const outside = unicodeString('abc');
    outside.writeBigUInt64LE(BASE + 252n, 8); // 6 bytes from 252 overrun 256
    expect(decodeUnicodeStringInBuffer(outside, BASE)).toBeNull();
    const elsewhere = unicodeString('abc');
    elsewhere.writeBigUInt64LE(0x1000n, 8);
    expect(decodeUnicodeStringInBuffer(elsewhere, BASE)).toBeNull();
    const odd = unicodeString('abc');
    odd.writeUInt16LE(5, 0);
    expect(decodeUnicodeStringInBuffer(odd, BASE)).toBeNull();
    expect(decodeUnicodeStringInBuffer(Buffer.alloc(8), BASE)).toBeNull();
    const empty = Buffer.alloc(16); // Length 0, Buffer NULL: an empty command line
    expect(decodeUnicodeStringInBuffer(empty, BASE)).toBe('');
  });

  it('reads NUL-terminated UTF-16 only up to the buffer end', () => {
    const b = Buffer.alloc(16);
    b.write('hi\0', 2, 'utf16le');
    expect(readWideZ(b, 2)).toBe('hi');
    const full = Buffer.from('abcdefgh', 'utf16le'); // no terminator
    expect(readWideZ(full, 0)).toBeNull();
    expect(readWideZ(b, 99)).toBeNull();
  });

  it('decodes ENUM_SERVICE_STATUS_PROCESSW arrays and maps PIDs to sorted service names', () => {
    const buf = serviceBuffer([
      { name: 'Dnscache', display: 'DNS Client', pid: 1234 },
      { name: 'Dhcp', display: 'DHCP Client', pid: 1234 },
      { name: 'Spooler', display: 'Print Spooler', pid: 2000 },
      { name: 'Stopped', display: 'Not running', pid: 0, state: 1 },
    ]);
    const entries = decodeServiceEntries(buf, 4, BASE);
    expect(entries).toEqual([
      { name: 'Dnscache', displayName: 'DNS Client', pid: 1234 },
      { name: 'Dhcp', displayName: 'DHCP Client', pid: 1234 },
      { name: 'Spooler', displayName: 'Print Spooler', pid: 2000 },
      { name: 'Stopped', displayName: 'Not running', pid: 0 },
    ]);
    const map = servicesByPid(entries);
    expect(map.get(1234)).toEqual(['Dhcp', 'Dnscache']);
    expect(map.get(2000)).toEqual(['Spooler']);
    expect(map.has(0)).toBe(false);
  });

  it('never reads past the buffer for a hostile count or wild name pointers', () => {
    const buf = serviceBuffer([{ name: 'A', display: 'a', pid: 7 }], 200);
    expect(decodeServiceEntries(buf, 1_000_000, BASE).map((e) => e.name)).toEqual(['A']);
    buf.writeBigUInt64LE(BASE + 10_000n, 0);
    expect(decodeServiceEntries(buf, 1, BASE)).toEqual([]);
  });

  it('finds the SID inside a TOKEN_USER buffer', () => {
    const b = Buffer.alloc(64);
    b.writeBigUInt64LE(BASE + 16n, 0);
    expect(tokenUserSidOffset(b, BASE)).toBe(16);
    b.writeBigUInt64LE(BASE + 60n, 0); // fewer than 8 bytes left
    expect(tokenUserSidOffset(b, BASE)).toBeNull();
    expect(accountName('NT AUTHORITY', 'SYSTEM')).toBe('NT AUTHORITY\\SYSTEM');
    expect(accountName('', 'alice')).toBe('alice');
  });

  it('follows PEB → ProcessParameters → CommandLine through the target process memory', () => {
    const PEB = 0x3000n;
    const PARAMS = 0x9_0000n;
    const TEXT = 0x9_1000n;
    const cmd = 'C:\\app.exe --port 8080';
    const mem = new Map<bigint, Buffer>();
    const ptr = (v: bigint) => {
      const b = Buffer.alloc(8);
      b.writeBigUInt64LE(v);
      return b;
    };
    mem.set(PEB + BigInt(PEB_LAYOUT.pebProcessParameters), ptr(PARAMS));
    const us = Buffer.alloc(UNICODE_STRING_SIZE);
    us.writeUInt16LE(cmd.length * 2, 0);
    us.writeBigUInt64LE(TEXT, 8);
    mem.set(PARAMS + BigInt(PEB_LAYOUT.paramsCommandLine), us);
    mem.set(TEXT, Buffer.from(cmd, 'utf16le'));
    const reads: bigint[] = [];
    const read = (a: bigint, size: number) => {
      reads.push(a);
      const b = mem.get(a);
      return b && b.length >= size ? b.subarray(0, size) : null;
    };
    expect(commandLineFromPeb(PEB, read)).toBe(cmd);
    expect(reads).toEqual([PEB + 0x20n, PARAMS + 0x70n, TEXT]);
    expect(commandLineFromPeb(0n, read)).toBeNull();
    mem.delete(TEXT); // unreadable text: null, not garbage
    expect(commandLineFromPeb(PEB, read)).toBeNull();
    us.writeUInt16LE(0, 0);
    expect(commandLineFromPeb(PEB, read)).toBe('');
  });

  it('uses the x64 layouts koffi computes from the SDK declarations', () => {
    const us = structLayout({ Length: 'uint16', MaximumLength: 'uint16', Buffer: 'void *' });
    expect(us).toEqual({ size: UNICODE_STRING_SIZE, offsets: { Length: 0, MaximumLength: 2, Buffer: 8 } });
    const ssp = structLayout({
      lpServiceName: 'void *',
      lpDisplayName: 'void *',
      dwServiceType: 'uint32',
      dwCurrentState: 'uint32',
      dwControlsAccepted: 'uint32',
      dwWin32ExitCode: 'uint32',
      dwServiceSpecificExitCode: 'uint32',
      dwCheckPoint: 'uint32',
      dwWaitHint: 'uint32',
      dwProcessId: 'uint32',
      dwServiceFlags: 'uint32',
    });
    expect(ssp.size).toBe(ENUM_SERVICE_STATUS_PROCESS.size);
    expect(ssp.offsets.lpServiceName).toBe(ENUM_SERVICE_STATUS_PROCESS.serviceName);
    expect(ssp.offsets.lpDisplayName).toBe(ENUM_SERVICE_STATUS_PROCESS.displayName);
    expect(ssp.offsets.dwCurrentState).toBe(ENUM_SERVICE_STATUS_PROCESS.currentState);
    expect(ssp.offsets.dwProcessId).toBe(ENUM_SERVICE_STATUS_PROCESS.processId);
  });
});

/** A fake native layer: one process table, counting calls; `fail` makes a field's call throw or return null. */
function fakeApi(over: Partial<WinProcessApi<number>> = {}) {
  const calls = { open: 0, close: 0, services: 0 };
  const api: WinProcessApi<number> = {
    open: (pid) => (calls.open++, pid === 1234 || pid === 2000 ? pid : null),
    close: () => void calls.close++,
    imagePath: (h) => (h === 1234 ? 'C:\\Windows\\System32\\svchost.exe' : 'C:\\Tools\\app.exe'),
    creationTicks: () => 133_485_408_000_000_000n,
    commandLine: (h) => (h === 1234 ? 'C:\\Windows\\system32\\svchost.exe -k NetworkService' : null),
    user: () => 'NT AUTHORITY\\NETWORK SERVICE',
    services: (): ServiceEntry[] => (
      calls.services++,
      [
        { name: 'Dnscache', displayName: null, pid: 1234 },
        { name: 'CryptSvc', displayName: null, pid: 1234 },
      ]
    ),
    ...over,
  };
  return { api, calls };
}

describe('createWinProcessDetails', () => {
  it('fills every field from the API and closes the handle', () => {
    const { api, calls } = fakeApi();
    const details = createWinProcessDetails({ api })(1234);
    expect(details).toEqual({
      pid: 1234,
      name: 'svchost.exe',
      path: 'C:\\Windows\\System32\\svchost.exe',
      commandLine: 'C:\\Windows\\system32\\svchost.exe -k NetworkService',
      user: 'NT AUTHORITY\\NETWORK SERVICE',
      startTime: Date.UTC(2024, 0, 1),
      services: ['CryptSvc', 'Dnscache'],
    });
    expect(calls).toMatchObject({ open: 1, close: 1 });
  });

  it('turns each failing call into a null field, never a throw', () => {
    const { api, calls } = fakeApi({
      commandLine: () => {
        throw new Error('koffi: access violation');
      },
      user: () => null,
      creationTicks: () => {
        throw new Error('boom');
      },
      services: () => null,
    });
    const details = createWinProcessDetails({ api })(2000);
    expect(details).toEqual({ pid: 2000, name: 'app.exe', path: 'C:\\Tools\\app.exe', commandLine: null, user: null, startTime: null, services: [] });
    expect(calls.close).toBe(1);
  });

  it('answers a process it cannot open with the services only', () => {
    const { api, calls } = fakeApi();
    expect(createWinProcessDetails({ api })(999)).toEqual({ pid: 999, name: null, path: null, commandLine: null, user: null, startTime: null, services: [] });
    expect(calls.close).toBe(0);
  });

  it('names PID 0 and 4 without opening them', () => {
    const { api, calls } = fakeApi();
    const get = createWinProcessDetails({ api });
    expect(get(0).name).toBe('System Idle Process');
    expect(get(4).name).toBe('System');
    expect(calls.open).toBe(0);
  });

  it('reuses the service map for serviceTtlMs, and retries a failed enumeration at once', () => {
    let t = 0;
    let failNext = false;
    const { api, calls } = fakeApi();
    const real = api.services;
    api.services = () => (failNext ? (calls.services++, null) : real());
    const get = createWinProcessDetails({ api, serviceTtlMs: 5_000, now: () => t });
    get(1234);
    get(2000);
    t = 4_999;
    get(1234);
    expect(calls.services).toBe(1);
    t = 5_001;
    failNext = true;
    expect(get(1234).services).toEqual(['CryptSvc', 'Dnscache']); // the stale map still answers
    failNext = false;
    get(1234);
    expect(calls.services).toBe(3);
  });
});
