// Runs inside Windows Node under Wine: opens its own loopback sockets, reads them back through the
// real Windows source (koffi → iphlpapi.dll) in every mode, exercises the error paths and the admin
// actions, and writes everything it saw as JSON to the file named by argv[2].
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { rowFields, type RowTable } from '../../main/model/rows';
import { SourceError } from '../../main/source/types';
import { TableReader } from '../../main/source/windows/buffer-call';
import { createWindowsSource, koffiActionNative, type WindowsSourceOptions } from '../../main/source/windows/index';
import { closeTcpConnectionV4, endProcess } from '../../main/source/windows/actions';
import { bindTcpTableFunction } from '../../main/native/koffi';
import { runProbe } from './probe-run';

const out: Record<string, unknown> = { pid: process.pid, platform: process.platform, node: process.version };

function rows(t: RowTable) {
  const list = [];
  for (let i = 0; i < t.count; i++) list.push({ ...rowFields(t, i), createdAt: t.createdAt ? t.createdAt[i] : null });
  return list;
}

function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: string; code?: number } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: String((e as Error).message), code: e instanceof SourceError ? e.code : undefined };
  }
}

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const s = createServer((sock) => sockets.push(sock));
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
  });
}
function connect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const c = createConnection({ host, port }, () => resolve(c));
    c.once('error', reject);
  });
}
const sockets: Socket[] = [];
const port = (s: Server) => (s.address() as { port: number }).port;

async function main() {
  const s4 = await listen('127.0.0.1');
  const c4 = await connect('127.0.0.1', port(s4));
  const s6 = await listen('::1');
  const c6 = await connect('::1', port(s6));
  const u4 = createSocket('udp4');
  await new Promise<void>((r) => u4.bind(0, '127.0.0.1', r));
  const u6 = createSocket('udp6');
  await new Promise<void>((r) => u6.bind(0, '::1', r));
  await new Promise((r) => setTimeout(r, 200));
  out.sockets = {
    listen4: port(s4),
    client4: c4.localPort,
    listen6: port(s6),
    client6: c6.localPort,
    udp4: u4.address().port,
    udp6: u6.address().port,
  };

  const modes: Record<string, WindowsSourceOptions> = { auto: {}, table2: { tcp: 'table2', udp: false }, legacy: { tcp: 'legacy', udp: false } };
  const reads: Record<string, unknown> = {};
  for (const [mode, opts] of Object.entries(modes)) {
    const r = attempt(() => {
      const src = createWindowsSource(opts);
      const t0 = performance.now();
      const t = src.read() as RowTable;
      const ms = performance.now() - t0;
      const t1 = performance.now();
      src.read();
      const ms2 = performance.now() - t1;
      return { rows: rows(t), functions: src.functions(), firstReadMs: ms, secondReadMs: ms2 };
    });
    reads[mode] = r;
  }
  out.reads = reads;

  const names = createWindowsSource({ udp: false });
  names.read();
  out.processInfo = { self: names.processInfo(process.pid), idle: names.processInfo(0), system: names.processInfo(4), bogus: names.processInfo(0x7ffffff0) };

  out.details = await names.processDetails!(process.pid);

  // Error paths against the real DLL: a NULL size pointer must give ERROR_INVALID_PARAMETER → a clear
  // SourceError; a 4-byte buffer must give 122 with the size needed.
  const raw = bindTcpTableFunction('GetTcpTable2');
  out.nullSize = attempt(() => new TableReader((buf) => raw!(buf, null as unknown as Buffer), 'GetTcpTable2').read());
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4, 0);
  const small = Buffer.alloc(4);
  out.tinyBuffer = { code: raw!(small, size), needed: size.readUInt32LE(0) };

  // Admin actions.
  const act = koffiActionNative();
  out.closeV4 = attempt(() => {
    const res = closeTcpConnectionV4({ localAddr: 0x7f000001, localPort: c4.localPort!, remoteAddr: 0x7f000001, remotePort: port(s4) }, act);
    return res;
  });
  await new Promise((r) => setTimeout(r, 300));
  const after = createWindowsSource({ tcp: 'table2', udp: false }).read() as RowTable;
  out.afterClose = rows(after).filter((r) => r.family === 4 && (r.lport === c4.localPort || r.rport === c4.localPort));
  out.endBogus = attempt(() => endProcess(0x7ffffff0, act));
  out.endSystem = attempt(() => endProcess(4, act));
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((r) => setTimeout(r, 1500));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  out.endChild = { pid: child.pid, result: attempt(() => endProcess(child.pid!, act)) };
  out.childExit = await Promise.race([exited, new Promise((r) => setTimeout(() => r('still running'), 5000))]);
  if (out.childExit === 'still running') child.kill();

  for (const s of [c4, c6, ...sockets]) s.destroy();
  s4.close();
  s6.close();
  u4.close();
  u6.close();
}

runProbe(out, main);
