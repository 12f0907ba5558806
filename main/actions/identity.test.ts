// Issue 7 §5 / issue 9 §5 / issue 10 item 7: what the action service refuses before the OS is
// asked — a PID that now names another process, netmon's own processes, critical Windows
// processes — and a close the OS called a success while the next read still holds the connection.
import { describe, expect, it } from 'vitest';
import type { CloseTarget, EndProcessTarget, ProcessDetails } from '../../shared/ipc';
import { tableFromSpecs } from '../model/build';
import { createRowTable } from '../model/rows';
import { criticalWindowsProcess } from './critical';
import { createActionService, identityProblem, START_TIME_TOLERANCE_MS, type OsActions } from './service';
import { STILL_OPEN_REASON, stillOpen } from './still-open';

const STARTED = Date.UTC(2026, 10, 30, 3, 0, 0);

function fakeOs(details: Partial<ProcessDetails> | null) {
  const ended: number[] = [];
  const closed: CloseTarget[] = [];
  const os: OsActions = {
    processDetails: (pid) =>
      details === null ? null : { pid, name: 'app', path: '/usr/bin/app', commandLine: null, user: null, startTime: STARTED, services: [], ...details },
    closeConnection: (t) => (closed.push(t), { ok: true }),
    endProcess: (pid) => (ended.push(pid), { ok: true }),
  };
  return { os, ended, closed };
}

const target = (pid: number, startTime: number | null): EndProcessTarget => ({ pid, startTime });

describe('end process: the PID must still name the process the row showed', () => {
  it('ends it when the start time agrees (within the clock-tick tolerance)', async () => {
    const f = fakeOs({});
    const svc = createActionService({ os: f.os, selfPid: 1, platform: 'linux' });
    expect(await svc.endProcess(target(500, STARTED))).toEqual({ ok: true });
    expect(await svc.endProcess(target(500, STARTED + START_TIME_TOLERANCE_MS))).toEqual({ ok: true });
    expect(f.ended).toEqual([500, 500]);
  });
  it('refuses a reused PID (another start time) and ends nothing', async () => {
    const f = fakeOs({ startTime: STARTED + 60_000 });
    const svc = createActionService({ os: f.os, selfPid: 1, platform: 'linux' });
    expect(await svc.endProcess(target(500, STARTED))).toEqual({
      ok: false,
      reason:
        'PID 500 is now another process (started 2026-11-30T03:01:00.000Z; the one shown started 2026-11-30T03:00:00.000Z): it exited and its PID was reused; nothing was ended',
    });
    expect(await svc.endProcess(target(500, STARTED + 60_000 - START_TIME_TOLERANCE_MS - 1))).toMatchObject({ ok: false });
    expect(f.ended).toEqual([]);
  });
  it('refuses when the row did not know the start time, or the OS will not say it', async () => {
    const unknownNow = fakeOs({ startTime: null });
    const svc = createActionService({ os: unknownNow.os, selfPid: 1, platform: 'win32', systemRoot: 'C:\\Windows' });
    expect(await svc.endProcess(target(500, STARTED))).toEqual({
      ok: false,
      reason: 'cannot read when PID 500 started, so netmon cannot make sure it is still the process shown; nothing was ended',
    });
    const f = fakeOs({});
    expect(await createActionService({ os: f.os, selfPid: 1 }).endProcess(target(500, null))).toEqual({
      ok: false,
      reason: 'netmon does not know when PID 500 started, so it cannot make sure it is still the process shown; nothing was ended',
    });
    expect([...unknownNow.ended, ...f.ended]).toEqual([]);
  });
  it('says a PID that has gone is gone', async () => {
    const f = fakeOs(null);
    expect(await createActionService({ os: f.os, selfPid: 1 }).endProcess(target(500, STARTED))).toEqual({
      ok: false,
      reason: 'no process with PID 500 (it has exited already)',
    });
  });
  it('checks the target shape: pid and startTime only, startTime epoch ms or null', async () => {
    const svc = createActionService({ os: fakeOs({}).os, selfPid: 1 });
    expect(await svc.endProcess(500 as unknown as EndProcessTarget)).toEqual({ ok: false, reason: 'end process: end-process target must be an object, got 500' });
    expect(await svc.endProcess({ pid: 500, startTime: -1 })).toMatchObject({ ok: false, reason: expect.stringMatching(/startTime must be epoch ms or null/) });
    expect(await svc.endProcess({ pid: 500, startTime: STARTED, force: true } as EndProcessTarget)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unexpected key\(s\): "force"/),
    });
    expect(identityProblem(1, 5, 5)).toBeNull();
  });
});

