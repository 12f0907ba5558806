// The engine entry's link to its host, wherever it runs: a worker thread (worker_threads'
// parentPort + workerData) or an Electron utility process (process.parentPort, whose messages
// arrive as { data }, with the configuration passed as one `--engine-config=<JSON>` argument).
import { parentPort, workerData } from 'node:worker_threads';
import { SEED_HISTORY_OP, type WorkerConfig, type WorkerMessage, type WorkerRequest } from './protocol';
import type { HistorySeed } from './history';

export const ENGINE_CONFIG_SWITCH = '--engine-config=';

/** Starts the engine from the whole configuration; returns what answers each request. */
export type EngineStart = (config: WorkerConfig) => (request: WorkerRequest) => void;

export interface EngineChildPort {
  post(message: WorkerMessage): void;
  /**
   * Calls `start` once the configuration is whole (a utility process waits for the history seed's
   * message), then hands every request, in order, to what it returned: one that arrives before
   * (right behind the seed) waits for the start instead of finding no engine.
   */
  serve(start: EngineStart): void;
}

/** Electron's process.parentPort inside a utility process (absent elsewhere). */
interface UtilityParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/**
 * The argument that carries the configuration to a utility process. A history seed is left out
 * (it can be megabytes; a command line holds 32,767 characters on Windows): `historyFollows` says
 * it comes as the first message (engineConfigMessages).
 */
export function encodeEngineConfigArg(config: WorkerConfig): string {
  const { history, ...rest } = config;
  return ENGINE_CONFIG_SWITCH + JSON.stringify(history ? { ...rest, historyFollows: true } : rest);
}

/** The messages a utility process must get before any request: the history seed, when there is one. */
export function engineConfigMessages(config: WorkerConfig): WorkerRequest[] {
  return config.history ? [{ id: 0, op: SEED_HISTORY_OP, arg: config.history }] : [];
}

/** Whether `v` has a HistorySeed's shape (it crossed a process boundary). */
function isHistorySeed(v: unknown): v is HistorySeed {
  const s = v as Partial<HistorySeed> | null;
  return (
    typeof s === 'object' &&
    s !== null &&
    (s.since === null || typeof s.since === 'number') &&
    Array.isArray(s.rows) &&
    s.rows.every((r) => Array.isArray(r) && typeof r[0] === 'string' && typeof r[1] === 'number' && typeof r[2] === 'number' && typeof r[3] === 'boolean')
  );
}

/**
 * Serves a utility process's requests (see EngineChildPort.serve): the configuration from its
 * argument and, when `historyFollows`, the first message `subscribe` delivers (a malformed seed is
 * dropped: the engine starts a fresh history rather than not at all). Requests that come before the
 * seed's wait for it; the seed's message is never a request.
 */
export function serveUtility(argvConfig: WorkerConfig, subscribe: (listener: (data: unknown) => void) => void, start: EngineStart): void {
  let waiting = argvConfig.historyFollows === true;
  const { historyFollows: _, ...base } = argvConfig;
  let handle: ((r: WorkerRequest) => void) | null = waiting ? null : start(base);
  const early: WorkerRequest[] = [];
  subscribe((data) => {
    const m = data as Partial<WorkerRequest> | null;
    if (waiting && m !== null && typeof m === 'object' && m.op === SEED_HISTORY_OP) {
      waiting = false;
      const h = (handle = start(isHistorySeed(m.arg) ? { ...base, history: m.arg } : base));
      for (const r of early.splice(0)) h(r);
      return;
    }
    if (handle) handle(data as WorkerRequest);
    else early.push(data as WorkerRequest);
  });
}

/** Reads the configuration back from argv; throws when it is missing or not an object. */
export function decodeEngineConfigArg(argv: readonly string[]): WorkerConfig {
  const arg = argv.find((a) => a.startsWith(ENGINE_CONFIG_SWITCH));
  if (!arg) throw new Error(`engine: no ${ENGINE_CONFIG_SWITCH}… argument`);
  const value = JSON.parse(arg.slice(ENGINE_CONFIG_SWITCH.length)) as unknown;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('engine: the configuration is not an object');
  return value as WorkerConfig;
}

/** The port of the current thread or process; throws when started neither way. */
export function engineChildPort(): EngineChildPort {
  if (parentPort) {
    const port = parentPort;
    return {
      post: (m) => port.postMessage(m),
      serve: (start) => void port.on('message', start(workerData as WorkerConfig)),
    };
  }
  const utility = (process as { parentPort?: UtilityParentPort }).parentPort;
  if (utility) {
    const argvConfig = decodeEngineConfigArg(process.argv);
    return {
      post: (m) => utility.postMessage(m),
      serve: (start) => serveUtility(argvConfig, (l) => void utility.on('message', (e) => l(e.data)), start),
    };
  }
  throw new Error('engine: must run in a worker thread or an Electron utility process');
}
