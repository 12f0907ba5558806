import { SortedView } from './view';
import { describe, expect, it } from 'vitest';
import { addressSortKey, isLoopback } from './address';
import { COLUMNS, cmpAddress, columnsFor, compareSortKeys, minTrackPx, rowComparator, type SortSpec } from './columns';
import type { Row } from './rows';
import { conn } from '../test/fixtures';

let nextSeq = 0;
const row = (p: Parameters<typeof conn>[0], extra: Partial<Row> = {}): Row => {
  const c = conn(p);
  return { id: c.id, seq: nextSeq++, c, firstSeen: 0, preexisting: false, lastChange: 0, status: '', statusAt: 0, ...extra };
};

describe('address sort', () => {
  it('orders IPv4 numerically, IPv4 before IPv6, IPv6 by value', () => {
    const addrs = ['10.0.0.10', '::1', '10.0.0.9', '2001:db8::1', '9.255.255.255', 'fe80::1', '::ffff:127.0.0.1', '2001:db8:0:0:0:0:0:2', '0.0.0.0'];
    expect([...addrs].sort(cmpAddress)).toEqual(['0.0.0.0', '9.255.255.255', '10.0.0.9', '10.0.0.10', '::1', '::ffff:127.0.0.1', '2001:db8::1', '2001:db8:0:0:0:0:0:2', 'fe80::1']);
  });
  it('expands :: and dotted tails to the same key as the long form', () => {
    expect(addressSortKey('::ffff:1.2.3.4')).toBe(addressSortKey('0:0:0:0:0:ffff:102:304'));
    expect(addressSortKey('2001:db8::')).toBe('6' + '20010db8' + '0'.repeat(24));
  });
  it('puts nulls (UDP remote) last', () => {
    expect([null, '1.1.1.1'].sort(cmpAddress)).toEqual(['1.1.1.1', null]);
  });
  it('knows loopback', () => {
    expect(isLoopback('127.0.0.1', '127.0.0.1')).toBe(true);
    expect(isLoopback('::1', null)).toBe(true);
    expect(isLoopback('127.0.0.1', '0.0.0.0')).toBe(true);
    expect(isLoopback('127.0.0.1', '8.8.8.8')).toBe(false);
    expect(isLoopback('10.0.0.1', '127.0.0.1')).toBe(false);
  });
});

describe('row comparators', () => {
  const rows = [
    row({ localPort: 8080, pid: 20, process: 'nginx' }),
    row({ localPort: 443, pid: 3, process: 'Chrome' }),
    row({ localPort: 22, pid: 100, process: 'sshd' }),
    row({ localPort: 9000, pid: null, process: null }),
  ];
  const order = (spec: SortSpec) => [...rows].sort(rowComparator(spec)).map((r) => r.c.localPort);
  it('sorts ports and PIDs numerically, both directions', () => {
    expect(order({ key: 'localPort', dir: 'asc' })).toEqual([22, 443, 8080, 9000]);
    expect(order({ key: 'localPort', dir: 'desc' })).toEqual([9000, 8080, 443, 22]);
    expect(order({ key: 'pid', dir: 'asc' })).toEqual([443, 8080, 22, 9000]);
  });
  it('sorts process names case-insensitively with unknown last', () => {
    expect(order({ key: 'process', dir: 'asc' })).toEqual([443, 8080, 22, 9000]);
  });
  it('sorts creation time by the OS time, else first seen', () => {
    const a = row({ localPort: 1, createdAt: 500 }, { firstSeen: 2000 });
    const b = row({ localPort: 2 }, { firstSeen: 1000 });
    expect([a, b].sort(rowComparator({ key: 'created', dir: 'asc' })).map((r) => r.c.localPort)).toEqual([1, 2]);
  });
  it('breaks ties by id so the order is total', () => {
    const x = row({ localPort: 5, remotePort: 1 });
    const y = row({ localPort: 5, remotePort: 2 });
    const cmp = rowComparator({ key: 'localPort', dir: 'asc' });
    expect(Math.sign(cmp(x, y))).toBe(-Math.sign(cmp(y, x)));
    expect(cmp(x, y)).not.toBe(0);
  });
  it('breaks ties by the natural keys, process → PID → local port → remote address → remote port, ascending in both directions', () => {
    const rs = [
      row({ localPort: 9, process: 'sshd', pid: 30, remoteAddress: '10.0.0.2', remotePort: 5 }, { seq: 1 }),
      row({ localPort: 9, process: 'nginx', pid: 20, remoteAddress: '10.0.0.10', remotePort: 7 }, { seq: 2 }),
      row({ localPort: 9, process: 'nginx', pid: 20, remoteAddress: '10.0.0.9', remotePort: 8 }, { seq: 3 }),
      row({ localPort: 9, process: 'nginx', pid: 20, remoteAddress: '10.0.0.9', remotePort: 6 }, { seq: 4 }),
      row({ localPort: 9, process: 'Nginx', pid: 3, remoteAddress: '10.0.0.9', remotePort: 6 }, { seq: 5 }),
      row({ localPort: 9, process: null, pid: 1, remoteAddress: '10.0.0.1', remotePort: 1 }, { seq: 6 }),
    ];
    const want = [5, 4, 3, 2, 1, 6]; // Nginx pid 3 first; .9 before .10 (numeric); unknown process last
    for (const dir of ['asc', 'desc'] as const) {
      expect([...rs].sort(rowComparator({ key: 'localPort', dir })).map((r) => r.seq)).toEqual(want);
      expect([...rs].reverse().sort(rowComparator({ key: 'localPort', dir })).map((r) => r.seq)).toEqual(want);
      // the precomputed-key path (SortedView) gives the same order
      expect(new SortedView(() => true, rowComparator({ key: 'state', dir })).rebuild([...rs].reverse()).map((r) => r.seq)).toEqual(want);
    }
  });
  it('rows equal in every natural key keep first-seen order', () => {
    const late = row({ localPort: 5, remotePort: 1 }, { seq: 20 });
    const early = row({ localPort: 5, remotePort: 1, localAddress: '127.0.0.2' }, { seq: 10 });
    for (const dir of ['asc', 'desc'] as const) {
      expect([late, early].sort(rowComparator({ key: 'localPort', dir })).map((r) => r.seq)).toEqual([10, 20]);
    }
  });
  it('gives every column a sort key that orders exactly as its comparator', () => {
    const rs = [
      row({ localPort: 1, process: 'node', pid: 4, state: 'LISTEN' }),
      row({ localPort: 2, process: 'Node', pid: null, protocol: 'udp' }),
      row({ localPort: 3, process: 'nodejs', pid: 40, family: 6, localAddress: '::1', remoteAddress: '::1' }),
      row({ localPort: 4, process: null, pid: 4, remoteHost: 'a.example' }),
      row({ localPort: 5, process: 'node', state: 'TIME-WAIT', createdAt: 5 }, { firstSeen: 3, lastChange: 9 }),
    ];
    for (const col of COLUMNS) {
      for (const a of rs) {
        for (const b of rs) {
          expect(Math.sign(compareSortKeys(col.sortKey(a), col.sortKey(b))), `${col.key} ${a.c.localPort} ${b.c.localPort}`).toBe(Math.sign(col.compare(a, b)));
        }
      }
    }
  });
});

