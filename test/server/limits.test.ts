// `netmon serve` bounds what one client can hold: time to send a request (headers, whole request,
// idle keep-alive) and the number of WebSocket clients served at once. Short bounds are set through
// the options so the test waits fractions of a second, not Node's 60–90 s defaults.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_MAX_CLIENTS, startServer } from '../../main/server/server';
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

async function serve(extra: Parameters<typeof startServer>[0] extends infer O ? Partial<O> : never = {}): Promise<RunningServer> {
  const srv = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, token: TEST_TOKEN, ...extra });
  started.push(srv);
  return srv;
}

const BOUNDS = { headersMs: 300, requestMs: 600, keepAliveMs: 300 };

/** How long until the server closed a raw connection that sent `payload`, and what it answered. */
async function timeToClose(port: number, payload: string | string[], opts: { gapMs?: number } = {}) {
  const t0 = performance.now();
  const reply = await rawExchange(port, payload, { timeoutMs: 5000, ...opts });
  return { ...reply, ms: performance.now() - t0 };
}

interface Client {
  ws: WebSocket;
  /** Resolves with the close code and reason once the server closed it. */
  closed: Promise<{ code: number; reason: string }>;
  call(id: number, method: string): Promise<{ ok: boolean }>;
}

/** A WebSocket client with the token, once its handshake is done. */
async function client(port: number): Promise<Client> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, wsProtocols(TEST_TOKEN));
  opened.push(ws);
  const closed = new Promise<{ code: number; reason: string }>((r) => ws.once('close', (code, reason) => r({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const call = (id: number, method: string) =>
    new Promise<{ ok: boolean }>((resolve) => {
      const onMessage = (d: WebSocket.RawData) => {
        const m = JSON.parse(d.toString()) as { kind: string; id: unknown; ok: boolean };
        if (m.kind === 'reply' && m.id === id) {
          ws.off('message', onMessage);
          resolve(m);
        }
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ kind: 'call', id, method, args: [] }));
    });
  return { ws, closed, call };
}

describe('serve: time bounds on a slow HTTP client', () => {
  it('cuts a client that sends part of its headers and stops, with 408, within the headers bound', async () => {
    const srv = await serve({ httpTimeouts: BOUNDS });
    const r = await timeToClose(srv.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\nUser-Agent: slow`);
    expect(r.closed).toBe(true);
    expect(r.status).toBe(408);
    expect(r.ms).toBeGreaterThanOrEqual(BOUNDS.headersMs - 50);
    expect(r.ms).toBeLessThan(BOUNDS.headersMs + 1500);
  });
  it('cuts a client that trickles header bytes without end (slowloris), within the headers bound', async () => {
    const srv = await serve({ httpTimeouts: BOUNDS });
    const parts = ['GET / HTTP/1.1\r\n', ...Array.from({ length: 60 }, (_, i) => `X-${i}: a\r\n`)];
    const r = await timeToClose(srv.port, parts, { gapMs: 50 });
    expect(r.closed).toBe(true);
    // The client writes on: its next write after the server's 408 and close meets a reset, and on a
    // loaded machine that error can come before the 408 is read. The 408 itself is the test above's.
    expect([408, null]).toContain(r.status);
    expect(r.ms).toBeLessThan(BOUNDS.headersMs + 1500);
  });
  it('cuts a connection that sends nothing', async () => {
    const srv = await serve({ httpTimeouts: BOUNDS });
    const r = await timeToClose(srv.port, []);
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(BOUNDS.headersMs + 1500);
  });
  it('closes an idle keep-alive connection after its bound (Node adds up to 1 s), having answered it', async () => {
    const srv = await serve({ httpTimeouts: BOUNDS });
    const r = await timeToClose(srv.port, `GET / HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`);
    expect(r.status).toBe(200);
    expect(r.closed).toBe(true);
    expect(r.ms).toBeLessThan(BOUNDS.keepAliveMs + 2500);
  });
  it('cuts a partial header within the default 5 s (Node alone waits 60–90 s)', async () => {
    const srv = await serve();
    const r = await rawExchange(srv.port, 'GET / HTTP/1.1\r\n', { timeoutMs: 7000 });
    expect(r.closed).toBe(true);
    expect(r.status).toBe(408);
  }, 10_000);
  it('lets an upgraded WebSocket live past every bound, and keeps serving it', async () => {
    const srv = await serve({ httpTimeouts: BOUNDS });
    const c = await client(srv.port);
    let closed = false;
    void c.closed.then(() => (closed = true));
    await new Promise((r) => setTimeout(r, BOUNDS.requestMs * 3));
    expect(closed).toBe(false);
    expect(c.ws.readyState).toBe(WebSocket.OPEN);
    expect(await c.call(1, 'getStatus')).toMatchObject({ ok: true });
  });
  it('refuses bounds that are not positive whole ms', async () => {
    await expect(serve({ httpTimeouts: { headersMs: 0 } })).rejects.toThrow('HTTP timeout headersMs must be a positive whole number of ms, got 0');
  });
});

describe('serve: a cap on WebSocket clients', () => {
  it('serves maxClients at once, turns the next away with 1013 and a reason, and frees the slot when one leaves', async () => {
    const log: string[] = [];
    const srv = await serve({ maxClients: 2, log: (l) => log.push(l) });
    const a = await client(srv.port);
    const b = await client(srv.port);
    expect(srv.clients()).toBe(2);
    const c = await client(srv.port);
    expect(await c.closed).toEqual({ code: 1013, reason: 'too many clients: netmon serves 2 at once; close another netmon tab or window' });
    expect(srv.clients()).toBe(2);
    // The admin is told too, once a minute at most (the second turned away within it is not said).
    expect((await (await client(srv.port)).closed).code).toBe(1013);
    expect(log).toEqual(['netmon serve: turned away a browser tab: 2 are served at once (--max-clients); 1 turned away in this run']);
    // Those served are untouched.
    expect(await a.call(1, 'getStatus')).toMatchObject({ ok: true });
    a.ws.close();
    await expect.poll(() => srv.clients()).toBe(1);
    const d = await client(srv.port);
    expect(await d.call(2, 'getStatus')).toMatchObject({ ok: true });
    expect(srv.clients()).toBe(2);
    expect(b.ws.readyState).toBe(WebSocket.OPEN);
  }, 15_000);
  it(`defaults to ${DEFAULT_MAX_CLIENTS}`, async () => {
    expect(DEFAULT_MAX_CLIENTS).toBe(32);
    const srv = await serve();
    for (let i = 0; i < DEFAULT_MAX_CLIENTS; i++) await client(srv.port);
    expect(srv.clients()).toBe(32);
    const extra = await client(srv.port);
    expect((await extra.closed).code).toBe(1013);
  }, 15_000);
  it('takes no slot for a handshake that fails', async () => {
    const srv = await serve({ maxClients: 1 });
    const bad = upgradeRequest(srv.port, '/ws', { 'Sec-WebSocket-Protocol': wsProtocols(TEST_TOKEN).join(', '), 'Sec-WebSocket-Key': 'not-a-key' });
    expect((await rawExchange(srv.port, bad, { enough: (d) => d.includes('\r\n\r\n') })).status).toBe(400);
    expect(srv.clients()).toBe(0);
    const ok = await client(srv.port);
    expect(await ok.call(1, 'getStatus')).toMatchObject({ ok: true });
  });
});