describe('end process: numbers from outside that would become a Date are range-checked', () => {
  it('a startTime no Date can hold (1e308) is refused with a clear error before any lookup, never "Invalid time value"', async () => {
    let lookups = 0;
    const f = fakeOs({});
    const os: OsActions = { ...f.os, processDetails: (pid) => (lookups++, f.os.processDetails(pid)) };
    const svc = createActionService({ os, selfPid: 1, platform: 'linux' });
    for (const startTime of [1e308, 8.64e15 + 1, Number.MAX_VALUE]) {
      const r = await svc.endProcess({ pid: 500, startTime });
      expect(r.ok).toBe(false);
      expect(!r.ok && r.reason).toBe(
        `end process 500: end-process target startTime must be epoch ms or null (0 to 8640000000000000, a time a Date can hold), got ${startTime}`,
      );
    }
    expect([lookups, f.ended]).toEqual([0, []]);
    // The last time a Date holds is still a time: judged (another process), not refused as malformed.
    expect(await svc.endProcess({ pid: 500, startTime: 8.64e15 })).toMatchObject({ ok: false, reason: expect.stringMatching(/^PID 500 is now another process \(started 2026-11-30T03:00:00\.000Z; the one shown started \+275760-09-13T00:00:00\.000Z\)/) });
  });
  it('a start time the OS reports beyond what a Date holds is shown as the number, not thrown', () => {
    expect(identityProblem(500, STARTED, 1e308)).toBe(
      'PID 500 is now another process (started 1e+308 ms; the one shown started 2026-11-30T03:00:00.000Z): it exited and its PID was reused; nothing was ended',
    );
  });
});

describe('end process: PIDs that name no process that can be ended are refused before any lookup', () => {
  const cases: [NodeJS.Platform, number, string][] = [
    ['win32', 0, 'PID 0 is the System Idle Process, not a process that can be ended'],
    ['win32', 4, 'PID 4 is the System process (the Windows kernel), not a process that can be ended'],
    ['linux', 0, 'PID 0 is the kernel (sockets no process owns), not a process that can be ended'],
    ['linux', 1, 'PID 1 is init: ending it would bring the system down, so netmon refuses'],
  ];
  it.each(cases)('%s PID %i', async (platform, pid, reason) => {
    let lookups = 0;
    // The OS answers these PIDs as if nothing held them: asked first, that read as "it has exited".
    const f = fakeOs(null);
    const os: OsActions = { ...f.os, processDetails: (p) => (lookups++, f.os.processDetails(p)) };
    const svc = createActionService({ os, selfPid: 777, platform, systemRoot: 'C:\\Windows' });
    expect(await svc.endProcess(target(pid, null))).toEqual({ ok: false, reason });
    expect(await svc.endProcess(target(pid, STARTED))).toEqual({ ok: false, reason });
    expect([lookups, f.ended]).toEqual([0, []]);
  });
  it('the same numbers are ordinary PIDs where they are not special (PID 4 on Linux, PID 1 on Windows)', async () => {
    const f = fakeOs({});
    expect(await createActionService({ os: f.os, selfPid: 777, platform: 'linux' }).endProcess(target(4, STARTED))).toEqual({ ok: true });
    expect(await createActionService({ os: f.os, selfPid: 777, platform: 'win32', systemRoot: 'C:\\Windows' }).endProcess(target(1, STARTED))).toEqual({ ok: true });
    expect(f.ended).toEqual([4, 1]);
  });
});

describe("end process: netmon's own processes (issue 9 §5)", () => {
  it('refuses its own PID and every PID it names as its own, with what it is', async () => {
    const f = fakeOs({});
    const svc = createActionService({ os: f.os, selfPid: 777, ownPids: () => new Map([[778, "netmon's engine process"]]) });
    expect(await svc.endProcess(target(777, STARTED))).toEqual({ ok: false, reason: 'PID 777 is netmon itself; close the app instead' });
    expect(await svc.endProcess(target(778, STARTED))).toEqual({ ok: false, reason: "PID 778 is netmon's engine process, part of netmon; close the app instead" });
    expect(f.ended).toEqual([]);
  });
});

