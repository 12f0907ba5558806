// Runs inside Windows Node under Wine: opens its own loopback sockets, reads them and the holder's
// (holder.ts, a second Windows Node process) back through the real Windows source (koffi →
// iphlpapi.dll) in every format, exercises the buffer-size protocol, the error paths and the admin
// actions, and writes everything it saw as JSON to the file named by argv[2]. argv[3] names the
// holder's info file. Tables travel as raw row words so the test can decode and diff them itself.
import { spawn } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { readFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ROW_WORDS, W, type RowTable } from '../../main/model/rows';
import { SourceError } from '../../main/source/types';
import { TableReader, type TableCall } from '../../main/source/windows/buffer-call';
import {
  STRIDE,
  decodeTcp6Table,
  decodeTcp6Table2,
  decodeTcp6TableOwnerModule,
  decodeTcp6TableOwnerPid,
  decodeTcpTable,
  decodeTcpTable2,
  decodeTcpTableOwnerModule,
  decodeTcpTableOwnerPid,
  decodeUdp6TableOwnerPid,
  decodeUdpTableOwnerPid,
} from '../../main/source/windows/decode';
import { createWindowsSource, koffiActionNative, type WindowsSourceOptions } from '../../main/source/windows/index';
import { closeTcpConnectionV4, endProcess } from '../../main/source/windows/actions';
import * as k from '../../main/native/koffi';
import { createActionService } from '../../main/actions/service';
import { withRestrictedToken } from '../windows/restricted-token';
import { runProbe } from './probe-run';

const out: Record<string, unknown> = { pid: process.pid, platform: process.platform, node: process.version };

/** A RowTable as JSON: its row words, and creation times (null where unknown). */
function dump(t: RowTable) {
  return {
    count: t.count,
    words: Array.from(t.words.subarray(0, t.count * ROW_WORDS)),
    createdAt: t.createdAt ? Array.from(t.createdAt.subarray(0, t.count), (x) => (Number.isNaN(x) ? null : x)) : null,
  };
}

function attempt<T>(f: () => T): { ok: true; value: T } | { ok: false; error: string; code?: number } {
  try {
    return { ok: true, value: f() };
  } catch (e) {
    return { ok: false, error: String((e as Error).message), code: e instanceof SourceError ? e.code : undefined };
  }
}

const sockets: Socket[] = [];
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
const port = (s: Server) => (s.address() as { port: number }).port;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Decoder = (buf: Uint8Array) => RowTable;
interface Format {
  fn: string;
  call: TableCall;
  decode: Decoder;
  firstRow: number;
  stride: number;
  /** OWNER_MODULE rows: offsets of liCreateTimestamp and OwningModuleInfo[16] inside a row. */
  module?: { created: number; info: number };
}

