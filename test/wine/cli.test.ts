// The netmon command line itself, bundled for Windows Node and run under Wine against the holder
// (holder-fixture.ts): `snapshot --json` rows agree with `ss`, the text table shows IPv6 scope ids,
// `watch --json` reports a connection the test opens and closes, then exits 0 on SIGINT, and `ports`
// takes its dynamic range from the source.
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tcpStateNumber, type TcpState } from '../../shared/connection';
import type { ConnectionJson } from '../../shared/format';
import { ensureSs, ipWords, ssRows, SS_STATE, waitFor } from '../linux/helpers';
import { startHolder, type HolderFixture } from './holder-fixture';
import { bundleForWindows, machineRows, isolateNetwork, prepareWine, quietMachine, QUIET_WAIT_MS, startWindowsNode, wineBudgetMs, type WineEnv, type WindowsChild } from './wine-env';

// A snapshot is 4 table calls; watch polls every 200 ms (each poll 4 calls) until it has seen an open and a close.
const ROWS_AT_START = machineRows();
const BUDGET_MS = wineBudgetMs(ROWS_AT_START, 16);

let w: WineEnv;
let cli: string;
let fixture: HolderFixture;
let network: ReturnType<typeof isolateNetwork> | undefined;
const running: WindowsChild[] = [];

/**
 * Under this, a failed run is Wine's loader failing before Windows Node ran a line: starting Node
 * under Wine takes a few hundred ms here. Seen once in CI on a loaded machine: exit 1 in 17 ms.
 */
const WINE_LOADER_MS = 100;

/** Runs `netmon args…` in Windows Node under Wine to its end; once more if Wine itself failed to start (WINE_LOADER_MS). */
async function netmon(args: string[], attempt = 1): Promise<{ status: number | string | null; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  const run = startWindowsNode(w, cli, args);
  running.push(run);
  const status = await Promise.race([run.exited, new Promise<string>((r) => setTimeout(() => r('timeout'), BUDGET_MS))]);
  const r = { status, ...run.output(), ms: Date.now() - t0 };
  if (status !== 0 && r.ms < WINE_LOADER_MS && r.stdout === '' && !r.stderr.includes('netmon') && attempt === 1) {
    console.log(`[wine] wine exited ${String(status)} after ${r.ms} ms, before Windows Node could start (stderr: ${JSON.stringify(r.stderr.slice(0, 500))}); once more`);
    return netmon(args, 2);
  }
  return r;
}

/** Row identity and state as words, comparable between netmon's JSON and `ss`. */
function key(proto: string, laddr: number[], lport: number, raddr: number[], rport: number, state: number): string {
  return `${proto} ${laddr.join('.')}:${lport} ${raddr.join('.')}:${rport} ${state}`;
}

function fixturePorts(): Set<number> {
  const h = fixture.holder;
  const p = fixture.ports;
  return new Set([p.plain4, p.plain6, p.half4, h.client4, h.setTcpEntryTarget, h.client6, h.finWait2, h.closeWait, h.listen, h.selfClient, h.udp4, h.udp6]);
}

beforeAll(async () => {
  ensureSs();
  w = prepareWine();
  network = isolateNetwork(w);
  if (!network.isolated) console.log(`[wine] ${network.why}`);
  console.log(`[wine] ${ROWS_AT_START} rows on the machine (ss) at load, ${await quietMachine()} ${network.isolated ? 'in the test\'s network namespace' : 'on the machine'} before the CLI runs`);
  cli = await bundleForWindows(join(__dirname, '../../main/cli/index.ts'), 'netmon-cli.cjs');
  fixture = await startHolder(w, BUDGET_MS);
}, QUIET_WAIT_MS + BUDGET_MS + 30_000);

afterAll(async () => {
  for (const r of running) await r.dispose();
  await fixture?.close();
  network?.leave();
});

