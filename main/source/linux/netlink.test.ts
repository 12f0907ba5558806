import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ErrnoError, openNetlinkSocket } from '../../native/netlink';
import { PID_NONE, PID_UNKNOWN, ROW_WORDS, W, type RowTable } from '../../model/rows';
import { SourceError } from '../types';
import { diagMessage, doneMessage, errorMessage, scriptedSockets, type FakeSocket, type ScriptStep } from './fake-sock-diag';
import { FakeProc } from './fake-proc';
import { createLinuxSource } from './index';
import { openSockDiag } from './netlink';
import { createProcNetTable, type ProcNetTable } from './procfs';
import type { DiagTarget } from './sock-diag-decode';

const ALL: DiagTarget[] = [
  { protocol: 'tcp', family: 4, required: true },
  { protocol: 'tcp', family: 6, required: false },
  { protocol: 'udp', family: 4, required: false },
  { protocol: 'udp', family: 6, required: false },
];
const sock = (family: 4 | 6, sport: number, inode: number): FakeSocket => ({
  family,
  state: 10,
  src: family === 4 ? [127, 0, 0, 1] : [...new Array<number>(15).fill(0), 1],
  dst: family === 4 ? [0, 0, 0, 0] : new Array<number>(16).fill(0),
  sport,
  dport: 0,
  inode,
});
const ports = (t: ProcNetTable) => Array.from({ length: t.rows.count }, (_, i) => t.rows.words[i * ROW_WORDS + W.LPORT]);
const protos = (t: ProcNetTable) => Array.from({ length: t.rows.count }, (_, i) => t.rows.words[i * ROW_WORDS + W.PROTO]);

/** One listener per table (port = family * 100 + protocol), answered in a single datagram. */
const healthy = ({ family, protocol, seq }: { family: number; protocol: number; seq: number }): ScriptStep[] => {
  const f = family === 10 ? 6 : 4;
  return [Buffer.concat([diagMessage(sock(f, f * 100 + protocol, protocol), seq), doneMessage(seq)])];
};

describe('openSockDiag over a scripted socket', () => {
  it('dumps tcp, tcp6, udp, udp6 in order, one request each with a fresh sequence number, over one socket', () => {
    const { open, log } = scriptedSockets(healthy);
    const r = openSockDiag({ open });
    const t = createProcNetTable(1);
    r.read(t, ALL);
    expect(ports(t)).toEqual([406, 606, 417, 617]);
    expect(protos(t)).toEqual([6, 6, 17, 17]);
    expect(log.requests.map((q) => [q.family, q.protocol])).toEqual([
      [2, 6],
      [10, 6],
      [2, 17],
      [10, 17],
    ]);
    expect(new Set(log.requests.map((q) => q.seq)).size).toBe(4);
    r.read(t, ALL.slice(0, 1));
    expect(t.rows.count).toBe(5);
    expect(log.opened).toBe(1);
    r.close();
    expect(log.closed).toBe(1);
  });

  it('reads datagram after datagram until NLMSG_DONE', () => {
    const { open } = scriptedSockets(({ seq }) => [diagMessage(sock(4, 1, 1), seq), Buffer.concat([diagMessage(sock(4, 2, 2), seq), diagMessage(sock(4, 3, 3), seq)]), doneMessage(seq)]);
    const t = createProcNetTable(1);
    openSockDiag({ open }).read(t, ALL.slice(0, 1));
    expect(ports(t)).toEqual([1, 2, 3]);
  });

  it('retries a recv interrupted by a signal (EINTR)', () => {
    const { open, log } = scriptedSockets(({ seq }) => [{ errno: 4 }, { errno: 4 }, ...healthy({ family: 2, protocol: 6, seq })]);
    const t = createProcNetTable(1);
    openSockDiag({ open }).read(t, ALL.slice(0, 1));
    expect(ports(t)).toEqual([406]);
    expect(log.requests).toHaveLength(1);
  });

  it('redoes the dump on a fresh socket after ENOBUFS, dropping the partial rows; gives up after the bounded attempts', () => {
    const flaky = scriptedSockets(({ seq, opened }) => (opened === 1 ? [diagMessage(sock(4, 9, 9), seq), { errno: 105 }] : healthy({ family: 2, protocol: 6, seq })));
    const t = createProcNetTable(1);
    openSockDiag({ open: flaky.open }).read(t, ALL.slice(0, 1));
    expect(ports(t)).toEqual([406]);
    expect(flaky.log).toMatchObject({ opened: 2, closed: 1 });

    const broken = scriptedSockets(() => [{ errno: 105 }]);
    const t2 = createProcNetTable(1);
    const r = openSockDiag({ open: broken.open, attempts: 3 });
    expect(() => r.read(t2, ALL.slice(0, 1))).toThrow('sock_diag tcp: recv failed: ENOBUFS (no buffer space available)');
    expect(broken.log.requests).toHaveLength(3);
    expect(t2.rows.count).toBe(0);
  });

  it('redoes a dump the kernel flags as interrupted, and one whose datagram did not fit the buffer', () => {
    let calls = 0;
    const { open } = scriptedSockets(({ seq }) => {
      calls++;
      if (calls === 1) return [Buffer.concat([diagMessage(sock(4, 5, 5), seq, 2 | 0x10), doneMessage(seq)])];
      if (calls === 2) return [{ truncatedTo: 200_000 }];
      return healthy({ family: 2, protocol: 6, seq });
    });
    const t = createProcNetTable(1);
    openSockDiag({ open, attempts: 3 }).read(t, ALL.slice(0, 1));
    expect(ports(t)).toEqual([406]);
    expect(calls).toBe(3);
  });

  it('skips an optional table the kernel has no handler for, but not the IPv4 TCP table', () => {
    const { open } = scriptedSockets(({ family, protocol, seq }) => (protocol === 17 ? [errorMessage(seq, 2)] : healthy({ family, protocol, seq })));
    const t = createProcNetTable(1);
    const r = openSockDiag({ open });
    r.read(t, ALL);
    expect(ports(t)).toEqual([406, 606]);
    expect(() => r.read(t, [{ protocol: 'udp', family: 4, required: true }])).toThrow('sock_diag dump of udp refused: ENOENT (no such file or directory)');
    const denied = scriptedSockets(({ seq }) => [errorMessage(seq, 1)]);
    expect(() => openSockDiag({ open: denied.open }).read(createProcNetTable(1), ALL.slice(1, 2))).toThrow(/tcp6 refused: EPERM/);
  });

  it('explains a socket that cannot be opened', () => {
    const open = () => {
      throw new ErrnoError('socket', 97);
    };
    expect(() => openSockDiag({ open })).toThrow(SourceError);
    expect(() => openSockDiag({ open })).toThrow('sock_diag socket: socket failed: EAFNOSUPPORT (address family not supported)');
  });
});

