// The built CLI against real loopback traffic: `watch --filter 'rate>…'` reports a sender when it
// comes to match, once when it goes idle (leaves the filter), and its close though the closing
// connection no longer matches. Before, the admin saw MATCHED and then nothing at all.
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeServer, openPair, type Pair } from '../linux/helpers';
import { buildCli, startCli, type BuiltCli, type LiveCli } from './helpers';

/** Writes 64 KiB every 20 ms (about 3.2 MB/s) until stopped; the peer reads everything. */
function pace(from: Socket, to: Socket): () => void {
  to.on('data', () => undefined);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const t = setInterval(() => from.write(chunk), 20);
  return () => clearInterval(t);
}

interface EventLine {
  type: string;
  matched?: boolean;
  connection: { localPort: number; remotePort: number; state: string; sendRate: number | null };
}

describe('watch --filter rate> on real loopback traffic', () => {
  let cli: BuiltCli;
  let pair: Pair;
  let w: LiveCli | null = null;
  beforeAll(async () => {
    cli = await buildCli();
    pair = await openPair('127.0.0.1');
  }, 30_000);
  afterAll(async () => {
    await w?.stop('SIGINT');
    pair.client.destroy();
    pair.accepted.destroy();
    await closeServer(pair.server);
    cli.cleanup();
  });

  it('MATCHED while sending, UNMATCHED once idle, then CLOSED', async () => {
    // Only the client's side of this pair (it sends): the rest of the machine cannot take part.
    w = startCli(cli, ['watch', '--source', 'linux', '--json', '--interval', '300', '--filter', `rport:${pair.port} rate>50k`]);
    await w.waitForStderr(/watching \d+ of \d+ connections/);
    const clientPort = pair.client.localPort;
    const stop = pace(pair.client, pair.accepted);
    const parsed = (): EventLine[] => w!.stdoutLines().map((l) => JSON.parse(l) as EventLine);
    try {
      await w.waitForLine((l) => (JSON.parse(l) as EventLine).matched === true, 'matched');
    } finally {
      stop();
    }
    await w.waitForLine((l) => (JSON.parse(l) as EventLine).matched === false, 'unmatched');
    // The server closes first, so the client's side goes CLOSE-WAIT → LAST-ACK → gone (no TIME-WAIT).
    pair.accepted.destroy();
    await w.waitForLine((l) => (JSON.parse(l) as EventLine).type === 'closed', 'closed');
    expect(await w.stop('SIGINT')).toEqual({ code: 0, signal: null });
    const events = parsed();
    expect(events.map((e) => [e.type, e.matched ?? null, e.connection.localPort, e.connection.remotePort])).toEqual([
      ['opened', true, clientPort, pair.port],
      ['changed', false, clientPort, pair.port],
      ['closed', null, clientPort, pair.port],
    ]);
    expect(events[0].connection.sendRate).toBeGreaterThan(50_000);
    expect(events[1].connection.sendRate).toBeLessThanOrEqual(50_000);
  }, 30_000);
});
