// NETMON_TOKEN (the `netmon serve` token) never reaches a process netmon starts: the browser
// opener, `ss`, `netsh`, the engine's worker thread or utility process. Each is started for real
// where it can be here (stand-in programs on PATH that write down the environment they were given).
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { childEnv, dropSecretEnv } from '../../main/child-env';
import { utilityProcessSpawner, type UtilityProcessApi, type UtilityProcessLike } from '../../main/electron/engine-process';
import { spawnWorkerThread } from '../../main/engine/host';
import { createLinuxActions } from '../../main/source/linux/actions';
import { createProcessCache } from '../../main/source/linux/processes';
import { readDynamicRanges } from '../../main/source/port-range';
import { bundleServe } from './bundle';

const TOKEN = 'tokenFromTheEnvironment_0123456789';

let dir: string;
let saved: NodeJS.ProcessEnv;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'netmon-token-env-'));
  saved = { ...process.env };
  process.env.NETMON_TOKEN = TOKEN;
});
afterEach(() => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  rmSync(dir, { recursive: true, force: true });
});

/** A stand-in program `name` in `dir`: writes the environment it got to `<name>.env`, its arguments to `<name>.args`. */
function standIn(name: string, stdout = ''): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `#!/bin/sh\nenv > '${dir}/${name}.env'\nprintf '%s\\n' "$@" > '${dir}/${name}.args'\nprintf '%s' '${stdout}'\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

const envOf = (name: string): string => readFileSync(path.join(dir, `${name}.env`), 'utf8');

describe('childEnv / dropSecretEnv', () => {
  it('copies the environment without NETMON_TOKEN and leaves the original alone; dropSecretEnv removes it in place', () => {
    const env = { PATH: '/bin', NETMON_TOKEN: TOKEN, NETMON_SOURCE: 'demo' };
    expect(childEnv(env)).toEqual({ PATH: '/bin', NETMON_SOURCE: 'demo' });
    expect(env.NETMON_TOKEN).toBe(TOKEN);
    dropSecretEnv(env);
    expect(env).toEqual({ PATH: '/bin', NETMON_SOURCE: 'demo' });
  });
});

describe('processes netmon starts do not inherit NETMON_TOKEN', () => {
  it('ss, run to close a connection (Linux actions)', async () => {
    const ss = standIn('ss');
    const a = createLinuxActions({ ssPath: ss });
    await a.closeConnection({ family: 4, localAddress: '127.0.0.1', localPort: 40000, remoteAddress: '127.0.0.1', remotePort: 40001 });
    const env = envOf('ss');
    expect(env).toMatch(/^PATH=/m);
    expect(env).not.toContain('NETMON_TOKEN');
    expect(env).not.toContain(TOKEN);
  });

  it('netsh, run for the Windows dynamic port range', async () => {
    standIn('netsh', 'Protocol tcp Dynamic Port Range\\n---------------------------------\\nStart Port      : 50000\\nNumber of Ports : 1000\\n');
    process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
    const r = await readDynamicRanges('win32');
    // The stand-in was run (its answer came back), and without the token.
    expect([r.origin, r.ranges.tcp]).toEqual(['netsh int ipv4 show dynamicport', { low: 50000, high: 50999 }]);
    expect(envOf('netsh')).not.toContain(TOKEN);
  });

  it('getconf, run once for CLK_TCK when a process start time is first needed', async () => {
    standIn('getconf', '100\\n');
    process.env.PATH = `${dir}:${process.env.PATH ?? ''}`;
    const d = await createProcessCache().details(process.pid);
    expect(d?.startTime).toBeGreaterThan(0);
    expect(readFileSync(path.join(dir, 'getconf.args'), 'utf8')).toBe('CLK_TCK\n');
    expect(envOf('getconf')).not.toContain(TOKEN);
  });

  it('the engine worker thread', async () => {
    const probe = path.join(dir, 'probe.cjs');
    writeFileSync(probe, "require('node:worker_threads').parentPort.postMessage({ token: process.env.NETMON_TOKEN ?? null, path: !!process.env.PATH });\n");
    const w = spawnWorkerThread(probe, { source: 'demo', intervalMs: 1000, firstSeq: 1 });
    try {
      const got = await new Promise<unknown>((resolve, reject) => {
        w.on('message', resolve);
        w.on('error', reject);
      });
      expect(got).toEqual({ token: null, path: true });
    } finally {
      await w.terminate();
    }
  });

  it('the engine utility process (desktop app): forked with an environment without the token', () => {
    const forks: { env: NodeJS.ProcessEnv }[] = [];
    const api: UtilityProcessApi = {
      fork: (_m, _a, options) => {
        forks.push(options);
        return { postMessage: () => undefined, kill: () => true, on: () => undefined } as unknown as UtilityProcessLike;
      },
    };
    utilityProcessSpawner(api)('/app/dist/main/engine-worker.cjs', { source: 'demo', intervalMs: 1000, firstSeq: 1 });
    expect(forks).toHaveLength(1);
    expect(forks[0].env.NETMON_TOKEN).toBeUndefined();
    expect(forks[0].env.PATH).toBe(process.env.PATH);
  });

  it('the browser opener of `netmon serve --open`: the token reaches the browser through the launch page only', async () => {
    const dist = await bundleServe();
    standIn('xdg-open');
    const child = spawn(process.execPath, [path.join(dist, 'cli.cjs'), 'serve', '--port', '0', '--source', 'demo', '--open'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: path.resolve('node_modules'), NETMON_TOKEN: TOKEN, PATH: `${dir}:${process.env.PATH ?? ''}` },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await expect.poll(() => existsSync(path.join(dir, 'xdg-open.args')), { timeout: 30_000 }).toBe(true);
      // The server uses the token it was given...
      expect(stdout).toMatch(new RegExp(`serving on http://127\\.0\\.0\\.1:\\d+/\\?token=${TOKEN}`));
      // ...the opener is not given it in its environment or its arguments...
      expect(envOf('xdg-open')).not.toContain(TOKEN);
      const target = readFileSync(path.join(dir, 'xdg-open.args'), 'utf8').trim();
      expect(target).not.toContain(TOKEN);
      // ...and the browser gets it from the private launch page.
      expect(readFileSync(new URL(target), 'utf8')).toContain(`?token=${TOKEN}`);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dist, { recursive: true, force: true });
    }
    expect(stderr).toBe('');
  }, 90_000);
});
