import { describe, expect, it } from 'vitest';
import { PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W } from '../../model/rows';
import { SourceError } from '../types';
import type { TableCall } from './buffer-call';
import { createWindowsSource, type TableFunction, type WindowsNative } from './index';

/** A table call serving fixed bytes with the real size protocol. */
function serve(bytes: Buffer): TableCall {
  return (buf, size) => {
    if (size.readUInt32LE(0) < bytes.length) {
      size.writeUInt32LE(bytes.length, 0);
      return 122;
    }
    bytes.copy(buf);
    return 0;
  };
}

function tcp2(rows: { lport: number; pid: number; state: number }[]): Buffer {
  const b = Buffer.alloc(4 + rows.length * 28);
  b.writeUInt32LE(rows.length, 0);
  rows.forEach((r, i) => {
    const o = 4 + i * 28;
    b.writeUInt32LE(r.state, o);
    b.writeUInt32BE(0x7f000001, o + 4);
    b.writeUInt16BE(r.lport, o + 8);
    b.writeUInt32LE(r.pid, o + 20);
  });
  return b;
}
function tcp6x2(lport: number, pid: number): Buffer {
  const b = Buffer.alloc(4 + 60);
  b.writeUInt32LE(1, 0);
  b.writeUInt8(1, 4 + 15); // ::1
  b.writeUInt16BE(lport, 4 + 20);
  b.writeUInt32LE(2, 4 + 48);
  b.writeUInt32LE(pid, 4 + 52);
  return b;
}
function udp4(lport: number, pid: number): Buffer {
  const b = Buffer.alloc(4 + 12);
  b.writeUInt32LE(1, 0);
  b.writeUInt16BE(lport, 8);
  b.writeUInt32LE(pid, 12);
  return b;
}

function native(tables: Partial<Record<TableFunction, TableCall>>): WindowsNative & { asked: TableFunction[] } {
  const asked: TableFunction[] = [];
  return {
    asked,
    table: (fn) => (asked.push(fn), tables[fn] ?? null),
    processes: {
      open: (pid) => (pid === 321 ? pid : null),
      creationTime: () => 133485408000000000n, // 2024-01-01T00:00:00Z
      imagePath: () => 'C:\\tools\\probe.exe',
      close: () => {},
    },
  };
}

const col = (t: { words: Uint32Array; count: number }, word: number) =>
  Array.from({ length: t.count }, (_, i) => t.words[i * ROW_WORDS + word]);

describe('createWindowsSource', () => {
  it('falls back from missing extended/*2 functions and merges v4, v6 and UDP into one table', () => {
    const n = native({
      GetTcpTable2: serve(tcp2([{ lport: 80, pid: 321, state: 2 }, { lport: 81, pid: 9, state: 5 }])),
      GetTcp6Table2: serve(tcp6x2(443, 321)),
      'GetExtendedUdpTable(AF_INET, UDP_TABLE_OWNER_PID)': serve(udp4(53, 321)),
      'GetExtendedUdpTable(AF_INET6, UDP_TABLE_OWNER_PID)': (_b, _s) => 232, // no UDP v6 endpoints
    });
    const s = createWindowsSource({ native: n });
    expect(s.name).toBe('windows-iphlpapi');
    const t = s.read() as ReturnType<typeof s.read> & { count: number; words: Uint32Array };
    expect(t.count).toBe(4);
    expect(col(t, W.LPORT)).toEqual([80, 81, 443, 53]);
    expect(col(t, W.FAMILY)).toEqual([4, 4, 6, 4]);
    expect(col(t, W.PROTO)).toEqual([PROTO_TCP, PROTO_TCP, PROTO_TCP, PROTO_UDP]);
    const f = s.functions();
    expect(f.active).toEqual(['GetTcpTable2', 'GetTcp6Table2', 'GetExtendedUdpTable(AF_INET, UDP_TABLE_OWNER_PID)', 'GetExtendedUdpTable(AF_INET6, UDP_TABLE_OWNER_PID)']);
    expect(f.skipped.join('\n')).toMatch(/GetExtendedTcpTable\(AF_INET, TCP_TABLE_OWNER_MODULE_ALL\): not exported/);
    expect(s.processInfo(321)).toEqual({ pid: 321, name: 'probe.exe', path: 'C:\\tools\\probe.exe', startTime: Date.UTC(2024, 0, 1) });
    expect(s.processInfo(4)?.name).toBe('System');
    expect(s.processInfo(0xffffffff)).toBeNull();
  });

  it('processDetails: name, path and start time from the process handle; null fields it cannot know', async () => {
    const s = createWindowsSource({ native: native({}), udp: false });
    expect(await s.processDetails!(321)).toEqual({
      pid: 321,
      name: 'probe.exe',
      path: 'C:\\tools\\probe.exe',
      commandLine: null,
      user: null,
      startTime: Date.UTC(2024, 0, 1),
      services: [],
    });
    expect((await s.processDetails!(4))?.name).toBe('System');
    expect(await s.processDetails!(555)).toMatchObject({ pid: 555, name: null, startTime: null });
    expect(await s.processDetails!(PID_UNKNOWN)).toBeNull();
  });

  it('returns a fresh table each poll (the engine keeps the previous one)', () => {
    const n = native({ GetTcpTable: serve(tcp2([])), GetTcp6Table: (_b, _s) => 232 });
    const s = createWindowsSource({ native: n, tcp: 'legacy', udp: false });
    expect(s.read()).not.toBe(s.read());
  });

  it('moves on when an extended variant answers ERROR_NOT_SUPPORTED', () => {
    const n = native({
      'GetExtendedTcpTable(AF_INET, TCP_TABLE_OWNER_MODULE_ALL)': () => 50,
      'GetExtendedTcpTable(AF_INET6, TCP_TABLE_OWNER_MODULE_ALL)': () => 87,
      GetTcpTable2: serve(tcp2([{ lport: 1, pid: 1, state: 2 }])),
      GetTcp6Table2: serve(tcp6x2(2, 2)),
    });
    const s = createWindowsSource({ native: n, udp: false });
    expect((s.read() as { count: number }).count).toBe(2);
    expect(s.functions().active).toEqual(['GetTcpTable2', 'GetTcp6Table2']);
    s.read();
    // The failing variants are not retried on later polls.
    expect(n.asked.filter((x) => x.startsWith('GetExtendedTcpTable')).length).toBe(2);
  });

  it('other failures surface as SourceError; nothing available is a clear error', () => {
    const failing = createWindowsSource({ native: native({ GetTcpTable: () => 0xc0000005, GetTcp6Table: serve(tcp6x2(1, 1)) }), tcp: 'legacy', udp: false });
    expect(() => failing.read()).toThrow(SourceError);
    expect(() => failing.read()).toThrow(/GetTcpTable failed: unknown error code .*0xC0000005/);
    const none = createWindowsSource({ native: native({}), tcp: 'table2', udp: false });
    expect(() => none.read()).toThrow(/none of GetTcpTable2, GetTcpTable is available/);
  });
});
