// A tab without the run's token (a bookmark) or with an old run's token (netmon restarted) must say
// so, not retry in silence forever behind "disconnected, retrying…" (found by a new admin). The
// browser cannot read the status of a refused WebSocket upgrade; the bridge tells "refused" from
// "server down" by whether the server still answers a plain HTTP request for the page.
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../../main/server/server';
import type { RunningServer } from '../../main/server/types';
import { wsProtocols } from '../../shared/ws-protocol';
import { fakeEngine, fakeStaticDir, TEST_TOKEN } from '../../test/server/helpers';
import { createWsBridge, type ConnectionState, type SocketLike, type WsBridge } from './ws';
import { pageAnswers } from './index';

const servers: RunningServer[] = [];
let bridge: WsBridge | null = null;
afterEach(async () => {
  bridge?.dispose();
  bridge = null;
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(token = TEST_TOKEN, port?: number): Promise<RunningServer> {
  const s = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, token, port });
  servers.push(s);
  return s;
}

/** A loopback port nothing listens on (bound, then released). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A bridge to `port` that counts its handshakes and records its states. */
function bridgeTo(port: number, token: string | null) {
  let handshakes = 0;
  const states: ConnectionState[] = [];
  const b = createWsBridge({
    url: `ws://127.0.0.1:${port}/ws`,
    protocols: token === null ? null : wsProtocols(token),
    connect: (url, offered) => {
      handshakes++;
      const ws = new WebSocket(url, offered);
      ws.on('error', () => undefined);
      return ws as unknown as SocketLike;
    },
    serverAnswers: () => pageAnswers(`http://127.0.0.1:${port}/?token=never-sent`),
    initialBackoffMs: 10,
    maxBackoffMs: 20,
  });
  b.onConnectionState((s) => states.push(s));
  bridge = b;
  return { b, states, handshakes: () => handshakes };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('browser-mode link: refused token vs server down', () => {
  it('a page opened without a token says so at once and makes no handshake', async () => {
    const srv = await serve();
    const { b, states, handshakes } = bridgeTo(srv.port, null);
    expect(states).toEqual(['no-token']);
    await expect(b.getSnapshot()).rejects.toThrow(/opened without its token/);
    await sleep(100);
    expect(handshakes()).toBe(0);
  });

  it('a wrong token (an earlier run) is "refused", and the bridge stops retrying', async () => {
    const srv = await serve();
    const { b, states, handshakes } = bridgeTo(srv.port, 'an-earlier-runs-token-0123456789');
    // A call made before the refusal is known fails with it, not after the 30 s call timeout.
    const snapshot = b.getSnapshot().then(
      () => 'answered',
      (e: Error) => e.message,
    );
    await expect.poll(() => states.at(-1), { timeout: 5000 }).toBe('refused');
    expect(await snapshot).toMatch(/refused this page's token/);
    const tried = handshakes();
    await sleep(200); // ten backoffs' worth
    expect(handshakes()).toBe(tried);
    expect(states).not.toContain('closed');
    // No message ever carries a token.
    await expect(b.getStatus()).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('earlier-runs') }));
  });

  it('a server that is down is "closed" and retried, not called a token problem', async () => {
    const port = await freePort();
    const { states, handshakes } = bridgeTo(port, TEST_TOKEN);
    await expect.poll(() => handshakes(), { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(states).toContain('closed');
    expect(states).not.toContain('refused');
  });

  it('a tab left open while serve restarts with a new token becomes "refused"; retry() reaches a run with its token', async () => {
    const first = await serve();
    const port = first.port;
    const { b, states } = bridgeTo(port, TEST_TOKEN);
    await b.getStatus();
    expect(states.at(-1)).toBe('open');
    await first.close();
    servers.splice(servers.indexOf(first), 1);
    await serve('the-next-runs-token-abcdefghijkl', port);
    await expect.poll(() => states.at(-1), { timeout: 5000 }).toBe('refused');
    // The admin restarts it once more with the tab's token (NETMON_TOKEN): "Try again" connects.
    await servers.pop()?.close();
    await serve(TEST_TOKEN, port);
    b.retry();
    await expect.poll(() => states.at(-1), { timeout: 5000 }).toBe('open');
    expect((await b.getStatus()).source).toBe('scripted');
  });

  it('pageAnswers: true for a serving netmon, false for a closed port (never throws)', async () => {
    const srv = await serve();
    expect(await pageAnswers(`http://127.0.0.1:${srv.port}/`)).toBe(true);
    expect(await pageAnswers(`http://127.0.0.1:${await freePort()}/`)).toBe(false);
  });
});
