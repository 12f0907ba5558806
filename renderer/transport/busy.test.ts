// A tab past the server's cap of clients (`netmon serve --max-clients`) is closed with 1013: the
// bridge must not hammer the server with a handshake every initial backoff, and it must get in
// once another client leaves.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../../main/server/server';
import type { RunningServer } from '../../main/server/types';
import { wsProtocols } from '../../shared/ws-protocol';
import { fakeEngine, fakeStaticDir, TEST_TOKEN } from '../../test/server/helpers';
import { createWsBridge, type ConnectionState, type SocketLike, type WsBridge } from './ws';

let srv: RunningServer | null = null;
let bridge: WsBridge | null = null;
const others: WebSocket[] = [];
afterEach(async () => {
  bridge?.dispose();
  bridge = null;
  for (const ws of others.splice(0)) ws.terminate();
  await srv?.close();
  srv = null;
});

describe('browser-mode link: a server with no free slot', () => {
  it('backs off to the longest delay after 1013, then gets in once a slot is free', async () => {
    srv = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, token: TEST_TOKEN, maxClients: 1 });
    const holder = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, wsProtocols(TEST_TOKEN));
    others.push(holder);
    await new Promise<void>((resolve, reject) => {
      holder.once('open', () => resolve());
      holder.once('error', reject);
    });
    let handshakes = 0;
    const states: ConnectionState[] = [];
    bridge = createWsBridge({
      url: `ws://127.0.0.1:${srv.port}/ws`,
      protocols: wsProtocols(TEST_TOKEN),
      connect: (url, offered) => {
        handshakes++;
        const ws = new WebSocket(url, offered);
        ws.on('error', () => undefined);
        return ws as unknown as SocketLike;
      },
      initialBackoffMs: 10,
      maxBackoffMs: 400,
    });
    bridge.onConnectionState((s) => states.push(s));
    await new Promise((r) => setTimeout(r, 1000));
    // Retrying every 10 ms (the backoff reset by each accepted handshake) made dozens in a second.
    expect(handshakes).toBeGreaterThanOrEqual(2);
    expect(handshakes).toBeLessThanOrEqual(4);
    expect(states).toContain('busy');
    expect(states).not.toContain('closed');
    holder.close();
    await expect.poll(() => states.at(-1), { timeout: 3000 }).toBe('open');
    await expect.poll(() => srv!.clients()).toBe(1);
    await expect(bridge.getStatus()).resolves.toMatchObject({ intervalMs: 1000 });
  });
});
