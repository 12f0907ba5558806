// The agent's exporters under load: 1,000 events/s (a poll every 100 ms with ~100 events) into
// each event exporter with a healthy and a stalled receiver, in this process, and the poll's wall
// time including delivery to the exporters (enqueue) — a stalled receiver must not change it.
// Also the cost of one Prometheus scrape over a 10,000-row table.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ConnectionEvent } from '../shared/connection';
import { createEngine } from '../main/engine/engine';
import { createOtlpExporter } from '../main/export/otlp';
import { createMetrics } from '../main/export/prometheus';
import { createSyslogExporter, type EventExporter } from '../main/export/syslog-exporter';
import { LiveTable } from '../main/export/table';
import { createRowTable } from '../main/model/rows';
import { decodeTcpTable2 } from '../main/source/windows/decode';
import { alternatingSource, ms, synthSnapshots, table } from './decode-diff';

const POLL_MS = 100;

interface Sink {
  port: number;
  close(): Promise<void>;
}

/** A syslog receiver that reads and discards, or (stalled) accepts and never reads. */
async function tcpSink(stalled: boolean): Promise<Sink> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((s) => {
    sockets.add(s);
    if (stalled) s.pause();
    else s.resume();
    s.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

/** An OTLP receiver that answers 200 at once, or (stalled) never answers. */
async function httpSink(stalled: boolean): Promise<Sink> {
  const server = http.createServer((req, res) => {
    req.resume();
    if (!stalled) req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

interface Run {
  events: number;
  pollMedianMs: number;
  pollP95Ms: number;
  cpuPercent: number;
  rssMiB: number;
  sent: number;
  dropped: number;
  depth: number;
}

async function drive(exporter: EventExporter, seconds: number): Promise<Run> {
  // ~100 events per poll: the churn of two alternating synthetic tables of 6,000 rows.
  const engine = createEngine({ source: alternatingSource(6_000) });
  let events = 0;
  // What the agent does with each batch: hand its events to the exporter.
  const deliver = (evs: ConnectionEvent[]) => {
    events += evs.length;
    exporter.enqueue(evs);
  };
  await engine.pollNow();
  const samples: number[] = [];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let rss = 0;
  while (performance.now() - t0 < seconds * 1000) {
    const start = performance.now();
    deliver((await engine.pollNow()).events);
    samples.push(performance.now() - start);
    rss = Math.max(rss, process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, Math.max(0, POLL_MS - (performance.now() - start))));
  }
  const cpu = process.cpuUsage(cpu0);
  const elapsed = performance.now() - t0;
  samples.sort((x, y) => x - y);
  return {
    events,
    pollMedianMs: samples[Math.floor(samples.length / 2)],
    pollP95Ms: samples[Math.floor(samples.length * 0.95)],
    cpuPercent: ((cpu.user + cpu.system) / 1000 / elapsed) * 100,
    rssMiB: rss / 2 ** 20,
    sent: exporter.stats.sent(),
    dropped: exporter.stats.dropped(),
    depth: exporter.stats.depth(),
  };
}

/** Seconds per run: NETMON_BENCH_EXPORT_SECONDS (default 10; the full minute is 60). */
export async function benchExporters(seconds = Number(process.env.NETMON_BENCH_EXPORT_SECONDS) || 10): Promise<string> {
  const rows: string[][] = [];
  const medians: Record<string, number> = {};
  for (const kind of ['syslog', 'otlp'] as const) {
    for (const stalled of [false, true]) {
      const sink = kind === 'syslog' ? await tcpSink(stalled) : await httpSink(stalled);
      const exporter =
        kind === 'syslog'
          ? createSyslogExporter({ target: { protocol: 'tcp', host: '127.0.0.1', port: sink.port } })
          : createOtlpExporter({ url: `http://127.0.0.1:${sink.port}/v1/logs` });
      const r = await drive(exporter, seconds);
      await exporter.close();
      await sink.close();
      medians[`${kind} ${stalled}`] = r.pollMedianMs;
      rows.push([
        `${kind}, ${stalled ? 'stalled' : 'healthy'} receiver`,
        `${(r.events / seconds).toFixed(0)}`,
        `${ms(r.pollMedianMs)} / ${ms(r.pollP95Ms)}`,
        `${r.cpuPercent.toFixed(1)}%`,
        r.rssMiB.toFixed(0),
        `${r.sent} / ${r.dropped} / ${r.depth}`,
      ]);
    }
  }
  const ratio = (k: string) => (medians[`${k} true`] / medians[`${k} false`]).toFixed(2);
  const lines = [
    `${seconds} s per run, a poll every ${POLL_MS} ms; poll wall time includes handing the batch to the exporter`,
    table(['exporter', 'events/s', 'poll ms (med/p95)', 'CPU (1 core)', 'peak RSS MiB', 'sent / dropped / queued'], rows),
    `stalled / healthy poll median: syslog ${ratio('syslog')}, otlp ${ratio('otlp')} (budget ≤ 1.5: the poll never waits for a receiver)`,
  ];

  // One scrape over a 10,000-row table.
  const t = new LiveTable();
  const [snap] = synthSnapshots(10_000);
  const rowsOut = createRowTable(10_100);
  const engine = createEngine({ source: { name: 'synthetic', read: () => decodeTcpTable2(snap, rowsOut), processInfo: (pid) => ({ pid, name: `proc${pid}.exe`, path: null }) } });
  t.apply(await engine.pollNow());
  const m = createMetrics({ table: t, portRanges: () => ({ tcp: { low: 49152, high: 65535 }, udp: { low: 49152, high: 65535 } }) });
  const scrape: number[] = [];
  for (let i = 0; i < 30; i++) {
    const s = performance.now();
    await m.registry.metrics();
    scrape.push(performance.now() - s);
  }
  scrape.sort((x, y) => x - y);
  lines.push(`Prometheus scrape over ${t.rows.size.toLocaleString('en-US')} rows: median ${ms(scrape[15])} ms (budget 100 ms; runs on the agent's main thread, the poll runs in the worker)`);
  return lines.join('\n');
}
