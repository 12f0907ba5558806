// `netmon agent --tables`: the built agent reads this machine's kernel table from where it is told
// (procfs or netlink sock_diag), says which on stderr and shows it in what it exports: the test's
// own loopback sockets are counted either way, and only netlink carries their byte counters.
// `--tables netlink|procfs` with another source is refused (exit 2), as every command refuses it.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/helpers';
import { buildAgent, start, until, type BuiltAgent, type Started } from './helpers';

const TOKEN = 'tables-token-0123456789abcdef';
const BYTES = 4096;

let built: BuiltAgent;
let dir: string;
let tokenFile: string;
let server: Server;
let port: number;
const sockets: Socket[] = [];
const procs: Started[] = [];

beforeAll(async () => {
  built = await buildAgent();
  dir = mkdtempSync(join(tmpdir(), 'netmon-agent-tables-'));
  tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
  // One listener and one connected pair on loopback; each side sends BYTES, so netlink's
  // tcp_info has counters to show for both sockets.
  const accepted = new Promise<Socket>((r) => {
    server = createServer((s) => {
      sockets.push(s);
      r(s);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  port = (server.address() as { port: number }).port;
  const client = connect(port, '127.0.0.1');
  sockets.push(client);
  await new Promise<void>((r) => client.once('connect', () => r()));
  const peer = await accepted;
  const received = (s: Socket) =>
    new Promise<void>((r) => {
      let n = 0;
      s.on('data', (d: Buffer) => (n += d.length) >= BYTES && r());
    });
  const both = Promise.all([received(client), received(peer)]);
  client.write(Buffer.alloc(BYTES, 1));
  peer.write(Buffer.alloc(BYTES, 2));
  await both;
}, 60_000);

afterAll(async () => {
  for (const p of procs) await p.stop();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  built?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The value of each series of `name` in a Prometheus text exposition, keyed by its labels text. */
function series(text: string, name: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const m = new RegExp(`^${name}(\\{[^}]*\\})? (\\S+)$`).exec(line);
    if (m) out.set(m[1] ?? '', Number(m[2]));
  }
  return out;
}

describe('netmon agent --tables, on this machine\'s kernel', () => {
  it.each([
    ['procfs', 'linux-procfs'],
    ['netlink', 'linux-netlink'],
  ] as const)('--tables %s: reads %s, says so, and counts the test\'s loopback sockets from it', async (tables, sourceName) => {
    const agent = start(process.execPath, [
      built.cli, 'agent', '--metrics', '127.0.0.1:0', '--metrics-token-file', tokenFile,
      '--source', 'linux', '--tables', tables, '--interval', '200', '--filter', `port:${port}`,
    ]);
    procs.push(agent);
    const metricsPort = await until(15_000, agent.output, () => {
      const m = /metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/.exec(agent.output());
      return m ? Number(m[1]) : undefined;
    });
    // The status line, once the first poll has read the table.
    const said = await until(15_000, agent.output, () => /^netmon agent: reading connections from .*$/m.exec(agent.output())?.[0]);
    expect(said).toBe(
      `netmon agent: reading connections from ${sourceName} every 200 ms${tables === 'procfs' ? '; per-connection counters: not available with the procfs backend' : ''}`,
    );
    // Counters come with the second poll (the first one's rows are the baseline): wait for a poll
    // after the first, then read the series.
    const text = await until(15_000, agent.output, async () => {
      const res = await fetch(`http://127.0.0.1:${metricsPort}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      const body = await res.text();
      return (series(body, 'netmon_poll_duration_seconds_count').get('') ?? 0) >= 2 ? body : undefined;
    });
    const connections = series(text, 'netmon_connections');
    expect([connections.get('{protocol="tcp",family="ipv4",state="ESTABLISHED"}'), connections.get('{protocol="tcp",family="ipv4",state="LISTEN"}')]).toEqual([2, 1]);
    const sent = series(text, 'netmon_process_sent_bytes');
    if (tables === 'procfs') expect(sent.size).toBe(0); // procfs has no counters: no series rather than a made-up 0
    else expect(sent.get('{process="node"}')).toBeGreaterThanOrEqual(2 * BYTES);
    expect(agent.output().match(/reading connections from/g)).toHaveLength(1); // said once, not every poll
    expect(await agent.stop()).toBe(0);
  }, 60_000);

  it.each([
    [['--source', 'demo', '--tables', 'procfs'], 'demo'],
    [['--source', 'windows', '--tables', 'netlink'], 'windows'],
  ])('%j with an exporter: refused before anything runs, exit 2, the message every command gives', async (args, kind) => {
    const cli = { path: built.cli, dir: built.dir, cleanup: () => {} };
    const r = await runCli(cli, ['agent', ...args, '--otlp', 'http://127.0.0.1:1/v1/logs'], 20_000);
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      '',
      `netmon: --tables ${args[3]} applies to the linux source only (this run reads the ${kind} source)\nRun \`netmon agent --help\` for usage.\n`,
    ]);
  }, 30_000);
});
