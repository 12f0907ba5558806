// The syslog exporter against Debian's rsyslog, run unprivileged-style on a high loopback port
// and writing the raw messages to a file: every event of a scripted burst arrives as a valid
// RFC 5424 message, also when the receiver is stopped and started again in the middle; beyond the
// queue's bound exactly the oldest are dropped, and counted in the metrics and the status lines.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { createSyslogExporter, type EventExporter } from '../../main/export/syslog-exporter';
import { createMetrics } from '../../main/export/prometheus';
import { LiveTable } from '../../main/export/table';
import { buildAgent, start, until, type BuiltAgent } from './helpers';
import { parse5424, rsyslogReceiver, type Rsyslog } from './rsyslog';
import { createServer, connect as tcpConnect, type Socket } from 'node:net';

let dir: string;
let rsyslog: Rsyslog;
const exporters: EventExporter[] = [];
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'netmon-syslog-'));
  rsyslog = await rsyslogReceiver(dir);
  port = rsyslog.port;
});

let built: BuiltAgent | null = null;
afterAll(async () => {
  built?.cleanup();
  for (const e of exporters) await e.close();
  await rsyslog?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const event = (i: number): ConnectionEvent => ({
  type: i % 3 === 0 ? 'opened' : i % 3 === 1 ? 'changed' : 'closed',
  time: Date.UTC(2026, 10, 30, 5, 0, 0, i),
  connection: {
    id: `c${i}`, protocol: 'tcp', family: i % 2 ? 6 : 4, localAddress: i % 2 ? 'fe80::1' : '10.0.0.5', localPort: 40000 + i,
    localScopeId: i % 2 ? 2 : undefined, remoteAddress: '203.0.113.7', remotePort: 443, state: 'ESTABLISHED', pid: 4120,
    process: 'my "app"] \\ é', processPath: null,
  },
  ...(i % 3 === 1 ? { previousState: 'SYN-SENT' as const } : {}),
});

const received = () => rsyslog.received();

/** The seq of every message from `hostname`, in arrival order (duplicates kept). */
const seqsFrom = (hostname: string) => received().map(parse5424).filter((m) => m.hostname === hostname).map((m) => Number(m.params.seq));

/** The exporter's series in the agent's Prometheus exposition. */
async function exportSeries(e: EventExporter): Promise<Record<string, number>> {
  const text = await createMetrics({ table: new LiveTable(), exporters: () => [e.stats] }).registry.metrics();
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(netmon_export_\w+)\{exporter="syslog"\} (\d+)$/gm)) out[m[1]] = Number(m[2]);
  return out;
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('syslog exporter → rsyslog', () => {
  it('delivers every event of a burst as RFC 5424, across a receiver restart', async () => {
    await rsyslog.start();
    const exporter = createSyslogExporter({ target: { protocol: 'tcp', host: '127.0.0.1', port }, hostname: 'host-a', retryMinMs: 50, retryMaxMs: 200 });
    exporters.push(exporter);
    const N = 600;
    exporter.enqueue(Array.from({ length: 200 }, (_, i) => event(i + 1)));
    await until(10_000, () => `${received().length} lines`, () => (received().length >= 200 ? true : undefined));

    // The receiver goes away in the middle of the burst and comes back.
    expect(await rsyslog.stop()).toBe(0);
    exporter.enqueue(Array.from({ length: 200 }, (_, i) => event(i + 201)));
    await new Promise((r) => setTimeout(r, 500));
    exporter.enqueue(Array.from({ length: 200 }, (_, i) => event(i + 401)));
    // Nothing written while it is away: all 400 wait, with those of the first 200 written in the
    // resend window before the stop (rsyslog may not have taken them) queued again.
    expect(exporter.stats.depth()).toBeGreaterThanOrEqual(400);
    // A counter: what was written stays counted while it waits to be written again.
    expect(exporter.stats.sent()).toBe(200);
    expect(exporter.stats.depth()).toBeLessThanOrEqual(600);
    const arrivedBefore = seqsFrom('host-a').length;
    await rsyslog.start();
    await exporter.flush(10_000);

    const seqs = await until(15_000, () => `${new Set(seqsFrom('host-a')).size} of ${N} distinct`, () => {
      const s = new Set(seqsFrom('host-a'));
      return s.size === N ? s : undefined;
    });
    expect([...seqs].sort((a, b) => a - b)).toEqual(range(1, N));
    // The events of the outage arrived after the restart, each exactly once; the only repeats
    // are of the 200 written before the stop (at least once: a SIEM drops them by seq).
    const all = seqsFrom('host-a');
    const after = all.slice(arrivedBefore);
    expect(after.filter((q) => q > 200).sort((a, b) => a - b)).toEqual(range(201, N));
    expect(all.filter((q) => q > 200)).toHaveLength(400);
    expect(exporter.stats.sent()).toBe(N);
    expect(exporter.stats.dropped()).toBe(0);
    expect(await exportSeries(exporter)).toEqual({ netmon_export_queue_depth: 0, netmon_export_queue_capacity: 50_000, netmon_export_dropped_total: 0, netmon_export_sent_total: N });

    const byseq = new Map(received().map((l) => [Number(parse5424(l).params.seq), parse5424(l)]));
    const m1 = byseq.get(1)!; // event(1): changed, IPv6 with scope
    expect(m1.pri).toBe(16 * 8 + 6);
    expect(m1.msgId).toBe('changed');
    expect(m1.params).toEqual({
      seq: '1', type: 'changed', protocol: 'tcp', family: 'ipv6', localAddress: 'fe80::1', localPort: '40001', localScopeId: '2',
      remoteAddress: '203.0.113.7', remotePort: '443', state: 'ESTABLISHED', previousState: 'SYN-SENT', pid: '4120', process: 'my "app"] \\ é',
    });
    expect(m1.msg).toBe('changed tcp [fe80::1%2]:40001 -> 203.0.113.7:443 SYN-SENT -> ESTABLISHED pid 4120 (my "app"] \\ é)');
    expect(byseq.get(2)!.params.family).toBe('ipv4');
    expect(received()[0]).toMatch(/^<134>1 2026-11-30T05:00:00\.001Z host-a netmon \d+ changed /);
  }, 90_000);

  it('beyond the queue bound drops exactly the oldest, counted in the metrics and the status lines', async () => {
    await rsyslog.start();
    const log: string[] = [];
    const exporter = createSyslogExporter({ target: { protocol: 'tcp', host: '127.0.0.1', port }, hostname: 'host-b', queueSize: 100, resendWindowMs: 300, retryMinMs: 50, retryMaxMs: 200, log: (l) => log.push(l) });
    exporters.push(exporter);
    exporter.enqueue(Array.from({ length: 50 }, (_, i) => event(i + 1)));
    await until(10_000, () => `${seqsFrom('host-b').length} lines`, () => (seqsFrom('host-b').length >= 50 ? true : undefined));
    // Past the resend window: rsyslog has had these; a later loss must not send them again.
    await new Promise((r) => setTimeout(r, 600));

    expect(await rsyslog.stop()).toBe(0);
    await until(10_000, () => log.join('\n'), () => (log.length > 0 ? true : undefined));
    // 250 events while it is away, into a queue of 100: the oldest 150 go, counted.
    exporter.enqueue(Array.from({ length: 250 }, (_, i) => event(i + 51)));
    expect([exporter.stats.depth(), exporter.stats.dropped()]).toEqual([100, 150]);
    expect(await exportSeries(exporter)).toMatchObject({ netmon_export_queue_depth: 100, netmon_export_queue_capacity: 100, netmon_export_dropped_total: 150, netmon_export_sent_total: 50 });
    // The status lines say so while it retries...
    await until(5_000, () => log.join('\n'), () => (log.some((l) => l.includes('(100 queued, 150 dropped)')) ? true : undefined));

    await rsyslog.start();
    await exporter.flush(10_000);
    const seqs = await until(15_000, () => `${seqsFrom('host-b').length} lines`, () => (seqsFrom('host-b').length >= 150 ? seqsFrom('host-b') : undefined));
    // ...and once it is back: the first 50, then the newest 100; each once.
    expect(seqs).toEqual([...range(1, 50), ...range(201, 300)]);
    expect(await exportSeries(exporter)).toEqual({ netmon_export_queue_depth: 0, netmon_export_queue_capacity: 100, netmon_export_dropped_total: 150, netmon_export_sent_total: 150 });
    expect(log[log.length - 1]).toBe(`netmon agent: syslog 127.0.0.1:${port}: connected (100 queued, 150 dropped)`);
  }, 90_000);

  it('netmon agent --syslog sends the opened events its filter selects, then stops with exit 0', async () => {
    await rsyslog.start();
    built = await buildAgent();
    const held: Socket[] = [];
    const server = createServer((s) => held.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const p = (server.address() as { port: number }).port;
    const before = received().length;
    const agent = start(process.execPath, [built.cli, 'agent', '--syslog', `tcp://127.0.0.1:${port}`, '--source', 'linux', '--interval', '200', '--filter', `port:${p}`]);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the agent's first (full) poll: the listener is no event
      const c = tcpConnect(p, '127.0.0.1');
      await new Promise<void>((r) => c.once('connect', () => r()));
      const mine = () => received().slice(before).map(parse5424);
      const opened = await until(15_000, agent.output, () => {
        const o = mine().filter((m) => m.msgId === 'opened');
        return o.length >= 2 ? o : undefined;
      });
      expect(opened.map((m) => [m.params.protocol, m.params.state, m.params.pid === String(process.pid), m.params.process]).sort()).toEqual([
        ['tcp', 'ESTABLISHED', true, 'node'],
        ['tcp', 'ESTABLISHED', true, 'node'],
      ]);
      expect(opened.map((m) => (m.params.localPort === String(p) ? 'server' : m.params.remotePort === String(p) ? 'client' : '?')).sort()).toEqual(['client', 'server']);
      expect(mine().some((m) => m.params.localPort !== String(p) && m.params.remotePort !== String(p))).toBe(false);
    } finally {
      expect(await agent.stop()).toBe(0);
      for (const s of held) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 90_000);
});
