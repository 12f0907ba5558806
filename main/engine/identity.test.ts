// The engine's rows are sockets: ids unique among live rows and stable for a row's life, events per socket.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../shared/ipc';
import type { RowSpec } from '../model/build';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import { createEngine } from './engine';

const mdns = (pid: number): RowSpec => ({ protocol: 'udp', local: '0.0.0.0', localPort: 5353, pid });
const web = (pid: number, extra: Partial<RowSpec> = {}): RowSpec => ({ local: '10.0.0.1', localPort: 443, remote: '10.0.0.2', remotePort: 50000, pid, ...extra });

async function run(script: ScriptStep[]): Promise<{ batches: EventBatch[]; ids: () => string[] }> {
  const source = createScriptedSource(script, { processes: { 0: 'System Idle Process', 1111: 'a.exe', 2222: 'b.exe', 3333: 'c.exe', 4444: 'd.exe' } });
  const engine = createEngine({ source, intervalMs: 1000 });
  const batches: EventBatch[] = [];
  engine.onBatch((b) => batches.push(b));
  engine.start();
  await vi.advanceTimersByTimeAsync(0);
  for (let i = 1; i < script.length; i++) await vi.advanceTimersByTimeAsync(1000);
  engine.stop();
  return { batches, ids: () => engine.snapshot().connections.map((c) => c.id) };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => vi.useRealTimers());

describe('engine identity', () => {
  it('several owners of one UDP port: one row each; an exiting owner closes only its row, with its own name', async () => {
    const { batches } = await run([
      [mdns(1111), mdns(2222), mdns(3333)],
      [mdns(1111), mdns(3333)],
    ]);
    expect(batches[0].connections!.map((c) => [c.id, c.pid, c.process])).toEqual([
      ['udp4 0.0.0.0:5353 *', 1111, 'a.exe'],
      ['udp4 0.0.0.0:5353 * #2', 2222, 'b.exe'],
      ['udp4 0.0.0.0:5353 * #3', 3333, 'c.exe'],
    ]);
    expect(batches[1].events.map((e) => [e.type, e.connection.id, e.connection.pid, e.connection.process])).toEqual([
      ['closed', 'udp4 0.0.0.0:5353 * #2', 2222, 'b.exe'],
    ]);
  });

  it('ids stay unique and stable: a new socket takes a free slot, never one in use', async () => {
    const { batches, ids } = await run([
      [mdns(1111), mdns(2222)],
      [mdns(2222)],
      [mdns(2222), mdns(4444), mdns(3333)],
    ]);
    expect(batches[1].events.map((e) => [e.type, e.connection.id])).toEqual([['closed', 'udp4 0.0.0.0:5353 *']]);
    expect(batches[2].events.map((e) => [e.type, e.connection.id, e.connection.pid])).toEqual([
      ['opened', 'udp4 0.0.0.0:5353 *', 4444],
      ['opened', 'udp4 0.0.0.0:5353 * #3', 3333],
    ]);
    expect(ids()).toEqual(['udp4 0.0.0.0:5353 * #2', 'udp4 0.0.0.0:5353 *', 'udp4 0.0.0.0:5353 * #3']);
  });

  it('Windows TIME-WAIT → PID 0 stays a changed event of the same id', async () => {
    const { batches } = await run([[web(1111)], [web(0, { state: 'TIME-WAIT' })]]);
    const ev = batches[1].events;
    expect(ev.map((e) => [e.type, e.connection.id, e.connection.state, e.previousPid])).toEqual([
      ['changed', 'tcp4 10.0.0.1:443 10.0.0.2:50000', 'TIME-WAIT', 1111],
    ]);
  });
});
