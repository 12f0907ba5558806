// A Windows Node process the Wine tests start under the same WINEPREFIX as their probes (so all share
// one wineserver): it opens the sockets whose owners Wine can report and holds them until it is
// ended. argv[2]: result file (Windows path); argv[3..5]: ports of the test's Linux listeners
// (plain IPv4, plain IPv6, half-open IPv4). It writes its PID, image path, start time and local ports, then waits.
import { createSocket } from 'node:dgram';
import { writeFileSync } from 'node:fs';
import { createConnection, createServer, type Socket } from 'node:net';

const held: unknown[] = [];

function connect(host: string, port: number, allowHalfOpen = false): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const c = createConnection({ host, port, allowHalfOpen }, () => resolve(c));
    c.once('error', reject);
    held.push(c);
  });
}

async function main(): Promise<void> {
  const [plain4, plain6, half4] = process.argv.slice(3, 6).map(Number);
  const t = { plain4, plain6, half4 };
  // Client connections to the test's listeners (Linux processes): Wine finds these sockets in our fds.
  const client4 = await connect('127.0.0.1', t.plain4);
  const setTcpEntryTarget = await connect('127.0.0.1', t.plain4);
  const client6 = await connect('::1', t.plain6);
  // Half-closes: we send FIN on finWait2 (→ FIN-WAIT-2 here, CLOSE-WAIT at the test's end); the test
  // sends FIN on closeWait (→ CLOSE-WAIT here, as allowHalfOpen keeps our side open).
  const finWait2 = await connect('127.0.0.1', t.half4, true);
  finWait2.end();
  const closeWait = await connect('127.0.0.1', t.half4, true);
  closeWait.on('end', () => undefined);
  // A listener of our own with one connection to it: Wine holds listening and accepted sockets in
  // wineserver, so only the client side can name us.
  const server = createServer((s) => held.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const listenPort = (server.address() as { port: number }).port;
  const selfClient = await connect('127.0.0.1', listenPort);
  const udp4 = createSocket('udp4');
  await new Promise<void>((r) => udp4.bind(0, '127.0.0.1', r));
  const udp6 = createSocket('udp6');
  await new Promise<void>((r) => udp6.bind(0, '::1', r));
  held.push(server, udp4, udp6);
  const info = {
    pid: process.pid,
    execPath: process.execPath,
    startedAt: Date.now() - process.uptime() * 1000,
    readyAt: Date.now(),
    client4: client4.localPort,
    setTcpEntryTarget: setTcpEntryTarget.localPort,
    client6: client6.localPort,
    finWait2: finWait2.localPort,
    closeWait: closeWait.localPort,
    listen: listenPort,
    selfClient: selfClient.localPort,
    udp4: udp4.address().port,
    udp6: udp6.address().port,
  };
  writeFileSync(process.argv[2], JSON.stringify(info));
  setInterval(() => undefined, 60_000);
}

main().catch((e) => {
  writeFileSync(process.argv[2], JSON.stringify({ fatal: String((e as Error).stack ?? e) }));
  process.exit(1);
});
