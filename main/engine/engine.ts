// The polling engine: one timer, at most one poll in flight, each poll diffed against the last
// good one and delivered as exactly one EventBatch. Objects and strings are built only for the
// rows that changed (or for a full snapshot when one is asked for).
import type { ConnectionEvent } from '../../shared/connection';
import { DEFAULT_INTERVAL_MS, type EngineStatus, type EventBatch, type Snapshot } from '../../shared/ipc';
import { copyTable } from '../model/build';
import { diffTables } from '../model/diff';
import { materializeRow, materializeTable, type ProcessLookup } from '../model/materialize';
import { createRowTable, PID_UNKNOWN, ROW_WORDS, W, type RowTable } from '../model/rows';
import { tcpStateName } from '../../shared/connection';
import type { Engine, EngineOptions } from './types';

export function createEngine(opts: EngineOptions): Engine {
  const { source } = opts;
  const now = opts.now ?? Date.now;
  const listeners = new Set<(b: EventBatch) => void>();
  let intervalMs = opts.intervalMs ?? DEFAULT_INTERVAL_MS;
  let paused = false;
  let running = false;
  let seq = (opts.firstSeq ?? 1) - 1;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Start of the last poll (clock ms), the anchor of the cadence. */
  let lastStart: number | null = null;
  let inFlight: Promise<EventBatch> | null = null;
  // Two engine-owned buffers, swapped each poll: sources may reuse the table they return.
  let current: RowTable | null = null;
  let spare: RowTable = createRowTable(1);
  let currentTime = 0;
  const status: EngineStatus = {
    paused,
    intervalMs,
    source: source.name,
    lastPollAt: null,
    lastPollMs: null,
    lastError: null,
  };
  const lookup: ProcessLookup = (pid) => {
    try {
      return source.processInfo(pid);
    } catch {
      return null; // a name we cannot get is not worth failing a poll for
    }
  };

  const snapshotStatus = (): EngineStatus => ({ ...status, paused, intervalMs, source: source.name });

  const clearTimer = () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };

  /** (Re)arms the timer for the next poll, keeping cadence from the last poll's start. */
  const schedule = () => {
    clearTimer();
    if (!running || paused || inFlight) return;
    const since = lastStart === null ? intervalMs : now() - lastStart;
    const delay = Math.min(intervalMs, Math.max(0, intervalMs - since));
    timer = setTimeout(() => {
      timer = null;
      void runPoll(true);
    }, delay);
  };

  const emit = (b: EventBatch) => {
    for (const l of listeners) {
      try {
        l(b);
      } catch {
        // one faulty listener must not stop polling or starve the others
      }
    }
  };

  const buildEvents = (prev: RowTable, next: RowTable, time: number): ConnectionEvent[] => {
    const d = diffTables(prev, next);
    const events: ConnectionEvent[] = [];
    for (const i of d.closed) events.push({ type: 'closed', time, connection: materializeRow(prev, i, lookup) });
    for (const i of d.opened) events.push({ type: 'opened', time, connection: materializeRow(next, i, lookup) });
    for (const { prev: p, next: n } of d.changed) {
      const po = p * ROW_WORDS;
      const pid = prev.words[po + W.PID];
      const connection = materializeRow(next, n, lookup);
      events.push({
        type: 'changed',
        time,
        connection,
        previousState: connection.protocol === 'udp' ? null : (tcpStateName(prev.words[po + W.STATE]) ?? null),
        previousPid: pid === PID_UNKNOWN ? null : pid,
      });
    }
    return events;
  };

  const poll = async (deliver: boolean): Promise<EventBatch> => {
    const time = now();
    lastStart = time;
    const t0 = performance.now();
    let batch: EventBatch;
    try {
      const table = await source.read();
      const next = copyTable(table, spare);
      const prev = current;
      const full = prev === null;
      const events = full ? [] : buildEvents(prev, next, time);
      spare = prev ?? createRowTable(1);
      current = next;
      currentTime = time;
      status.lastError = null;
      status.lastPollMs = performance.now() - t0;
      status.lastPollAt = time;
      batch = { seq: ++seq, time, full, events, status: snapshotStatus() };
      if (full) batch.connections = materializeTable(next, lookup);
    } catch (e) {
      // The last good table stays: the next success diffs against it.
      status.lastError = e instanceof Error ? e.message : String(e);
      status.lastPollMs = performance.now() - t0;
      status.lastPollAt = time;
      batch = { seq: ++seq, time, full: false, events: [], status: snapshotStatus() };
    }
    if (deliver && running) emit(batch);
    return batch;
  };

  /** Runs one poll after any in-flight one (polls never overlap), then re-arms the timer. */
  const runPoll = (fromTimer: boolean): Promise<EventBatch> => {
    const prior = inFlight;
    const p = (async () => {
      if (prior) await prior.catch(() => undefined);
      return poll(true);
    })();
    const tracked = p.finally(() => {
      if (inFlight === tracked) {
        inFlight = null;
        schedule();
      }
    });
    inFlight = tracked;
    if (fromTimer) void tracked.catch(() => undefined);
    return tracked;
  };

  return {
    start() {
      if (running) return;
      running = true;
      if (!paused) void runPoll(true);
    },
    stop() {
      running = false;
      clearTimer();
    },
    setPaused(p: boolean) {
      if (p === paused) return snapshotStatus();
      paused = p;
      if (paused) clearTimer();
      // Resuming polls at once: whoever resumed wants to see the present, not wait an interval.
      else if (running && !inFlight) void runPoll(true);
      return snapshotStatus();
    },
    setIntervalMs(ms: number) {
      if (!Number.isFinite(ms) || ms <= 0) throw new RangeError(`interval must be a positive number of ms, got ${ms}`);
      intervalMs = ms;
      if (timer !== null) schedule();
      return snapshotStatus();
    },
    status: snapshotStatus,
    snapshot(): Snapshot {
      return {
        time: current ? currentTime : now(),
        connections: current ? materializeTable(current, lookup) : [],
        status: snapshotStatus(),
      };
    },
    pollNow() {
      return runPoll(false);
    },
    onBatch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
