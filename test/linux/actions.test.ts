// Close connection (kernel socket destroy via ss -K) and end process against the real kernel.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { userInfo } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTO_TCP, type RowTable } from '../../main/model/rows';
import { createLinuxSource } from '../../main/source/linux';
import { createLinuxActions } from '../../main/source/linux/actions';
import { closeServer, ensureSs, openPair, rowsOf, waitFor } from './helpers';
import { socketDestroySupport } from './kernel';

// Shown from the kernel's configuration and our rights, not from the action's own answer.
const destroy = socketDestroySupport();

const source = createLinuxSource({ udp: false });
const actions = createLinuxActions();
const tcpRows = () => rowsOf(source.read() as RowTable, source.lastInodes()).filter((r) => r.proto === PROTO_TCP);

beforeAll(() => {
  ensureSs();
});

describe('close connection', () => {
  it.each([
    { host: '127.0.0.1', family: 4 as const },
    { host: '::1', family: 6 as const },
  ])('destroys an established loopback connection over $host (or, where the kernel cannot, says why)', async ({ host, family }) => {
    const pair = await openPair(host);
    const cport = pair.client.localPort!;
    const clientError = new Promise<string>((resolve) => pair.client.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')));
    try {
      const r = await actions.closeConnection({ family, localAddress: host, localPort: cport, remoteAddress: host, remotePort: pair.port });
      if (destroy.supported) {
        expect(r, destroy.why).toEqual({ ok: true });
        // Destroyed: the owner sees the abort, and the connection is gone from the table (the
        // kernel aborts with a RST, so neither side lingers in TIME-WAIT).
        expect(await clientError).toBe('ECONNABORTED');
        await waitFor('the connection to leave the table', () => {
          const rows = tcpRows();
          return !rows.some((x) => x.lport === cport && x.rport === pair.port) && !rows.some((x) => x.lport === pair.port && x.rport === cport);
        });
      } else {
        // Kernel without CONFIG_INET_DIAG_DESTROY (or no CAP_NET_ADMIN): a clear reason, and the connection untouched.
        expect(!r.ok && r.reason).toMatch(/CONFIG_INET_DIAG_DESTROY|CAP_NET_ADMIN/);
        expect(tcpRows().some((x) => x.lport === cport && x.rport === pair.port && x.state === 5)).toBe(true);
      }
    } finally {
      pair.client.destroy();
      pair.accepted.destroy();
      await closeServer(pair.server);
    }
  });

  it('destroys the server side of an IPv4 client on a dual-stack listener (::ffff:127.0.0.1)', async () => {
    const pair = await openPair('::', '127.0.0.1');
    const cport = pair.client.localPort!;
    const acceptedError = new Promise<string>((resolve) => pair.accepted.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')));
    try {
      const mapped = '::ffff:127.0.0.1';
      const r = await actions.closeConnection({ family: 6, localAddress: mapped, localPort: pair.port, remoteAddress: mapped, remotePort: cport });
      if (destroy.supported) {
        expect(r, destroy.why).toEqual({ ok: true });
        expect(await acceptedError).toBe('ECONNABORTED');
        await waitFor('the connection to leave the table', () => !tcpRows().some((x) => x.lport === pair.port && x.rport === cport));
      } else {
        expect(!r.ok && r.reason).toMatch(/CONFIG_INET_DIAG_DESTROY|CAP_NET_ADMIN/);
      }
    } finally {
      pair.client.destroy();
      pair.accepted.destroy();
      await closeServer(pair.server);
    }
  });

  it('says clearly when the connection does not exist', async () => {
    const pair = await openPair('127.0.0.1');
    const port = pair.port;
    pair.client.destroy();
    pair.accepted.destroy();
    await closeServer(pair.server);
    // A port nobody listens on and a client port that was never used with it.
    const r = await actions.closeConnection({ family: 4, localAddress: '127.0.0.1', localPort: 9, remoteAddress: '127.0.0.1', remotePort: port });
    expect(r).toEqual({ ok: false, reason: `no TCP connection 127.0.0.1:9 → 127.0.0.1:${port} exists (it may have closed already)` });
  });
});

describe('end process', () => {
  let child: ChildProcess;
  let childPort: number;
  beforeAll(async () => {
    // A child that listens on loopback and prints its port, so it shows up in the table.
    child = spawn(
      process.execPath,
      ['-e', "const s=require('net').createServer().listen(0,'127.0.0.1',()=>console.log(s.address().port));setInterval(()=>{},1000)", 'netmon-test-child'],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    childPort = Number(chunk.toString().trim());
  });
  afterAll(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('names the child as the owner of its listener and gives its details', async () => {
    const row = await waitFor('the child listener', () => tcpRows().find((r) => r.lport === childPort && r.state === 2));
    expect(row.pid).toBe(child.pid);
    const info = source.processInfo(child.pid!);
    expect(info).toEqual({ pid: child.pid, name: 'node', path: process.execPath, startTime: expect.any(Number) });
    // Owners are PID + start time: the child started moments ago (clock ticks are 10 ms).
    expect(Math.abs(info!.startTime! - Date.now())).toBeLessThan(30_000);
    const d = await source.processDetails!(child.pid!);
    expect(d).not.toBeNull();
    expect(d!.commandLine).toContain('netmon-test-child');
    expect(d!.commandLine!.startsWith(process.execPath)).toBe(true);
    expect(d!.user).toBe(userInfo().username);
    // Start time from /proc: within a few seconds of now (clock ticks are 10 ms).
    expect(Math.abs(d!.startTime! - Date.now())).toBeLessThan(30_000);
  });

  it('ends the child with SIGTERM; its listener goes away; a second try explains it has exited', async () => {
    const pid = child.pid!;
    const exited = once(child, 'exit');
    expect(await actions.endProcess(pid)).toEqual({ ok: true });
    const [code, signal] = (await exited) as [number | null, string | null];
    expect(code).toBeNull();
    expect(signal).toBe('SIGTERM');
    await waitFor('the listener to go', () => !tcpRows().some((r) => r.lport === childPort));
    expect(source.processInfo(pid)).toBeNull();
    expect(await actions.endProcess(pid)).toEqual({ ok: false, reason: `no process with PID ${pid} (it has exited already)` });
  });
});
