// `netmon agent --metrics` scraped by a real Prometheus (Debian's package) that the test starts
// with a bearer credentials_file; the series must match what `ss` counts for the test's own
// loopback sockets (the agent's --filter keeps everything else on this machine out).
import { spawnSync } from 'node:child_process';
import { createSocket, type Socket as UdpSocket } from 'node:dgram';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAgent, freePort, requireTool, start, until, type BuiltAgent, type Started } from './helpers';

const TOKEN = 'scrape-token-0123456789abcdef';
const SS_STATE: Record<string, string> = { ESTAB: 'ESTABLISHED', LISTEN: 'LISTEN', UNCONN: 'none', 'TIME-WAIT': 'TIME-WAIT', 'CLOSE-WAIT': 'CLOSE-WAIT', 'FIN-WAIT-2': 'FIN-WAIT-2', 'FIN-WAIT-1': 'FIN-WAIT-1', 'SYN-SENT': 'SYN-SENT', 'LAST-ACK': 'LAST-ACK' };

let built: BuiltAgent;
let dir: string;
let server: Server;
let udp: UdpSocket;
const sockets: Socket[] = [];
const procs: Started[] = [];

beforeAll(async () => {
  requireTool('/usr/bin/prometheus', 'prometheus');
  built = await buildAgent();
  dir = mkdtempSync(join(tmpdir(), 'netmon-prom-'));
  server = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  udp = createSocket('udp4');
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
}, 60_000);

afterAll(async () => {
  for (const p of procs) await p.stop();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server?.close(() => r()));
  udp?.close();
  built?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function openClients(port: number, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const s = connect(port, '127.0.0.1');
    await new Promise<void>((r) => s.once('connect', () => r()));
    sockets.push(s);
  }
}

/** `ss` counts of the test's sockets by "protocol state" (netmon's state names). */
function ssCounts(tcpPort: number, udpPort: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [flag, proto, port] of [['-tanH', 'tcp', tcpPort], ['-uanH', 'udp', udpPort]] as const) {
    const r = spawnSync('ss', [flag, `( sport = :${port} or dport = :${port} )`], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ss failed: ${r.stderr}`);
    for (const line of r.stdout.split('\n').filter(Boolean)) {
      const k = `${proto} ${SS_STATE[line.split(/\s+/)[0]] ?? line.split(/\s+/)[0]}`;
      counts[k] = (counts[k] ?? 0) + 1;
    }
  }
  return counts;
}

interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

async function query(promPort: number, q: string): Promise<PromSample[]> {
  const res = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(q)}`);
  const body = (await res.json()) as { status: string; data: { result: PromSample[] } };
  if (body.status !== 'success') throw new Error(`prometheus query failed: ${JSON.stringify(body)}`);
  return body.data.result;
}

describe('netmon agent --metrics, scraped by Prometheus', () => {
  it('serves series that match ss for a known set of loopback sockets, behind the bearer token', async () => {
    const tcpPort = (server.address() as { port: number }).port;
    const udpPort = udp.address().port;
    await openClients(tcpPort, 2);
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const agent = start(process.execPath, [
      built.cli, 'agent', '--metrics', '127.0.0.1:0', '--metrics-token-file', tokenFile,
      '--source', 'linux', '--interval', '200', '--filter', `port:${tcpPort} | port:${udpPort}`,
    ]);
    procs.push(agent);
    const metricsPort = await until(15_000, agent.output, () => {
      const m = /metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(agent.output());
      return m ? Number(m[1]) : undefined;
    });
    // Without the token, or with a wrong one: 401.
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).status).toBe(401);
    expect((await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    // Connections opened while the agent runs are counted as events.
    await until(10_000, agent.output, async () => {
      const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
      return /netmon_poll_duration_seconds_count [1-9]/.test(text) ? true : undefined;
    });
    await openClients(tcpPort, 3);

    const promPort = await freePort();
    writeFileSync(
      join(dir, 'prometheus.yml'),
      [
        'global: { scrape_interval: 1s, evaluation_interval: 1s }',
        'scrape_configs:',
        '  - job_name: netmon',
        `    authorization: { type: Bearer, credentials_file: ${tokenFile} }`,
        `    static_configs: [{ targets: ['127.0.0.1:${metricsPort}'] }]`,
        '',
      ].join('\n'),
    );
    const prom = start('/usr/bin/prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`, '--log.level=warn',
    ]);
    procs.push(prom);

    const want = ssCounts(tcpPort, udpPort);
    expect(want).toEqual({ 'tcp LISTEN': 1, 'tcp ESTABLISHED': 10, 'udp none': 1 });
    const got = await until(45_000, () => `prometheus: ${prom.output().slice(-2000)}\nagent: ${agent.output()}`, async () => {
      try {
        const r = await query(promPort, 'netmon_connections{job="netmon"}');
        const counts: Record<string, number> = {};
        for (const s of r) if (Number(s.value[1]) > 0) counts[`${s.metric.protocol} ${s.metric.state}`] = Number(s.value[1]);
        const same = Object.keys(counts).length === Object.keys(want).length && Object.keys(want).every((k) => counts[k] === want[k]);
        return same ? r : undefined;
      } catch {
        return undefined; // Prometheus still starting
      }
    });
    expect(got.every((s) => s.metric.family === 'ipv4' && s.metric.instance === `127.0.0.1:${metricsPort}`)).toBe(true);

    const scalar = async (q: string) => (await query(promPort, q)).map((s) => [s.metric, Number(s.value[1])] as const);
    expect(await scalar('sum by (protocol) (netmon_listeners)')).toEqual(
      expect.arrayContaining([[{ protocol: 'tcp' }, 1], [{ protocol: 'udp' }, 1]]),
    );
    // Every socket is this test's (node): one process series, no "other".
    expect((await scalar('netmon_process_connections')).map(([m, v]) => [m.process, v])).toEqual([['node', 12]]);
    // The 3 clients opened after the agent's first poll, and their 3 accepted sockets.
    expect((await scalar('netmon_events_total{type="opened"}')).map(([, v]) => v)).toEqual([6]);
    expect((await scalar('netmon_poll_errors_total')).map(([, v]) => v)).toEqual([0]);
    expect((await scalar('netmon_poll_duration_seconds_count'))[0][1]).toBeGreaterThan(0);
    expect((await scalar('netmon_ephemeral_ports_range_size{protocol="tcp"}'))[0][1]).toBeGreaterThan(0);

    expect(await agent.stop()).toBe(0);
  }, 120_000);
});
