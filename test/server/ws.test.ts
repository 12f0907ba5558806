// The WebSocket side: authorization of the upgrade, batches, validated calls, and the renderer's
// transport client running against the real server in Node.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../../main/server/server';
import type { RunningServer, ServerActions } from '../../main/server/types';
import { BATCH_FRAME_PREFIX, batchJsonOf, wsProtocols } from '../../shared/ws-protocol';
import { createWsBridge, type SocketLike, type WsBridge } from '../../renderer/transport/ws';
import { decodeBatch, type EventBatch } from '../../shared/ipc';
import { fakeEngine, fakeStaticDir, TEST_TOKEN, type FakeEngine } from './helpers';
import { upgradeStatus } from './raw';

let srv: RunningServer;
let engine: FakeEngine;
const actionCalls: unknown[] = [];
const actions: ServerActions = {
  async getProcessDetails(pid) {
    actionCalls.push(['details', pid]);
    return { pid, name: 'node', path: '/usr/bin/node', commandLine: 'node x', user: 'me', startTime: 1, services: [] };
  },
  async closeConnection(t) {
    actionCalls.push(['close', t]);
    return { ok: false, reason: 'needs admin', needsAdmin: true };
  },
  async endProcess(target) {
    actionCalls.push(['end', target]);
    return { ok: true };
  },
};

beforeAll(async () => {
  engine = fakeEngine();
  srv = await startServer({
    engine,
    actions,
    resolver: { resolve: async (a) => Object.fromEntries(a.map((x) => [x, x === '127.0.0.1' ? 'localhost' : null])) },
    staticDir: fakeStaticDir().root,
    token: TEST_TOKEN,
    maxPayload: 4096,
  });
});
afterAll(() => srv.close());

const wsUrl = (q = '') => `ws://127.0.0.1:${srv.port}/ws${q}`;
const protocols = wsProtocols(TEST_TOKEN);

function batch(seq: number, extra: Partial<EventBatch> = {}): EventBatch {
  return { seq, time: 1000 + seq, full: false, events: [], status: engine.state, ...extra };
}

type Msg = { kind: string; id?: unknown; ok?: boolean; result?: unknown; error?: string; batch?: EventBatch; raw: string };

