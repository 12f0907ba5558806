// `netmon serve`: parses its flags, starts the engine and the local web server, prints the URL
// (with the run's token) and runs until SIGINT / SIGTERM.
import { checkOutputDir, FileArgError, fileReadError, readInputFile } from '../cli/file-args';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_INTERVAL_MS, MAX_INTERVAL_MS, MIN_INTERVAL_MS, validateInterval } from '../../shared/ipc';
import type { EngineHost } from '../engine/types';
import { tablesProblem } from '../cli/args';
import { LINUX_TABLES, type LinuxTables } from '../source/index';
import { DEMO_EVENTS_PER_CHURN, DEMO_MAX_CONNECTIONS, validateDemoOptions, type DemoOptions } from '../source/scripted';
import { dropSecretEnv } from '../child-env';
import { tokenProblem } from './auth';
import { installProcessGuard } from './guard';
import { createEngineRecorder } from './recording';
import { DEFAULT_MAX_CLIENTS, ServerConfigError, startServer } from './server';
import type { RunningServer, ServerActions, ServerResolver } from './types';

/** The sources serve offers: USER_SOURCE_KINDS (main/source/index.ts). */
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
  /** Where the token came from, when not random (the command line earns a warning). */
  tokenFrom?: 'flag' | 'file' | 'env';
  recordDir: string;
  /** The demo source's population and churn (--demo-connections, --demo-churn); only with `source: 'demo'`. */
  demo?: DemoOptions;
  /** Where the linux source reads its tables (--tables); absent: auto. Only for the linux source. */
  tables?: LinuxTables;
  /** Browser tabs and windows served at once (--max-clients). */
  maxClients: number;
}

/** The most --max-clients may allow: every client is sent every batch. */
export const MAX_MAX_CLIENTS = 1024;

export const SERVE_HELP = `Usage: netmon serve [--host ADDR] [--port N] [--source KIND] [--tables T] [--interval MS] [--open]
                   [--token-file FILE | --token TOKEN] [--record-dir DIR] [--allow-remote]
                   [--max-clients N]
                   [--demo-connections N] [--demo-churn FRACTION] [--demo-traffic FRACTION]

Serves the netmon UI to a browser on this machine (loopback only by default) and prints its
URL. The URL carries a token made for this run; it lasts until netmon stops. The page keeps the
token in the tab (sessionStorage), removes it from the address bar and sends it only on its
WebSocket handshake, so no other server on this machine ever receives it. The page's files are
served without the token: they are the same for every install and hold no data. Runs until
Ctrl-C or SIGTERM (exit 0).

Options:
  --host ADDR        address to bind (default 127.0.0.1); refused unless the address actually
                     bound is loopback, or --allow-remote is given
  --port N           port (default 0: any free port)
  --allow-remote     allow a non-loopback --host (anyone reaching it still needs the token)
  --source KIND      auto | linux | windows | demo (default auto)
  --tables T         auto | netlink | procfs: where the linux source reads the socket tables
                     (default auto: netlink sock_diag, procfs when netlink is refused); procfs
                     has no traffic counters, and the Traffic columns say so. Linux only
  --interval MS      poll interval, ${MIN_INTERVAL_MS}–${MAX_INTERVAL_MS} ms (default ${DEFAULT_INTERVAL_MS})
  --token-file FILE  read the token from FILE (at least 16 of A-Z a-z 0-9 _ -) instead of a
                     random one; the environment variable NETMON_TOKEN does the same
  --token TOKEN      the same on the command line, where every local user can read it
                     (ps, /proc/PID/cmdline): prefer --token-file or NETMON_TOKEN
  --record-dir DIR   where recordings started from the UI go (default ~/netmon-recordings, made
                     on first use); a DIR given must exist and be writable (checked at start)
  --demo-connections N
                     with --source demo: connections the simulated machine holds, 1–${DEMO_MAX_CONNECTIONS}
                     (default 120)
  --demo-churn FRACTION
                     with --source demo: share of established connections that start closing
                     each poll, 0–1 (default 0.03); events per poll ≈ ${DEMO_EVENTS_PER_CHURN} × churn ×
                     connections (50000 connections at 0.0036: ~1,000 events a poll)
  --demo-traffic FRACTION
                     with --source demo: share of established connections that move data each
                     poll, 0–1 (default 0: no traffic counters at all)
  --max-clients N    browser tabs and windows served at once, 1–${MAX_MAX_CLIENTS} (default ${DEFAULT_MAX_CLIENTS});
                     the next one is told "too many clients" (WebSocket close 1013) and
                     retries, getting in when another leaves
  --open             open the UI in the default browser: the browser is handed a launch page
                     only you can read, never the token on its command line
  -h, --help         this help
`;

export class ServeUsageError extends Error {
  override name = 'ServeUsageError';
}

/** Where parseServeArgs looks beyond argv (tests pass their own). */
export interface ServeArgsEnv {
  home?: string;
  env?: NodeJS.ProcessEnv;
  readFile?: (file: string) => string;
  /** The platform `--source auto` resolves on (default process.platform). */
  platform?: NodeJS.Platform;
}

/**
 * Flag parsing; `null` means help was asked for. The token comes from --token-file, --token or
 * NETMON_TOKEN (in that order), else startServer makes a random one. Throws ServeUsageError, or
 * FileArgError for a token file or recording directory that cannot be used.
 */
