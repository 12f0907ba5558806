// The engine entry's link to its host, wherever it runs: a worker thread (worker_threads'
// parentPort + workerData) or an Electron utility process (process.parentPort, whose messages
// arrive as { data }, with the configuration passed as one `--engine-config=<JSON>` argument).
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerConfig, WorkerMessage, WorkerRequest } from './protocol';

export const ENGINE_CONFIG_SWITCH = '--engine-config=';

export interface EngineChildPort {
  config: WorkerConfig;
  post(message: WorkerMessage): void;
  onRequest(listener: (request: WorkerRequest) => void): void;
}

/** Electron's process.parentPort inside a utility process (absent elsewhere). */
interface UtilityParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
}

/** The argument that carries the configuration to a utility process. */
export function encodeEngineConfigArg(config: WorkerConfig): string {
  return ENGINE_CONFIG_SWITCH + JSON.stringify(config);
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
      config: workerData as WorkerConfig,
      post: (m) => port.postMessage(m),
      onRequest: (l) => void port.on('message', l),
    };
  }
  const utility = (process as { parentPort?: UtilityParentPort }).parentPort;
  if (utility) {
    return {
      config: decodeEngineConfigArg(process.argv),
      post: (m) => utility.postMessage(m),
      onRequest: (l) => void utility.on('message', (e) => l(e.data as WorkerRequest)),
    };
  }
  throw new Error('engine: must run in a worker thread or an Electron utility process');
}
