// The Windows source on real Windows (the Windows CI runner, an administrator; see
// docs/packaging.md, "What the Windows runner proves that Wine cannot"): the values Wine does not
// give — owners of listening, accepted and IPv6 rows, creation times and module info, interface
// index scope ids, Windows' own sort order — and the admin actions, elevated and under a
// restricted token (restricted-token.ts). Run by test/windows/vitest.config.mts only.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedKeyOrder } from '../../main/model/diff';
import { PROTO_TCP, PROTO_UDP, ROW_WORDS, W, rowFields, type RowTable } from '../../main/model/rows';
import * as k from '../../main/native/koffi';
import { closeTcpConnectionV4, endProcess } from '../../main/source/windows/actions';
import { TableReader } from '../../main/source/windows/buffer-call';
import { STRIDE } from '../../main/source/windows/decode';
import { createWindowsSource, koffiActionNative } from '../../main/source/windows/index';
import { withRestrictedToken } from './restricted-token';

if (process.platform !== 'win32') {
  throw new Error(`test/windows runs on Windows only (this is ${process.platform}); on Linux the Windows source is tested under Wine (test/wine)`);
}

const [LISTEN, ESTAB] = [2, 5];
const startedAt = Date.now();
const servers: Server[] = [];
const sockets: Socket[] = [];
const udps: UdpSocket[] = [];
const children: ChildProcess[] = [];
let s4 = 0;
let c4: Socket;
let s6 = 0;
let c6: Socket;
let u4 = 0;
let u6 = 0;
let linkLocal: { port: number; scopeid: number };

function listen(host: string): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer((c) => sockets.push(c.on('error', () => undefined)));
    servers.push(s);
    s.once('error', fail);
    s.listen(0, host, () => ok((s.address() as { port: number }).port));
  });
}
function connect(host: string, port: number): Promise<Socket> {
  return new Promise((ok, fail) => {
    const c = createConnection({ host, port }, () => ok(c));
    c.once('error', fail);
    sockets.push(c);
  });
}
async function udp(type: 'udp4' | 'udp6', host: string): Promise<number> {
  const u = createSocket(type);
  udps.push(u);
  await new Promise<void>((r) => u.bind(0, host, r));
  return u.address().port;
}

function rows(t: RowTable) {
  return Array.from({ length: t.count }, (_, i) => ({ ...rowFields(t, i), lscope: t.words[i * ROW_WORDS + W.LSCOPE], createdAt: t.createdAt?.[i] ?? NaN }));
}
const read = () => rows(createWindowsSource().read() as RowTable);
const tcpRow = (list: ReturnType<typeof rows>, family: number, lport: number, rport: number) =>
  list.filter((r) => r.proto === PROTO_TCP && r.family === family && r.lport === lport && r.rport === rport);

beforeAll(async () => {
  s4 = await listen('127.0.0.1');
  c4 = await connect('127.0.0.1', s4);
  s6 = await listen('::1');
  c6 = await connect('::1', s6);
  u4 = await udp('udp4', '127.0.0.1');
  u6 = await udp('udp6', '::1');
  // A link-local address, bound only (nothing is sent): its row's scope id must be the interface index.
  const ll = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv6' && a.address.toLowerCase().startsWith('fe80:'));
  if (!ll || ll.family !== 'IPv6') throw new Error('no IPv6 link-local address on this machine: the scope id check needs one');
  linkLocal = { port: await udp('udp6', `${ll.address}%${ll.scopeid}`), scopeid: ll.scopeid! };
  await new Promise((r) => setTimeout(r, 200));
});

afterAll(() => {
  for (const c of children) c.kill();
  for (const s of sockets) s.destroy();
  for (const s of servers) s.close();
  for (const u of udps) u.close();
});

