// A fake procfs tree in a temp directory, for unit tests of the Linux source (procRoot option).
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface FakeProcess {
  pid: number;
  comm?: string;
  /** Target of the exe link; omitted = no link (as for a process we may not inspect). */
  exe?: string;
  /** Start time in clock ticks (field 22 of stat). */
  start?: number;
  /** Socket inodes held as fds 3, 4, … */
  sockets?: number[];
  /** Extra non-socket fd links (pipes, files). */
  otherFds?: string[];
  cmdline?: string[];
  uid?: number;
  /** Make /proc/<pid>/fd unreadable as a directory (stands in for EACCES). */
  fdUnreadable?: boolean;
  /** Field 3 of stat; default S. Z = zombie (a zombie's fd table is empty). */
  state?: string;
  /** Threads with their own fd tables (/proc/<pid>/task/<tid>/fd): tid → socket inodes. */
  threads?: Record<number, number[]>;
}

export class FakeProc {
  readonly root: string;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'netmon-fakeproc-'));
    mkdirSync(join(this.root, 'net'));
    writeFileSync(join(this.root, 'stat'), 'cpu  1 2 3 4\nbtime 1700000000\nprocesses 10\n');
  }

  addProcess(p: FakeProcess): void {
    const dir = join(this.root, String(p.pid));
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir);
    const comm = p.comm ?? `proc${p.pid}`;
    const start = p.start ?? 1000 + p.pid;
    // Fields 3..21 then starttime as field 22; comm in parentheses may hold spaces and ')'.
    const after = [p.state ?? 'S', ...Array.from({ length: 18 }, (_, i) => String(i + 1)), String(start), '0', '0'];
    writeFileSync(join(dir, 'stat'), `${p.pid} (${comm}) ${after.join(' ')}\n`);
    writeFileSync(join(dir, 'comm'), `${comm}\n`);
    writeFileSync(join(dir, 'cmdline'), (p.cmdline ?? [comm]).map((a) => `${a}\0`).join(''));
    const uid = p.uid ?? 0;
    writeFileSync(join(dir, 'status'), `Name:\t${comm}\nUid:\t${uid}\t${uid}\t${uid}\t${uid}\nGid:\t0\t0\t0\t0\n`);
    if (p.exe !== undefined) symlinkSync(p.exe, join(dir, 'exe'));
    if (p.fdUnreadable) {
      writeFileSync(join(dir, 'fd'), 'not a directory');
      return;
    }
    mkdirSync(join(dir, 'fd'));
    let fd = 3;
    for (const ino of p.sockets ?? []) symlinkSync(`socket:[${ino}]`, join(dir, 'fd', String(fd++)));
    for (const other of p.otherFds ?? []) symlinkSync(other, join(dir, 'fd', String(fd++)));
    mkdirSync(join(dir, 'task'));
    mkdirSync(join(dir, 'task', String(p.pid)));
    for (const [tid, inodes] of Object.entries(p.threads ?? {})) {
      const td = join(dir, 'task', tid);
      mkdirSync(join(td, 'fd'), { recursive: true });
      writeFileSync(join(td, 'stat'), `${tid} (${comm}) ${after.join(' ')}\n`);
      inodes.forEach((ino, i) => symlinkSync(`socket:[${ino}]`, join(td, 'fd', String(3 + i))));
    }
  }

  removeProcess(pid: number): void {
    rmSync(join(this.root, String(pid)), { recursive: true, force: true });
  }

  /** Writes /proc/net/<name> (e.g. `tcp`, `udp6`). */
  writeNet(name: string, text: string): void {
    writeFileSync(join(this.root, 'net', name), text);
  }

  removeNet(name: string): void {
    rmSync(join(this.root, 'net', name), { force: true });
  }

  cleanup(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}
