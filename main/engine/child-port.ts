// The engine entry's link to its host, wherever it runs: a worker thread (worker_threads'
// parentPort + workerData) or an Electron utility process (process.parentPort, whose messages
// arrive as { data }, with the configuration passed as one `--engine-config=<JSON>` argument).
import { parentPort, workerData } from 'node:worker_threads';
import { SEED_HISTORY_OP, type WorkerConfig, type WorkerMessage, type WorkerRequest } from './protocol';
import type { HistorySeed } from './history';

export const ENGINE_CONFIG_SWITCH = '--engine-config=';

export interface EngineChildPort {
  /** The configuration, once whole (a utility process waits for the history seed's message). */
  config: Promise<WorkerConfig>;
  post(message: WorkerMessage): void;
  onRequest(listener: (request: WorkerRequest) => void): void;
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
 * The whole configuration of a utility process from its argument and, when `historyFollows`, the
 * first message `subscribe` delivers (a malformed seed is dropped: the engine starts a fresh history
 * rather than not at all). Other messages go to `onRequest` listeners, never the seed.
 */
export function utilityConfig(
  argvConfig: WorkerConfig,
  subscribe: (listener: (data: unknown) => void) => void,
): { config: Promise<WorkerConfig>; onRequest(listener: (request: WorkerRequest) => void): void } {
  const listeners: ((r: WorkerRequest) => void)[] = [];
  let waiting = argvConfig.historyFollows === true;
  const { historyFollows: _, ...base } = argvConfig;
  let ready: (c: WorkerConfig) => void = () => undefined;
  const config = waiting ? new Promise<WorkerConfig>((r) => (ready = r)) : Promise.resolve(base);
  subscribe((data) => {
    const m = data as Partial<WorkerRequest> | null;
    if (waiting && m !== null && typeof m === 'object' && m.op === SEED_HISTORY_OP) {
      waiting = false;
      ready(isHistorySeed(m.arg) ? { ...base, history: m.arg } : base);
      return;
    }
    for (const l of listeners) l(data as WorkerRequest);
  });
  return { config, onRequest: (l) => void listeners.push(l) };
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
      config: Promise.resolve(workerData as WorkerConfig),
      post: (m) => port.postMessage(m),
      onRequest: (l) => void port.on('message', l),
    };
  }
  const utility = (process as { parentPort?: UtilityParentPort }).parentPort;
  if (utility) {
    const { config, onRequest } = utilityConfig(decodeEngineConfigArg(process.argv), (l) => void utility.on('message', (e) => l(e.data)));
    return { config, post: (m) => utility.postMessage(m), onRequest };
  }
  throw new Error('engine: must run in a worker thread or an Electron utility process');
}
