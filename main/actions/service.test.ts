import { describe, expect, it } from 'vitest';
import type { ActionResult, CloseTarget, EndProcessTarget, ProcessDetails } from '../../shared/ipc';
import { createRowTable } from '../model/rows';
import type { ActionNative } from '../source/windows/actions';
import { createActionService, normalize, type OsActions } from './service';
import { IPV6_CLOSE_REASON, createWindowsActions } from './windows';

const v4: CloseTarget = { family: 4, localAddress: '192.168.1.5', localPort: 50123, remoteAddress: '10.0.0.9', remotePort: 443 };
const v6: CloseTarget = { family: 6, localAddress: '::1', localPort: 50123, remoteAddress: '::1', remotePort: 8080 };
const DETAILS: ProcessDetails = { pid: 42, name: 'app', path: '/usr/bin/app', commandLine: 'app -x', user: 'alice', startTime: 1, services: [] };

/** The end-process target of a row whose owner started at DETAILS.startTime. */
const end = (pid: number): EndProcessTarget => ({ pid, startTime: DETAILS.startTime });
/** A table read after a close: empty, so a connection the OS closed is gone. */
const emptyTable = () => createRowTable(0);

/** Every PID but 43 is a live process that started at DETAILS.startTime. */
function recordingOs(over: Partial<OsActions> = {}) {
  const calls: { fn: string; arg: unknown }[] = [];
  const os: OsActions = {
    processDetails: (pid) => (calls.push({ fn: 'details', arg: pid }), pid === 43 ? null : { ...DETAILS, pid }),
    closeConnection: (t) => (calls.push({ fn: 'close', arg: t }), { ok: true }),
    endProcess: async (pid) => (calls.push({ fn: 'end', arg: pid }), { ok: true }),
    ...over,
  };
  return { os, calls };
}

describe('action service dispatch', () => {
  it('passes validated arguments to the OS implementation', async () => {
    const { os, calls } = recordingOs();
    const svc = createActionService({ os, selfPid: 1, readTable: emptyTable });
    expect(await svc.getProcessDetails(42)).toEqual(DETAILS);
    expect(await svc.processDetails(43)).toBeNull();
    expect(await svc.closeConnection(v4)).toEqual({ ok: true });
    expect(await svc.endProcess(end(77))).toEqual({ ok: true });
    expect(calls).toEqual([
      { fn: 'details', arg: 42 },
      { fn: 'details', arg: 43 },
      { fn: 'close', arg: v4 },
      { fn: 'details', arg: 77 },
      { fn: 'end', arg: 77 },
    ]);
  });

  it('refuses bad arguments with the reason, without calling the OS', async () => {
    const { os, calls } = recordingOs();
    const svc = createActionService({ os, selfPid: 1, readTable: emptyTable });
    const bad = await svc.closeConnection({ ...v4, remoteAddress: '::1' });
    expect(bad).toEqual({ ok: false, reason: 'close connection: close target remoteAddress is an IPv6 address but family is 4' });
    expect(await svc.endProcess(end(-5))).toMatchObject({ ok: false, reason: expect.stringMatching(/pid must be between/) });
    expect(await svc.endProcess(end('12' as unknown as number))).toMatchObject({ ok: false, reason: expect.stringMatching(/pid must be an integer/) });
    expect(await svc.getProcessDetails(1.5)).toBeNull();
    expect(calls).toEqual([]);
  });

  it('never ends netmon itself', async () => {
    const { os, calls } = recordingOs();
    const svc = createActionService({ os, selfPid: 777, readTable: emptyTable });
    expect(await svc.endProcess(end(777))).toEqual({ ok: false, reason: 'PID 777 is netmon itself; close the app instead' });
    expect(calls).toEqual([]);
  });

  it('turns a throwing implementation into a failure carrying its message', async () => {
    const { os } = recordingOs({
      closeConnection: () => {
        throw new Error('koffi: cannot load iphlpapi.dll');
      },
      endProcess: async () => Promise.reject(new Error('spawn ss ENOENT')),
      processDetails: (pid) => {
        if (pid === 42) throw new Error('boom');
        return { ...DETAILS, pid };
      },
    });
    const svc = createActionService({ os, selfPid: 1, readTable: emptyTable });
    expect(await svc.closeConnection(v4)).toEqual({ ok: false, reason: 'close connection failed: koffi: cannot load iphlpapi.dll' });
    expect(await svc.endProcess(end(5))).toEqual({ ok: false, reason: 'end process 5 failed: spawn ss ENOENT' });
    expect(await svc.getProcessDetails(42)).toBeNull();
  });

  it('keeps the OS reason and makes "needs admin" say administrator rights are needed', async () => {
    const { os } = recordingOs({
      closeConnection: () => ({ ok: false, reason: 'Operation not permitted', needsAdmin: true }),
      endProcess: () => ({ ok: false, reason: 'no process with PID 9 (it has exited already)' }),
    });
    const svc = createActionService({ os, selfPid: 1, readTable: emptyTable });
    expect(await svc.closeConnection(v4)).toEqual({
      ok: false,
      reason: 'Operation not permitted — administrator rights are needed',
      needsAdmin: true,
    });
    expect(await svc.endProcess(end(9))).toEqual({ ok: false, reason: 'no process with PID 9 (it has exited already)' });
  });

  it('normalizes results to the contract fields', () => {
    expect(normalize({ ok: true, code: 0 } as ActionResult)).toEqual({ ok: true });
    expect(normalize({ ok: false, reason: '  ' })).toEqual({ ok: false, reason: 'the operating system refused without giving a reason' });
    expect(normalize({ ok: false, reason: 'needs administrator rights (CAP_NET_ADMIN)', needsAdmin: true })).toEqual({
      ok: false,
      reason: 'needs administrator rights (CAP_NET_ADMIN)',
      needsAdmin: true,
    });
  });

  it('answers unsupported platforms with a reason', async () => {
    const svc = createActionService({ platform: 'aix', selfPid: 1, readTable: emptyTable });
    expect(await svc.closeConnection(v4)).toEqual({ ok: false, reason: 'closing connections is not supported on aix' });
    expect(await svc.endProcess(end(5))).toEqual({ ok: false, reason: 'ending processes is not supported on aix' });
    expect(await svc.getProcessDetails(5)).toBeNull();
  });
});

