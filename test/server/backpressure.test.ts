// Issue 7 §3: every frame to a client goes through one backpressure path. Calls beyond the
// in-flight bound get an immediate error reply; a client that stops reading is closed with 1013
// and a reason, whether batches or replies pile up.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startServer } from '../../main/server/server';
import type { RunningServer } from '../../main/server/types';
import type { Connection } from '../../shared/connection';
import type { EngineStatus } from '../../shared/ipc';
import { wsProtocols } from '../../shared/ws-protocol';
import { fakeEngine, fakeStaticDir, TEST_TOKEN } from './helpers';
import { closeCode, rawExchange, serverFrames, upgradeRequest, wsFrame } from './raw';

let srv: RunningServer | null = null;
afterEach(async () => {
  await srv?.close();
  srv = null;
});

const offer = { 'Sec-WebSocket-Protocol': wsProtocols(TEST_TOKEN).join(', ') };
const callFrame = (id: number, method: string): Buffer =>
  wsFrame({ opcode: 1, payload: Buffer.from(JSON.stringify({ kind: 'call', id, method, args: [] })) });

/** About 1 MB of JSON per snapshot: enough to fill socket buffers quickly. */
function bigConnections(): Connection[] {
  const row = { id: 'x'.repeat(180), localAddress: '127.0.0.1', localPort: 1, remoteAddress: '127.0.0.1', remotePort: 2 };
  return Array.from({ length: 5000 }, () => ({ ...row }) as unknown as Connection);
}

/** Whether a new client's getStatus call is answered ok (the server still serves). */
async function statusAnswered(port: number): Promise<boolean> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, wsProtocols(TEST_TOKEN));
  try {
    const got = await new Promise<{ ok: boolean }>((resolve) => {
      ws.once('open', () => ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'getStatus', args: [] })));
      ws.on('message', (d) => resolve(JSON.parse(d.toString()) as { ok: boolean }));
    });
    return got.ok;
  } finally {
    ws.terminate();
  }
}

describe('bounded calls in flight', () => {
  it('answers calls beyond the bound at once with an error, and the others when they finish', async () => {
    const engine = fakeEngine();
    const releases: Array<() => void> = [];
    engine.getStatus = () => new Promise<EngineStatus>((r) => releases.push(() => r({ ...engine.state })));
    srv = await startServer({ engine, staticDir: fakeStaticDir().root, token: TEST_TOKEN, maxInFlight: 4 });
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, wsProtocols(TEST_TOKEN));
    const replies: Array<{ id: number; ok: boolean; error?: string }> = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString()) as (typeof replies)[number]));
    await new Promise((r) => ws.once('open', r));
    for (let id = 1; id <= 6; id++) ws.send(JSON.stringify({ kind: 'call', id, method: 'getStatus', args: [] }));
    await expect.poll(() => replies.length).toBe(2);
    expect(replies).toEqual([
      { kind: 'reply', id: 5, ok: false, error: 'too many calls in progress (at most 4); wait for their replies' },
      { kind: 'reply', id: 6, ok: false, error: 'too many calls in progress (at most 4); wait for their replies' },
    ]);
    expect(releases).toHaveLength(4);
    releases.splice(0).forEach((r) => r());
    await expect.poll(() => replies.length).toBe(6);
    expect(replies.slice(2).map((r) => [r.id, r.ok])).toEqual([[1, true], [2, true], [3, true], [4, true]]);
    // The bound frees up: a new call is served.
    ws.send(JSON.stringify({ kind: 'call', id: 7, method: 'getSnapshot', args: [] }));
    await expect.poll(() => replies.at(-1)?.id).toBe(7);
    expect(replies.at(-1)?.ok).toBe(true);
    ws.terminate();
  });
});