describe('column widths', () => {
  it('reads the least width of fixed and minmax() tracks', () => {
    expect(minTrackPx('70px')).toBe(70);
    expect(minTrackPx('minmax(120px, 1.4fr)')).toBe(120);
    expect(minTrackPx('1fr')).toBe(0);
  });
  it('fits the default columns beside a 360 px details pane at 1440 px', () => {
    const least = (cols: ReturnType<typeof columnsFor>) => cols.reduce((n, c) => n + minTrackPx(c.width), 0);
    expect(least(columnsFor(false))).toBeLessThanOrEqual(1440 - 360);
    expect(least(columnsFor(true))).toBeGreaterThan(least(columnsFor(false)));
  });
  it('leaves Created out on Linux, where it would only repeat First Seen', () => {
    expect(columnsFor(false, false, 'linux-netlink').map((c) => c.key)).not.toContain('created');
    expect(columnsFor(false, false, 'linux-procfs').map((c) => c.key)).toContain('firstSeen');
    expect(columnsFor(false, false, 'windows-iphlpapi').map((c) => c.key)).toContain('created');
  });
});

describe('remote columns sort what the cells show', () => {
  // The cells show "—" for a listener's remote address and port (the OS's wildcard 0.0.0.0 / :: and
  // port 0) as for UDP's missing ones: sorting must keep every "—" together, not put listeners first
  // (the wildcard's 0) and UDP sockets last (null).
  const rs = () => [
    row({ localPort: 80, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 }),
    row({ localPort: 53, protocol: 'udp', state: null, remoteAddress: null, remotePort: null }),
    row({ localPort: 50001, remoteAddress: '10.0.0.2', remotePort: 443 }),
    row({ localPort: 81, family: 6, localAddress: '::1', state: 'LISTEN', remoteAddress: '::', remotePort: 0 }),
    row({ localPort: 50002, remoteAddress: '10.0.0.1', remotePort: 22 }),
  ];
  const dashed = (r: Row) => r.c.state === 'LISTEN' || r.c.remotePort === null;
  for (const key of ['remoteAddress', 'remotePort'] as const) {
    for (const dir of ['asc', 'desc'] as const) {
      it(`${key} ${dir}: listeners and UDP sockets ("—") sort together, after (asc) or before (desc) the peers`, () => {
        const cmp = rowComparator({ key, dir });
        const rows = rs();
        const want = dir === 'asc' ? [false, false, true, true, true] : [true, true, true, false, false];
        expect([...rows].sort(cmp).map(dashed)).toEqual(want);
        // the precomputed-key path agrees
        expect(new SortedView(() => true, cmp).rebuild([...rows].reverse()).map(dashed)).toEqual(want);
        const peers = [...rows].sort(cmp).filter((r) => !dashed(r)).map((r) => r.c.remotePort);
        expect(peers).toEqual(key === 'remotePort' ? (dir === 'asc' ? [22, 443] : [443, 22]) : dir === 'asc' ? [22, 443] : [443, 22]);
      });
    }
  }
});
