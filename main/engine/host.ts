// Runs the engine in a worker thread so a large poll never blocks the caller's event loop (the
// Electron main process, the local web server). Requests are validated here before they cross
// the thread boundary; a worker that dies is reported in the batch stream and started again.
import { Worker } from 'node:worker_threads';
import {
  DEFAULT_INTERVAL_MS,
  encodeBatch,
  validateBoolean,
  validateHistoryLimit,
  validateInterval,
  type EngineStatus,
  type History,
  type Snapshot,
} from '../../shared/ipc';
import type { LinuxTables, SourceKind } from '../source';
import { childEnv } from '../child-env';
import { createHistoryMirror } from './history';
import type { RequestOp, WorkerConfig, WorkerMessage, WorkerRequest } from './protocol';
import type { EngineHost } from './types';
import { isTimelineSample, TimelineStore, type TimelineData } from '../../shared/timeline';
import { isPortUsageSample, PortUsageHistoryStore, type PortUsageHistory } from '../../shared/port-usage';

/**
 * Where the engine runs: a worker thread (default; CLI and browser mode) or, in the desktop app, an
 * Electron utility process (main/electron/engine-process.ts), so a native fault in the engine takes
 * down that process only. Same messages either way (protocol.ts).
 */
export interface EngineChild {
  postMessage(request: WorkerRequest): void;
  on(event: 'message', listener: (message: WorkerMessage) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  /** Stops the child; resolves once it is gone. */
  terminate(): Promise<unknown>;
}

/** Starts the engine entry (`modulePath`, the bundled worker.ts) with its configuration. */
export type SpawnEngineChild = (modulePath: string, config: WorkerConfig) => EngineChild;

/**
 * "exit code N", with the NTSTATUS in hex when N is one (a Windows process killed by a fault exits
 * with e.g. 0xC0000005, access violation, which reads as 3221225477 or -1073741819).
 */
export function describeExitCode(code: number): string {
  const status = code < 0 || code > 0xffff ? ` (0x${(code >>> 0).toString(16).toUpperCase().padStart(8, '0')})` : '';
  return `exit code ${code}${status}`;
}

/** The default: the engine in a worker thread of this process. */
export const spawnWorkerThread: SpawnEngineChild = (modulePath, config) => new Worker(modulePath, { workerData: config, env: childEnv() });

export interface EngineHostOptions {
  /** The bundled worker (dist/main/engine-worker.cjs). */
  workerPath: string;
  source?: SourceKind;
  intervalMs?: number;
  /**
   * Size of the run's event ring, events (default DEFAULT_HISTORY_CAPACITY in history.ts); the ring
   * is kept here, on the host's thread (startEngineHost throws RangeError when it is not a positive integer).
   */
  historyCapacity?: number;
  /** Demo source options. */
  seed?: number;
  connections?: number;
  churn?: number;
  traffic?: number;
  /** Where the linux source reads its tables (default auto); the other sources ignore it. */
  tables?: LinuxTables;
  /** Restart a crashed worker (default true), after this delay (default 1000 ms, doubling to 30 s while it keeps crashing). */
  restartOnCrash?: boolean;
  restartDelayMs?: number;
  /** Enables the worker's `crash` request, for tests. */
  testHooks?: boolean;
  /** How to start the engine (default: a worker thread running `workerPath`). */
  spawn?: SpawnEngineChild;
  /** Told when the engine stopped unexpectedly, with the message the stream carries (the desktop app logs it). */
  onCrash?: (message: string) => void;
}

export interface StartedEngineHost extends EngineHost {
  /** The snapshot as the worker encoded it, for callers that pass it on as text. */
  getSnapshotJson(): Promise<string>;
  /** Stops the current worker and starts a fresh one (settings kept). */
  restart(): Promise<void>;
  /** Asks the worker to crash (only with `testHooks`). */
  crashForTest(): Promise<void>;
  /** Sends any request op to the engine and resolves with its answer (ops this host does not know are forwarded as they are). */
  request<T>(op: RequestOp, arg?: unknown): Promise<T>;
}

interface Pending {
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

export function startEngineHost(opts: EngineHostOptions): StartedEngineHost {
  const listeners = new Set<(json: string) => void>();
  const pending = new Map<number, Pending>();
  let nextId = 1;
  let worker: EngineChild | null = null;
  let closed = false;
  let fatal: string | null = null;
  let restartTimer: ReturnType<typeof setTimeout> | null = null;
  let crashes = 0;
  // What the host knows of the stream, to report a crash in it and to restart where it left off.
  let lastSeq = 0;
  // The run's history (events and first-seen times), fed by the worker's batches and kept here so
  // that it outlives a worker that crashes.
  const mirror = createHistoryMirror(opts.historyCapacity);
  // The run's timeline, from each batch's sample: it goes on across a worker that crashes.
  const timeline = new TimelineStore();
  // The run's port-usage history (latest, trend, marks), from each batch's sample, likewise.
  const ports = new PortUsageHistoryStore();
  let paused = false;
  let intervalMs = opts.intervalMs === undefined ? DEFAULT_INTERVAL_MS : validateInterval(opts.intervalMs);
  let lastStatus: EngineStatus = {
    paused,
    intervalMs,
    source: opts.source ?? 'auto',
    lastPollAt: null,
    lastPollMs: null,
    lastError: null,
  };

  const emit = (json: string) => {
    for (const l of listeners) {
      try {
        l(json);
      } catch {
        // a faulty listener must not break delivery to the others
      }
    }
  };

  /** A batch the host writes itself: no events, just a status that says what went wrong. */
  const emitError = (message: string) => {
    lastStatus = { ...lastStatus, lastError: message };
    const time = Date.now();
    emit(encodeBatch({ seq: ++lastSeq, time, full: false, events: [], status: lastStatus }));
  };

  const rejectAll = (message: string) => {
    for (const p of pending.values()) p.reject(new Error(message));
    pending.clear();
  };

  const spawn = () => {
    const config: WorkerConfig = {
      source: opts.source ?? 'auto',
      intervalMs,
      paused,
      firstSeq: lastSeq + 1,
      historyCapacity: opts.historyCapacity,
      // A replacement worker (after a crash or restart) goes on with the run's history.
      history: lastSeq > 0 ? mirror.seed() : undefined,
      seed: opts.seed,
      connections: opts.connections,
      churn: opts.churn,
      traffic: opts.traffic,
      tables: opts.tables,
      testHooks: opts.testHooks,
    };
    const w = (opts.spawn ?? spawnWorkerThread)(opts.workerPath, config);
    worker = w;
    let crashMessage: string | null = null;
    w.on('message', (m: WorkerMessage) => {
      // A child the host has let go (restart, close) may still post: it feeds nothing.
      if (worker !== w || m === null || typeof m !== 'object') return;
      if (m.type === 'batch') {
        if (m.history) {
          try {
            mirror.apply(m.history);
          } catch {
            // a malformed record (it crossed a process boundary) is left out of the history
          }
        }
        if (m.timeline !== undefined && isTimelineSample(m.timeline)) timeline.push(m.timeline);
        if (m.ports !== undefined && isPortUsageSample(m.ports)) ports.push(m.ports);
        lastSeq = m.seq;
        lastStatus = m.status;
        if (m.status.lastError === null) crashes = 0;
        emit(m.json);
      } else if (m.type === 'response') {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
      } else if (m.type === 'fatal') {
        fatal = m.error;
        emitError(m.error);
      }
    });
    w.on('error', (e) => {
      crashMessage = e instanceof Error ? e.message : String(e);
    });
    w.on('exit', (code) => {
      if (worker !== w) return; // replaced on purpose (restart / close)
      worker = null;
      if (closed) return;
      const why = crashMessage ?? describeExitCode(code);
      rejectAll(`engine worker stopped: ${why}`);
      if (fatal !== null) return;
      const again = opts.restartOnCrash ?? true;
      const message = `engine worker crashed (${why})${again ? '; restarting' : ''}`;
      emitError(message);
      opts.onCrash?.(message);
      if (!again) return;
      const base = opts.restartDelayMs ?? 1000;
      const delay = Math.min(30_000, base * 2 ** Math.min(crashes, 10));
      crashes++;
      restartTimer = setTimeout(() => {
        restartTimer = null;
        if (!closed && worker === null) spawn();
      }, delay);
    });
  };

  /** Why nothing can be answered now (closed, or an engine that cannot run); null when it can. */
  const unavailable = (): Error | null => (closed ? new Error('engine host is closed') : fatal !== null ? new Error(fatal) : null);

  const request = <T>(op: RequestOp, arg?: unknown): Promise<T> => {
    const no = unavailable();
    if (no) return Promise.reject(no);
    const w = worker;
    if (!w) return Promise.reject(new Error('engine worker is restarting; try again shortly'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      w.postMessage({ id, op, arg });
    });
  };

  /** Validation errors come back as rejected promises, like the worker's own errors. */
  const validated = <T>(check: () => T): Promise<T> => {
    try {
      return Promise.resolve(check());
    } catch (e) {
      return Promise.reject(e);
    }
  };

  const stopWorker = async () => {
    if (restartTimer !== null) clearTimeout(restartTimer);
    restartTimer = null;
    const w = worker;
    worker = null;
    if (w) await w.terminate();
  };

  spawn();

  return {
    onBatch(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async getSnapshot(): Promise<Snapshot> {
      return JSON.parse(await request<string>('getSnapshot')) as Snapshot;
    },
    getSnapshotJson() {
      return request<string>('getSnapshot');
    },
    async getHistory(limit?: unknown): Promise<History> {
      const value = await validated(() => validateHistoryLimit(limit));
      const no = unavailable();
      if (no) throw no;
      // Answered here, from the mirror: also while a crashed worker restarts. A text that is not
      // JSON (a record that crossed a process boundary) fails the whole parse: then event by event.
      try {
        return JSON.parse(mirror.historyJson(value)) as History;
      } catch {
        return mirror.history(value);
      }
    },
    async getTimeline(): Promise<TimelineData> {
      const no = unavailable();
      if (no) throw no;
      // Answered here, from the host's copy of the series: the run's, not a replacement engine's.
      return timeline.data();
    },
    async getPortUsage(): Promise<PortUsageHistory> {
      const no = unavailable();
      if (no) throw no;
      return ports.data();
    },
    async setPaused(p: unknown) {
      const value = await validated(() => validateBoolean(p, 'paused'));
      const s = await request<EngineStatus>('setPaused', value);
      paused = s.paused;
      return s;
    },
    async setInterval(ms: unknown) {
      const value = await validated(() => validateInterval(ms));
      const s = await request<EngineStatus>('setInterval', value);
      intervalMs = s.intervalMs;
      return s;
    },
    getStatus() {
      return request<EngineStatus>('getStatus');
    },
    async restart() {
      if (closed) throw new Error('engine host is closed');
      rejectAll('engine worker restarted');
      await stopWorker();
      // Closed meanwhile, or another restart already started a child: start none.
      if (closed || worker !== null) return;
      fatal = null;
      spawn();
    },
    async crashForTest() {
      await request('crash');
    },
    request,
    async close() {
      if (closed) return;
      closed = true;
      rejectAll('engine host closed');
      await stopWorker();
      listeners.clear();
    },
  };
}
