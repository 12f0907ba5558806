// The action service on Linux against the real kernel: ends a child it spawned, and closes a
// loopback connection it opened. Whether the kernel can destroy sockets (CONFIG_INET_DIAG_DESTROY,
// CAP_NET_ADMIN) is read from the kernel's configuration and our rights first, independently of the
// action: where it can, the close must succeed and really abort the socket; only where it cannot is
// the refusal, with the precise reason, the expected outcome.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { socketDestroySupport } from '../../test/linux/kernel';
import { createLinuxSource } from '../source/linux';
import { createActionService } from './service';

const destroy = socketDestroySupport();

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const o of opened.splice(0)) o.close();
});

beforeAll(() => {
  // The close test drives iproute2's `ss`; install it like scripts/setup.sh would rather than skip.
  if (spawnSync('sh', ['-c', 'command -v ss']).status !== 0) {
    if (process.getuid?.() !== 0) throw new Error('`ss` (iproute2) is missing and this is not root: install iproute2');
    const r = spawnSync('sh', ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends iproute2'], { stdio: 'ignore' });
    if (r.status !== 0) throw new Error('installing iproute2 failed');
  }
});

function listen(host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const accepted: Socket[] = [];
    const s = createServer((sock) => {
      sock.on('error', () => {}); // the peer is aborted on purpose
      accepted.push(sock);
    });
    s.once('error', reject);
    s.listen(0, host, () => resolve(s));
    opened.push({ close: () => (accepted.forEach((a) => a.destroy()), s.close()) });
  });
}

function connect(host: string, port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const c = createConnection({ host, port }, () => resolve(c));
    c.once('error', reject);
    opened.push({ close: () => c.destroy() });
  });
}

const portOf = (s: Server) => (s.address() as { port: number }).port;

/** A PID that names no process right now. */
function freePid(): number {
  const max = Number(readFileSync('/proc/sys/kernel/pid_max', 'utf8').trim());
  for (let p = max - 1; p > 1000; p--) if (!existsSync(`/proc/${p}`)) return p;
  throw new Error('no free pid found');
}

describe('action service on Linux (real kernel)', () => {
  const svc = createActionService({ platform: 'linux' });
  // The start time the row carries: the Linux source's, a different code path from the service's check.
  const source = createLinuxSource({ udp: false });
  const asShown = (pid: number) => ({ pid, startTime: source.processInfo(pid)?.startTime ?? null });

  it('ends a child process it spawned (SIGTERM)', async () => {
    const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    opened.push({ close: () => child.kill('SIGKILL') });
    await new Promise((r) => child.once('spawn', r));
    const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
    const shown = asShown(child.pid!);
    expect(shown.startTime).toBeGreaterThan(Date.now() - 60_000);
    // The row's process started a minute earlier than this one: a reused PID, refused, the child lives.
    expect(await svc.endProcess({ ...shown, startTime: shown.startTime! - 60_000 })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^PID \d+ is now another process .*nothing was ended$/),
    });
    expect(child.exitCode).toBeNull();
    expect(await svc.endProcess(shown)).toEqual({ ok: true });
    expect(await exited).toBe('SIGTERM');
    // Gone now: the OS's reason comes back.
    expect(await svc.endProcess(shown)).toMatchObject({ ok: false, reason: expect.stringMatching(/no process with PID/) });
  });

  it('reports a PID that does not exist, and refuses PID 1 and itself', async () => {
    const p = freePid();
    expect(await svc.endProcess({ pid: p, startTime: Date.now() })).toEqual({ ok: false, reason: `no process with PID ${p} (it has exited already)` });
    expect(await svc.endProcess(asShown(1))).toMatchObject({ ok: false, reason: expect.stringMatching(/PID 1/) });
    expect(await svc.endProcess(asShown(process.pid))).toMatchObject({ ok: false, reason: expect.stringMatching(/netmon itself/) });
  });

  it('gives process details of its own process', async () => {
    const d = await svc.getProcessDetails(process.pid);
    expect(d).not.toBeNull();
    expect(d!.pid).toBe(process.pid);
    expect(d!.path).toBe(readlinkSync(`/proc/${process.pid}/exe`));
    expect(d!.startTime).toBeGreaterThan(Date.now() - 24 * 3600_000);
    expect(d!.startTime).toBeLessThanOrEqual(Date.now());
    expect(await svc.getProcessDetails(freePid())).toBeNull();
  });

  for (const [family, host] of [
    [4, '127.0.0.1'],
    [6, '::1'],
  ] as const) {
    it(`closes an IPv${family} loopback connection it opened, or says precisely why not`, async () => {
      const server = await listen(host);
      const client = await connect(host, portOf(server));
      const aborted = new Promise<string>((r) => {
        client.on('error', (e: NodeJS.ErrnoException) => r(e.code ?? e.message));
        client.on('close', () => r('closed'));
      });
      const target = { family, localAddress: host, localPort: client.localPort!, remoteAddress: host, remotePort: portOf(server) };
      const r = await svc.closeConnection(target);
      if (destroy.supported) {
        expect(r, destroy.why).toEqual({ ok: true });
        // The kernel destroyed the socket: our end sees the abort, and ss no longer lists it.
        expect(await aborted).toBe('ECONNABORTED');
        const again = await svc.closeConnection(target);
        expect(again).toMatchObject({ ok: false, reason: expect.stringMatching(/no TCP connection .* exists/) });
      } else {
        const root = process.getuid?.() === 0;
        console.log(`[actions] IPv${family} close refused here: ${!r.ok && r.reason}`);
        if (!root) {
          expect(r).toMatchObject({ needsAdmin: true, reason: expect.stringMatching(/administrator rights/) });
        } else {
          expect(!r.ok && r.reason).toMatch(/CONFIG_INET_DIAG_DESTROY/);
        }
        expect(client.destroyed).toBe(false);
      }
    });
  }

  it('says a connection that does not exist does not exist', async () => {
    const server = await listen('127.0.0.1');
    const unused = portOf(server); // listening, but nothing connected to it from port 1
    const r = await svc.closeConnection({ family: 4, localAddress: '127.0.0.1', localPort: 1, remoteAddress: '127.0.0.1', remotePort: unused });
    expect(r).toEqual({ ok: false, reason: expect.stringMatching(/^no TCP connection 127\.0\.0\.1:1 → 127\.0\.0\.1:\d+ exists/) });
  });
});
