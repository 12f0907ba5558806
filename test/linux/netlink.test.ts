// The netlink sock_diag tables against procfs on this machine: with a mix of sockets open here
// (TCP v4, v6, v4-mapped, TIME-WAIT, UDP bound and connected), both must list the same rows, word
// for word, with the same inodes and owners. The only intended difference: netlink fills the scope
// id of IPv6 ends that need a zone (link-local, link-scope multicast), which procfs cannot show.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTO_TCP, PROTO_UDP, ROW_WORDS, W, type RowTable } from '../../main/model/rows';
import { createLinuxSource, type LinuxSource } from '../../main/source/linux';
import { closeServer, ipWords, openPair, waitFor, type Pair } from './helpers';

const TIME_WAIT = 11;

/** Every row as text (scope words zeroed when `noScopes`) plus its inode, sorted. */
function rowKeys(t: RowTable, inodes: Float64Array, noScopes: boolean): string[] {
  const out: string[] = [];
  for (let i = 0; i < t.count; i++) {
    const w = Array.from(t.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS));
    if (noScopes) w[W.LSCOPE] = w[W.RSCOPE] = 0;
    out.push(`${w.join(',')} inode=${inodes[i]}`);
  }
  return out.sort();
}

let netlink: LinuxSource;
let procfs: LinuxSource;
const pairs: Pair[] = [];
const udp: UdpSocket[] = [];
let twPort = 0;

async function bound(type: 'udp4' | 'udp6', host: string): Promise<UdpSocket> {
  const s = createSocket(type);
  udp.push(s);
  s.bind(0, host);
  await once(s, 'listening');
  return s;
}

beforeAll(async () => {
  netlink = createLinuxSource();
  procfs = createLinuxSource({ tables: 'procfs' });
  pairs.push(await openPair('127.0.0.1'), await openPair('::1'), await openPair('::', '127.0.0.1'));
  // A connection closed client-first leaves the client side in TIME-WAIT (no inode, no owner).
  const tw = await openPair('127.0.0.1');
  twPort = tw.client.localPort!;
  tw.accepted.on('end', () => tw.accepted.end());
  tw.client.end();
  await once(tw.accepted, 'close');
  await closeServer(tw.server);
  const a = await bound('udp4', '127.0.0.1');
  const b = await bound('udp4', '127.0.0.1');
  b.connect(a.address().port, '127.0.0.1');
  await once(b, 'connect');
  const c = await bound('udp6', '::1');
  const d = await bound('udp6', '::1');
  d.connect(c.address().port, '::1');
  await once(d, 'connect');
});

afterAll(async () => {
  netlink.close?.();
  for (const p of pairs) {
    p.client.destroy();
    p.accepted.destroy();
    await closeServer(p.server);
  }
  for (const s of udp) s.close();
});

