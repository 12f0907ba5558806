// The host's restart and close against an engine child whose terminate takes a while (a worker
// thread, a utility process): no child may outlive close(), one restart at a time, and batches of
// a child the host has let go must not reach the run's history nor the viewers.
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { encodeBatch, type EngineStatus } from '../../shared/ipc';
import { startEngineHost, type EngineChild } from './host';
import type { HistoryRecord } from './history';
import type { WorkerConfig, WorkerRequest } from './protocol';

class FakeChild extends EventEmitter implements EngineChild {
  alive = true;
  sent: WorkerRequest[] = [];
  private release: (() => void) | null = null;
  constructor(readonly config: WorkerConfig) {
    super();
  }
  postMessage(r: WorkerRequest): void {
    this.sent.push(r);
  }
  /** With `slow`, resolves only when the test calls `exit` (a terminate takes time); else at once. */
  slow = false;
  terminate(): Promise<unknown> {
    if (!this.alive) return Promise.resolve();
    if (!this.slow) {
      this.exit(0);
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => (this.release = resolve));
  }
  exit(code = 1): void {
    this.alive = false;
    this.emit('exit', code);
    this.release?.();
  }
  batch(seq: number, history?: HistoryRecord): void {
    const status: EngineStatus = { paused: false, intervalMs: 1000, source: 'scripted', lastPollAt: 1, lastPollMs: 1, lastError: null };
    this.emit('message', { type: 'batch', json: encodeBatch({ seq, time: 1000 + seq, full: false, events: [], status }), seq, status, history });
  }
}

function setup() {
  const children: FakeChild[] = [];
  const host = startEngineHost({
    workerPath: 'unused',
    source: 'scripted',
    restartDelayMs: 5,
    spawn: (_path, config) => {
      const c = new FakeChild(config);
      children.push(c);
      return c;
    },
  });
  const seen: string[] = [];
  host.onBatch((j) => seen.push(j));
  return { host, children, seen };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('engine host races', () => {
  it('close() during restart() leaves no engine child running', async () => {
    const { host, children } = setup();
    children[0].slow = true;
    const restarting = host.restart();
    await tick();
    const closing = host.close();
    children[0].exit(0); // the old child's terminate completes
    await Promise.allSettled([restarting, closing]);
    await tick();
    const alive = children.filter((c) => c.alive && c !== children[0]);
    expect(alive.length, `children spawned: ${children.length}`).toBe(0);
  });

  it('two restart() calls at once leave one engine child, not an orphan that keeps streaming', async () => {
    const { host, children, seen } = setup();
    children[0].slow = true;
    const a = host.restart();
    const b = host.restart();
    children[0].exit(0);
    await Promise.allSettled([a, b]);
    // Each spawned child posts one poll: only the one the host talks to may reach the viewers.
    const spawned = children.slice(1);
    const before = seen.length;
    for (const c of spawned) c.batch(50, { time: 1050, events: [{ type: 'opened', id: 'orphan', time: 1050, text: '{"type":"opened"}' }] });
    expect(seen.length - before).toBe(1);
    expect(spawned.filter((c) => c.alive).length, `children spawned by two restarts: ${spawned.length}`).toBe(1);
    await host.close();
  });

  it('a batch from a child the host has let go (terminate still pending) reaches neither the viewers nor the history', async () => {
    const { host, children, seen } = setup();
    children[0].slow = true;
    children[0].batch(1, { time: 1001, full: ['a'], events: [] });
    const restarting = host.restart();
    await tick();
    // The old child is still up (a utility process gets 3 s before the host stops waiting) and posts one more poll.
    const before = seen.length;
    children[0].batch(2, { time: 1002, events: [{ type: 'opened', id: 'late', time: 1002, text: '{"type":"opened","id":"late"}' }] });
    expect(seen.length - before).toBe(0);
    children[0].exit(0);
    await restarting;
    const h = await host.getHistory();
    expect(h.events.length).toBe(0);
    await host.close();
  });

  it('a malformed message from the engine child does not throw into the host process', async () => {
    const { host, children } = setup();
    expect(() => children[0].emit('message', null)).not.toThrow();
    expect(() => children[0].emit('message', { type: 'batch', json: '{}', seq: 2, status: {}, history: { time: 1, events: 5 } })).not.toThrow();
    await host.close().catch(() => undefined);
  });

  it('a malformed history record does not poison every later getHistory', async () => {
    const { host, children } = setup();
    const status: EngineStatus = { paused: false, intervalMs: 1000, source: 'scripted', lastPollAt: 1, lastPollMs: 1, lastError: null };
    try {
      children[0].emit('message', { type: 'batch', json: '{}', seq: 1, status, history: { time: 1, events: [{ type: 'opened', id: 'x', time: 1, text: 'not json' }] } });
    } catch {
      // a throw here is the previous test's fault
    }
    // The bad text is left out and counted; a well-formed record after it is served whole.
    expect(await host.getHistory()).toMatchObject({ events: [], dropped: 1 });
    const good = { type: 'opened', time: 2, connection: { id: 'y' } };
    children[0].emit('message', { type: 'batch', json: '{}', seq: 2, status, history: { time: 2, events: [{ type: 'opened', id: 'y', time: 2, text: JSON.stringify(good) }] } });
    expect(await host.getHistory()).toMatchObject({ events: [good], dropped: 1 });
    // A record of the wrong shape is not applied at all.
    children[0].emit('message', { type: 'batch', json: '{}', seq: 3, status, history: { time: 3, events: [{ type: 'bogus', id: 7 }] } });
    expect((await host.getHistory()).events).toHaveLength(1);
    await host.close();
  });
});
