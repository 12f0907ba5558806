// The Linux source against the real kernel: sockets opened here on loopback must show up with the
// right states, ports, this process's PID and name, agree with `ss -tanp`, and go away (or sit in
// TIME-WAIT without an owner) once closed. Everything runs twice: over netlink sock_diag (the
// default) and over procfs (the fallback).
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PID_NONE, PROTO_TCP, PROTO_UDP, type RowTable } from '../../main/model/rows';
import { createLinuxSource, type LinuxSource } from '../../main/source/linux';
import { SS_STATE, closeServer, ensureSs, ipWords, openPair, rowsOf, ssRows, waitFor, type Pair, type Row } from './helpers';

const LISTEN = 2;
const ESTABLISHED = 5;
const TIME_WAIT = 11;
const V4_LOOP = ipWords('127.0.0.1');
const V6_LOOP = ipWords('::1');
const V4_MAPPED = ipWords('::ffff:127.0.0.1');

const BACKENDS = [
  { tables: 'auto' as const, name: 'linux-netlink' },
  { tables: 'procfs' as const, name: 'linux-procfs' },
];

describe.each(BACKENDS)('$name', ({ tables, name }) => {
  let source: LinuxSource;
  const read = (): Row[] => rowsOf(source.read() as RowTable, source.lastInodes());
  const tcp = (rows: Row[], lport: number, rport: number) => rows.filter((r) => r.proto === PROTO_TCP && r.lport === lport && r.rport === rport);

  beforeAll(() => {
    ensureSs();
    source = createLinuxSource({ tables });
    // The default must be netlink on this machine; procfs is what the fallback runs.
    expect(source.name).toBe(name);
  });
  afterAll(() => source.close?.());

  describe.each([
    { label: 'IPv4 127.0.0.1', host: '127.0.0.1', connectHost: '127.0.0.1', family: 4, addr: V4_LOOP },
    { label: 'IPv6 ::1', host: '::1', connectHost: '::1', family: 6, addr: V6_LOOP },
    { label: 'IPv4 client on a dual-stack :: listener (::ffff:127.0.0.1)', host: '::', connectHost: '127.0.0.1', family: 6, addr: V4_MAPPED },
  ])('TCP over $label', ({ host, connectHost, family, addr }) => {
    let pair: Pair;
    beforeAll(async () => {
      pair = await openPair(host, connectHost);
    });
    afterAll(async () => {
      pair.client.destroy();
      pair.accepted.destroy();
      await closeServer(pair.server);
    });

    it('shows the listener and both ends ESTABLISHED, owned by this process', () => {
      const rows = read();
      const { port } = pair;
      const cport = pair.client.localPort!;
      const listener = tcp(rows, port, 0);
      expect(listener).toHaveLength(1);
      expect(listener[0]).toMatchObject({ family, state: LISTEN, pid: process.pid });
      expect(listener[0].laddr).toEqual(host === '::' ? [0, 0, 0, 0] : addr);

      const clientSide = tcp(rows, cport, port);
      const serverSide = tcp(rows, port, cport);
      expect(clientSide).toHaveLength(1);
      expect(serverSide).toHaveLength(1);
      // A v4 client socket to 127.0.0.1 is an IPv4 socket even when the listener is dual-stack.
      expect(clientSide[0]).toMatchObject({ family: host === '::' ? 4 : family, state: ESTABLISHED, pid: process.pid });
      expect(clientSide[0].laddr).toEqual(host === '::' ? V4_LOOP : addr);
      expect(serverSide[0]).toMatchObject({ family, state: ESTABLISHED, pid: process.pid, laddr: addr, raddr: addr });
      expect(serverSide[0].inode).toBeGreaterThan(0);
      expect(source.processInfo(process.pid)?.name).toBeTruthy();
    });

    it('agrees with ss -tanp on states, endpoints, PID and process name', () => {
      const ports = new Set([pair.port, pair.client.localPort!]);
      const mine = (r: { lport: number; rport: number }) => ports.has(r.lport) && (r.rport === 0 || ports.has(r.rport));
      const fromSs = ssRows('tcp', [...ports]).filter(mine);
      const fromSource = read().filter((r) => r.proto === PROTO_TCP && mine(r));
      const key = (r: { laddr: number[]; lport: number; raddr: number[]; rport: number }) => `${r.laddr}:${r.lport} ${r.raddr}:${r.rport}`;
      expect(fromSource.map(key).sort()).toEqual(fromSs.map(key).sort());
      expect(fromSs).toHaveLength(3);
      const name = source.processInfo(process.pid)?.name;
      for (const s of fromSs) {
        const r = fromSource.find((x) => key(x) === key(s))!;
        expect(r.state).toBe(SS_STATE[s.state]);
        expect(s.users.map((u) => u.pid)).toContain(r.pid);
        expect(s.users.find((u) => u.pid === r.pid)?.name).toBe(name);
      }
    });
  });

  describe('TCP close sequence', () => {
    it('after the client closes first: client side in TIME-WAIT with no owner, server side and listener gone', async () => {
      const pair = await openPair('127.0.0.1');
      const { port } = pair;
      const cport = pair.client.localPort!;
      // Client sends FIN first (active close); the server answers with its own FIN when it sees end.
      pair.accepted.on('end', () => pair.accepted.end());
      pair.client.end();
      await once(pair.accepted, 'close');
      await closeServer(pair.server);
      const rows = await waitFor('the client side to reach TIME-WAIT', () => {
        const r = read();
        const c = tcp(r, cport, port);
        return c.length === 1 && c[0].state === TIME_WAIT ? r : undefined;
      });
      const clientSide = tcp(rows, cport, port)[0];
      expect(clientSide.inode).toBe(0); // a TIME-WAIT socket has no struct socket any more
      expect(clientSide.pid).toBe(PID_NONE); // so no process owns it (not PID_UNKNOWN: an owner not found)
      expect(tcp(rows, port, cport)).toHaveLength(0);
      expect(tcp(rows, port, 0)).toHaveLength(0);
      // ss agrees: TIME-WAIT and nobody listed as owner.
      const ss = ssRows('tcp', [cport]).filter((s) => s.lport === cport && s.rport === port);
      expect(ss.map((s) => [s.state, s.users.length])).toEqual([['TIME-WAIT', 0]]);
    });

    it('after destroying both ends with the listener closed, nothing of it remains but TIME-WAIT', async () => {
      const pair = await openPair('::1');
      const { port } = pair;
      const cport = pair.client.localPort!;
      pair.accepted.destroy(); // server side closes first this time
      await once(pair.client, 'close');
      pair.client.destroy();
      await closeServer(pair.server);
      const rows = await waitFor('the server side to reach TIME-WAIT', () => {
        const r = read();
        return tcp(r, cport, port).length === 0 && tcp(r, port, cport)[0]?.state === TIME_WAIT ? r : undefined;
      });
      expect(tcp(rows, port, cport)[0]).toMatchObject({ family: 6, pid: PID_NONE, inode: 0 });
      expect(tcp(rows, port, 0)).toHaveLength(0);
    });
  });

  describe('UDP', () => {
    const sockets: UdpSocket[] = [];
    afterAll(() => sockets.forEach((s) => s.close()));

    async function bound(type: 'udp4' | 'udp6', host: string): Promise<UdpSocket> {
      const s = createSocket(type);
      sockets.push(s);
      s.bind(0, host);
      await once(s, 'listening');
      return s;
    }

    it('shows bound and connected UDP sockets (v4 and v6) with state 0, owner, and a remote only when connected', async () => {
      const a = await bound('udp4', '127.0.0.1');
      const b = await bound('udp4', '127.0.0.1');
      b.connect(a.address().port, '127.0.0.1');
      await once(b, 'connect');
      const c = await bound('udp6', '::1');
      const rows = read().filter((r) => r.proto === PROTO_UDP);
      const find = (port: number) => rows.filter((r) => r.lport === port);
      const ra = find(a.address().port);
      const rb = find(b.address().port);
      const rc = find(c.address().port);
      expect(ra).toEqual([expect.objectContaining({ family: 4, state: 0, pid: process.pid, laddr: V4_LOOP, raddr: [0, 0, 0, 0], rport: 0 })]);
      expect(rb).toEqual([expect.objectContaining({ family: 4, state: 0, pid: process.pid, raddr: V4_LOOP, rport: a.address().port })]);
      expect(rc).toEqual([expect.objectContaining({ family: 6, state: 0, pid: process.pid, laddr: V6_LOOP })]);
      // ss -uanp lists the same three with this process as owner.
      const ports = new Set([a.address().port, b.address().port, c.address().port]);
      const ss = ssRows('udp', [...ports]).filter((s) => ports.has(s.lport));
      expect(ss).toHaveLength(3);
      for (const s of ss) expect(s.users.map((u) => u.pid)).toContain(process.pid);
      expect(ss.find((s) => s.lport === b.address().port)?.rport).toBe(a.address().port);
    });

    it('leaves UDP out with udp: false', async () => {
      const a = await bound('udp4', '127.0.0.1');
      const noUdp = createLinuxSource({ udp: false, tables });
      const rows = rowsOf(noUdp.read() as RowTable, noUdp.lastInodes());
      expect(rows.some((r) => r.proto === PROTO_UDP)).toBe(false);
      expect(read().some((r) => r.proto === PROTO_UDP && r.lport === a.address().port)).toBe(true);
    });
  });
});
