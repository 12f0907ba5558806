import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PID_NONE, PID_UNKNOWN, ROW_WORDS, W, createRowTable, type RowTable } from '../../model/rows';
import { FakeProc } from './fake-proc';
import { createPidResolver } from './pids';

let proc: FakeProc;
beforeEach(() => {
  proc = new FakeProc();
});
afterEach(() => proc.cleanup());

/** A table of `inodes.length` rows (contents irrelevant here) and its inode array. */
function table(inodes: number[]): { rows: RowTable; inodes: Float64Array } {
  const rows = createRowTable(inodes.length);
  rows.count = inodes.length;
  return { rows, inodes: Float64Array.from(inodes) };
}
const pidsOf = (t: RowTable) => Array.from({ length: t.count }, (_, i) => t.words[i * ROW_WORDS + W.PID]);

describe('inode → pid resolver', () => {
  it('maps socket inodes to their owners; inode 0 (no file) is owned by no process, an inode found nowhere by an unknown one', () => {
    proc.addProcess({ pid: 100, sockets: [5001, 5002], otherFds: ['pipe:[77]', '/dev/null', 'anon_inode:[eventfd]'] });
    proc.addProcess({ pid: 200, sockets: [6001] });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([5001, 6001, 0, 5002, 9999]);
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([100, 200, PID_NONE, 100, PID_UNKNOWN]);
    expect(PID_NONE).not.toBe(PID_UNKNOWN);
    expect(r.lookup(6001)).toBe(200);
    expect(r.lookup(77)).toBe(PID_UNKNOWN); // a pipe is not a socket
  });

  it('does not walk /proc again while every inode is cached', () => {
    proc.addProcess({ pid: 100, sockets: [5001] });
    proc.addProcess({ pid: 200, sockets: [6001] });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([5001, 6001, 0]);
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(1);
    r.resolve(t.rows, t.inodes);
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(1);
    expect(pidsOf(t.rows)).toEqual([100, 200, PID_NONE]);
  });

  it('walks again for a new inode, known owners first, stopping once it is found', () => {
    proc.addProcess({ pid: 100, sockets: [5001] });
    for (let pid = 300; pid < 320; pid++) proc.addProcess({ pid, sockets: [] });
    const r = createPidResolver({ procRoot: proc.root });
    const t1 = table([5001]);
    r.resolve(t1.rows, t1.inodes);
    expect(r.stats().lastScanProcesses).toBe(21); // pid 100 was found last (newest-first order)

    proc.addProcess({ pid: 100, sockets: [5001, 5003] });
    const t2 = table([5001, 5003]);
    r.resolve(t2.rows, t2.inodes);
    expect(r.stats().scans).toBe(2);
    expect(r.stats().lastScanProcesses).toBe(1); // only the known owner was read
    expect(pidsOf(t2.rows)).toEqual([100, 100]);
  });

  it('re-resolves sockets of an owner that exited (inherited by a child)', () => {
    proc.addProcess({ pid: 100, sockets: [5001] });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([5001]);
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([100]);
    proc.removeProcess(100);
    proc.addProcess({ pid: 101, sockets: [5001] });
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([101]);
  });

  it('skips processes whose fds cannot be read, quietly', () => {
    proc.addProcess({ pid: 100, fdUnreadable: true });
    proc.addProcess({ pid: 200, sockets: [6001] });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([6001, 7001]);
    expect(() => r.resolve(t.rows, t.inodes)).not.toThrow();
    expect(pidsOf(t.rows)).toEqual([200, PID_UNKNOWN]);
  });

  it('looks for a just-missed inode once more at the next resolve (its fd may not be installed yet)', () => {
    proc.addProcess({ pid: 100, sockets: [] });
    const r = createPidResolver({ procRoot: proc.root, unownedRetryMs: 5000, now: () => 0 });
    const t = table([8001]);
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([PID_UNKNOWN]);
    proc.addProcess({ pid: 100, sockets: [8001] }); // accept() installed the fd just after the walk
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(2);
    expect(pidsOf(t.rows)).toEqual([100]);
  });

  it('retries an unowned inode only after unownedRetryMs', () => {
    let now = 0;
    proc.addProcess({ pid: 100, sockets: [] });
    const r = createPidResolver({ procRoot: proc.root, unownedRetryMs: 5000, now: () => now });
    const t = table([8001]);
    r.resolve(t.rows, t.inodes);
    r.resolve(t.rows, t.inodes); // the quick second look
    expect(r.stats().scans).toBe(2);
    expect(pidsOf(t.rows)).toEqual([PID_UNKNOWN]);

    proc.addProcess({ pid: 100, sockets: [8001] }); // e.g. received over a unix socket later
    now = 4999;
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(2);
    expect(pidsOf(t.rows)).toEqual([PID_UNKNOWN]);

    now = 5000;
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(3);
    expect(pidsOf(t.rows)).toEqual([100]);
  });

  it('keeps the first owner of a socket shared by two processes stable across walks', () => {
    proc.addProcess({ pid: 100, sockets: [5001] });
    proc.addProcess({ pid: 150, sockets: [5001] }); // forked child sharing the listener
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([5001]);
    r.resolve(t.rows, t.inodes);
    const first = pidsOf(t.rows)[0];
    expect([100, 150]).toContain(first);
    proc.addProcess({ pid: 150, sockets: [5001, 5002] });
    const t2 = table([5001, 5002]);
    r.resolve(t2.rows, t2.inodes);
    expect(pidsOf(t2.rows)).toEqual([first, 150]);
  });

  it('bounds its cache by what the table still holds', () => {
    const many = Array.from({ length: 1500 }, (_, i) => 10_000 + i);
    proc.addProcess({ pid: 100, sockets: many });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table(many);
    r.resolve(t.rows, t.inodes);
    expect(r.stats().cached).toBe(1500);
    const small = table([10_000]);
    r.resolve(small.rows, small.inodes);
    expect(r.stats().cached).toBe(1);
    expect(pidsOf(small.rows)).toEqual([100]);
  });

  it('re-reads only fd links it has not seen or whose socket left the table', () => {
    const live = Array.from({ length: 50 }, (_, i) => 20_000 + i);
    proc.addProcess({ pid: 100, sockets: live, otherFds: ['/dev/null'] });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table(live);
    r.resolve(t.rows, t.inodes);
    expect(r.stats().lastScanReadlinks).toBe(51);

    // One more socket (fd 54): only the new fd and the non-socket fd are read again.
    proc.addProcess({ pid: 100, sockets: [...live, 30_000], otherFds: ['/dev/null'] });
    const t2 = table([...live, 30_000]);
    r.resolve(t2.rows, t2.inodes);
    expect(r.stats().scans).toBe(2);
    expect(r.stats().lastScanReadlinks).toBe(2);
    expect(pidsOf(t2.rows).every((p) => p === 100)).toBe(true);
  });

  it('notices an fd number reused for a new socket once the old socket left the table', () => {
    proc.addProcess({ pid: 100, sockets: [1111] }); // fd 3
    proc.addProcess({ pid: 200, sockets: [] });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([1111]);
    r.resolve(t.rows, t.inodes);
    proc.addProcess({ pid: 100, sockets: [2222] }); // fd 3 closed and reused
    const t2 = table([2222]);
    r.resolve(t2.rows, t2.inodes);
    expect(pidsOf(t2.rows)).toEqual([100]);
  });

  it('backs off retrying an inode that stays unowned (at once, then 10 s, then 20 s)', () => {
    let now = 0;
    proc.addProcess({ pid: 100, sockets: [] });
    const r = createPidResolver({ procRoot: proc.root, unownedRetryMs: 10_000, now: () => now });
    const t = table([8001]);
    r.resolve(t.rows, t.inodes);
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(2);
    now = 9_999;
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(2);
    now = 10_000;
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(3);
    now = 29_999;
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(3);
    now = 30_000;
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(4);
  });

  it('a zombie child does not keep a socket its parent still holds: the parent owns it', () => {
    proc.addProcess({ pid: 100, sockets: [5001] });
    proc.addProcess({ pid: 150, sockets: [5001] }); // forked child that inherited the listener
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([5001]);
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([150]); // newest first
    proc.addProcess({ pid: 150, state: 'Z', sockets: [] }); // exited, not reaped: /proc/150 stays
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([100]);
  });

  it('a reused PID does not inherit an old owner\'s sockets', () => {
    proc.addProcess({ pid: 150, sockets: [5001], start: 5000 });
    proc.addProcess({ pid: 100, sockets: [] });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([5001]);
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([150]);
    // 150 exits and the socket passes to 100; a new process gets PID 150 (another start time).
    proc.addProcess({ pid: 150, sockets: [], start: 9000 });
    proc.addProcess({ pid: 100, sockets: [5001] });
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([100]);
  });

  it('finds sockets held only in a thread\'s own fd table (/proc/<pid>/task/<tid>/fd)', () => {
    proc.addProcess({ pid: 100, sockets: [5001], threads: { 101: [7001] } });
    const r = createPidResolver({ procRoot: proc.root });
    const t = table([5001, 7001]);
    r.resolve(t.rows, t.inodes);
    expect(pidsOf(t.rows)).toEqual([100, 100]);
    // Cached afterwards: no walk while the thread lives.
    r.resolve(t.rows, t.inodes);
    expect(r.stats().scans).toBe(1);
  });
});
