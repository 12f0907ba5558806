import { describe, expect, it } from 'vitest';
import { actionResult, closeTcpConnectionV4, encodeDeleteTcbRow, endProcess, type ActionNative } from './actions';
import { decodeTcpTable } from './decode';
import { W } from '../../model/rows';

function fakeNative(over: Partial<ActionNative> = {}) {
  const closed: unknown[] = [];
  const native: ActionNative = {
    setTcpEntry: () => 0,
    openForTerminate: (pid) => ({ handle: pid }),
    terminate: () => 0,
    close: (h) => void closed.push(h),
    ...over,
  };
  return { native, closed };
}

describe('close connection (SetTcpEntry DELETE_TCB)', () => {
  it('encodes a MIB_TCPROW the table decoder reads back identically, with state 12', () => {
    const row = encodeDeleteTcbRow({ localAddr: 0xc0a80102, localPort: 50123, remoteAddr: 0x08080808, remotePort: 443 });
    expect(row.length).toBe(20);
    const table = Buffer.concat([Buffer.from([1, 0, 0, 0]), row]);
    const t = decodeTcpTable(table);
    expect(t.words[W.STATE]).toBe(12);
    expect(t.words[W.LADDR]).toBe(0xc0a80102);
    expect(t.words[W.LPORT]).toBe(50123);
    expect(t.words[W.RADDR]).toBe(0x08080808);
    expect(t.words[W.RPORT]).toBe(443);
    expect([...row.subarray(4, 8)]).toEqual([192, 168, 1, 2]);
  });

  it('maps the OS codes: 0 ok, 5 and 317 need admin, others carry the reason', () => {
    expect(closeTcpConnectionV4({ localAddr: 1, localPort: 1, remoteAddr: 2, remotePort: 2 }, fakeNative().native)).toEqual({ ok: true, code: 0 });
    const denied = closeTcpConnectionV4({ localAddr: 1, localPort: 1, remoteAddr: 2, remotePort: 2 }, fakeNative({ setTcpEntry: () => 5 }).native);
    expect(denied).toMatchObject({ ok: false, needsAdmin: true, code: 5 });
    expect(denied.ok === false && denied.reason).toMatch(/needs administrator rights/);
    expect(actionResult('close connection', 317)).toMatchObject({ ok: false, needsAdmin: true });
    const other = actionResult('close connection', 1168);
    expect(other).toEqual({ ok: false, reason: 'close connection: no such element (ERROR_NOT_FOUND)', code: 1168 });
    expect(closeTcpConnectionV4({ localAddr: 1, localPort: 1, remoteAddr: 2, remotePort: 2 }, fakeNative({ setTcpEntry: () => null }).native)).toMatchObject({
      ok: false,
      reason: 'SetTcpEntry is not available in iphlpapi.dll',
    });
  });
});

describe('end process', () => {
  it('opens, terminates and closes the handle', () => {
    const f = fakeNative();
    expect(endProcess(1234, f.native)).toEqual({ ok: true, code: 0 });
    expect(f.closed).toEqual([1234]);
  });

  it('refuses PIDs 0..4 and non-integers without calling the OS', () => {
    let opened = 0;
    const f = fakeNative({ openForTerminate: (pid) => (opened++, { handle: pid }) });
    for (const pid of [0, 4, -1, 1.5]) expect(endProcess(pid, f.native).ok).toBe(false);
    expect(opened).toBe(0);
  });

  it('access denied when opening → needsAdmin; unknown PID → says so; terminate failure → reason, handle still closed', () => {
    expect(endProcess(500, fakeNative({ openForTerminate: () => ({ error: 5 }) }).native)).toMatchObject({ ok: false, needsAdmin: true, code: 5 });
    expect(endProcess(501, fakeNative({ openForTerminate: () => ({ error: 87 }) }).native)).toEqual({
      ok: false,
      reason: 'end process 501: no process with this PID (it may have exited)',
      code: 87,
    });
    const f = fakeNative({ terminate: () => 6 });
    expect(endProcess(502, f.native)).toEqual({ ok: false, reason: 'end process 502: invalid handle (ERROR_INVALID_HANDLE)', code: 6 });
    expect(f.closed).toEqual([502]);
  });
});