/** Opens a raw client and collects its messages. */
async function rawClient(url = wsUrl(), headers: Record<string, string> = {}) {
  const ws = new WebSocket(url, protocols, { headers });
  const messages: Msg[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (d) => {
    messages.push({ ...(JSON.parse(d.toString()) as Omit<Msg, 'raw'>), raw: d.toString() });
    waiters.splice(0).forEach((w) => w());
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  const next = async (pred: (m: Msg) => boolean): Promise<Msg> => {
    for (;;) {
      const found = messages.find(pred);
      if (found) return found;
      await new Promise<void>((r) => waiters.push(r));
    }
  };
  const call = async (id: number | string, method: string, args: unknown[]): Promise<Msg> => {
    ws.send(JSON.stringify({ kind: 'call', id, method, args }));
    return next((m) => m.kind === 'reply' && m.id === id);
  };
  return { ws, messages, next, call };
}

describe('WebSocket upgrade', () => {
  const offer = (token: string) => ({ 'Sec-WebSocket-Protocol': wsProtocols(token).join(', ') });
  it('needs the token offered as a subprotocol; a query token or a cookie no longer opens it (issue 7 §2)', async () => {
    expect(await upgradeStatus(srv.port)).toBe(401);
    expect(await upgradeStatus(srv.port, offer('wrong-token-wrong-token'))).toBe(403);
    expect(await upgradeStatus(srv.port, offer(TEST_TOKEN))).toBe(101);
    expect(await upgradeStatus(srv.port, {}, `/ws?token=${TEST_TOKEN}`)).toBe(401);
    expect(await upgradeStatus(srv.port, { Cookie: `netmon_token_${srv.port}=${TEST_TOKEN}` })).toBe(401);
  });
  it('selects netmon.v1 and never echoes the token', async () => {
    const c = await rawClient();
    expect(c.ws.protocol).toBe('netmon.v1');
    c.ws.close();
  });
  it('refuses a foreign Origin or Host even with the token', async () => {
    expect(await upgradeStatus(srv.port, { ...offer(TEST_TOKEN), Origin: 'http://evil.example' })).toBe(403);
    expect(await upgradeStatus(srv.port, { ...offer(TEST_TOKEN), Host: `evil.example:${srv.port}` })).toBe(403);
    expect(await upgradeStatus(srv.port, { ...offer(TEST_TOKEN), Origin: `http://localhost:${srv.port}` })).toBe(101);
  });
  it('only on /ws', async () => {
    expect(await upgradeStatus(srv.port, offer(TEST_TOKEN), '/other')).toBe(404);
  });
});

describe('WebSocket protocol', () => {
  it('forwards every engine batch as {kind:"batch", batch:<the batch>}, its JSON spliced in as the engine encoded it', async () => {
    const c = await rawClient();
    engine.emit(batch(7));
    engine.emit(batch(8));
    const m = await c.next((x) => x.kind === 'batch' && x.batch?.seq === 8);
    // A client takes the batch out by the fixed prefix, without parsing the message.
    expect(m.raw.startsWith(BATCH_FRAME_PREFIX)).toBe(true);
    expect(decodeBatch(batchJsonOf(m.raw)!)).toEqual(m.batch);
    expect(c.messages.filter((x) => x.kind === 'batch').map((x) => decodeBatch(batchJsonOf(x.raw)!).seq)).toEqual([7, 8]);
    // Replies are not batches.
    expect(c.messages.every((x) => x.kind === 'batch' || batchJsonOf(x.raw) === null)).toBe(true);
    c.ws.close();
  });
  it('unsubscribes from the engine when the client goes', async () => {
    // Earlier tests' clients may still be closing.
    await expect.poll(() => srv.clients()).toBe(0);
    const before = engine.listeners();
    const c = await rawClient();
    expect(engine.listeners()).toBe(before + 1);
    expect(srv.clients()).toBe(1);
    c.ws.close();
    await expect.poll(() => engine.listeners()).toBe(before);
  });
  it('answers valid calls', async () => {
    const c = await rawClient();
    expect(await c.call(1, 'setInterval', [2000])).toMatchObject({ ok: true, result: { intervalMs: 2000 } });
    expect(await c.call(2, 'setPaused', [true])).toMatchObject({ ok: true, result: { paused: true } });
    expect(await c.call(3, 'getStatus', [])).toMatchObject({ ok: true, result: { paused: true, intervalMs: 2000 } });
    expect(await c.call(4, 'getProcessDetails', [1234])).toMatchObject({ ok: true, result: { pid: 1234, name: 'node' } });
    expect(await c.call(5, 'endProcess', [{ pid: 4321, startTime: 7 }])).toMatchObject({ ok: true, result: { ok: true } });
    expect(actionCalls).toContainEqual(['end', { pid: 4321, startTime: 7 }]);
    expect(await c.call(6, 'resolveAddresses', [['127.0.0.1', '10.1.1.1']])).toMatchObject({
      ok: true,
      result: { '127.0.0.1': 'localhost', '10.1.1.1': null },
    });
    const target = { family: 4, localAddress: '127.0.0.1', localPort: 1, remoteAddress: '127.0.0.1', remotePort: 2 };
    expect(await c.call(7, 'closeConnection', [target])).toMatchObject({ ok: true, result: { ok: false, needsAdmin: true } });
    expect(actionCalls).toContainEqual(['close', target]);
    expect(await c.call('s1', 'getSnapshot', [])).toMatchObject({ id: 's1', ok: true, result: { connections: [] } });
    expect(await c.call('h1', 'getHistory', [])).toMatchObject({ ok: true, result: { since: 1000, events: [] } });
    expect(await c.call('h2', 'getHistory', [500])).toMatchObject({ ok: true });
    expect(engine.calls).toContain('getHistory:500');
    await c.call(8, 'setPaused', [false]);
    c.ws.close();
  });
  it('refuses restart as administrator in browser mode', async () => {
    const c = await rawClient();
    expect(await c.call(1, 'restartAsAdmin', [])).toMatchObject({
      ok: true,
      result: { ok: false, reason: 'only the desktop app can restart elevated' },
    });
    c.ws.close();
  });
  it('validates every argument', async () => {
    const c = await rawClient();
    const bad: Array<[string, unknown[], RegExp]> = [
      ['setInterval', [5], /interval/],
      ['setInterval', ['1000'], /interval/],
      ['setInterval', [], /argument/],
      ['setPaused', ['yes'], /paused/],
      ['getSnapshot', [1], /no arguments/],
      ['getHistory', [-3], /history limit/],
      ['getHistory', [{}], /history limit/],
      ['getHistory', [1, 2], /0 or 1 arguments/],
      ['getProcessDetails', [-1], /./],
      ['getProcessDetails', [1.5], /./],
      ['endProcess', ['1'], /end-process target must be an object/],
      ['endProcess', [4321], /end-process target must be an object/],
      ['endProcess', [{ pid: 4321 }], /missing startTime/],
      ['closeConnection', [{ family: 4 }], /./],
      ['resolveAddresses', ['127.0.0.1'], /./],
      ['setRecording', ['on'], /./],
      ['restartAsAdmin', [1], /no arguments/],
    ];
    let id = 100;
    for (const [method, args, re] of bad) {
      const r = await c.call(id++, method, args);
      expect(r.ok, `${method}(${JSON.stringify(args)})`).toBe(false);
      expect(r.error).toMatch(re);
    }
    expect(engine.state.intervalMs).not.toBe(5);
    expect(actionCalls.some((x) => Array.isArray(x) && x[1] === -1)).toBe(false);
    c.ws.close();
  });
  it('answers unknown methods and malformed messages with an error reply', async () => {
    const c = await rawClient();
    expect(await c.call(1, 'onBatch', [])).toMatchObject({ ok: false, error: expect.stringMatching(/unknown method/) });
    expect(await c.call(2, '__proto__', [])).toMatchObject({ ok: false, error: expect.stringMatching(/unknown method/) });
    expect(await c.call(3, 'constructor', [])).toMatchObject({ ok: false, error: expect.stringMatching(/unknown method/) });
    c.ws.send('{not json');
    expect(await c.next((m) => m.kind === 'reply' && m.error === 'message is not valid JSON')).toMatchObject({ id: null, ok: false });
    c.ws.send(JSON.stringify({ kind: 'call', id: 9, method: 'getStatus', args: 'x' }));
    expect(await c.next((m) => m.id === 9)).toMatchObject({ ok: false, error: expect.stringMatching(/args/) });
    c.ws.send(JSON.stringify({ kind: 'hello', id: 10 }));
    expect(await c.next((m) => m.id === 10)).toMatchObject({ ok: false, error: expect.stringMatching(/kind/) });
    c.ws.send(JSON.stringify([1, 2]));
    expect(await c.next((m) => m.error === 'message must be a JSON object')).toMatchObject({ ok: false });
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.next((m) => m.error === 'binary messages are not accepted')).toMatchObject({ ok: false });
    // Still serving after all that.
    expect(await c.call(11, 'getStatus', [])).toMatchObject({ ok: true });
    c.ws.close();
  });
  it('refuses oversized messages by closing the socket (1009)', async () => {
    const c = await rawClient();
    const closed = new Promise<number>((r) => c.ws.on('close', (code) => r(code)));
    c.ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'resolveAddresses', args: [Array(2000).fill('127.0.0.1')] }));
    expect(await closed).toBe(1009);
  });
});

