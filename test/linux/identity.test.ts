// One row per socket against the real kernel: SO_REUSEPORT workers in two processes each keep
// their own row and owner, as `ss -tuanp` lists them, and when one exits only its rows close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { createEngine } from '../../main/engine/engine';
import type { Engine } from '../../main/engine/types';
import { createLinuxSource, type LinuxSource } from '../../main/source/linux';
import { ensureSs, ssRows } from './helpers';
import { startHolder, type Holder } from './holder';

describe.each(['auto', 'procfs'] as const)('SO_REUSEPORT workers (tables: %s)', (tables) => {
  let a: Holder;
  let b: Holder;
  let source: LinuxSource;
  let engine: Engine;
  let udpPort = 0;
  let tcpPort = 0;

  beforeAll(async () => {
    ensureSs();
    a = await startHolder([
      { proto: 'udp', host: '127.0.0.1', port: 0, reusePort: true },
      { proto: 'tcp', host: '127.0.0.1', port: 0, reusePort: true },
    ]);
    [udpPort, tcpPort] = a.ports;
    b = await startHolder([
      { proto: 'udp', host: '127.0.0.1', port: udpPort, reusePort: true },
      { proto: 'tcp', host: '127.0.0.1', port: tcpPort, reusePort: true },
    ]);
    source = createLinuxSource({ tables });
    engine = createEngine({ source });
  });
  afterAll(async () => {
    await a?.end();
    await b?.end();
    source?.close?.();
  });

  // Exactly the workers' sockets: on a busy machine other sockets may use the same local port.
  const mine = (c: { protocol: string; localPort: number; state: string | null }) =>
    (c.protocol === 'udp' && c.localPort === udpPort) || (c.state === 'LISTEN' && c.localPort === tcpPort);

  it('lists 4 rows with 2 PIDs, as ss -tuanp does, each with a unique id', async () => {
    await engine.pollNow();
    const rows = engine.snapshot().connections.filter(mine);
    const view = rows.map((c) => `${c.protocol}:${c.localPort}:${c.pid}`).sort();
    expect(view).toEqual([`tcp:${tcpPort}:${a.pid}`, `tcp:${tcpPort}:${b.pid}`, `udp:${udpPort}:${a.pid}`, `udp:${udpPort}:${b.pid}`].sort());
    expect(new Set(rows.map((c) => c.id)).size).toBe(4);
    const ss = [...ssRows('tcp', [tcpPort]).filter((s) => s.state === 'LISTEN' && s.lport === tcpPort), ...ssRows('udp', [udpPort]).filter((s) => s.lport === udpPort)];
    expect(ss.map((s) => `${s.proto}:${s.lport}:${s.users.map((u) => u.pid).join(',')}`).sort()).toEqual(view);
  });

  it('when one worker exits, only its two rows close, naming it', async () => {
    await a.end();
    const batch = await engine.pollNow();
    const ev = batch.events.filter((e: ConnectionEvent) => mine(e.connection));
    expect(ev.map((e) => `${e.type}:${e.connection.protocol}:${e.connection.pid}`).sort()).toEqual([`closed:tcp:${a.pid}`, `closed:udp:${a.pid}`]);
    expect(engine.snapshot().connections.filter(mine).map((c) => c.pid)).toEqual([b.pid, b.pid]);
  });
});