function formats(): Format[] {
  const tcp = (fn: k.TcpTableFunctionName) => k.bindTcpTableFunction(fn)!;
  const ext = (name: 'GetExtendedTcpTable' | 'GetExtendedUdpTable', af: number, cls: number) => k.bindExtendedTableFunction(name, af, cls)!;
  const { AF_INET: A4, AF_INET6: A6, TCP_TABLE_OWNER_PID_ALL: PID, TCP_TABLE_OWNER_MODULE_ALL: MOD, UDP_TABLE_OWNER_PID: UPID } = k;
  return [
    { fn: 'GetTcpTable', call: tcp('GetTcpTable'), decode: decodeTcpTable, firstRow: 4, stride: STRIDE.TCPROW },
    { fn: 'GetTcpTable2', call: tcp('GetTcpTable2'), decode: decodeTcpTable2, firstRow: 4, stride: STRIDE.TCPROW2 },
    { fn: 'GetTcp6Table', call: tcp('GetTcp6Table'), decode: decodeTcp6Table, firstRow: 4, stride: STRIDE.TCP6ROW },
    { fn: 'GetTcp6Table2', call: tcp('GetTcp6Table2'), decode: decodeTcp6Table2, firstRow: 4, stride: STRIDE.TCP6ROW2 },
    { fn: 'TCP4 OWNER_PID', call: ext('GetExtendedTcpTable', A4, PID), decode: decodeTcpTableOwnerPid, firstRow: 4, stride: STRIDE.TCPROW_OWNER_PID },
    { fn: 'TCP6 OWNER_PID', call: ext('GetExtendedTcpTable', A6, PID), decode: decodeTcp6TableOwnerPid, firstRow: 4, stride: STRIDE.TCP6ROW_OWNER_PID },
    {
      fn: 'TCP4 OWNER_MODULE',
      call: ext('GetExtendedTcpTable', A4, MOD),
      decode: decodeTcpTableOwnerModule,
      firstRow: 8,
      stride: STRIDE.TCPROW_OWNER_MODULE,
      module: { created: 24, info: 32 },
    },
    {
      fn: 'TCP6 OWNER_MODULE',
      call: ext('GetExtendedTcpTable', A6, MOD),
      decode: decodeTcp6TableOwnerModule,
      firstRow: 8,
      stride: STRIDE.TCP6ROW_OWNER_MODULE,
      module: { created: 56, info: 64 },
    },
    { fn: 'UDP4 OWNER_PID', call: ext('GetExtendedUdpTable', A4, UPID), decode: decodeUdpTableOwnerPid, firstRow: 4, stride: STRIDE.UDPROW_OWNER_PID },
    { fn: 'UDP6 OWNER_PID', call: ext('GetExtendedUdpTable', A6, UPID), decode: decodeUdp6TableOwnerPid, firstRow: 4, stride: STRIDE.UDP6ROW_OWNER_PID },
  ];
}

/** The size the OS asks for when given a 4-byte buffer: [code, needed bytes]. */
function askSize(call: TableCall): [number, number] {
  const size = Buffer.alloc(4);
  size.writeUInt32LE(4, 0);
  const code = call(Buffer.alloc(4), size) >>> 0;
  return [code, size.readUInt32LE(0)];
}

/**
 * For one format: the size asked for, then a call with exactly that many bytes, repeated (at most 5
 * times) until the table held still in between. Also, for OWNER_MODULE, counts rows whose creation
 * time or module info is not zero.
 */
function sizeAndRead(f: Format) {
  for (let tries = 1; ; tries++) {
    const [askCode, needed] = askSize(f.call);
    const buf = Buffer.alloc(needed);
    const size = Buffer.alloc(4);
    size.writeUInt32LE(needed, 0);
    const code = f.call(buf, size) >>> 0;
    const rows = code === 0 ? buf.readUInt32LE(0) : -1;
    if ((code === 0 && needed === f.firstRow + rows * f.stride) || tries === 5) {
      let nonZeroCreated = 0;
      let nonZeroModule = 0;
      if (f.module && code === 0) {
        for (let i = 0, o = f.firstRow; i < rows; i++, o += f.stride) {
          if (buf.readBigUInt64LE(o + f.module.created) !== 0n) nonZeroCreated++;
          if (buf.subarray(o + f.module.info, o + f.module.info + 128).some((b) => b !== 0)) nonZeroModule++;
        }
      }
      return { fn: f.fn, askCode, needed, code, rows, firstRow: f.firstRow, stride: f.stride, tries, nonZeroCreated, nonZeroModule, table: code === 0 ? dump(f.decode(buf)) : null };
    }
  }
}