describe('renderer transport (createWsBridge) against the real server', () => {
  let bridge: WsBridge | null = null;
  afterEach(() => bridge?.dispose());
  const nodeSocket = (url: string, offered: string[]) => new WebSocket(url, offered) as unknown as SocketLike;

  it('delivers batches as JSON strings and makes calls', async () => {
    bridge = createWsBridge({ url: wsUrl(), protocols, connect: nodeSocket });
    const got: string[] = [];
    bridge.onBatch((j) => got.push(j));
    // A call made before the socket opens is queued, then answered.
    const status = await bridge.getStatus();
    expect(status.source).toBe('scripted');
    engine.emit(batch(42));
    await expect.poll(() => got.length).toBe(1);
    expect(typeof got[0]).toBe('string');
    expect(decodeBatch(got[0]).seq).toBe(42);
    expect((await bridge.setInterval(500)).intervalMs).toBe(500);
    expect(await bridge.restartAsAdmin()).toEqual({ ok: false, reason: 'only the desktop app can restart elevated' });
    expect((await bridge.getProcessDetails(77))?.pid).toBe(77);
  });
  it('rejects a call the server refuses, with the server reason', async () => {
    bridge = createWsBridge({ url: wsUrl(), protocols, connect: nodeSocket });
    await expect(bridge.setInterval(3)).rejects.toThrow(/interval must be between/);
  });
  it('rejects pending calls on disconnect, reconnects with backoff and resyncs with a full batch', async () => {
    let release: (() => void) | null = null;
    const slow = fakeEngine();
    slow.getStatus = () => new Promise((r) => (release = () => r({ ...slow.state })));
    const own = await startServer({ engine: slow, staticDir: fakeStaticDir().root, token: TEST_TOKEN });
    const states: string[] = [];
    bridge = createWsBridge({ url: `ws://127.0.0.1:${own.port}/ws`, protocols, connect: nodeSocket, initialBackoffMs: 20 });
    bridge.onConnectionState((s) => states.push(s));
    const batches: EventBatch[] = [];
    bridge.onBatch((j) => batches.push(decodeBatch(j)));
    await bridge.getSnapshot();
    const hanging = bridge.getStatus();
    await expect.poll(() => release !== null).toBe(true);
    // Drop every client: the in-flight call must fail, not hang.
    const port = own.port;
    await own.close();
    await expect(hanging).rejects.toThrow(/connection to netmon lost/);
    expect(states).toContain('closed');
    // A new server on the same port: the bridge comes back by itself and hands over a whole table.
    const again = await startServer({ engine: slow, staticDir: fakeStaticDir().root, token: TEST_TOKEN, port });
    try {
      await expect.poll(() => batches.some((b) => b.full), { timeout: 5000 }).toBe(true);
      expect(states.at(-1)).toBe('open');
      slow.emit({ seq: 5, time: 5, full: false, events: [], status: slow.state });
      await expect.poll(() => batches.some((b) => b.seq === 5)).toBe(true);
    } finally {
      bridge.dispose();
      await again.close();
    }
  });
  it('rejects everything after dispose', async () => {
    bridge = createWsBridge({ url: wsUrl(), protocols, connect: nodeSocket });
    bridge.dispose();
    await expect(bridge.getStatus()).rejects.toThrow(/closed/);
  });
});
