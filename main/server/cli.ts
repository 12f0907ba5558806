// `netmon serve`: parses its flags, starts the engine and the local web server, prints the URL
// (with the token) and runs until SIGINT / SIGTERM.
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_INTERVAL_MS, validateInterval } from '../../shared/ipc';
import type { EngineHost } from '../engine/types';
import { installProcessGuard } from './guard';
import { createEngineRecorder } from './recording';
import { startServer } from './server';
import type { RunningServer, ServerActions, ServerResolver } from './types';

export const SERVE_SOURCES = ['auto', 'linux', 'windows', 'demo'] as const;
export type ServeSource = (typeof SERVE_SOURCES)[number];

export interface ServeOptions {
  host: string;
  port: number;
  allowRemote: boolean;
  source: ServeSource;
  intervalMs: number;
  open: boolean;
  token?: string;
  recordDir: string;
}

export const SERVE_HELP = `usage: netmon serve [options]

Serves the netmon UI to a browser on this machine (loopback only by default) and prints a URL
with a one-time token. Runs until Ctrl+C.

  --host ADDR        address to bind (default 127.0.0.1)
  --port N           port (default 0: any free port)
  --allow-remote     allow a non-loopback --host (anyone reaching it still needs the token)
  --source KIND      auto | linux | windows | demo (default auto)
  --interval MS      poll interval in ms (default ${DEFAULT_INTERVAL_MS})
  --token TOKEN      fixed token instead of a random one (for tests)
  --record-dir DIR   where recordings started from the UI go (default ~/netmon-recordings)
  --open             open the URL in the default browser
  -h, --help         this text
`;

export class ServeUsageError extends Error {
  override name = 'ServeUsageError';
}

/** Pure flag parsing; `null` means help was asked for. */
export function parseServeArgs(argv: readonly string[], home = os.homedir()): ServeOptions | null {
  const o: ServeOptions = {
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    source: 'auto',
    intervalMs: DEFAULT_INTERVAL_MS,
    open: false,
    recordDir: path.join(home, 'netmon-recordings'),
  };
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    const value = (): string => {
      if (eq > 0) return raw.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new ServeUsageError(`${name} needs a value`);
      return v;
    };
    switch (name) {
      case '-h':
      case '--help':
        return null;
      case '--host':
        o.host = value();
        break;
      case '--port': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new ServeUsageError(`--port must be 0..65535, got ${JSON.stringify(v)}`);
        o.port = n;
        break;
      }
      case '--allow-remote':
        o.allowRemote = true;
        break;
      case '--source': {
        const v = value();
        if (!(SERVE_SOURCES as readonly string[]).includes(v)) {
          throw new ServeUsageError(`--source must be one of ${SERVE_SOURCES.join(', ')}, got ${JSON.stringify(v)}`);
        }
        o.source = v as ServeSource;
        break;
      }
      case '--interval': {
        const v = value();
        try {
          o.intervalMs = validateInterval(/^\d+$/.test(v) ? Number(v) : v);
        } catch (e) {
          throw new ServeUsageError(`--interval: ${(e as Error).message}`);
        }
        break;
      }
      case '--token':
        o.token = value();
        break;
      case '--record-dir':
        o.recordDir = path.resolve(value());
        break;
      case '--open':
        o.open = true;
        break;
      default:
        throw new ServeUsageError(`unknown option ${JSON.stringify(raw)} (see netmon serve --help)`);
    }
  }
  return o;
}

/** What runServe needs from the rest of netmon; the real wiring lives in ./wiring. */
export interface ServeDeps {
  startEngine(opts: { source: ServeSource; intervalMs: number }): Promise<EngineHost>;
  createActions?(): ServerActions;
  createResolver?(): ServerResolver;
  /** The built renderer. */
  staticDir: string;
  openUrl?(url: string): void;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Resolves when the process should stop (default: SIGINT / SIGTERM). */
  untilStopped?: () => Promise<string>;
}

function waitForSignal(): Promise<string> {
  return new Promise((resolve) => {
    const done = (sig: NodeJS.Signals): void => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve(sig);
    };
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

export async function runServeWith(argv: string[], deps: ServeDeps): Promise<number> {
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = deps.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  let opts: ServeOptions | null;
  try {
    opts = parseServeArgs(argv);
  } catch (e) {
    err(`netmon serve: ${(e as Error).message}`);
    return 2;
  }
  if (!opts) {
    out(SERVE_HELP.trimEnd());
    return 0;
  }
  let engine: EngineHost | null = null;
  let server: RunningServer;
  const recorder = (e: EngineHost) => createEngineRecorder({ engine: e, dir: opts.recordDir });
  let rec: ReturnType<typeof recorder> | null = null;
  try {
    engine = await deps.startEngine({ source: opts.source, intervalMs: opts.intervalMs });
    rec = recorder(engine);
    server = await startServer({
      host: opts.host,
      port: opts.port,
      allowRemote: opts.allowRemote,
      token: opts.token,
      engine,
      actions: deps.createActions?.(),
      resolver: deps.createResolver?.(),
      recorder: rec,
      staticDir: deps.staticDir,
      log: err,
    });
  } catch (e) {
    err(`netmon serve: ${(e as Error).message}`);
    rec?.close();
    await engine?.close();
    return 1;
  }
  out(`netmon: serving on ${server.url}`);
  if (opts.allowRemote) err('netmon: warning: --allow-remote: reachable beyond this machine; keep the token secret');
  if (opts.open) deps.openUrl?.(server.url);
  await (deps.untilStopped ?? waitForSignal)();
  rec.close();
  await server.close();
  await engine.close();
  return 0;
}

/** Entry point for `netmon serve` (dispatched from the CLI). */
export async function runServe(argv: string[]): Promise<number> {
  const { defaultServeDeps } = await import('./wiring');
  // Anything a handler lets slip is one stderr line, not the end of the server.
  const removeGuard = installProcessGuard((line) => process.stderr.write(`${line}\n`));
  try {
    return await runServeWith(argv, defaultServeDeps());
  } finally {
    removeGuard();
  }
}