async function main() {
  const holder = JSON.parse(readFileSync(process.argv[3], 'utf8')) as { pid: number; setTcpEntryTarget: number; fatal?: string };
  if (holder.fatal) throw new Error(`the holder failed: ${holder.fatal}`);
  const s4 = await listen('127.0.0.1');
  const c4 = await connect('127.0.0.1', port(s4));
  const s6 = await listen('::1');
  const c6 = await connect('::1', port(s6));
  const u4 = createSocket('udp4');
  await new Promise<void>((r) => u4.bind(0, '127.0.0.1', r));
  const u6 = createSocket('udp6');
  await new Promise<void>((r) => u6.bind(0, '::1', r));
  await sleep(200);
  out.sockets = { listen4: port(s4), client4: c4.localPort, listen6: port(s6), client6: c6.localPort, udp4: u4.address().port, udp6: u6.address().port };

  const modes: Record<string, WindowsSourceOptions> = { auto: {}, table2: { tcp: 'table2', udp: false }, legacy: { tcp: 'legacy', udp: false } };
  const reads: Record<string, unknown> = {};
  for (const [mode, opts] of Object.entries(modes)) {
    reads[mode] = attempt(() => {
      const src = createWindowsSource(opts);
      const t0 = performance.now();
      const t = src.read() as RowTable;
      const ms = performance.now() - t0;
      const t1 = performance.now();
      src.read();
      return { table: dump(t), functions: src.functions(), firstReadMs: ms, secondReadMs: performance.now() - t1 };
    });
  }
  out.reads = reads;

  // Every format: the size protocol and the decoded rows (the four IPv6 formats are compared by the test).
  out.formats = formats().map((f) => attempt(() => sizeAndRead(f)));

  // Growth between the size query and the read: ask, open connections, read with the old size.
  const grow = k.bindTcpTableFunction('GetTcpTable2')!;
  const [, before] = askSize(grow);
  const extra = await Promise.all([1, 2, 3].map(() => connect('127.0.0.1', port(s4))));
  const extraPorts = extra.map((c) => c.localPort);
  await sleep(100);
  const stale = Buffer.alloc(before);
  const staleSize = Buffer.alloc(4);
  staleSize.writeUInt32LE(before, 0);
  const staleCode = grow(stale, staleSize) >>> 0;
  const reader = new TableReader(grow, 'GetTcpTable2', { initialBytes: before });
  const grown = reader.read();
  out.growth = { before, staleCode, staleNeeded: staleSize.readUInt32LE(0), attempts: reader.lastAttempts, rowsAfter: grown?.readUInt32LE(0) ?? 0 };

  // Two pairs of reads with changes between, for the test to diff. `merge`: TCP only, changes on
  // 127.0.0.1 (Wine keeps such rows in key order). `hash`: with UDP, then rows on 127.0.0.2, which
  // Wine's IPv4 comparator (first two octets, then port) sorts out of key order.
  const tcpOnly = createWindowsSource({ tcp: 'table2', udp: false });
  const mergeFirst = dump(tcpOnly.read() as RowTable);
  extra[0].destroy();
  extra[1].end();
  const opened = await connect('127.0.0.1', port(s4));
  const openedPort = opened.localPort;
  await sleep(200);
  const mergeSecond = dump(tcpOnly.read() as RowTable);
  const mixed = createWindowsSource({ tcp: 'table2' });
  const hashFirst = dump(mixed.read() as RowTable);
  const s2 = await listen('127.0.0.2');
  const c2 = await connect('127.0.0.2', port(s2));
  const u2 = createSocket('udp4');
  await new Promise<void>((r) => u2.bind(0, '127.0.0.2', r));
  opened.destroy();
  await sleep(200);
  const hashSecond = dump(mixed.read() as RowTable);
  out.diffReads = {
    merge: { first: mergeFirst, second: mergeSecond, destroyed: extraPorts[0], ended: extraPorts[1], opened: openedPort },
    hash: { first: hashFirst, second: hashSecond, opened: c2.localPort, listen: port(s2), closed: openedPort, udp: u2.address().port },
  };

  // The holder: names, details, a close that Wine only pretends to do, then end it.
  const names = createWindowsSource({ udp: false });
  names.read();
  out.processInfo = { self: names.processInfo(process.pid), idle: names.processInfo(0), system: names.processInfo(4), bogus: names.processInfo(0x7ffffff0), holder: names.processInfo(holder.pid) };
  out.details = { self: await names.processDetails!(process.pid), holder: await names.processDetails!(holder.pid) };

  const raw = k.bindTcpTableFunction('GetTcpTable2');
  out.nullSize = attempt(() => new TableReader((buf) => raw!(buf, null as unknown as Buffer), 'GetTcpTable2').read());
  const [tinyCode, tinyNeeded] = askSize(raw!);
  out.tinyBuffer = { code: tinyCode, needed: tinyNeeded };

  const act = koffiActionNative();
  out.closeV4 = attempt(() =>
    closeTcpConnectionV4({ localAddr: 0x7f000001, localPort: holder.setTcpEntryTarget, remoteAddr: 0x7f000001, remotePort: Number(process.argv[4]) }, act),
  );
  // The same close through the action service the app and the server use.
  const target = { family: 4 as const, localAddress: '127.0.0.1', localPort: holder.setTcpEntryTarget, remoteAddress: '127.0.0.1', remotePort: Number(process.argv[4]) };
  out.serviceClose = await createActionService().closeConnection(target);
  await sleep(300);
  out.afterClose = dump(createWindowsSource({ tcp: 'table2', udp: false }).read() as RowTable);

  // A handle kept across the end: its exit code is what Windows says the process ended with.
  const watch = k.kernel32().openProcess(k.PROCESS_QUERY_LIMITED_INFORMATION, holder.pid);
  const GetExitCodeProcess = k.bindWin32('kernel32.dll', 'GetExitCodeProcess', 'int', ['void *', 'void *'])!;
  const exitCode = () => {
    const b = Buffer.alloc(4);
    return GetExitCodeProcess(watch, b) ? b.readUInt32LE(0) : null;
  };
  out.endHolder = attempt(() => endProcess(holder.pid, act));
  const STILL_ACTIVE = 259;
  const t0 = Date.now();
  while (Date.now() - t0 < 10_000 && exitCode() === STILL_ACTIVE) await sleep(50);
  out.holderGoneAfterMs = Date.now() - t0;
  out.holderExitCode = watch ? exitCode() : 'OpenProcess failed';
  if (watch) k.kernel32().closeHandle(watch);
  // The exit code is set before the Unix process has gone and the kernel has closed its sockets:
  // read again (bounded) until no row names the holder any more.
  const afterEnd = createWindowsSource();
  let after: RowTable;
  let endReads = 0;
  const t1 = Date.now();
  do {
    await sleep(300);
    after = afterEnd.read() as RowTable;
    endReads++;
  } while (Date.now() - t1 < 10_000 && Array.from({ length: after.count }, (_, i) => after.words[i * ROW_WORDS + W.PID]).includes(holder.pid));
  out.afterEnd = dump(after);
  out.afterEndReads = endReads;

  out.endBogus = attempt(() => endProcess(0x7ffffff0, act));
  out.endSystem = attempt(() => endProcess(4, act));
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(1500);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  out.endChild = { pid: child.pid, result: attempt(() => endProcess(child.pid!, act)) };
  out.childExit = await Promise.race([exited, sleep(5000).then(() => 'still running')]);
  if (out.childExit === 'still running') child.kill();

  // The restricted-token helper the Windows runner uses for its unelevated cases (impersonation
  // of a filtered token): what Wine does with each step, and whether it then refuses anything.
  const victim = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(1500);
  out.restricted = attempt(() =>
    withRestrictedToken(() => ({
      close: closeTcpConnectionV4({ localAddr: 0x7f000001, localPort: c4.localPort!, remoteAddr: 0x7f000001, remotePort: port(s4) }, act),
      end: endProcess(victim.pid!, act),
    })),
  );
  await sleep(500);
  out.victimAlive = victim.exitCode === null && victim.signalCode === null;
  victim.kill();

  for (const s of [c4, c6, c2, ...extra, ...sockets]) s.destroy();
  for (const s of [s4, s6, s2]) s.close();
  for (const u of [u4, u6, u2]) u.close();
}

runProbe(out, main);
