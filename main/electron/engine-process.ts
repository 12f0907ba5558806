// The desktop app runs the engine in an Electron utility process instead of a worker thread: a fault
// in a native (koffi) call then ends that process only, the host reports it in the batch stream and
// starts a new one, and the window stays up. Same entry (dist/main/engine-worker.cjs) and messages.
import { childEnv } from '../child-env';
import { encodeEngineConfigArg, engineConfigMessages } from '../engine/child-port';
import type { EngineChild, SpawnEngineChild } from '../engine/host';
import type { WorkerMessage, WorkerRequest } from '../engine/protocol';

/** The slice of Electron's UtilityProcess used here (docs: electronjs.org/docs/api/utility-process). */
export interface UtilityProcessLike {
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'spawn', listener: () => void): unknown;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  on(event: 'error', listener: (type: string, location: string) => void): unknown;
}

export interface UtilityProcessApi {
  fork(modulePath: string, args: string[], options: { serviceName: string; stdio: 'inherit' | 'ignore'; env: NodeJS.ProcessEnv }): UtilityProcessLike;
}

/** How long terminate() waits for the process to be gone before it gives up waiting. */
const TERMINATE_WAIT_MS = 3000;

/** A SpawnEngineChild that forks `utilityProcess` (only after app `ready`, as Electron requires). */
export function utilityProcessSpawner(api: UtilityProcessApi): SpawnEngineChild {
  return (modulePath, config) => {
    const child = api.fork(modulePath, [encodeEngineConfigArg(config)], { serviceName: 'netmon engine', stdio: 'inherit', env: childEnv() });
    let spawned = false;
    let exited = false;
    // Requests made before the process is up are sent once it is, after what the configuration's
    // argument leaves out (the history seed).
    const queued: WorkerRequest[] = engineConfigMessages(config);
    const exitWaiters: (() => void)[] = [];
    child.on('spawn', () => {
      spawned = true;
      for (const m of queued.splice(0)) child.postMessage(m);
    });
    child.on('exit', () => {
      exited = true;
      for (const w of exitWaiters.splice(0)) w();
    });
    const adapter: EngineChild = {
      postMessage(m) {
        if (exited) return;
        if (spawned) child.postMessage(m);
        else queued.push(m);
      },
      on(event: 'message' | 'error' | 'exit', listener: (arg: never) => void) {
        if (event === 'message') child.on('message', (m) => (listener as (m: WorkerMessage) => void)(m as WorkerMessage));
        else if (event === 'error') child.on('error', (type, location) => (listener as (e: unknown) => void)(new Error(`${type} at ${location}`)));
        else child.on('exit', listener as (code: number) => void);
        return adapter;
      },
      terminate() {
        if (exited) return Promise.resolve();
        return new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, TERMINATE_WAIT_MS);
          exitWaiters.push(() => {
            clearTimeout(timer);
            resolve();
          });
          child.kill();
        });
      },
    };
    return adapter;
  };
}

/**
 * Runs the engine with `primary` (the utility process) and falls back to `fallback` (a worker
 * thread) for good once `primary` has ended `maxSilentExits` times in a row without a single
 * message — an engine process that cannot even start (e.g. an Electron that will not load it from
 * app.asar) must not leave the app without an engine. Tells `onFallback` why, once.
 */
export function withFallback(primary: SpawnEngineChild, fallback: SpawnEngineChild, opts: { maxSilentExits?: number; onFallback(why: string): void }): SpawnEngineChild {
  const limit = opts.maxSilentExits ?? 2;
  let silentExits = 0;
  let fellBack = false;
  return (modulePath, config) => {
    if (fellBack) return fallback(modulePath, config);
    const child = primary(modulePath, config);
    let heard = false;
    child.on('message', () => {
      heard = true;
      silentExits = 0;
    });
    child.on('exit', (code) => {
      if (heard) return;
      silentExits++;
      if (silentExits >= limit && !fellBack) {
        fellBack = true;
        opts.onFallback(`the engine process ended ${silentExits} times before its first message (last exit code ${code}); the engine now runs in a worker thread, where a native fault ends the whole app`);
      }
    });
    return child;
  };
}
