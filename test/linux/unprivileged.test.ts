// Without root, other users' fd tables cannot be read, so their sockets have no owner: netmon says
// so once (CLI stderr, EngineStatus.notices for the status bar) instead of staying silent. Run for
// real: the CLI as user nobody (setpriv), against a listener this (root) process holds.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HIDDEN_OWNERS_NOTICE } from '../../main/source/linux';
import { buildCli, type BuiltCli } from '../cli/helpers';

const NOBODY = ['--reuid=65534', '--regid=65534', '--clear-groups'];
const env = { ...process.env, NODE_PATH: join(resolve(__dirname, '../..'), 'node_modules') };

describe('an unprivileged run says once that other users\' owners are hidden', () => {
  let cli: BuiltCli;
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    if (process.getuid?.() !== 0) throw new Error('this test drops from root to nobody with setpriv; run it as root');
    if (spawnSync('setpriv', ['--version']).status !== 0) throw new Error('this test needs setpriv (util-linux)');
    cli = await buildCli();
    chmodSync(cli.dir, 0o755); // nobody must be able to run the bundle
    server = createServer().listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    server?.close();
    cli?.cleanup();
  });

  it('snapshot: the notice once on stderr; root\'s listener listed without an owner', () => {
    const r = spawnSync('setpriv', [...NOBODY, process.execPath, cli.path, 'snapshot', '--json'], { encoding: 'utf8', env, timeout: 60_000, maxBuffer: Infinity });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr.split('\n').filter((l) => l.includes('owners of other users'))).toEqual([`netmon: ${HIDDEN_OWNERS_NOTICE}`]);
    const mine = r.stdout
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { localPort: number; state: string; pid: number | null })
      .filter((c) => c.localPort === port && c.state === 'LISTEN');
    expect(mine.map((c) => c.pid)).toEqual([null]);
  });

  it('watch: the notice once, however many polls', async () => {
    const child = spawn('setpriv', [...NOBODY, process.execPath, cli.path, 'watch', '--interval', '250'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.resume();
    await new Promise((r) => setTimeout(r, 2500)); // ~10 polls
    const exited = once(child, 'exit');
    process.kill(child.pid!, 'SIGINT');
    await exited;
    expect(err.split('\n').filter((l) => l.includes('owners of other users'))).toEqual([`netmon: ${HIDDEN_OWNERS_NOTICE}`]);
  });

  it('as root there is no such notice', () => {
    const r = spawnSync(process.execPath, [cli.path, 'snapshot', '--json'], { encoding: 'utf8', env, timeout: 60_000, maxBuffer: Infinity });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('owners of other users');
  });
});
