// Builds the CLI bundle once per test file and runs it as a real child process.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '../..');

export interface BuiltCli {
  path: string;
  dir: string;
  cleanup(): void;
}

/** Bundles main/cli/index.ts the way scripts/build.mjs does, into a private temp dir. */
export async function buildCli(): Promise<BuiltCli> {
  const dir = mkdtempSync(join(tmpdir(), 'netmon-cli-e2e-'));
  const path = join(dir, 'cli.cjs');
  await build({
    entryPoints: [join(ROOT, 'main/cli/index.ts')],
    outfile: path,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    external: ['electron', 'koffi', 'ws', 'bufferutil', 'utf-8-validate'],
    logLevel: 'error',
  });
  return { path, dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

const env = (): NodeJS.ProcessEnv => ({ ...process.env, NODE_PATH: join(ROOT, 'node_modules'), TZ: 'UTC' });

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI to completion. */
export function runCli(cli: BuiltCli, args: string[], timeoutMs = 30_000): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [cli.path, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`netmon ${args.join(' ')} did not finish in ${timeoutMs} ms; stderr: ${stderr}`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

/** A long-running CLI (watch) whose output the test waits on line by line. */
export interface LiveCli {
  child: ChildProcess;
  stdoutLines(): string[];
  stderr(): string;
  /** Waits until some stdout line satisfies `pred`; returns it. */
  waitForLine(pred: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  /** Waits until stderr matches `re`. */
  waitForStderr(re: RegExp, timeoutMs?: number): Promise<void>;
  /** Sends `signal` and resolves with the exit status. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the CLI; `extraEnv` overrides the environment (e.g. TZ). */
export function startCli(cli: BuiltCli, args: string[], extraEnv: NodeJS.ProcessEnv = {}): LiveCli {
  const child = spawn(process.execPath, [cli.path, ...args], { env: { ...env(), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const wake = new Set<() => void>();
  const notify = (): void => wake.forEach((w) => w());
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    notify();
  });
  child.stderr!.on('data', (d: Buffer) => {
    err += d.toString();
    notify();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    child.on('close', (code, signal) => {
      notify();
      r({ code, signal });
    }),
  );
  const lines = (): string[] => out.split('\n').filter((l) => l !== '');
  const until = (check: () => boolean, describe: () => string, timeoutMs: number): Promise<void> =>
    new Promise((res, rej) => {
      const test = (): void => {
        if (check()) {
          cleanup();
          res();
        } else if (child.exitCode !== null || child.signalCode !== null) {
          cleanup();
          rej(new Error(`netmon exited before ${describe()}; stderr: ${err}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        rej(new Error(`timed out waiting for ${describe()}; stdout: ${out}; stderr: ${err}`));
      }, timeoutMs);
      const cleanup = (): void => {
        clearTimeout(timer);
        wake.delete(test);
      };
      wake.add(test);
      test();
    });
  return {
    child,
    stdoutLines: lines,
    stderr: () => err,
    async waitForLine(pred, what, timeoutMs = 15_000) {
      await until(() => lines().some(pred), () => what, timeoutMs);
      return lines().find(pred)!;
    },
    waitForStderr: (re, timeoutMs = 15_000) => until(() => re.test(err), () => `stderr ${re}`, timeoutMs),
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const r = await exited;
      clearTimeout(timer);
      return r;
    },
  };
}