describe('end process: critical Windows processes, by image path', () => {
  it('knows the six under %SystemRoot%\\System32, in any spelling of the path', () => {
    for (const image of ['csrss.exe', 'wininit.exe', 'smss.exe', 'lsass.exe', 'services.exe', 'winlogon.exe']) {
      expect(criticalWindowsProcess(`C:\\Windows\\System32\\${image}`, 'C:\\Windows'), image).toMatch(/critical Windows process/);
    }
    expect(criticalWindowsProcess('c:\\windows\\system32\\LSASS.EXE', 'C:\\Windows')).not.toBeNull();
    expect(criticalWindowsProcess('\\\\?\\C:\\Windows\\System32\\lsass.exe', 'C:\\Windows\\')).not.toBeNull();
    expect(criticalWindowsProcess('D:/WINNT/system32/csrss.exe', 'D:\\WINNT')).not.toBeNull();
  });
  it('does not go by name alone: the same names elsewhere, other System32 programs and unknown paths may be ended', () => {
    expect(criticalWindowsProcess('C:\\Users\\eve\\lsass.exe', 'C:\\Windows')).toBeNull();
    expect(criticalWindowsProcess('C:\\Windows\\System32\\sub\\csrss.exe', 'C:\\Windows')).toBeNull();
    expect(criticalWindowsProcess('C:\\Windows\\SysWOW64\\services.exe', 'C:\\Windows')).toBeNull();
    expect(criticalWindowsProcess('C:\\Windows\\System32\\notepad.exe', 'C:\\Windows')).toBeNull();
    expect(criticalWindowsProcess('D:\\Windows\\System32\\lsass.exe', 'C:\\Windows')).toBeNull();
    expect(criticalWindowsProcess(null, 'C:\\Windows')).toBeNull();
  });
  it('the service refuses them on Windows with the reason and never calls TerminateProcess', async () => {
    const f = fakeOs({ name: 'lsass.exe', path: 'C:\\Windows\\System32\\lsass.exe' });
    const svc = createActionService({ os: f.os, selfPid: 1, platform: 'win32', systemRoot: 'C:\\Windows' });
    expect(await svc.endProcess(target(640, STARTED))).toEqual({
      ok: false,
      reason: 'C:\\Windows\\System32\\lsass.exe is a critical Windows process: ending it stops the machine, so netmon refuses',
    });
    const impostor = fakeOs({ name: 'lsass.exe', path: 'C:\\Users\\eve\\lsass.exe' });
    const svc2 = createActionService({ os: impostor.os, selfPid: 1, platform: 'win32', systemRoot: 'C:\\Windows' });
    expect(await svc2.endProcess(target(641, STARTED))).toEqual({ ok: true });
    expect([f.ended, impostor.ended]).toEqual([[], [641]]);
  });
});

describe('close connection: the next read decides (issue 10 item 7)', () => {
  const t: CloseTarget = { family: 4, localAddress: '127.0.0.1', localPort: 50000, remoteAddress: '127.0.0.1', remotePort: 8080 };
  const row = { local: '127.0.0.1', localPort: 50000, remote: '127.0.0.1', remotePort: 8080, pid: 9 };
  it('is not ok when the OS said yes but the connection is still in the table', async () => {
    const f = fakeOs({});
    const svc = createActionService({ os: f.os, selfPid: 1, readTable: () => tableFromSpecs([row]) });
    expect(await svc.closeConnection(t)).toEqual({ ok: false, reason: STILL_OPEN_REASON });
    expect(STILL_OPEN_REASON).toBe('the OS reported success but the connection is still open');
    expect(f.closed).toEqual([t]);
  });
  it('is ok when the connection is gone, or only on its way out', async () => {
    const reads = [createRowTable(0), tableFromSpecs([{ ...row, state: 'TIME-WAIT' }]), tableFromSpecs([{ local: '127.0.0.1', localPort: 8080, remote: '127.0.0.1', remotePort: 50000 }])];
    const svc = createActionService({ os: fakeOs({}).os, selfPid: 1, readTable: () => reads.shift()! });
    expect(await svc.closeConnection(t)).toEqual({ ok: true });
    expect(await svc.closeConnection(t)).toEqual({ ok: true });
    // Only the other end's row (swapped endpoints): this connection is gone.
    expect(await svc.closeConnection(t)).toEqual({ ok: true });
  });
  it('matches the exact endpoints, family and protocol', () => {
    const table = tableFromSpecs([
      { ...row, localPort: 50001 },
      { protocol: 'udp', local: '127.0.0.1', localPort: 50000, remote: '127.0.0.1', remotePort: 8080 },
      { local: '::1', localPort: 50000, remote: '::1', remotePort: 8080 },
    ]);
    expect(stillOpen(table, t)).toBe(false);
    expect(stillOpen(table, { ...t, family: 6, localAddress: '::1', remoteAddress: '::1' })).toBe(true);
    expect(stillOpen(tableFromSpecs([row]), t)).toBe(true);
  });
  it('a failed read after the close is a failure with its reason', async () => {
    const svc = createActionService({
      os: fakeOs({}).os,
      selfPid: 1,
      readTable: () => {
        throw new Error('netlink: EPERM');
      },
    });
    expect(await svc.closeConnection(t)).toEqual({ ok: false, reason: 'the OS reported success, but the table could not be read to check it: netlink: EPERM' });
  });
});