describe('netmon CLI in Windows Node under Wine', () => {
  it('snapshot --json: the holder\'s and the test\'s rows are exactly what ss lists, with the holder\'s PID on its IPv4 client rows', async () => {
    const r = await netmon(['snapshot', '--json']);
    const lines = r.stdout.split('\n').filter((l) => l !== '');
    console.log(`[wine] snapshot --json: ${lines.length} rows in ${r.ms} ms (${ROWS_AT_START} rows on the machine at start)`);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const rows = lines.map((l) => JSON.parse(l) as ConnectionJson);
    const ports = fixturePorts();
    const ours = (lport: number, rport: number) => ports.has(lport) || ports.has(rport);
    const fromCli = rows
      .filter((c) => ours(c.localPort, c.remotePort ?? 0))
      .map((c) =>
        key(
          c.protocol,
          ipWords(c.localAddress),
          c.localPort,
          ipWords(c.remoteAddress ?? '*'),
          c.remotePort ?? 0,
          c.state === null ? 0 : tcpStateNumber(c.state as TcpState),
        ),
      )
      .sort();
    const fromSs = [...ssRows('tcp'), ...ssRows('udp')]
      .filter((s) => ours(s.lport, s.rport))
      .map((s) => key(s.proto, s.laddr, s.lport, s.raddr, s.rport, s.proto === 'udp' ? 0 : SS_STATE[s.state]))
      .sort();
    expect(fromCli.length).toBeGreaterThanOrEqual(17);
    expect(fromCli).toEqual(fromSs);

    const h = fixture.holder;
    const row = (proto: string, lport: number) => rows.filter((c) => c.protocol === proto && c.localPort === lport && (proto === 'udp' || c.remotePort !== 0));
    for (const port of [h.client4, h.setTcpEntryTarget, h.selfClient]) {
      expect(row('tcp', port).map((c) => [c.state, c.pid, c.process])).toEqual([['ESTABLISHED', h.pid, 'node.exe']]);
    }
    expect(row('tcp', h.finWait2).map((c) => [c.state, c.pid])).toEqual([['FIN-WAIT-2', h.pid]]);
    expect(row('tcp', h.closeWait).map((c) => [c.state, c.pid])).toEqual([['CLOSE-WAIT', h.pid]]);
    for (const port of [h.udp4, h.udp6]) expect(row('udp', port).map((c) => [c.pid, c.process, c.remoteAddress])).toEqual([[h.pid, 'node.exe', null]]);
    // Wine: IPv6 TCP rows have no owner (tcp6 parse), listeners are held by wineserver.
    expect(row('tcp', h.client6).map((c) => c.pid)).toEqual([0]);
  }, BUDGET_MS);

  it('snapshot (text) shows IPv6 scope ids as %scope (Wine: ::1 → 4096, link-local → 8192)', async () => {
    const r = await netmon(['snapshot']);
    expect(r.status, `stderr: ${r.stderr}`).toBe(0);
    const lines = r.stdout.split('\n');
    const ll = fixture.linkLocal;
    const p6 = fixture.ports.plain6;
    expect(lines.filter((l) => l.includes(`[::1%4096]:${p6}`) && /\bLISTEN\b/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l.includes(`[${ll.address}%8192]:${ll.tcp}`) && /\bLISTEN\b/.test(l))).toHaveLength(1);
    expect(lines.filter((l) => l.startsWith('udp6') && l.includes(`[${ll.address}%8192]:${ll.udp}`))).toHaveLength(1);
  }, BUDGET_MS);

  it('ports --json: the dynamic range comes from the source — the Windows source asks netsh, the demo source has its own', async () => {
    const win = await netmon(['ports', '--json']);
    expect(win.status, `stderr: ${win.stderr}`).toBe(0);
    const w = JSON.parse(win.stdout) as { rangeOrigin: string; ranges: { tcp: { low: number; high: number } } };
    // Wine's netsh prints nothing for `int ipv4 show dynamicport`: the Windows reader says so and stands in the default.
    expect(w.rangeOrigin).toMatch(/^(netsh int ipv4 show dynamicport|default 49152-65535 \(netsh dynamicport: .*\))$/);
    const demo = await netmon(['ports', '--json', '--source', 'demo']);
    expect(demo.status, `stderr: ${demo.stderr}`).toBe(0);
    expect((JSON.parse(demo.stdout) as { rangeOrigin: string }).rangeOrigin).toBe("the demo source (a simulated Windows machine's default range)");
  }, 2 * BUDGET_MS);

  it('watch --json: reports a connection the test opens and closes, and exits 0 on SIGINT', async () => {
    const port = fixture.ports.plain4;
    const run = startWindowsNode(w, cli, ['watch', '--json', '--interval', '200', '--filter', `port:${port}`]);
    running.push(run);
    await waitFor('watch to start', () => /netmon: watching \d+ of \d+ connections/.test(run.output().stderr), BUDGET_MS);
    const events = () =>
      run
        .output()
        .stdout.split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as { type: string; connection: ConnectionJson; previousState?: string });
    let client: Socket | undefined;
    await new Promise<void>((resolve, reject) => {
      client = connect(port, '127.0.0.1', () => resolve());
      client.once('error', reject);
    });
    const local = client!.localPort!;
    const mine = (e: { connection: ConnectionJson }) => e.connection.localPort === local || e.connection.remotePort === local;
    await waitFor('opened events for both ends', () => events().filter((e) => mine(e) && e.type === 'opened').length === 2, BUDGET_MS);
    client!.destroy();
    // Our active close: the client end goes to TIME-WAIT (changed), the accepted end closes.
    await waitFor(
      'the close',
      () => events().some((e) => mine(e) && e.type === 'changed' && e.connection.state === 'TIME-WAIT') && events().some((e) => mine(e) && e.type === 'closed'),
      BUDGET_MS,
    );
    const opened = events().filter((e) => mine(e) && e.type === 'opened');
    expect(opened.map((e) => [e.connection.localPort === local ? 'client' : 'server', e.connection.state]).sort()).toEqual([
      ['client', 'ESTABLISHED'],
      ['server', 'ESTABLISHED'],
    ]);
    expect(events().filter((e) => !(e.connection.localPort === port || e.connection.remotePort === port))).toEqual([]);
    run.proc.kill('SIGINT');
    const status = await Promise.race([run.exited, new Promise<string>((r) => setTimeout(() => r('still running'), 15_000))]);
    expect({ status, stderr: run.output().stderr }).toEqual({ status: 0, stderr: expect.stringMatching(/^netmon: watching \d+ of \d+ connections \(those matching --filter\) from windows-iphlpapi every 200 ms; Ctrl-C stops\n$/) });
  }, 3 * BUDGET_MS);
});
