// The built CLI against real loopback traffic on this kernel (netlink tcp_info): a paced sender is
// found by `snapshot --filter 'rate>…'`, which polls twice for it (issue 11), and an idle
// connection is not.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, openPair, type Pair } from '../linux/helpers';
import { buildCli, runCli, type BuiltCli } from './helpers';

/** Writes 64 KiB every 20 ms (about 3.2 MB/s) until stopped; the peer reads everything. */
function pace(from: Socket, to: Socket): () => void {
  to.on('data', () => undefined);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const t = setInterval(() => from.write(chunk), 20);
  return () => clearInterval(t);
}

describe('snapshot --filter rate> on real loopback traffic', () => {
  let cli: BuiltCli;
  let busy: Pair;
  let idle: Pair;
  let stop: () => void;
  beforeAll(async () => {
    cli = await buildCli();
    busy = await openPair('127.0.0.1');
    idle = await openPair('127.0.0.1');
    stop = pace(busy.client, busy.accepted);
  }, 30_000);
  afterAll(async () => {
    stop();
    for (const p of [busy, idle]) {
      p.client.destroy();
      p.accepted.destroy();
      await closeServer(p.server);
    }
    cli.cleanup();
  });

  it('finds the paced sender, with its rate, and not the idle connection', async () => {
    const ports = [busy.port, idle.port];
    const filter = `(rport:${ports[0]} | rport:${ports[1]}) rate>1MiB`;
    const r = await runCli(cli, ['snapshot', '--source', 'linux', '--json', '--interval', '500', '--filter', filter], 20_000);
    expect([r.code, r.stderr]).toEqual([0, '']);
    const rows = r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as { localPort: number; remotePort: number; sendRate: number });
    expect(rows.map((c) => [c.localPort, c.remotePort])).toEqual([[busy.client.localPort, busy.port]]);
    // 3.2 MB/s paced; timers on a loaded machine run late, so only a wide floor is asserted.
    expect(rows[0].sendRate).toBeGreaterThan(1024 * 1024);
    expect(rows[0].sendRate).toBeLessThan(10 * 1024 * 1024);
  });
});
