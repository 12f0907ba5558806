import { describe, expect, it } from 'vitest';
import { ProcessNameCache, imageName, type ProcessLookups } from './process-names';

/** A fake process table: pid → {created, path}; `denied` pids cannot be opened. */
function fakeProcesses() {
  const procs = new Map<number, { created: bigint; path: string | null }>();
  const denied = new Set<number>();
  const open = new Set<number>();
  let pathCalls = 0;
  const lookups: ProcessLookups<number> = {
    open: (pid) => (procs.has(pid) && !denied.has(pid) ? (open.add(pid), pid) : null),
    creationTime: (h) => procs.get(h)?.created ?? null,
    imagePath: (h) => (pathCalls++, procs.get(h)?.path ?? null),
    close: (h) => void open.delete(h),
  };
  return { procs, denied, open, lookups, pathCalls: () => pathCalls };
}

describe('ProcessNameCache', () => {
  it('names PID 0 and 4 without asking the OS', () => {
    const f = fakeProcesses();
    const c = new ProcessNameCache(f.lookups);
    expect(c.lookup(0)).toEqual({ pid: 0, name: 'System Idle Process', path: null });
    expect(c.lookup(4)).toEqual({ pid: 4, name: 'System', path: null });
    expect(f.pathCalls()).toBe(0);
  });

  it('returns name and path, and closes every handle it opens', () => {
    const f = fakeProcesses();
    f.procs.set(1234, { created: 100n, path: 'C:\\Windows\\System32\\svchost.exe' });
    const c = new ProcessNameCache(f.lookups);
    expect(c.lookup(1234)).toEqual({ pid: 1234, name: 'svchost.exe', path: 'C:\\Windows\\System32\\svchost.exe' });
    expect(f.open.size).toBe(0);
  });

  it('caches by PID + creation time: a reused PID gets the new name', () => {
    const f = fakeProcesses();
    f.procs.set(500, { created: 1n, path: 'C:\\a\\old.exe' });
    const c = new ProcessNameCache(f.lookups);
    expect(c.lookup(500).name).toBe('old.exe');
    c.beginPoll([500]);
    expect(c.lookup(500).name).toBe('old.exe');
    expect(f.pathCalls()).toBe(1); // same process: cached
    f.procs.set(500, { created: 2n, path: 'C:\\b\\new.exe' }); // old one exited, PID reused
    c.beginPoll([500]);
    expect(c.lookup(500)).toEqual({ pid: 500, name: 'new.exe', path: 'C:\\b\\new.exe' });
    expect(f.pathCalls()).toBe(2);
  });

  it('carries the creation time as the owner start time (epoch ms), which end-process checks', () => {
    const f = fakeProcesses();
    f.procs.set(900, { created: 133_485_408_000_000_000n, path: 'C:\\a\\app.exe' });
    expect(new ProcessNameCache(f.lookups).lookup(900)).toEqual({ pid: 900, name: 'app.exe', path: 'C:\\a\\app.exe', startTime: Date.UTC(2024, 0, 1) });
  });
  it('checks the creation time once per poll, not once per lookup', () => {
    const f = fakeProcesses();
    f.procs.set(7, { created: 1n, path: 'x.exe' });
    const c = new ProcessNameCache(f.lookups);
    let opens = 0;
    const orig = f.lookups.open;
    f.lookups.open = (pid) => (opens++, orig(pid));
    c.lookup(7);
    c.lookup(7);
    c.lookup(7);
    expect(opens).toBe(1);
    c.beginPoll([7]);
    c.lookup(7);
    expect(opens).toBe(2);
  });

  it('access denied → name null, no throw, nothing cached', () => {
    const f = fakeProcesses();
    f.procs.set(888, { created: 1n, path: 'C:\\secret.exe' });
    f.denied.add(888);
    const c = new ProcessNameCache(f.lookups);
    expect(c.lookup(888)).toEqual({ pid: 888, name: null, path: null });
    expect(c.size).toBe(0);
    expect(c.lookup(999)).toEqual({ pid: 999, name: null, path: null }); // gone
  });

  it('a process that became inaccessible is not shown under its cached name', () => {
    const f = fakeProcesses();
    f.procs.set(10, { created: 1n, path: 'C:\\p.exe' });
    const c = new ProcessNameCache(f.lookups);
    expect(c.lookup(10).name).toBe('p.exe');
    f.procs.delete(10);
    c.beginPoll([10]);
    expect(c.lookup(10).name).toBeNull();
  });

  it('prunes to the PIDs seen in the last poll', () => {
    const f = fakeProcesses();
    for (let pid = 100; pid < 110; pid++) f.procs.set(pid, { created: BigInt(pid), path: `p${pid}.exe` });
    const c = new ProcessNameCache(f.lookups);
    for (let pid = 100; pid < 110; pid++) c.lookup(pid);
    expect(c.size).toBe(10);
    c.beginPoll([101, 105]);
    expect(c.size).toBe(2);
  });

  it('imageName takes the last path component', () => {
    expect(imageName('C:\\Program Files\\App\\app.exe')).toBe('app.exe');
    expect(imageName('\\Device\\HarddiskVolume3\\x.exe')).toBe('x.exe');
    expect(imageName('plain.exe')).toBe('plain.exe');
  });
});
