// `netmon serve`: flag parsing, the run loop with fakes, and the real bundled command against the
// real engine worker and this machine's kernel table.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { parseServeArgs, runServeWith, SERVE_HELP } from '../../main/server/cli';
import { decodeBatch, type EventBatch } from '../../shared/ipc';
import { batchJsonOf, wsProtocols } from '../../shared/ws-protocol';
import { bundleServe } from './bundle';
import { fakeEngine, fakeStaticDir, get } from './helpers';
import { rawExchange, upgradeRequest } from './raw';

const TOKEN = 'fixed-token-for-test-1234';

describe('parseServeArgs', () => {
  it('defaults to loopback, any port, auto source, 1 s', () => {
    expect(parseServeArgs([], { home: '/home/u', env: {} })).toEqual({
      host: '127.0.0.1',
      port: 0,
      allowRemote: false,
      source: 'auto',
      intervalMs: 1000,
      open: false,
      recordDir: path.join('/home/u', 'netmon-recordings'),
      maxClients: 32,
    });
  });
  it('reads every flag, with or without =', () => {
    const o = parseServeArgs(['--host', '::1', '--port=8080', '--allow-remote', '--source', 'demo', '--interval', '250', '--token', TOKEN, '--open']);
    expect(o).toMatchObject({ host: '::1', port: 8080, allowRemote: true, source: 'demo', intervalMs: 250, token: TOKEN, tokenFrom: 'flag', open: true });
  });
  it('takes the token from --token-file, then --token, then NETMON_TOKEN (issue 7 §2)', () => {
    const files: Record<string, string> = { '/run/t': `${TOKEN}\n` };
    const where = { env: { NETMON_TOKEN: 'env-token-env-token-1' }, readFile: (f: string) => files[f] ?? (() => { throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' }); })() };
    expect(parseServeArgs(['--token-file', '/run/t', '--token', 'flag-token-flag-token'], where)).toMatchObject({ token: TOKEN, tokenFrom: 'file' });
    expect(parseServeArgs(['--token', 'flag-token-flag-token'], where)).toMatchObject({ token: 'flag-token-flag-token', tokenFrom: 'flag' });
    expect(parseServeArgs([], where)).toMatchObject({ token: 'env-token-env-token-1', tokenFrom: 'env' });
    expect(parseServeArgs([], { env: {} })?.token).toBeUndefined();
    expect(() => parseServeArgs(['--token-file', '/nope'], where)).toThrow("cannot read token file '/nope': no such file");
    expect(() => parseServeArgs(['--token', 'short'], where)).toThrow('--token: token must be at least 16 URL-safe characters');
    expect(() => parseServeArgs([], { env: { NETMON_TOKEN: 'has spaces in it, too many' } })).toThrow(/^NETMON_TOKEN: token must be/);
  });
  it('documents the flags, the run-long token and where it travels in --help (issue 9 §5)', () => {
    expect(SERVE_HELP).toMatch(/^Usage: netmon serve /);
    expect(SERVE_HELP).not.toMatch(/one-time/i);
    expect(SERVE_HELP).toMatch(/lasts until netmon stops/);
    for (const flag of ['--token-file FILE', 'NETMON_TOKEN', '/proc/PID/cmdline', '--open', '-h, --help']) expect(SERVE_HELP).toContain(flag);
  });
  it('returns null for --help', () => {
    expect(parseServeArgs(['--help'])).toBeNull();
    expect(parseServeArgs(['-h'])).toBeNull();
  });
  it('refuses bad values with the reason', () => {
    expect(() => parseServeArgs(['--port', 'x'])).toThrow(/--port/);
    expect(() => parseServeArgs(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseServeArgs(['--source', 'bsd'])).toThrow(/--source must be one of auto, linux, windows, demo/);
    expect(() => parseServeArgs(['--interval', '5'])).toThrow(/--interval: interval must be between/);
    expect(() => parseServeArgs(['--interval', '1s'])).toThrow(/--interval/);
    expect(() => parseServeArgs(['--port'])).toThrow(/needs a value/);
    expect(() => parseServeArgs(['--bogus'])).toThrow('unknown option --bogus for "serve"');
  });
  it('takes --max-clients 1–1024 and documents it in --help', () => {
    expect(parseServeArgs(['--max-clients', '4'], { env: {} })?.maxClients).toBe(4);
    expect(parseServeArgs(['--max-clients=1024'], { env: {} })?.maxClients).toBe(1024);
    for (const bad of ['0', '1025', '2.5', '1e2', 'x', '-1']) {
      expect(() => parseServeArgs(['--max-clients', bad], { env: {} })).toThrow(`--max-clients must be a whole number from 1 to 1024, got "${bad}"`);
    }
    expect(SERVE_HELP).toMatch(/--max-clients N +browser tabs and windows served at once, 1–1024 \(default 32\)/);
    expect(SERVE_HELP).toContain('too many clients');
  });
  it('sizes the demo source with --demo-connections and --demo-churn (bench load, issue 9 §4)', () => {
    expect(parseServeArgs(['--source', 'demo', '--demo-connections', '50000', '--demo-churn=0.0036'], { env: {} })?.demo).toEqual({ connections: 50000, churn: 0.0036 });
    expect(parseServeArgs(['--source', 'demo', '--demo-churn', '.5'], { env: {} })?.demo).toEqual({ churn: 0.5 });
    expect(parseServeArgs(['--source', 'demo', '--demo-traffic', '0.1'], { env: {} })?.demo).toEqual({ traffic: 0.1 });
    expect(parseServeArgs(['--source', 'demo'], { env: {} })?.demo).toBeUndefined();
    for (const flag of ['--demo-connections N', '--demo-churn FRACTION', '--demo-traffic FRACTION']) expect(SERVE_HELP).toContain(flag);
  });
  it('takes --tables for the linux source, and refuses it for another source or a bad value', () => {
    expect(parseServeArgs(['--tables', 'procfs', '--source', 'linux'], { env: {} })?.tables).toBe('procfs');
    expect(parseServeArgs(['--tables=netlink'], { env: {}, platform: 'linux' })?.tables).toBe('netlink');
    expect(parseServeArgs(['--tables', 'auto', '--source', 'demo'], { env: {} })?.tables).toBe('auto');
    expect(parseServeArgs([], { env: {} })?.tables).toBeUndefined();
    expect(() => parseServeArgs(['--tables', 'proc'], { env: {} })).toThrow('--tables must be one of auto, netlink, procfs, got "proc"');
    expect(() => parseServeArgs(['--tables', 'procfs', '--source', 'demo'], { env: {} })).toThrow('--tables procfs applies to the linux source only (this run reads the demo source)');
    expect(() => parseServeArgs(['--tables', 'netlink'], { env: {}, platform: 'win32' })).toThrow('--tables netlink applies to the linux source only (this run reads the windows source)');
    expect(SERVE_HELP).toContain('--tables T');
  });
  it('refuses demo flags without the demo source, and values out of range, naming the flag', () => {
    expect(() => parseServeArgs(['--demo-connections', '100'])).toThrow('--demo-connections, --demo-churn and --demo-traffic need --source demo (the source is auto)');
    expect(() => parseServeArgs(['--source', 'demo', '--demo-traffic', '2'])).toThrow('--demo-traffic must be a fraction from 0 to 1, got 2');
    expect(() => parseServeArgs(['--source', 'linux', '--demo-churn', '0.1'])).toThrow(/need --source demo \(the source is linux\)/);
    expect(() => parseServeArgs(['--source', 'demo', '--demo-connections', '0'])).toThrow('--demo-connections must be a whole number from 1 to 500000, got 0');
    expect(() => parseServeArgs(['--source', 'demo', '--demo-connections', '600000'])).toThrow('--demo-connections must be a whole number from 1 to 500000, got 600000');
    expect(() => parseServeArgs(['--source', 'demo', '--demo-connections', '5e4'])).toThrow('--demo-connections must be a whole number from 1 to 500000, got "5e4"');
    expect(() => parseServeArgs(['--source', 'demo', '--demo-churn', '1.5'])).toThrow('--demo-churn must be a fraction from 0 to 1, got 1.5');
    expect(() => parseServeArgs(['--source', 'demo', '--demo-churn', '-0.1'])).toThrow('--demo-churn must be a fraction from 0 to 1, got "-0.1"');
    expect(() => parseServeArgs(['--source', 'demo', '--demo-churn', 'NaN'])).toThrow('--demo-churn must be a fraction from 0 to 1, got "NaN"');
    expect(() => parseServeArgs(['--source', 'demo', '--demo-churn'])).toThrow('--demo-churn needs a value');
  });
});

describe('runServeWith', () => {
  it('prints one URL line, serves until stopped, then closes the engine', async () => {
    const engine = fakeEngine();
    const lines: string[] = [];
    let stop: (s: string) => void = () => {};
    const stopped = new Promise<string>((r) => (stop = r));
    const run = runServeWith(['--port', '0'], {
      startEngine: async () => engine,
      staticDir: fakeStaticDir().root,
      argsEnv: { env: { NETMON_TOKEN: TOKEN } },
      out: (l) => lines.push(l),
      err: (l) => lines.push(`ERR ${l}`),
      untilStopped: () => stopped,
    });
    await expect.poll(() => lines.length).toBe(1);
    const m = /^netmon: serving on (http:\/\/127\.0\.0\.1:(\d+)\/\?token=fixed-token-for-test-1234)$/.exec(lines[0]);
    expect(m).not.toBeNull();
    expect((await get(Number(m![2]), '/?token=fixed-token-for-test-1234')).status).toBe(200);
    stop('SIGTERM');
    expect(await run).toBe(0);
    expect(engine.calls).toContain('close');
  });
  it('warns that --token is readable by every local user, and still serves', async () => {
    const lines: string[] = [];
    const code = await runServeWith(['--token', TOKEN], {
      startEngine: async () => fakeEngine(),
      staticDir: fakeStaticDir().root,
      out: (l) => lines.push(l),
      err: (l) => lines.push(`ERR ${l}`),
      untilStopped: async () => 'SIGTERM',
    });
    expect(code).toBe(0);
    expect(lines[0]).toBe('ERR netmon: warning: --token is visible to every local user (ps, /proc/PID/cmdline); use --token-file FILE or NETMON_TOKEN');
    expect(lines[1]).toMatch(/^netmon: serving on http:/);
  });
  it('exits 2 (a setting refused as given) and closes the engine for a non-loopback host without --allow-remote', async () => {
    const engine = fakeEngine();
    const errs: string[] = [];
    const code = await runServeWith(['--host', '0.0.0.0'], {
      startEngine: async () => engine,
      staticDir: '.',
      out: () => {},
      err: (l) => errs.push(l),
    });
    expect(code).toBe(2);
    expect(errs.join('\n')).toMatch(/not a loopback address/);
    expect(engine.calls).toContain('close');
  });
  it.each([
    [['--source', 'demo', '--demo-connections', '2000', '--demo-churn', '0.01'], { source: 'demo', intervalMs: 1000, demo: { connections: 2000, churn: 0.01 } }],
    [['--source', 'linux', '--tables', 'procfs'], { source: 'linux', intervalMs: 1000, tables: 'procfs' }],
  ])('hands the source options to the engine: %j', async (argv, want) => {
    const asked: unknown[] = [];
    const code = await runServeWith(argv, {
      startEngine: async (o) => (asked.push(o), fakeEngine()),
      staticDir: fakeStaticDir().root,
      argsEnv: { env: { NETMON_TOKEN: TOKEN } },
      out: () => {},
      untilStopped: async () => 'SIGTERM',
    });
    expect(code).toBe(0);
    expect(asked).toEqual([want]);
  });
  it('exits 2 on a usage error without starting anything', async () => {
    let started = false;
    const errs: string[] = [];
    const code = await runServeWith(['--port', 'nope'], {
      startEngine: async () => ((started = true), fakeEngine()),
      staticDir: '.',
      err: (l) => errs.push(l),
    });
    expect(code).toBe(2);
    expect(started).toBe(false);
    expect(errs).toEqual(['netmon: --port must be 0..65535, got "nope"\nRun `netmon serve --help` for usage.']);
  });
});

describe('netmon serve, bundled, against the real engine and kernel', () => {
  it('--tables procfs reads procfs, whose rows carry no counters, and says so in the status', async () => {
    const dist = await bundleServe();
    const child = spawn(process.execPath, [path.join(dist, 'cli.cjs'), 'serve', '--port', '0', '--interval', '200', '--source', 'linux', '--tables', 'procfs'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: path.resolve('node_modules') },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await expect.poll(() => /serving on (\S+)/.exec(stdout)?.[1], { timeout: 20_000 }).toBeTruthy();
      const url = new URL(/serving on (\S+)/.exec(stdout)![1]);
      const ws = new WebSocket(`ws://127.0.0.1:${url.port}/ws`, wsProtocols(url.searchParams.get('token')!));
      const batches: EventBatch[] = [];
      ws.on('message', (d) => {
        const json = batchJsonOf(d.toString());
        if (json !== null) batches.push(decodeBatch(json));
      });
      await expect.poll(() => batches.find((b) => b.connections), { timeout: 10_000 }).toBeTruthy();
      const full = batches.find((b) => b.connections)!;
      expect(full.status.source).toBe('linux-procfs');
      expect(full.status.countersNote).toBe('not available with the procfs backend');
      expect(full.connections!.length).toBeGreaterThan(0);
      expect(full.connections!.every((c) => c.bytesSent === undefined || c.bytesSent === null)).toBe(true);
      ws.close();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('streams this machine’s connections and exits 0 on SIGTERM', async () => {
    const dist = await bundleServe();
    // Issue 9 §5: the bundle prints the package's version, not "netmon dev".
    const version = spawnSync(process.execPath, [path.join(dist, 'cli.cjs'), '--version'], { encoding: 'utf8' });
    expect(version.stdout).toBe(`netmon ${(JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version}\n`);

    const child = spawn(process.execPath, [path.join(dist, 'cli.cjs'), 'serve', '--port', '0', '--interval', '200', '--source', 'linux'], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_PATH: path.resolve('node_modules') },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const server = net.createServer();
    const sockets: net.Socket[] = [];
    server.on('connection', (s) => sockets.push(s));
    try {
      await expect.poll(() => /serving on (\S+)/.exec(stdout)?.[1], { timeout: 20_000 }).toBeTruthy();
      const url = new URL(/serving on (\S+)/.exec(stdout)![1]);
      expect(url.hostname).toBe('127.0.0.1');
      expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect((await get(Number(url.port), '/')).status).toBe(200);
      // Issue 7 §1: a target `new URL` rejects, on the HTTP and the upgrade path, is a 400, not the end.
      const hostLine = `Host: 127.0.0.1:${url.port}\r\nConnection: close\r\n`;
      expect((await rawExchange(Number(url.port), `GET //[ HTTP/1.1\r\n${hostLine}\r\n`)).status).toBe(400);
      expect((await rawExchange(Number(url.port), upgradeRequest(Number(url.port), '//['))).status).toBe(400);

      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const port = (server.address() as net.AddressInfo).port;
      const ws = new WebSocket(`ws://127.0.0.1:${url.port}/ws`, wsProtocols(url.searchParams.get('token')!));
      const batches: EventBatch[] = [];
      ws.on('message', (d) => {
        const json = batchJsonOf(d.toString());
        if (json !== null) batches.push(decodeBatch(json));
      });
      await new Promise((r) => ws.once('open', r));
      const client = net.connect(port, '127.0.0.1');
      await new Promise((r) => client.once('connect', r));
      // The first poll may land after the connect: then the connection is in the full table, not an event.
      const rowsOf = (b: EventBatch) => [...(b.connections ?? []), ...b.events.filter((e) => e.type === 'opened').map((e) => e.connection)];
      const seen = () => batches.some((b) => rowsOf(b).some((c) => c.remotePort === port && c.pid === process.pid));
      await expect.poll(seen, { timeout: 10_000 }).toBe(true);
      expect(batches.at(-1)?.status.source).toMatch(/linux/);
      client.destroy();
      ws.close();
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      for (const s of sockets) s.destroy();
      server.close();
    }
    expect(stderr).toBe('');
  });
});
