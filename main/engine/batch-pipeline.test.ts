import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from '../../shared/connection';
import { decodeBatch, type EngineStatus, type EventBatch } from '../../shared/ipc';
import { createBatchPipeline } from './batch-pipeline';

const status: EngineStatus = { paused: false, intervalMs: 1000, source: 'scripted', lastPollAt: null, lastPollMs: null, lastError: null };
/** The status of a poll at `time` (the engine sets lastPollAt to the poll's time). */
const polled = (time: number, more: Partial<EngineStatus> = {}): EngineStatus => ({ ...status, lastPollAt: time, lastPollMs: 1, ...more });
function conn(localPort: number, state: Connection['state'] = 'ESTABLISHED'): Connection {
  const base = { protocol: 'tcp' as const, family: 4 as const, localAddress: '127.0.0.1', localPort, remoteAddress: '127.0.0.1', remotePort: 50000, state, pid: 7, process: 'srv' };
  return { id: connectionKey(base), ...base };
}

describe('batch pipeline (what the engine worker does with each batch)', () => {
  it('stamps the run history, adds the timeline and port-usage samples, and encodes what it returns', () => {
    const p = createBatchPipeline(10);
    const first: EventBatch = { seq: 1, time: 1000, full: true, connections: [conn(1), conn(2, 'LISTEN')], events: [], status: polled(1000) };
    const a = p.process(first);
    expect(a.batch.connections?.map((c) => [c.firstSeenAt, c.preexisting])).toEqual([
      [1000, true],
      [1000, true],
    ]);
    expect(a.batch.timeline?.counts.reduce((x, y) => x + y, 0)).toBe(2);
    expect(a.batch.ports).toBeDefined();
    expect(decodeBatch(a.json)).toEqual(a.batch);

    const b = p.process({ seq: 2, time: 2000, full: false, events: [{ type: 'opened', time: 2000, connection: conn(3) }], status: polled(2000) });
    expect(b.batch.events[0].connection.firstSeenAt).toBe(2000);
    expect(b.batch.timeline).toMatchObject({ time: 2000, spanMs: 1000, opened: 1, closed: 0 });
    expect(p.history.eventCount).toBe(1);
    expect(p.timeline.data().samples).toHaveLength(2);
    expect(JSON.parse(b.json)).toEqual(b.batch);
  });

  it('samples polls only: a pause and a resume pushed between polls do not cut the next span to milliseconds', () => {
    const p = createBatchPipeline(10);
    p.process({ seq: 1, time: 1000, full: true, connections: [conn(1)], events: [], status: polled(1000) });
    p.process({ seq: 2, time: 2000, full: false, events: [], status: polled(2000) });
    // Paused at 2500 and resumed at 30,000 from another window (status pushes, no poll)...
    const paused = p.process({ seq: 3, time: 2500, full: false, events: [], status: polled(2000, { paused: true }) });
    const resumed = p.process({ seq: 4, time: 30_000, full: false, events: [], status: polled(2000) });
    expect(paused.batch.timeline).toBeUndefined();
    expect(resumed.batch.timeline).toBeUndefined();
    expect(paused.batch.ports).toBeUndefined();
    // ...then the poll the resume starts, 2 ms later, with what opened while paused: 4 over 28 s, not 4 over 2 ms.
    const events = [3, 4, 5, 6].map((port) => ({ type: 'opened' as const, time: 30_002, connection: conn(port) }));
    const poll = p.process({ seq: 5, time: 30_002, full: false, events, status: polled(30_002) });
    expect(poll.batch.timeline).toMatchObject({ time: 30_002, spanMs: 28_002, opened: 4 });
    expect(p.timeline.data().samples.map((x) => x.time)).toEqual([1000, 2000, 30_002]);
  });

  it("as the engine worker runs it, samples every poll but keeps no series and no events (the host keeps the run's)", () => {
    const p = createBatchPipeline(10, { keepEvents: false, keepSeries: false });
    const a = p.process({ seq: 1, time: 1000, full: true, connections: [conn(1)], events: [], status: polled(1000) });
    const b = p.process({ seq: 2, time: 2000, full: false, events: [{ type: 'opened', time: 2000, connection: conn(2) }], status: polled(2000) });
    expect(a.batch.timeline?.counts.reduce((x, y) => x + y, 0)).toBe(1);
    expect(b.batch.timeline).toMatchObject({ time: 2000, spanMs: 1000, opened: 1 });
    expect(b.batch.ports).toBeDefined();
    expect(() => p.timeline.data()).toThrow(/keeps no series/);
    expect(() => p.portUsage.data()).toThrow(/keeps no history/);
    expect(p.history.eventCount).toBe(0);
  });

  it('refuses a history capacity that is not a positive integer', () => {
    expect(() => createBatchPipeline(0)).toThrow(RangeError);
  });
});
