// The WebSocket client cap of `netmon serve` against clients that misbehave: one that dies without a
// closing handshake (its process killed: the socket just goes) must give its slot back, and clients
// without the token must never take a slot from the user who has it.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../../main/server/server';
import type { RunningServer } from '../../main/server/types';
import { wsProtocols } from '../../shared/ws-protocol';
import { fakeEngine, fakeStaticDir, TEST_TOKEN } from './helpers';
import { rawExchange, upgradeRequest } from './raw';

const started: RunningServer[] = [];
const opened: WebSocket[] = [];
afterEach(async () => {
  for (const ws of opened.splice(0)) ws.terminate();
  await Promise.all(started.splice(0).map((s) => s.close()));
});

async function serve(maxClients: number): Promise<RunningServer> {
  const srv = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, token: TEST_TOKEN, maxClients });
  started.push(srv);
  return srv;
}

/** A client with `protocols`, once open; rejects when the handshake is refused. */
function open(port: number, protocols: string[]): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, protocols);
  opened.push(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Resolves with the close code, or 'open' when the client is still open after `ms`. */
function closeCodeWithin(ws: WebSocket, ms: number): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve('open'), ms);
    ws.once('close', (code) => {
      clearTimeout(t);
      resolve(code);
    });
  });
}

describe('serve: the client cap against misbehaving clients', () => {
  it('gives back the slot of a client whose socket is destroyed without a close frame', async () => {
    const srv = await serve(1);
    const dead = await open(srv.port, wsProtocols(TEST_TOKEN));
    expect(srv.clients()).toBe(1);
    // No closing handshake: the TCP connection just goes, as when the browser is killed.
    (dead as unknown as { _socket: { destroy(): void } })._socket.destroy();
    await expect.poll(() => srv.clients(), { timeout: 1500, interval: 20 }).toBe(0);
    const next = await open(srv.port, wsProtocols(TEST_TOKEN));
    expect(await closeCodeWithin(next, 300)).toBe('open');
    expect(srv.clients()).toBe(1);
  });

  it('lets no client without the token take a slot: the user with it is served after a flood of them', async () => {
    const srv = await serve(1);
    const refused = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        rawExchange(srv.port, upgradeRequest(srv.port, '/ws', { 'Sec-WebSocket-Protocol': i % 2 ? 'netmon' : wsProtocols('wrong-token-0123456789abcdef').join(', ') }), {
          enough: (d) => d.includes('\r\n\r\n'),
        }),
      ),
    );
    expect(refused.every((r) => r.status === 401 || r.status === 403 || r.status === 400)).toBe(true);
    expect(srv.clients()).toBe(0);
    const user = await open(srv.port, wsProtocols(TEST_TOKEN));
    expect(await closeCodeWithin(user, 300)).toBe('open');
    expect(srv.clients()).toBe(1);
  });
});
