import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventBatch } from '../../shared/ipc';
import type { RowSpec } from '../model/build';
import { createRowTable, ROW_WORDS } from '../model/rows';
import { SourceError } from '../source/types';
import { createScriptedSource, type ScriptStep } from '../source/scripted';
import { createEngine } from './engine';

const conn = (lport: number, extra: Partial<RowSpec> = {}): RowSpec => ({
  local: '127.0.0.1',
  localPort: lport,
  remote: '127.0.0.1',
  remotePort: 40000 + lport,
  pid: 100,
  ...extra,
});

function setup(script: ScriptStep[], opts: { intervalMs?: number; delayMs?: number } = {}) {
  const source = createScriptedSource(script, { delayMs: opts.delayMs, processes: { 100: 'server', 0: 'System Idle' } });
  const engine = createEngine({ source, intervalMs: opts.intervalMs });
  const batches: EventBatch[] = [];
  engine.onBatch((b) => batches.push(b));
  return { source, engine, batches };
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(1_700_000_000_000);
});
afterEach(() => vi.useRealTimers());

describe('engine', () => {
  it('delivers the first poll whole and later polls as events', async () => {
    const { engine, batches } = setup([
      [conn(1), conn(2)],
      [conn(1, { state: 'TIME-WAIT', pid: 0 }), conn(3)],
    ]);
    engine.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1);
    expect(batches[0]).toMatchObject({ seq: 1, full: true, events: [] });
    expect(batches[0].connections?.map((c) => [c.localPort, c.process])).toEqual([
      [1, 'server'],
      [2, 'server'],
    ]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toHaveLength(2);
    const b = batches[1];
    expect(b).toMatchObject({ seq: 2, full: false });
    expect(b.connections).toBeUndefined();
    const byType = Object.fromEntries(b.events.map((e) => [e.type, e]));
    expect(byType.closed.connection.localPort).toBe(2);
    expect(byType.opened.connection.localPort).toBe(3);
    expect(byType.changed.connection).toMatchObject({ localPort: 1, state: 'TIME-WAIT', pid: 0, process: 'System Idle' });
    expect(byType.changed.previousState).toBe('ESTABLISHED');
    expect(byType.changed.previousPid).toBe(100);
    expect(b.events.every((e) => e.time === b.time)).toBe(true);
    engine.stop();
  });

  it('keeps a 1 s cadence by default and stops cleanly', async () => {
    const { engine, source, batches } = setup([[conn(1)]]);
    engine.start();
    await vi.advanceTimersByTimeAsync(0);
    await vi.advanceTimersByTimeAsync(999);
    expect(source.reads).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.reads).toBe(2);
    await vi.advanceTimersByTimeAsync(3000);
    expect(source.reads).toBe(5);
    expect(batches.map((b) => b.time - batches[0].time)).toEqual([0, 1000, 2000, 3000, 4000]);
    engine.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(source.reads).toBe(5);
  });

  it('measures the cadence from poll start and never overlaps a slow poll', async () => {
    // Each read takes 300 ms: polls still start every 1000 ms.
    const { engine, source, batches } = setup([[conn(1)]], { delayMs: 300 });
    engine.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(batches.map((b) => b.time - 1_700_000_000_000)).toEqual([0, 1000, 2000]);
    expect(source.reads).toBe(4); // the fourth started at 3000 and is in flight
    engine.stop();

    // A read slower than the interval: the next poll waits for it, then runs at once.
    const slow = setup([[conn(1)]], { delayMs: 2500, intervalMs: 1000 });
    let inFlight = 0;
    let maxInFlight = 0;
    const read = slow.source.read.bind(slow.source);
    slow.source.read = () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      return Promise.resolve(read()).finally(() => inFlight--);
    };
    slow.engine.start();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(maxInFlight).toBe(1);
    // Each poll starts as soon as the previous one ended (a timer tick after it, at most).
    const gaps = slow.batches.slice(1).map((b, i) => b.time - slow.batches[i].time);
    expect(gaps.length).toBe(2);
    for (const g of gaps) expect(g === 2500 || g === 2501).toBe(true);
    slow.engine.stop();
  });

  it('pollNow waits for a running poll instead of overlapping it', async () => {
    const { engine, source } = setup([[conn(1)]], { delayMs: 500 });
    engine.start();
    let concurrent = 0;
    let max = 0;
    const read = source.read.bind(source);
    source.read = () => {
      concurrent++;
      max = Math.max(max, concurrent);
      return Promise.resolve(read()).finally(() => concurrent--);
    };
    const p = engine.pollNow();
    await vi.advanceTimersByTimeAsync(2000);
    const b = await p;
    expect(b.seq).toBe(2);
    expect(max).toBe(1);
    engine.stop();
  });

  it('pauses and resumes', async () => {
    const { engine, source, batches } = setup([[conn(1)]]);
    engine.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.reads).toBe(2);
    expect(engine.setPaused(true).paused).toBe(true);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(source.reads).toBe(2);
    const s = engine.setPaused(false);
    expect(s.paused).toBe(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(source.reads).toBe(3); // resuming polls at once
    await vi.advanceTimersByTimeAsync(1000);
    expect(source.reads).toBe(4);
    expect(batches.at(-1)?.status.paused).toBe(false);
    engine.stop();
  });

  it('pushes a pause or interval change to every viewer at once, without waiting for a poll', async () => {
    const { engine, source, batches } = setup([[conn(1)]], { intervalMs: 5000 });
    const other: EventBatch[] = [];
    engine.onBatch((b) => other.push(b));
    engine.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(batches).toHaveLength(1);
    engine.setPaused(true);
    // synchronously, before any timer: both viewers hold a status-only batch saying "paused"
    for (const seen of [batches, other]) {
      expect(seen).toHaveLength(2);
      expect(seen[1]).toMatchObject({ seq: 2, full: false, events: [], status: { paused: true, intervalMs: 5000 } });
    }
    engine.setPaused(true); // no change, no batch
    engine.setIntervalMs(2000);
    expect(batches.at(-1)).toMatchObject({ seq: 3, events: [], status: { paused: true, intervalMs: 2000 } });
    engine.setIntervalMs(2000);
    expect(batches).toHaveLength(3);
    expect(source.reads).toBe(1);
    engine.stop();
  });

  it('applies an interval change at once', async () => {
    const { engine, source } = setup([[conn(1)]]);
    engine.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(source.reads).toBe(1);
    // Shorter: the next poll comes 200 ms after the last poll's start, not at 1000.
    expect(engine.setIntervalMs(200).intervalMs).toBe(200);
    await vi.advanceTimersByTimeAsync(100);
    expect(source.reads).toBe(2);
    await vi.advanceTimersByTimeAsync(200);
    expect(source.reads).toBe(3);
    // Longer: no poll until 5000 ms after the last start.
    engine.setIntervalMs(5000);
    await vi.advanceTimersByTimeAsync(4999);
    expect(source.reads).toBe(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(source.reads).toBe(4);
    expect(() => engine.setIntervalMs(0)).toThrow(RangeError);
    engine.stop();
  });

  it('reports a failed poll as status, keeps polling, and diffs the recovery against the last good table', async () => {
    const { engine, batches } = setup([
      [conn(1), conn(2)],
      { error: 'GetTcpTable2 failed: access denied', code: 5 },
      { error: 'still failing' },
      [conn(2), conn(3)],
    ]);
    engine.start();
    await vi.advanceTimersByTimeAsync(3000);
    expect(batches.map((b) => b.seq)).toEqual([1, 2, 3, 4]);
    expect(batches[1]).toMatchObject({ full: false, events: [] });
    expect(batches[1].status.lastError).toBe('GetTcpTable2 failed: access denied');
    expect(batches[2].status.lastError).toBe('still failing');
    expect(batches[3].status.lastError).toBeNull();
    expect(batches[3].full).toBe(false);
    expect(batches[3].events.map((e) => `${e.type}:${e.connection.localPort}`).sort()).toEqual(['closed:1', 'opened:3']);
    expect(engine.snapshot().connections.map((c) => c.localPort)).toEqual([2, 3]);
    engine.stop();
  });

  it('delivers the first successful poll whole even after initial failures', async () => {
    const { engine, batches } = setup([{ error: 'not yet' }, [conn(9)]]);
    engine.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches[0]).toMatchObject({ full: false, status: { lastError: 'not yet' } });
    expect(batches[1].full).toBe(true);
    expect(batches[1].connections?.map((c) => c.localPort)).toEqual([9]);
  });

  it('status and snapshot carry source, timing and the current table', async () => {
    const { engine } = setup([[conn(1)], [conn(1), conn(2)]]);
    expect(engine.snapshot().connections).toEqual([]);
    expect(engine.status()).toMatchObject({ source: 'scripted', lastPollAt: null, lastPollMs: null, intervalMs: 1000 });
    engine.start();
    await vi.advanceTimersByTimeAsync(1000);
    const st = engine.status();
    expect(st.lastPollAt).toBe(1_700_000_001_000);
    expect(typeof st.lastPollMs).toBe('number');
    const snap = engine.snapshot();
    expect(snap.time).toBe(1_700_000_001_000);
    expect(snap.connections.map((c) => c.localPort)).toEqual([1, 2]);
    engine.stop();
  });

  it('does not deliver the batch of a poll that finishes after stop()', async () => {
    const { engine, batches } = setup([[conn(1)]], { delayMs: 500 });
    engine.start();
    await vi.advanceTimersByTimeAsync(100);
    engine.stop();
    await vi.advanceTimersByTimeAsync(1000);
    expect(batches).toHaveLength(0);
  });

  it('diffs a source\'s tables in place (two buffers filled in turn), and keeps its own copy after a failed read', async () => {
    const steps = [[conn(1)], [conn(2)], 'fail', [conn(2), conn(3)], [conn(3)]] as const;
    const tables = await Promise.all(steps.map((x) => (x === 'fail' ? null : createScriptedSource([[...x]]).read())));
    // The contract's least: each read refills one of two buffers in turn, a failed one included
    // (it leaves its buffer half written).
    const buffers = [createRowTable(4), createRowTable(4)];
    let n = 0;
    const engine = createEngine({
      source: {
        name: 'two-buffers',
        read: () => {
          const buf = buffers[n % 2];
          const src = tables[n++];
          buf.words.fill(0x5a5a5a5a);
          if (!src) throw new SourceError('read failed half way');
          buf.words.set(src.words.subarray(0, src.count * ROW_WORDS));
          buf.count = src.count;
          return buf;
        },
        processInfo: () => null,
      },
    });
    const batches: EventBatch[] = [];
    engine.onBatch((b) => batches.push(b));
    engine.start();
    await vi.advanceTimersByTimeAsync(4000);
    const events = (b: EventBatch) => b.events.map((e) => `${e.type}:${e.connection.localPort}`).sort();
    expect(batches.map((b) => b.status.lastError)).toEqual([null, null, 'read failed half way', null, null]);
    expect(events(batches[1])).toEqual(['closed:1', 'opened:2']);
    // Read 4 refilled the buffer that held read 2's table, the engine's last good one: diffed
    // against its own copy, 2 stays and 3 opens (against the refilled buffer nothing would change).
    expect(events(batches[3])).toEqual(['opened:3']);
    expect(events(batches[4])).toEqual(['closed:2']);
    expect(engine.snapshot().connections.map((c) => c.localPort)).toEqual([3]);
    engine.stop();
  });

  describe('owner names of rows whose process has exited', () => {
    /** PID → name while the process runs; `exit(pid)` makes processInfo answer null, as for a gone process. */
    function processes(names: Record<number, string>) {
      const alive = new Map(Object.entries(names).map(([pid, name]) => [Number(pid), name]));
      let calls = 0;
      return {
        lookup: (pid: number) => {
          calls++;
          const name = alive.get(pid);
          return name === undefined ? null : { pid, name, path: null };
        },
        exit: (pid: number) => alive.delete(pid),
        start: (pid: number, name: string) => alive.set(pid, name),
        get calls() {
          return calls;
        },
      };
    }

    it('names the owner on closed, changed and opened-then-closed rows after the process exited', async () => {
      const procs = processes({ 100: 'server', 200: 'client', 0: 'System Idle' });
      const source = createScriptedSource(
        [
          [conn(1), conn(2, { pid: 200 }), conn(3, { pid: 200 })],
          [conn(1), conn(2, { pid: 200 }), conn(3, { pid: 200 }), conn(4, { pid: 300 })],
          // 100 exited: its row is gone; 200 exited: one row gone, one in TIME-WAIT under PID 0; 300 exited.
          [conn(3, { pid: 0, state: 'TIME-WAIT' })],
        ],
        { processes: procs.lookup },
      );
      const engine = createEngine({ source });
      await engine.pollNow();
      procs.start(300, 'burst');
      const b2 = await engine.pollNow();
      expect(b2.events.map((e) => [e.type, e.connection.process])).toEqual([['opened', 'burst']]);
      procs.exit(100);
      procs.exit(200);
      procs.exit(300);
      const b3 = await engine.pollNow();
      const got = b3.events.map((e) => [e.type, e.connection.localPort, e.connection.pid, e.connection.process]).sort();
      expect(got).toEqual([
        ['changed', 3, 0, 'System Idle'],
        ['closed', 1, 100, 'server'],
        ['closed', 2, 200, 'client'],
        ['closed', 4, 300, 'burst'],
      ]);
      const changed = b3.events.find((e) => e.type === 'changed');
      expect(changed).toMatchObject({ previousPid: 200, previousProcess: 'client', previousState: 'ESTABLISHED' });
    });

    it('keeps the name a row was first seen with when its PID is reused by another process', async () => {
      const procs = processes({ 100: 'old' });
      const source = createScriptedSource([[conn(1)], [conn(1), conn(2)], [conn(2)]], { processes: procs.lookup });
      const engine = createEngine({ source });
      await engine.pollNow();
      procs.exit(100);
      procs.start(100, 'new');
      const b2 = await engine.pollNow();
      expect(b2.events.map((e) => [e.type, e.connection.process])).toEqual([['opened', 'new']]);
      const b3 = await engine.pollNow();
      expect(b3.events.map((e) => [e.type, e.connection.localPort, e.connection.process])).toEqual([['closed', 1, 'old']]);
      // A fresh snapshot names rows by the live process, falling back to the remembered owner.
      expect(engine.snapshot().connections.map((c) => [c.localPort, c.process])).toEqual([[2, 'new']]);
      procs.exit(100);
      expect(engine.snapshot().connections.map((c) => [c.localPort, c.process])).toEqual([[2, 'new']]);
    });

    it('keeps the same-PID owner on a state change after exit, and looks up a full table once per PID', async () => {
      const procs = processes({ 100: 'server' });
      const many = Array.from({ length: 500 }, (_, i) => conn(1000 + i));
      const source = createScriptedSource([many, [conn(1000, { state: 'CLOSE-WAIT' }), ...many.slice(1)]], { processes: procs.lookup });
      const engine = createEngine({ source });
      const b1 = await engine.pollNow();
      expect(b1.connections).toHaveLength(500);
      expect(procs.calls).toBe(1);
      procs.exit(100);
      const b2 = await engine.pollNow();
      expect(b2.events).toHaveLength(1);
      expect(b2.events[0]).toMatchObject({ type: 'changed', connection: { state: 'CLOSE-WAIT', process: 'server' }, previousPid: 100 });
      expect(b2.events[0].previousProcess).toBeUndefined();
    });

    it('names both owners when every row changes owner, poll after poll', async () => {
      const procs = processes({});
      for (let pid = 1; pid <= 400; pid++) procs.start(pid, `p${pid}`);
      // Every poll replaces all rows with rows of new PIDs; closed rows must still be named.
      const source = createScriptedSource((read) => Array.from({ length: 50 }, (_, i) => conn(i + 1, { pid: 1 + ((read * 50 + i) % 400) })));
      const engine = createEngine({ source: { ...source, processInfo: procs.lookup } });
      await engine.pollNow();
      for (let k = 1; k < 12; k++) {
        const b = await engine.pollNow();
        expect(b.events.filter((e) => e.type === 'changed')).toHaveLength(50);
        expect(b.events.every((e) => e.connection.process === `p${e.connection.pid}`)).toBe(true);
        expect(b.events.every((e) => e.previousProcess === `p${e.previousPid}`)).toBe(true);
      }
    });
  });
});