describe('slow readers', () => {
  it('still sends a reply larger than the bound to a client that keeps up', async () => {
    const engine = fakeEngine();
    const connections = bigConnections();
    engine.getSnapshot = async () => ({ time: 1, connections, status: { ...engine.state } });
    srv = await startServer({ engine, staticDir: fakeStaticDir().root, token: TEST_TOKEN, maxBufferedBytes: 64 * 1024 });
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, wsProtocols(TEST_TOKEN));
    const reply = await new Promise<{ ok: boolean; result: { connections: unknown[] } }>((resolve, reject) => {
      ws.once('error', reject);
      ws.once('open', () => ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'getSnapshot', args: [] })));
      ws.on('message', (d) => resolve(JSON.parse(d.toString()) as { ok: boolean; result: { connections: unknown[] } }));
    });
    expect(reply.ok).toBe(true);
    expect(reply.result.connections).toHaveLength(connections.length);
    ws.terminate();
  });
  it('closes a client that does not read its replies with 1013 and a reason', async () => {
    const engine = fakeEngine();
    const connections = bigConnections();
    engine.getSnapshot = async () => ({ time: 1, connections, status: { ...engine.state } });
    srv = await startServer({ engine, staticDir: fakeStaticDir().root, token: TEST_TOKEN, maxBufferedBytes: 1024 * 1024 });
    const calls = Array.from({ length: 40 }, (_, i) => callFrame(i, 'getSnapshot'));
    // The client sends a call every 20 ms (~1.4 MB replies; one still being encoded when the next
    // arrives gets a small refusal instead) and reads nothing for 1.5 s: replies fill the kernel's
    // socket buffer, then pile up unread in the server, and the next call after the bound closes the
    // client without doing the work. It resumes reading before the server's 2 s grace runs out.
    const reply = await rawExchange(srv.port, [upgradeRequest(srv.port, '/ws', offer), ...calls], {
      timeoutMs: 15_000,
      enough: (d) => closeCode(serverFrames(d)) !== null,
      readAfterMs: 1500,
      gapMs: 20,
    });
    const frames = serverFrames(reply.data);
    expect(closeCode(frames)).toBe(1013);
    expect(frames.find((f) => f.opcode === 8)?.payload.subarray(2).toString()).toBe('client too slow: more than 1048576 bytes unread');
    // Fewer replies than calls made it out: the rest were never buffered.
    expect(frames.filter((f) => f.opcode === 1).length).toBeLessThan(40);
  });
  it('does one snapshot or history call at a time per client; a second at once gets a reason, not a queue', async () => {
    const engine = fakeEngine();
    const calls: string[] = [];
    let release: () => void = () => {};
    engine.getSnapshot = () => (calls.push('snapshot'), new Promise((r) => (release = () => r({ time: 1, connections: [], status: { ...engine.state } }))));
    srv = await startServer({ engine, staticDir: fakeStaticDir().root, token: TEST_TOKEN });
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, wsProtocols(TEST_TOKEN));
    const replies: { id: number; ok: boolean; error?: string }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString()) as { id: number; ok: boolean; error?: string }));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ kind: 'call', id: 1, method: 'getSnapshot', args: [] }));
    ws.send(JSON.stringify({ kind: 'call', id: 2, method: 'getHistory', args: [] }));
    ws.send(JSON.stringify({ kind: 'call', id: 3, method: 'getStatus', args: [] }));
    await expect.poll(() => replies.filter((r) => r.id === 2 || r.id === 3).length).toBe(2);
    expect(replies.find((r) => r.id === 2)).toEqual({
      kind: 'reply',
      id: 2,
      ok: false,
      error: 'a snapshot or history call is already in progress on this connection; wait for its reply',
    });
    expect(replies.find((r) => r.id === 3)?.ok).toBe(true);
    expect(calls).toEqual(['snapshot']);
    release();
    await expect.poll(() => replies.some((r) => r.id === 1 && r.ok)).toBe(true);
    ws.terminate();
  });
  it('closes a client that does not read its batches the same way, and keeps serving the others', async () => {
    const engine = fakeEngine();
    srv = await startServer({ engine, staticDir: fakeStaticDir().root, token: TEST_TOKEN, maxBufferedBytes: 1024 * 1024 });
    const pending = rawExchange(srv.port, upgradeRequest(srv.port, '/ws', offer), {
      timeoutMs: 8000,
      enough: (d) => closeCode(serverFrames(d)) !== null,
      readAfterMs: 1000,
    });
    await expect.poll(() => srv!.clients()).toBe(1);
    const connections = bigConnections();
    for (let seq = 1; seq <= 30; seq++) engine.emit({ seq, time: seq, full: true, connections, events: [], status: engine.state });
    const frames = serverFrames((await pending).data);
    expect(closeCode(frames)).toBe(1013);
    expect(frames.filter((f) => f.opcode === 1).length).toBeLessThan(30);
    expect(await statusAnswered(srv.port)).toBe(true);
  });
});

