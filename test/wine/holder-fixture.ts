// The Linux side of the Wine tests' holder: listeners the holder (holder.ts, Windows Node under Wine)
// connects to, a link-local TCP listener and UDP socket (bound only, never sent anything), the
// holder itself, and the test's half-close of the holder's `closeWait` connection.
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { bundleForWindows, startWindowsNode, waitForJsonFile, winPath, RUNTIME_DIR, type WineEnv, type WindowsChild } from './wine-env';

/** What the holder reports (see holder.ts): its Windows PID, image path, start time and local ports. */
export interface Holder {
  pid: number;
  execPath: string;
  /** Epoch ms, from Node's uptime. */
  startedAt: number;
  readyAt: number;
  client4: number;
  setTcpEntryTarget: number;
  client6: number;
  finWait2: number;
  closeWait: number;
  listen: number;
  selfClient: number;
  udp4: number;
  udp6: number;
  fatal?: string;
}

export interface HolderFixture {
  holder: Holder;
  run: WindowsChild;
  /** Epoch ms just before Wine was started for the holder. */
  spawnedAt: number;
  /** The holder's info file (Windows Node programs read it by its Windows path). */
  infoFile: string;
  /** The test's listeners: plain IPv4, plain IPv6, and IPv4 with half-open connections. */
  ports: { plain4: number; plain6: number; half4: number };
  linkLocal: { address: string; tcp: number; udp: number };
  /** Ends the holder if still running, closes every socket of the fixture. */
  close(): Promise<void>;
}

/** A link-local address of this machine, with its interface name. */
function findLinkLocal(): { address: string; iface: string } {
  for (const [iface, list] of Object.entries(networkInterfaces())) {
    const a = list?.find((x) => x.family === 'IPv6' && x.address.toLowerCase().startsWith('fe80:'));
    if (a) return { address: a.address, iface };
  }
  throw new Error('no interface has an IPv6 link-local address: the scope id checks need one (any interface with IPv6 up)');
}

/** Starts the listeners and the holder; resolves once the holder has reported its sockets (or throws after `timeoutMs`). */
export async function startHolder(w: WineEnv, timeoutMs: number): Promise<HolderFixture> {
  const servers: Server[] = [];
  const udps: UdpSocket[] = [];
  const accepted: Socket[] = [];
  const listen = (host: string, allowHalfOpen: boolean) =>
    new Promise<number>((resolve, reject) => {
      const s = createServer({ allowHalfOpen }, (c) => {
        c.on('error', () => undefined);
        accepted.push(c);
      });
      servers.push(s);
      s.once('error', reject);
      s.listen(0, host, () => resolve((s.address() as { port: number }).port));
    });
  let run: WindowsChild | undefined;
  const close = async () => {
    await run?.dispose();
    for (const s of accepted) s.destroy();
    for (const s of servers) s.close();
    for (const u of udps) u.close();
  };
  try {
    const ports = { plain4: await listen('127.0.0.1', false), plain6: await listen('::1', false), half4: await listen('127.0.0.1', true) };
    const ll = findLinkLocal();
    const scoped = `${ll.address}%${ll.iface}`;
    const llTcp = await listen(scoped, false);
    const llUdp = createSocket('udp6');
    udps.push(llUdp);
    await new Promise<void>((r) => llUdp.bind(0, scoped, r));

    const script = await bundleForWindows(join(__dirname, 'holder.ts'), 'holder.cjs');
    const infoFile = join(RUNTIME_DIR, `holder-${process.pid}-${Date.now()}.json`);
    rmSync(infoFile, { force: true });
    const spawnedAt = Date.now();
    run = startWindowsNode(w, script, [winPath(infoFile), String(ports.plain4), String(ports.plain6), String(ports.half4)]);
    const holder = await waitForJsonFile<Holder>(infoFile, 'the holder to report its sockets', timeoutMs);
    if (holder.fatal) throw new Error(`the holder failed: ${holder.fatal}\n${JSON.stringify(run.output())}`);
    // Our FIN on the holder's `closeWait` connection: CLOSE-WAIT on its side, FIN-WAIT-2 on ours.
    const peer = accepted.find((s) => s.remotePort === holder.closeWait);
    if (!peer) throw new Error(`no accepted socket for the holder's port ${holder.closeWait}`);
    peer.end();
    await new Promise((r) => setTimeout(r, 200));
    const runRef = run;
    return {
      holder,
      run: runRef,
      spawnedAt,
      infoFile,
      ports,
      linkLocal: { address: ll.address, tcp: llTcp, udp: llUdp.address().port },
      close: async () => {
        await close();
        rmSync(infoFile, { force: true });
      },
    };
  } catch (e) {
    await close();
    throw e;
  }
}