describe('netlink sock_diag vs procfs on this kernel', () => {
  it('the default Linux source reads netlink', () => {
    expect(netlink.name).toBe('linux-netlink');
    expect(netlink.backendInfo()).toEqual({ kind: 'netlink', reason: null });
    expect(procfs.name).toBe('linux-procfs');
  });

  it('lists the same rows, inodes and owners as procfs (whole table, compared on the sockets stable across reads)', async () => {
    // Other processes open and close sockets between two reads, on a busy machine all the time:
    // the rows in two netlink reads (before and after procfs) must all be in procfs, and procfs
    // may list nothing that neither netlink read has. Retried a bounded time that grows with the
    // table: a row can change state between reads.
    const rowsNow = (netlink.read() as RowTable).count;
    let last = { missing: [] as string[], extra: [] as string[] };
    const agreed = await waitFor(
      'netlink and procfs to agree on the stable rows',
      () => {
        const k1 = rowKeys(netlink.read() as RowTable, netlink.lastInodes(), true);
        const kp = rowKeys(procfs.read() as RowTable, procfs.lastInodes(), true);
        const k2 = rowKeys(netlink.read() as RowTable, netlink.lastInodes(), true);
        const inP = new Set(kp);
        const in1 = new Set(k1);
        const in2 = new Set(k2);
        const stable = k1.filter((k) => in2.has(k));
        last = { missing: stable.filter((k) => !inP.has(k)), extra: kp.filter((k) => !in1.has(k) && !in2.has(k)) };
        return last.missing.length === 0 && last.extra.length === 0 ? kp : undefined;
      },
      15_000 + rowsNow,
    ).catch((e: Error) => {
      throw new Error(`${e.message}\nstable in netlink, not in procfs: ${last.missing.join('\n')}\nonly procfs: ${last.extra.join('\n')}`);
    });
    // The sockets opened here are in it: TCP v4, v6 and mapped listeners and both ends, the
    // TIME-WAIT side, and UDP in both families.
    const t = netlink.read() as RowTable;
    const rows = Array.from({ length: t.count }, (_, i) => t.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS));
    for (const p of pairs) {
      const cport = p.client.localPort!;
      expect(rows.filter((w) => w[W.PROTO] === PROTO_TCP && ((w[W.LPORT] === p.port && w[W.RPORT] === cport) || (w[W.LPORT] === cport && w[W.RPORT] === p.port))).map((w) => w[W.PID])).toEqual([
        process.pid,
        process.pid,
      ]);
    }
    expect(rows.some((w) => w[W.LPORT] === twPort && w[W.STATE] === TIME_WAIT)).toBe(true);
    for (const s of udp) expect(rows.some((w) => w[W.PROTO] === PROTO_UDP && w[W.LPORT] === s.address().port && w[W.PID] === process.pid)).toBe(true);
    expect(agreed.length).toBeGreaterThanOrEqual(10);
    // Outside addresses that need a zone (fe80::/10; ffX1::, ffX2:: multicast) netlink's scope ids are 0, like procfs's.
    const zoned = (w0: number) => w0 >>> 22 === 0x3fa || (w0 >>> 24 === 0xff && [1, 2].includes((w0 >>> 16) & 15));
    for (const w of rows) {
      if (!zoned(w[W.LADDR])) expect(w[W.LSCOPE]).toBe(0);
      if (!zoned(w[W.RADDR])) expect(w[W.RSCOPE]).toBe(0);
    }
  });

  it('gives IPv6 link-local sockets the interface index as scope id, where procfs gives 0', async () => {
    const ll = Object.entries(networkInterfaces())
      .flatMap(([name, addrs]) => (addrs ?? []).map((a) => ({ name, ...a })))
      .find((a) => a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:') && (a.scopeid ?? 0) > 0);
    if (!ll) throw new Error('this test needs an interface with an IPv6 link-local address (none found by os.networkInterfaces())');
    const host = `${ll.address}%${ll.name}`;
    const u = await bound('udp6', host);
    const server = createServer().listen(0, host);
    await once(server, 'listening');
    try {
      const port = (server.address() as { port: number }).port;
      const find = (s: LinuxSource, proto: number, p: number) => {
        const t = s.read() as RowTable;
        for (let i = 0; i < t.count; i++) {
          const w = t.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS);
          if (w[W.PROTO] === proto && w[W.LPORT] === p) return Array.from(w);
        }
        return undefined;
      };
      for (const [proto, p] of [
        [PROTO_TCP, port],
        [PROTO_UDP, u.address().port],
      ]) {
        const n = find(netlink, proto, p)!;
        const f = find(procfs, proto, p)!;
        expect(n.slice(W.LADDR, W.LADDR + 4)).toEqual(ipWords(ll.address));
        expect([n[W.LSCOPE], n[W.RSCOPE]]).toEqual([ll.scopeid, 0]);
        expect([f[W.LSCOPE], f[W.RSCOPE]]).toEqual([0, 0]);
        n[W.LSCOPE] = 0;
        expect(n).toEqual(f);
      }
    } finally {
      server.close();
    }
  });
});