describe('clients that vanish mid-call', () => {
  it('does no snapshot, history, timeline or port-usage work for a client gone before its turn: a reconnect loop cannot pile work up on the server', async () => {
    // Before: each client may have one such call at a time, but a client that asks and leaves frees
    // its slot at once, so a loop of connect, getSnapshot, vanish started one engine call per round
    // (30,000 demo rows: the server grew past 1 GB and answered a round in seconds, not ms).
    const engine = fakeEngine();
    const releases: Array<() => void> = [];
    engine.getSnapshot = () => {
      engine.calls.push('getSnapshot');
      return new Promise((r) => releases.push(() => r({ time: 1, connections: [], status: { ...engine.state } })));
    };
    engine.getHistory = () => {
      engine.calls.push('getHistory');
      return new Promise((r) => releases.push(() => r({ since: 1, capacity: 10, dropped: 0, events: [] })));
    };
    engine.getTimeline = () => {
      engine.calls.push('getTimeline');
      return new Promise((r) => releases.push(() => r({ since: 1, fineWindowMs: 1, coarseStepMs: 1, dropped: 0, samples: [] })));
    };
    engine.getPortUsage = () => {
      engine.calls.push('getPortUsage');
      return new Promise((r) => releases.push(() => r({ latest: null, trend: [], marks: [], droppedMarks: 0 })));
    };
    srv = await startServer({ engine, staticDir: fakeStaticDir().root, token: TEST_TOKEN });
    for (let i = 0; i < 12; i++) {
      const gone = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, wsProtocols(TEST_TOKEN));
      await new Promise((r) => gone.once('open', r));
      for (const [id, method] of ['getSnapshot', 'getHistory', 'getTimeline', 'getPortUsage'].entries()) gone.send(JSON.stringify({ kind: 'call', id, method, args: [] }));
      gone.terminate();
      await expect.poll(() => srv!.clients()).toBe(0);
    }
    // At most MAX_BULK_CALLS ran; the others' clients had gone before their turn.
    expect(engine.calls).toHaveLength(2);
    // A client that stays is served once the running calls finish, in its turn.
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, wsProtocols(TEST_TOKEN));
    const replies: { id: number; ok: boolean }[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString()) as { id: number; ok: boolean }));
    await new Promise((r) => ws.once('open', r));
    ws.send(JSON.stringify({ kind: 'call', id: 7, method: 'getSnapshot', args: [] }));
    ws.send(JSON.stringify({ kind: 'call', id: 8, method: 'getStatus', args: [] }));
    await expect.poll(() => replies.map((r) => r.id)).toEqual([8]);
    releases.splice(0).forEach((r) => r());
    await expect.poll(() => releases.length).toBe(1);
    releases.splice(0).forEach((r) => r());
    await expect.poll(() => replies.find((r) => r.id === 7)?.ok).toBe(true);
    ws.terminate();
  });
});

describe('ping floods', () => {
  it('cuts off a client that sends pings without reading the pongs (at most 60 pongs wait unsent), and keeps serving', async () => {
    srv = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, token: TEST_TOKEN });
    // 100,000 pings of 125 bytes: ~13 MB of pongs, more than the socket buffers take.
    const ping = wsFrame({ opcode: 9, payload: Buffer.alloc(125, 0x70) });
    const flood = Buffer.concat(Array.from({ length: 100_000 }, () => ping));
    const reply = await rawExchange(srv.port, [upgradeRequest(srv.port, '/ws', offer), flood], { readAfterMs: 1000, timeoutMs: 1800 });
    // Cut off (terminated, so what was queued for it may be lost with the reset) long before the
    // client read anything.
    expect(reply.closed).toBe(true);
    await expect.poll(() => srv!.clients()).toBe(0);
    expect(await statusAnswered(srv.port)).toBe(true);
  });
});

describe('one frame larger than the bound', () => {
  it('keeps a client that reads at its pace when batches follow a frame larger than the bound (50k-row snapshots are ~19 MB)', async () => {
    const engine = fakeEngine();
    srv = await startServer({ engine, staticDir: fakeStaticDir().root, token: TEST_TOKEN, maxBufferedBytes: 64 * 1024 });
    const ws = new WebSocket(`ws://127.0.0.1:${srv.port}/ws`, wsProtocols(TEST_TOKEN));
    let batches = 0;
    let closed: number | null = null;
    ws.on('message', (d) => {
      if ((JSON.parse(d.toString()) as { kind: string }).kind === 'batch') batches++;
    });
    ws.on('close', (code) => (closed = code));
    await new Promise((r) => ws.once('open', r));
    await expect.poll(() => srv!.clients()).toBe(1);
    // ~8 MB in one frame, then small batches at once: the big frame is still queued when they come.
    const connections = Array.from({ length: 8 }, () => bigConnections()).flat();
    engine.emit({ seq: 1, time: 1, full: true, connections, events: [], status: engine.state });
    for (let seq = 2; seq <= 6; seq++) engine.emit({ seq, time: seq, full: false, events: [], status: engine.state });
    await expect.poll(() => batches, { timeout: 10_000 }).toBe(6);
    expect(closed).toBeNull();
    ws.terminate();
  });
});