describe('Windows source on Windows', () => {
  it('every row of ours carries our PID: listeners, accepted, IPv6 and UDP included', () => {
    const list = read();
    const me = process.pid;
    expect(tcpRow(list, 4, s4, 0).map((r) => [r.state, r.pid])).toEqual([[LISTEN, me]]);
    expect(tcpRow(list, 4, c4.localPort!, s4).map((r) => [r.state, r.pid])).toEqual([[ESTAB, me]]);
    expect(tcpRow(list, 4, s4, c4.localPort!).map((r) => [r.state, r.pid])).toEqual([[ESTAB, me]]);
    expect(tcpRow(list, 6, s6, 0).map((r) => [r.state, r.pid])).toEqual([[LISTEN, me]]);
    expect(tcpRow(list, 6, c6.localPort!, s6).map((r) => [r.state, r.pid])).toEqual([[ESTAB, me]]);
    expect(tcpRow(list, 6, s6, c6.localPort!).map((r) => [r.state, r.pid])).toEqual([[ESTAB, me]]);
    for (const [family, port] of [[4, u4], [6, u6]]) {
      expect(list.filter((r) => r.proto === PROTO_UDP && r.family === family && r.lport === port).map((r) => r.pid)).toEqual([me]);
    }
  });

  it('OWNER_MODULE: real creation times (during this run) and module info on our rows', () => {
    const list = read();
    for (const r of [...tcpRow(list, 4, c4.localPort!, s4), ...tcpRow(list, 6, c6.localPort!, s6)]) {
      expect(r.createdAt).toBeGreaterThanOrEqual(startedAt - 1000);
      expect(r.createdAt).toBeLessThanOrEqual(Date.now());
    }
    const call = k.bindExtendedTableFunction('GetExtendedTcpTable', k.AF_INET, k.TCP_TABLE_OWNER_MODULE_ALL)!;
    const buf = new TableReader(call, 'GetExtendedTcpTable').read()!;
    const n = buf.readUInt32LE(0);
    let ours = 0;
    for (let i = 0, o = 8; i < n; i++, o += STRIDE.TCPROW_OWNER_MODULE) {
      if (buf.readUInt32LE(o + 20) !== process.pid) continue;
      ours++;
      // OwningModuleInfo[16] (ULONGLONG) at offset 32: Windows fills it for the owning module.
      expect(buf.subarray(o + 32, o + 160).some((b) => b !== 0)).toBe(true);
    }
    expect(ours).toBeGreaterThanOrEqual(3);
  });

  it('IPv6 scope ids are interface indexes', () => {
    const list = read();
    expect(list.filter((r) => r.proto === PROTO_UDP && r.lport === linkLocal.port).map((r) => r.lscope)).toEqual([linkLocal.scopeid]);
  });

  it('Order=TRUE: Windows sorts each table in a key order the merge diff knows', () => {
    const t = createWindowsSource({ tcp: 'table2', udp: false }).read() as RowTable;
    expect(sharedKeyOrder(t, t)).toBeGreaterThanOrEqual(0);
  });
});

describe('admin actions on Windows', () => {
  it('elevated: SetTcpEntry(DELETE_TCB) closes our IPv4 connection; the next read no longer lists it ESTABLISHED', async () => {
    const c = await connect('127.0.0.1', s4);
    const r = closeTcpConnectionV4({ localAddr: 0x7f000001, localPort: c.localPort!, remoteAddr: 0x7f000001, remotePort: s4 }, koffiActionNative());
    expect(r).toEqual({ ok: true, code: 0 });
    await new Promise((x) => setTimeout(x, 300));
    expect(tcpRow(read(), 4, c.localPort!, s4).filter((x) => x.state === ESTAB)).toEqual([]);
  });

  it('elevated: endProcess ends a child', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(child);
    await new Promise((x) => setTimeout(x, 1000));
    const exited = new Promise((x) => child.once('exit', (code) => x(code)));
    expect(endProcess(child.pid!, koffiActionNative())).toEqual({ ok: true, code: 0 });
    expect(await exited).toBe(1);
  });

  it('unelevated (a restricted token, impersonated): close and end answer needsAdmin and change nothing', async () => {
    const c = await connect('127.0.0.1', s4);
    const target = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(target);
    await new Promise((x) => setTimeout(x, 1000));
    const act = koffiActionNative();
    const run = withRestrictedToken(() => ({
      close: closeTcpConnectionV4({ localAddr: 0x7f000001, localPort: c.localPort!, remoteAddr: 0x7f000001, remotePort: s4 }, act),
      end: endProcess(target.pid!, act),
    }));
    console.log(`[windows] restricted token: ${JSON.stringify(run)}`);
    expect(run.impersonated).toBe(true);
    // SetTcpEntry answers 317 (ERROR_MR_MID_NOT_FOUND) or 5 without rights; OpenProcess on a process of the elevated test, 5.
    expect(run.result!.close).toMatchObject({ ok: false, needsAdmin: true });
    expect([5, 317]).toContain(run.result!.close.code);
    expect(run.result!.end).toMatchObject({ ok: false, needsAdmin: true, code: 5 });
    await new Promise((x) => setTimeout(x, 300));
    expect(tcpRow(read(), 4, c.localPort!, s4).map((x) => x.state)).toEqual([ESTAB]);
    expect(target.exitCode).toBeNull();
  });
});
