import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeProc } from './fake-proc';
import {
  createProcessCache,
  formatCmdline,
  parseBootTime,
  parsePasswd,
  parseStatStartTime,
  parseStatusUid,
  utf8WithoutTornTail,
  wholeName,
} from './processes';

let proc: FakeProc;
let passwd: string;
beforeEach(() => {
  proc = new FakeProc();
  passwd = join(proc.root, 'passwd');
  writeFileSync(passwd, 'root:x:0:0:root:/root:/bin/bash\n# comment\nalice:x:1000:1000::/home/alice:/bin/sh\n');
});
afterEach(() => proc.cleanup());

describe('procfs text helpers', () => {
  it('reads field 22 even when the command name holds spaces and parentheses', () => {
    const rest = ['S', ...Array.from({ length: 18 }, (_, i) => String(i + 1)), '987654', '0'].join(' ');
    expect(parseStatStartTime(`42 (a) b (c)) ${rest}`)).toBe('987654');
    expect(parseStatStartTime('42 (x) S 1 2')).toBeNull();
    expect(parseStatStartTime('garbage')).toBeNull();
  });

  it('parses uid, passwd, btime and cmdline', () => {
    expect(parseStatusUid('Name:\tx\nUid:\t1000\t0\t0\t0\n')).toBe(1000);
    expect(parseStatusUid('Name:\tx\n')).toBeNull();
    expect(parsePasswd('root:x:0:0::/:/bin/sh\nbad line\nbob:x:7:7::/:/bin/sh\n')).toEqual(
      new Map([
        [0, 'root'],
        [7, 'bob'],
      ]),
    );
    expect(parseBootTime('cpu 1 2\nbtime 1700000000\n')).toBe(1700000000);
    expect(formatCmdline('node\x00server.js\x00--port\x0080\x00')).toBe('node server.js --port 80');
    expect(formatCmdline('')).toBeNull();
  });
});

describe('whole names', () => {
  const b = (s: string) => Buffer.from(s, 'utf8');
  /** The first 15 bytes, as the kernel keeps them in comm. */
  const comm = (s: string) => b(s).subarray(0, 15);

  it('takes the executable\'s or argv[0]\'s basename when comm is its 15-byte prefix', () => {
    const long = 'averyveryverylongservername';
    expect(comm(long).toString()).toBe('averyveryverylo');
    expect(wholeName(comm(long), b(`/opt/x/${long}`), null)).toBe(long);
    expect(wholeName(comm(long), b('/usr/bin/sleep'), b(`./${long}`))).toBe(long); // run through a symlink
    expect(wholeName(comm(long), b(`/opt/x/${long} (deleted)`), null)).toBe(long);
    const cyr = 'ппппппппп'; // 18 bytes: comm cuts the 8th letter in half
    expect(comm(cyr).toString()).toBe('ппппппп\uFFFD');
    expect(wholeName(comm(cyr), b(`/tmp/${cyr}`), null)).toBe(cyr);
  });

  it('keeps a short comm, and never shows a torn character when nothing longer matches', () => {
    expect(wholeName(b('sshd'), b('/usr/sbin/sshd'), b('sshd: root'))).toBe('sshd');
    // A 15-byte comm that is no prefix of exe or argv[0] (renamed with prctl) stays as it is.
    expect(wholeName(b('worker-pool-015'), b('/usr/bin/python3.11'), b('python3'))).toBe('worker-pool-015');
    expect(wholeName(comm('ппппппппп'), null, null)).toBe('ппппппп');
    expect(utf8WithoutTornTail(b('ab\u{1F600}').subarray(0, 5))).toBe('ab');
    expect(utf8WithoutTornTail(b('ab\u{1F600}'))).toBe('ab\u{1F600}');
    expect(utf8WithoutTornTail(Buffer.from([0x61, 0xff, 0x62]))).toBe('a\uFFFDb');
    expect(utf8WithoutTornTail(Buffer.alloc(0))).toBe('');
  });
});

describe('process cache', () => {
  it('gives name from comm and path from the exe link, null path when the link is missing', () => {
    proc.addProcess({ pid: 10, comm: 'sshd', exe: '/usr/sbin/sshd' });
    proc.addProcess({ pid: 11, comm: 'secret' });
    const c = createProcessCache({ procRoot: proc.root, clockTicks: 100 });
    // Start times: btime 1700000000 s + (1000 + pid) ticks at 100 Hz.
    expect(c.info(10)).toEqual({ pid: 10, name: 'sshd', path: '/usr/sbin/sshd', startTime: 1_700_000_010_100 });
    expect(c.info(11)).toEqual({ pid: 11, name: 'secret', path: null, startTime: 1_700_000_010_110 });
    expect(c.info(12)).toBeNull();
    expect(c.info(0)).toBeNull();
  });

  it('never shows a reused PID under the old name (keyed by PID + start time)', () => {
    proc.addProcess({ pid: 10, comm: 'old', exe: '/bin/old', start: 500 });
    const c = createProcessCache({ procRoot: proc.root, clockTicks: 100 });
    expect(c.info(10)?.name).toBe('old');

    // Same process, comm changed under it (prctl): within a generation and across generations
    // with the same start time the cached entry stands — proof the start time is the key.
    writeFileSync(join(proc.root, '10', 'comm'), 'renamed\n');
    expect(c.info(10)?.name).toBe('old');
    c.nextGeneration();
    expect(c.info(10)?.name).toBe('old');

    // PID reused by a new process: different start time → fresh lookup at the next generation.
    proc.addProcess({ pid: 10, comm: 'new', exe: '/bin/new', start: 900 });
    c.nextGeneration();
    expect(c.info(10)).toEqual({ pid: 10, name: 'new', path: '/bin/new', startTime: 1_700_000_009_000 });
  });

  it('forgets a process that exited', () => {
    proc.addProcess({ pid: 10, comm: 'gone' });
    const c = createProcessCache({ procRoot: proc.root });
    expect(c.info(10)?.name).toBe('gone');
    proc.removeProcess(10);
    c.nextGeneration();
    expect(c.info(10)).toBeNull();
    expect(c.size()).toBe(0);
  });

  it('builds details: command line, user, start time from btime and clock ticks', async () => {
    proc.addProcess({ pid: 20, comm: 'nginx', exe: '/usr/sbin/nginx', start: 12_345, uid: 1000, cmdline: ['nginx', '-g', 'daemon off;'] });
    proc.addProcess({ pid: 21, comm: 'ghost', uid: 4242, cmdline: [] });
    const c = createProcessCache({ procRoot: proc.root, passwdPath: passwd, clockTicks: 100 });
    expect(await c.details(20)).toEqual({
      pid: 20,
      name: 'nginx',
      path: '/usr/sbin/nginx',
      commandLine: 'nginx -g daemon off;',
      user: 'alice',
      startTime: 1_700_000_000_000 + 123_450,
      services: [],
    });
    const ghost = await c.details(21);
    expect(ghost?.user).toBe('4242'); // no passwd entry: the number itself
    expect(ghost?.commandLine).toBeNull();
    expect(ghost?.path).toBeNull();
    expect(await c.details(22)).toBeNull();
  });
});