export function parseServeArgs(argv: readonly string[], where: ServeArgsEnv = {}): ServeOptions | null {
  const home = where.home ?? os.homedir();
  const env = where.env ?? process.env;
  const readFile = where.readFile ?? ((f: string) => readInputFile(f, 4096, 'token file'));
  let tokenFile: string | undefined;
  let recordDirGiven = false;
  const o: ServeOptions = {
    host: '127.0.0.1',
    port: 0,
    allowRemote: false,
    source: 'auto',
    intervalMs: DEFAULT_INTERVAL_MS,
    open: false,
    recordDir: path.join(home, 'netmon-recordings'),
    maxClients: DEFAULT_MAX_CLIENTS,
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
      case '--tables': {
        const v = value();
        if (!(LINUX_TABLES as readonly string[]).includes(v)) throw new ServeUsageError(`--tables must be one of ${LINUX_TABLES.join(', ')}, got ${JSON.stringify(v)}`);
        o.tables = v as LinuxTables;
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
        o.tokenFrom = 'flag';
        break;
      case '--token-file':
        tokenFile = value();
        break;
      case '--record-dir':
        o.recordDir = path.resolve(value());
        recordDirGiven = true;
        break;
      case '--open':
        o.open = true;
        break;
      case '--max-clients': {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > MAX_MAX_CLIENTS) throw new ServeUsageError(`--max-clients must be a whole number from 1 to ${MAX_MAX_CLIENTS}, got ${JSON.stringify(v)}`);
        o.maxClients = n;
        break;
      }
      case '--demo-connections': {
        const v = value();
        if (!/^\d+$/.test(v)) throw new ServeUsageError(`--demo-connections must be a whole number from 1 to ${DEMO_MAX_CONNECTIONS}, got ${JSON.stringify(v)}`);
        o.demo = { ...o.demo, connections: Number(v) };
        break;
      }
      case '--demo-churn':
      case '--demo-traffic': {
        const v = value();
        if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(v)) throw new ServeUsageError(`${name} must be a fraction from 0 to 1, got ${JSON.stringify(v)}`);
        o.demo = { ...o.demo, [name === '--demo-churn' ? 'churn' : 'traffic']: Number(v) };
        break;
      }
      default:
        throw new ServeUsageError(`unknown option ${raw} for "serve"`);
    }
  }
  const tablesWrong = tablesProblem(o, where.platform);
  if (tablesWrong !== null) throw new ServeUsageError(tablesWrong);
  if (o.demo) {
    if (o.source !== 'demo') throw new ServeUsageError(`--demo-connections, --demo-churn and --demo-traffic need --source demo (the source is ${o.source})`);
    try {
      validateDemoOptions(o.demo);
    } catch (e) {
      // "demo connections must be …" → "--demo-connections must be …"
      throw new ServeUsageError(`--${(e as Error).message.replace(/^demo (\w+)/, 'demo-$1')}`);
    }
  }
  if (tokenFile !== undefined) {
    try {
      o.token = readFile(tokenFile).trim();
    } catch (e) {
      throw fileReadError(e, 'token file', tokenFile);
    }
    o.tokenFrom = 'file';
  } else if (o.token === undefined && env.NETMON_TOKEN) {
    o.token = env.NETMON_TOKEN.trim();
    o.tokenFrom = 'env';
  }
  // Checked now, not when a recording is first started from the UI: a DIR given must exist and take
  // new files; the default is made on first use, so only a default that exists is checked.
  if (recordDirGiven || existsSync(o.recordDir)) checkOutputDir(o.recordDir, 'recording directory');
  const problem = o.token === undefined ? null : tokenProblem(o.token);
  if (problem) throw new ServeUsageError(`${{ flag: '--token', file: '--token-file', env: 'NETMON_TOKEN' }[o.tokenFrom ?? 'flag']}: ${problem}`);
  return o;
}

/** What runServe needs from the rest of netmon; the real wiring lives in ./wiring. */
export interface ServeDeps {
  startEngine(opts: { source: ServeSource; intervalMs: number; demo?: DemoOptions; tables?: LinuxTables }): Promise<EngineHost>;
  createActions?(): ServerActions;
  createResolver?(): ServerResolver;
  /** The built renderer. */
  staticDir: string;
  openUrl?(url: string): void;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Home directory, environment and file reader for flag parsing (default: this process's). */
  argsEnv?: ServeArgsEnv;
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
    opts = parseServeArgs(argv, deps.argsEnv);
  } catch (e) {
    // The same shape as every other command's usage errors (main/cli/main.ts): a file named is one line.
    err(e instanceof FileArgError ? `netmon: ${e.message}` : `netmon: ${(e as Error).message}\nRun \`netmon serve --help\` for usage.`);
    return 2;
  }
  if (!opts) {
    out(SERVE_HELP.trimEnd());
    return 0;
  }
  // Read: from here on the token is held in opts only, and nothing netmon starts inherits it.
  dropSecretEnv(deps.argsEnv?.env ?? process.env);
  let engine: EngineHost | null = null;
  let server: RunningServer;
  const recorder = (e: EngineHost) => createEngineRecorder({ engine: e, dir: opts.recordDir });
  let rec: ReturnType<typeof recorder> | null = null;
  try {
    engine = await deps.startEngine({ source: opts.source, intervalMs: opts.intervalMs, ...(opts.demo ? { demo: opts.demo } : {}), ...(opts.tables ? { tables: opts.tables } : {}) });
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
      maxClients: opts.maxClients,
      log: err,
    });
  } catch (e) {
    err(`netmon: ${(e as Error).message}`);
    rec?.close();
    await engine?.close();
    // A setting refused as given (a non-loopback --host without --allow-remote, a name that does not
    // resolve) is bad usage, as the exit codes say; a server that fails to start (port in use) is not.
    return e instanceof ServerConfigError ? 2 : 1;
  }
  if (opts.tokenFrom === 'flag') {
    err('netmon: warning: --token is visible to every local user (ps, /proc/PID/cmdline); use --token-file FILE or NETMON_TOKEN');
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