describe('openSockDiag against this kernel', () => {
  it('reports the errno of a refused socket() (a netlink protocol the kernel does not have)', () => {
    let err: unknown;
    try {
      openNetlinkSocket(200).close();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ErrnoError);
    expect(err).toMatchObject({ syscall: 'socket', errno: 93 }); // EPROTONOSUPPORT
    expect(() => openSockDiag({ open: () => openNetlinkSocket(200) })).toThrow('sock_diag socket: socket failed: EPROTONOSUPPORT (protocol not supported)');
  });

  it('finds a listener opened here, with its port, state and a socket inode', async () => {
    const server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    const port = (server.address() as { port: number }).port;
    const r = openSockDiag();
    try {
      const t = createProcNetTable(1);
      r.read(t, ALL);
      const i = ports(t).indexOf(port);
      expect(i).toBeGreaterThanOrEqual(0);
      const w = t.rows.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS);
      expect([w[W.PROTO], w[W.FAMILY], w[W.LADDR], w[W.STATE]]).toEqual([6, 4, 0x7f000001, 2]);
      expect(t.inodes[i]).toBeGreaterThan(0);
    } finally {
      r.close();
      server.close();
    }
  });
});

describe('createLinuxSource: netlink first, procfs as the fallback', () => {
  const pids = (t: RowTable) => Array.from({ length: t.count }, (_, i) => t.words[i * ROW_WORDS + W.PID]);

  it('reads the tables over netlink and the owners from /proc; close() closes the socket', () => {
    const proc = new FakeProc();
    try {
      proc.addProcess({ pid: 4321, comm: 'web', sockets: [6] });
      const { open, log } = scriptedSockets(healthy);
      const s = createLinuxSource({ procRoot: proc.root, tables: 'netlink', sockDiag: { open } });
      expect(s.name).toBe('linux-netlink');
      expect(s.backendInfo()).toEqual({ kind: 'netlink', reason: null });
      const t = s.read();
      expect(t.count).toBe(4);
      expect(pids(t)).toEqual([4321, 4321, PID_UNKNOWN, PID_UNKNOWN]); // the process holds the TCP sockets (inode 6), not the UDP ones (17)
      expect(Array.from(s.lastInodes())).toEqual([6, 6, 17, 17]);
      s.close!();
      expect(log.closed).toBe(1);
    } finally {
      proc.cleanup();
    }
  });

  it('a socket with no file (idiag_inode 0: an orphaned FIN-WAIT-2, TIME-WAIT) is owned by no process, apart from one whose owner is unknown', () => {
    const proc = new FakeProc();
    try {
      proc.addProcess({ pid: 4321, comm: 'web', sockets: [6] });
      // Linux TCP states: 1 ESTABLISHED, 5 FIN_WAIT2, 6 TIME_WAIT. Inode 9 is in no fd table here
      // (another user's process seen without root).
      const conn = (state: number, sport: number, inode: number): FakeSocket => ({ family: 4, state, src: [127, 0, 0, 1], dst: [127, 0, 0, 1], sport, dport: 8080, inode });
      const tcp4 = [conn(1, 40001, 6), conn(5, 40002, 0), conn(6, 40003, 0), conn(1, 40004, 9)];
      const { open } = scriptedSockets(({ family, protocol, seq }) => [
        Buffer.concat([...(family === 2 && protocol === 6 ? tcp4.map((c) => diagMessage(c, seq)) : []), doneMessage(seq)]),
      ]);
      const s = createLinuxSource({ procRoot: proc.root, tables: 'netlink', sockDiag: { open } });
      const t = s.read();
      expect(Array.from(s.lastInodes())).toEqual([6, 0, 0, 9]);
      expect(pids(t)).toEqual([4321, PID_NONE, PID_NONE, PID_UNKNOWN]);
      expect(Array.from({ length: t.count }, (_, i) => t.words[i * ROW_WORDS + W.STATE])).toEqual([5, 7, 11, 5]);
      s.close!();
    } finally {
      proc.cleanup();
    }
  });

  it('falls back to procfs, and says why, when the netlink socket cannot be opened', () => {
    const open = () => {
      throw new ErrnoError('socket', 1);
    };
    const s = createLinuxSource({ sockDiag: { open } });
    expect(s.name).toBe('linux-procfs');
    expect(s.backendInfo()).toEqual({ kind: 'procfs', reason: 'netlink sock_diag unavailable: sock_diag socket: socket failed: EPERM (operation not permitted)' });
    expect(s.read().count).toBeGreaterThanOrEqual(0);
    expect(() => createLinuxSource({ tables: 'netlink', sockDiag: { open } })).toThrow(/EPERM/);
  });

  it('falls back for good when the first dump is refused, but reports later failures as the poll\'s', () => {
    const refused = scriptedSockets(({ seq }) => [errorMessage(seq, 13)]);
    const s = createLinuxSource({ sockDiag: { open: refused.open } });
    expect(s.name).toBe('linux-netlink');
    expect(s.read().count).toBeGreaterThanOrEqual(0); // this poll already comes from /proc
    expect(s.name).toBe('linux-procfs');
    expect(s.backendInfo().reason).toBe('netlink sock_diag failed: sock_diag dump of tcp refused: EACCES (permission denied)');
    expect(refused.log.closed).toBeGreaterThan(0);
    s.read();
    expect(refused.log.requests).toHaveLength(1);

    let fail = false;
    const later = scriptedSockets((q) => (fail ? [errorMessage(q.seq, 13)] : healthy(q)));
    const s2 = createLinuxSource({ sockDiag: { open: later.open } });
    expect(s2.read().count).toBe(4);
    fail = true;
    expect(() => s2.read()).toThrow(/EACCES/);
    expect(s2.name).toBe('linux-netlink');
  });

  it('uses procfs when asked, or when procRoot is a tree other than /proc', () => {
    const proc = new FakeProc();
    try {
      proc.writeNet('tcp', '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n');
      const { open, log } = scriptedSockets(healthy);
      const fake = createLinuxSource({ procRoot: proc.root, sockDiag: { open } });
      expect(fake.name).toBe('linux-procfs');
      expect(fake.backendInfo().reason).toBe(`procRoot is ${proc.root}, not /proc`);
      expect(fake.read().count).toBe(0);
      const asked = createLinuxSource({ tables: 'procfs', sockDiag: { open } });
      expect(asked.name).toBe('linux-procfs');
      expect(log.opened).toBe(0);
    } finally {
      proc.cleanup();
    }
  });
});