/** A scripted SetTcpEntry / TerminateProcess layer that records what it was asked. */
function fakeNative(codes: { setTcpEntry?: number | null; open?: number; terminate?: number; createdMs?: number } = {}) {
  const rows: Buffer[] = [];
  const opened: number[] = [];
  const terminated: unknown[] = [];
  let closed = 0;
  const native: ActionNative = {
    setTcpEntry: (row) => (rows.push(Buffer.from(row)), codes.setTcpEntry === undefined ? 0 : codes.setTcpEntry),
    openForTerminate: (pid) => (opened.push(pid), codes.open ? { error: codes.open } : { handle: pid }),
    terminate: (h) => (terminated.push(h), codes.terminate ?? 0),
    close: () => void closed++,
  };
  // GetProcessTimes on the opened handle: FILETIME ticks of createdMs.
  if (codes.createdMs !== undefined) native.creationTime = () => 116_444_736_000_000_000n + BigInt(codes.createdMs!) * 10_000n;
  return { native, rows, opened, terminated, closed: () => closed };
}

describe('Windows actions through the service', () => {
  const app = (pid: number): ProcessDetails => ({ ...DETAILS, pid, path: 'C:\\Program Files\\app\\app.exe' });
  const service = (native: ActionNative, details: (pid: number) => ProcessDetails = app) =>
    createActionService({ os: createWindowsActions({ native, details }), selfPid: 1, platform: 'win32', systemRoot: 'C:\\Windows', readTable: emptyTable });

  it('closes an IPv4 connection with a DELETE_TCB MIB_TCPROW in network byte order', async () => {
    const f = fakeNative();
    expect(await service(f.native).closeConnection(v4)).toEqual({ ok: true });
    expect(f.rows).toHaveLength(1);
    const row = f.rows[0];
    expect(row.readUInt32LE(0)).toBe(12);
    expect([...row.subarray(4, 8)]).toEqual([192, 168, 1, 5]);
    expect(row.readUInt16BE(8)).toBe(50123);
    expect([...row.subarray(12, 16)]).toEqual([10, 0, 0, 9]);
    expect(row.readUInt16BE(16)).toBe(443);
  });

  it('refuses IPv6 with the reason, without calling SetTcpEntry', async () => {
    const f = fakeNative();
    expect(await service(f.native).closeConnection(v6)).toEqual({ ok: false, reason: IPV6_CLOSE_REASON });
    expect(f.rows).toHaveLength(0);
  });

  it('reports access denied (5, and the 317 SetTcpEntry gives unelevated) as needing administrator rights', async () => {
    for (const code of [5, 317]) {
      const r = await service(fakeNative({ setTcpEntry: code }).native).closeConnection(v4);
      expect(r).toMatchObject({ ok: false, needsAdmin: true });
      expect(r.ok === false && r.reason).toMatch(/administrator rights/);
      expect(r.ok === false && r.reason).toContain(`code ${code}`);
      expect(Object.keys(r).sort()).toEqual(['needsAdmin', 'ok', 'reason']);
    }
    const denied = await service(fakeNative({ open: 5 }).native).endProcess(end(1234));
    expect(denied).toMatchObject({ ok: false, needsAdmin: true, reason: expect.stringMatching(/administrator rights/) });
  });

  it('carries other OS reasons and a missing SetTcpEntry', async () => {
    expect(await service(fakeNative({ setTcpEntry: 1168 }).native).closeConnection(v4)).toEqual({
      ok: false,
      reason: 'close connection: no such element (ERROR_NOT_FOUND)',
    });
    expect(await service(fakeNative({ setTcpEntry: null }).native).closeConnection(v4)).toEqual({
      ok: false,
      reason: 'SetTcpEntry is not available in iphlpapi.dll',
    });
  });

  it('ends a process and closes its handle; a vanished PID says so', async () => {
    const f = fakeNative();
    expect(await service(f.native).endProcess(end(4321))).toEqual({ ok: true });
    expect(f.opened).toEqual([4321]);
    expect(f.closed()).toBe(1);
    expect(await service(fakeNative({ open: 87 }).native).endProcess(end(4321))).toEqual({
      ok: false,
      reason: 'end process 4321: no process with this PID (it may have exited)',
    });
    expect(await service(fakeNative().native).endProcess(end(4))).toMatchObject({ ok: false, reason: 'PID 4 is the System process (the Windows kernel), not a process that can be ended' });
  });

  it('refuses a PID whose GetProcessTimes creation time is not the row\'s, and a critical image, before OpenProcess', async () => {
    const f = fakeNative();
    const reused = service(f.native, (pid) => ({ ...app(pid), startTime: DETAILS.startTime! + 5000 }));
    expect(await reused.endProcess(end(4321))).toMatchObject({ ok: false, reason: expect.stringMatching(/^PID 4321 is now another process/) });
    const lsass = service(f.native, (pid) => ({ ...app(pid), name: 'lsass.exe', path: 'C:\\Windows\\System32\\lsass.exe' }));
    expect(await lsass.endProcess(end(640))).toMatchObject({ ok: false, reason: expect.stringMatching(/critical Windows process/) });
    expect(f.opened).toEqual([]);
  });

  it('checks the creation time again on the handle that terminates: a PID reused after the check is not ended', async () => {
    const same = fakeNative({ createdMs: DETAILS.startTime! });
    expect(await service(same.native).endProcess(end(4321))).toEqual({ ok: true });
    expect(same.terminated).toEqual([4321]);
    // The details said the row's process; by the time OpenProcess ran, the PID named a newer one.
    const raced = fakeNative({ createdMs: DETAILS.startTime! + 1 });
    expect(await service(raced.native).endProcess(end(4321))).toEqual({
      ok: false,
      reason: 'end process 4321: this PID now names another process than the one shown; nothing was ended',
    });
    expect(raced.terminated).toEqual([]);
    expect(raced.closed()).toBe(1);
  });

  it('returns details, or null when nothing at all is known of the PID', async () => {
    const none = (pid: number): ProcessDetails => ({ pid, name: null, path: null, commandLine: null, user: null, startTime: null, services: [] });
    const svc = service(fakeNative().native, (pid) => (pid === 42 ? DETAILS : none(pid)));
    expect(await svc.getProcessDetails(42)).toEqual(DETAILS);
    expect(await svc.getProcessDetails(43)).toBeNull();
  });
});
