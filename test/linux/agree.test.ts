// Both Linux backends and `ss -tuanp` list the same sockets, owners included, while sockets open
// and close under them: a load process holds 600 loopback connections, replaces 50 a second and
// keeps three SO_REUSEPORT UDP sockets on one port. Compared on the sockets stable across the reads
// (in the netlink reads before and after): each of those must be in procfs and in ss exactly as
// often, and nothing procfs or ss lists may be missing from both netlink reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PID_NONE, PID_UNKNOWN, PROTO_UDP, type RowTable } from '../../main/model/rows';
import { createLinuxSource, type LinuxSource } from '../../main/source/linux';
import { SS_STATE, ensureSs, rowsOf, ssRows, type Row, type SsRow } from './helpers';
import { startLoad, type Load } from './load';

/** Multiset of row texts. */
type Bag = Map<string, number>;
const bag = (keys: string[]): Bag => {
  const m: Bag = new Map();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return m;
};
const size = (b: Bag) => [...b.values()].reduce((a, n) => a + n, 0);
/** min(a, b) per key. */
const both = (a: Bag, b: Bag): Bag => new Map([...a].filter(([k]) => b.has(k)).map(([k, n]) => [k, Math.min(n, b.get(k)!)]));
/** What `want` holds more often than `have` (as text lines). */
const missing = (want: Bag, have: Bag): string[] => [...want].filter(([k, n]) => (have.get(k) ?? 0) < n).map(([k, n]) => `${k} ×${n - (have.get(k) ?? 0)}`);
/** Keys of `b` in neither `x` nor `y`. */
const inNeither = (b: Bag, x: Bag, y: Bag): string[] => [...b.keys()].filter((k) => !x.has(k) && !y.has(k));

// With the inode: on loopback a closed connection's tuple is soon reused by a new one.
const text = (proto: number, laddr: number[], lport: number, raddr: number[], rport: number, state: number, pid: number, inode: number) =>
  `${proto === PROTO_UDP ? 'udp' : 'tcp'} ${laddr.join('.')}:${lport} ${raddr.join('.')}:${rport} s${state} pid ${pid === PID_UNKNOWN ? '-' : pid} ino ${inode}`;
const fromRow = (r: Row) => text(r.proto, r.laddr, r.lport, r.raddr, r.rport, r.state, r.pid, r.inode);
const fromSs = (s: SsRow) => {
  if (s.users.length > 1) throw new Error(`one owner expected, ss lists ${JSON.stringify(s.users)}`);
  return text(s.proto === 'udp' ? PROTO_UDP : 6, s.laddr, s.lport, s.raddr, s.rport, s.proto === 'udp' ? 0 : SS_STATE[s.state], s.users[0]?.pid ?? (s.inode === 0 ? PID_NONE : PID_UNKNOWN), s.inode);
};

describe('netlink, procfs and ss -tuanp agree on a churning table, owners included', () => {
  let load: Load;
  let netlink: LinuxSource;
  let procfs: LinuxSource;
  beforeAll(async () => {
    ensureSs();
    // Each connection lives conns / perSecond = 12 s: longer than the reads take, even on a busy machine.
    load = await startLoad({ conns: 600, perSecond: 50, reuseUdp: 3 });
    netlink = createLinuxSource({ tables: 'netlink' });
    procfs = createLinuxSource({ tables: 'procfs' });
  });
  afterAll(async () => {
    await load?.end();
    netlink?.close?.();
    procfs?.close?.();
  });

  it('every socket stable across the reads is in all three with the same state and owner', () => {
    const ports = [load.port, load.udpPort];
    const mine = (r: { lport: number; rport: number }) => ports.includes(r.lport) || ports.includes(r.rport);
    const read = (s: LinuxSource) => bag(rowsOf(s.read() as RowTable, s.lastInodes()).filter(mine).map(fromRow));
    // Warm the owner caches: a first read walks every process's fds, long enough for much churn.
    read(netlink);
    read(procfs);
    const n1 = read(netlink);
    const pf = read(procfs);
    const ss = bag([...ssRows('tcp', ports), ...ssRows('udp', ports)].filter(mine).map(fromSs));
    const n2 = read(netlink);
    const stable = both(n1, n2);
    expect(size(stable)).toBeGreaterThan(800); // 1,200 connected ends, listener, 3 UDP, less what churned while reading
    expect(missing(stable, pf), 'stable sockets procfs lacks').toEqual([]);
    expect(missing(stable, ss), 'stable sockets ss lacks').toEqual([]);
    // A socket seen the moment before its fd is installed (accept() makes the inode first) has no
    // owner yet in that read: an ownerless row matches its inode with an owner.
    const anyOwner = (k: string) => k.replace(/ pid [^ ]+ /, ' pid * ');
    const known = new Set([...n1.keys(), ...n2.keys()].map(anyOwner));
    // (Or one not accepted yet: no file, no process owns it, PID_NONE.)
    const unexplained = (b: Bag) => inNeither(b, n1, n2).filter((k) => !((k.includes(' pid - ') || k.includes(` pid ${PID_NONE} `)) && known.has(anyOwner(k))));
    expect(unexplained(pf), 'procfs rows neither netlink read has').toEqual([]);
    expect(unexplained(ss), 'ss rows neither netlink read has').toEqual([]);
    // The three SO_REUSEPORT sockets are three rows of one owner, everywhere.
    const udpRows = (x: Bag) => [...x.keys()].filter((k) => k.startsWith("udp ") && k.includes(`:${load.udpPort} `)).sort();
    expect(udpRows(n2).map((k) => k.replace(/ ino \d+$/, ''))).toEqual(new Array(3).fill(udpRows(n2)[0].replace(/ ino \d+$/, '')));
    expect(udpRows(n2)[0]).toContain(`pid ${load.pid} `);
    expect([udpRows(pf), udpRows(ss)]).toEqual([udpRows(n2), udpRows(n2)]);
    // Churn happened while reading: TIME-WAIT rows are there, owned by no process (no file: PID_NONE).
    expect([...n2.keys()].some((k) => k.includes(` s11 pid ${PID_NONE} `))).toBe(true);
  });
});
