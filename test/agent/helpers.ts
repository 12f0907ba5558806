// Builds the CLI and the engine worker the way scripts/build.mjs lays them out (cli.cjs beside
// main/engine-worker.cjs), into a private temp dir, and starts processes the tests end by PID.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { buildCli } from '../cli/helpers';

const ROOT = resolve(__dirname, '../..');

export interface BuiltAgent {
  cli: string;
  dir: string;
  cleanup(): void;
}

/** The CLI bundle (test/cli/helpers.ts) plus the engine worker where the agent looks for it. */
export async function buildAgent(): Promise<BuiltAgent> {
  const cli = await buildCli();
  await build({
    entryPoints: [join(ROOT, 'main/engine/worker.ts')],
    outfile: join(cli.dir, 'main', 'engine-worker.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['koffi'],
    logLevel: 'error',
  });
  return { cli: cli.path, dir: cli.dir, cleanup: cli.cleanup };
}

/** A program the test needs; fails saying how to get it (scripts/setup.sh installs it). */
export function requireTool(path: string, pkg: string): string {
  const r = spawnSync(path, ['--version'], { encoding: 'utf8' });
  if (r.error) throw new Error(`${path} is missing: install Debian's ${pkg} (npm run setup does)`);
  return path;
}

export interface Started {
  child: ChildProcess;
  output: () => string;
  /** Ends the process by PID (SIGTERM, then SIGKILL after 3 s); resolves with its exit code. */
  stop(): Promise<number | null>;
}

export function start(cmd: string, args: string[], env: NodeJS.ProcessEnv = {}): Started {
  const child = spawn(cmd, args, { env: { ...process.env, NODE_PATH: join(ROOT, 'node_modules'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    output: () => out,
    async stop() {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        process.kill(child.pid, 'SIGTERM');
        const t = setTimeout(() => child.pid && child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 3000);
        const code = await exited;
        clearTimeout(t);
        return code;
      }
      return child.exitCode;
    },
  };
}

/** Polls `check` every 200 ms until it returns a value (not undefined) or `ms` pass; then throws with `what`. */
export async function until<T>(ms: number, what: () => string, check: () => Promise<T | undefined> | T | undefined): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms: ${what()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A free loopback TCP port (bound and released). */
export async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
