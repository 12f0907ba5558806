// The agent's exporters under load: 1,000 events/s for a minute into each exporter (Prometheus
// scrapes, syslog, OTLP). The agent runs in a child process of its own, so its CPU and memory are
// the agent's alone, built as `netmon agent` is: the engine and its scheduler in a worker thread,
// the main thread doing per batch what runAgent does (IPC decode, live table, metrics, enqueue,
// the exporters' I/O, /metrics). The receivers run in this process and count what arrives. A poll
// that waited for an exporter would start late, so poll-start jitter (interval − 100 ms) is the
// measure of "the poll never waits", beside an idle process's 100 ms timer in the same seconds
// (the machine's own noise); stalled receivers (accept and never read / never answer)
// with a small queue show it unchanged and the drops counted.
// Also the cost of one Prometheus scrape over a 10,000-row table.
import { spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { isMainThread, parentPort, Worker, type MessagePort } from 'node:worker_threads';
import { decodeBatch, encodeBatch } from '../shared/ipc';
import { createEngine } from '../main/engine/engine';
import { startMetricsServer } from '../main/export/metrics-server';
import { createOtlpExporter } from '../main/export/otlp';
import { createMetrics } from '../main/export/prometheus';
import { createSyslogExporter, type EventExporter } from '../main/export/syslog-exporter';
import { LiveTable } from '../main/export/table';
import { createRowTable } from '../main/model/rows';
import type { ConnectionSource } from '../main/source/types';
import { decodeTcpTable2 } from '../main/source/windows/decode';
import { decodeLogsRequest } from '../test/agent/otlp-decode';
import { buildTcpTable2, ms, synthSnapshots, table } from './decode-diff';

export const EXPORT_CHILD_FLAG = '--exporter-load-child';

const POLL_MS = 100;
/** Connections in the table, and the opened + closed events a second they make. */
const ROWS = 6_000;
const EVENTS_PER_SECOND = 1_000;
const TOKEN = 'bench-token-0123456789abcdef';

// Budgets: the issue's rate; polls on time: p99 of the poll's lateness within 10 ms of an idle
// timer's in the same seconds (the machine's own scheduling noise, tens of ms on a busy 2-core
// machine) and none later than the idle timer's latest by a whole interval (a poll that waited
// for a stalled receiver would be late by the receiver's silence, seconds); at most 15% of a core for 1,000 events/s and
// 6,000 connections polled 10 times a second (10× the default rate); the memory of a small service.
const BUDGET = { eventsPerSecond: 1_000, jitterP99OverIdleMs: 10, jitterMaxOverIdleMs: POLL_MS, cpuMsPerS: 150, peakRssMb: 250 };

type Kind = 'prometheus' | 'syslog' | 'otlp';

interface ChildSpec {
  kind: Kind;
  /** Receiver port (syslog, otlp). */
  port: number;
  seconds: number;
  queueSize?: number;
  /** Wait for the queue to drain after the load (healthy receivers). */
  drain: boolean;
}

interface ChildResult {
  events: number;
  /** Wall time of the load. */
  seconds: number;
  /** From the first poll's start to the last one's: the time `events` span. */
  spanS: number;
  polls: number;
  jitterP50Ms: number;
  jitterP99Ms: number;
  jitterMaxMs: number;
  cpuMsPerS: number;
  peakRssMb: number;
  endRssMb: number;
  sent: number;
  dropped: number;
  depth: number;
  /** The machine's 1-minute load average (the higher of start and end): other work competing for the cores. */
  loadAverage: number;
}

/**
 * A source whose connections open and close at a steady rate in time, whatever the poll cadence:
 * connection j opens at j / (rate / 2) s and closes `rows` connections later, so the table holds
 * `rows` ESTABLISHED connections and yields `eventsPerSecond` opened + closed events a second.
 * (Churn tied to polls, as before, fell short: polls come a little later than every 100 ms.)
 * The table is built as MIB_TCPTABLE2 and decoded, as the Windows source does.
 */
function steadyChurnSource(rows: number, eventsPerSecond: number): ConnectionSource {
  const t0 = performance.now();
  // Two tables in turn: each stays intact until the read after next, as a source promises.
  const outs = [createRowTable(rows), createRowTable(rows)];
  let turn = 0;
  const row = (j: number) => ({ state: 5, laddr: 0x0a000005, lport: 1024 + (j % 60_000), raddr: (0x0b000000 + j) >>> 0, rport: 443, pid: 100 + (j % 50) });
  return {
    name: 'steady-churn',
    read: () => {
      const end = rows + Math.floor(((performance.now() - t0) * eventsPerSecond) / 2 / 1000);
      turn ^= 1;
      return decodeTcpTable2(buildTcpTable2(Array.from({ length: rows }, (_, i) => row(end - rows + i))), outs[turn]);
    },
    processInfo: (pid) => ({ pid, name: `proc${pid}`, path: null }),
  };
}

const quantile = (sorted: readonly number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
const mb = (bytes: number) => bytes / 2 ** 20;

type EngineMessage = { type: 'batch'; json: string } | { type: 'starts'; starts: number[] };

/** The engine worker of the child: the engine's own scheduler at 100 ms, batches posted as JSON. */
function engineThread(): void {
  const port = parentPort as MessagePort;
  const starts: number[] = [];
  let started = 0;
  const source = steadyChurnSource(ROWS, EVENTS_PER_SECOND);
  const read = source.read;
  // Each read is the start of a poll; it counts once its batch is out.
  source.read = () => ((started = performance.now()), read());
  const engine = createEngine({ source, intervalMs: POLL_MS });
  engine.onBatch((b) => {
    starts.push(started);
    port.postMessage({ type: 'batch', json: encodeBatch(b) } satisfies EngineMessage);
  });
  port.on('message', () => {
    engine.stop();
    port.postMessage({ type: 'starts', starts } satisfies EngineMessage);
    port.close();
  });
  engine.start();
}

/**
 * The agent, in the child process: argv[3] is the ChildSpec as JSON. The main thread does what
 * runAgent does; a worker thread (this file again) runs the engine. JSON lines on stdout: ready
 * (with the metrics port), then the figures.
 */
export async function exporterLoadChild(specJson: string): Promise<void> {
  if (!isMainThread) return engineThread();
  const spec = JSON.parse(specJson) as ChildSpec;
  const table = new LiveTable();
  const exporters: EventExporter[] = [];
  if (spec.kind === 'syslog') exporters.push(createSyslogExporter({ target: { protocol: 'tcp', host: '127.0.0.1', port: spec.port }, queueSize: spec.queueSize }));
  if (spec.kind === 'otlp') exporters.push(createOtlpExporter({ url: `http://127.0.0.1:${spec.port}/v1/logs`, queueSize: spec.queueSize }));
  const metrics = createMetrics({
    table,
    portRanges: () => ({ tcp: { low: 49152, high: 65535 }, udp: { low: 49152, high: 65535 } }),
    exporters: () => exporters.map((e) => e.stats),
  });
  const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: TOKEN, registry: metrics.registry });
  let events = 0;
  let first: (() => void) | null = null;
  const firstBatch = new Promise<void>((r) => (first = r));
  let peakRss = process.memoryUsage.rss();
  const worker = new Worker(process.argv[1], { argv: process.argv.slice(2) });
  const starts = new Promise<number[]>((resolve, reject) => {
    worker.on('error', reject);
    worker.on('message', (m: EngineMessage) => {
      if (m.type === 'starts') return resolve(m.starts);
      // What runAgent does with each batch from the worker.
      const batch = decodeBatch(m.json);
      const poll = table.apply(batch);
      if (poll) metrics.observePoll(poll);
      if (first) return void (first(), (first = null)); // the full first table carries no events
      events += batch.events.length;
      for (const x of exporters) x.enqueue(batch.events);
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    });
  });
  await firstBatch;
  process.stdout.write(`${JSON.stringify({ ready: true, metricsPort: server.port })}\n`);
  const load0 = os.loadavg()[0];
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, spec.seconds * 1000));
  worker.postMessage('stop');
  const pollStarts = await starts;
  const elapsedS = (performance.now() - t0) / 1000;
  // The events counted came from the polls after the first (the full table), so they span
  // the time from the first poll's start to the last one's.
  const spanS = (pollStarts[pollStarts.length - 1] - pollStarts[0]) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const endRss = process.memoryUsage.rss();
  await worker.terminate();
  if (spec.drain) await Promise.all(exporters.map((x) => x.flush(10_000)));
  // Poll-start jitter: how much later than 100 ms after the previous one each poll began.
  const jitter = pollStarts.slice(1).map((t, i) => t - pollStarts[i] - POLL_MS).sort((a, b) => a - b);
  const stats = exporters[0]?.stats;
  const result: ChildResult = {
    events,
    seconds: elapsedS,
    spanS,
    polls: pollStarts.length,
    jitterP50Ms: quantile(jitter, 0.5),
    jitterP99Ms: quantile(jitter, 0.99),
    jitterMaxMs: jitter[jitter.length - 1],
    cpuMsPerS: (cpu.user + cpu.system) / 1000 / elapsedS,
    peakRssMb: mb(peakRss),
    endRssMb: mb(endRss),
    sent: stats?.sent() ?? 0,
    dropped: stats?.dropped() ?? 0,
    depth: stats?.depth() ?? 0,
    loadAverage: Math.max(load0, os.loadavg()[0]),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
  for (const x of exporters) await x.close();
  await server.close();
}

interface Receiver {
  port: number;
  /** Events received so far (syslog frames; OTLP log records decoded from the protobuf). */
  received(): number;
  close(): Promise<void>;
}

/** A syslog receiver counting RFC 6587 octet-counted frames, or (stalled) one that never reads. */
async function syslogReceiver(stalled: boolean): Promise<Receiver> {
  const sockets = new Set<net.Socket>();
  let received = 0;
  const server = net.createServer((s) => {
    sockets.add(s);
    s.on('error', () => {});
    if (stalled) return void s.pause();
    let pending: Buffer = Buffer.alloc(0);
    s.on('data', (d: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, d]) : d;
      for (;;) {
        const sp = pending.indexOf(0x20);
        if (sp < 0) break;
        const len = Number(pending.subarray(0, sp).toString('ascii'));
        if (!Number.isInteger(len)) return void s.destroy(new Error('not an octet-counted frame'));
        const end = sp + 1 + len;
        if (end > pending.length) break;
        received++;
        pending = pending.subarray(end);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    close: () => new Promise<void>((r) => (sockets.forEach((s) => s.destroy()), server.close(() => r()))),
  };
}

/** An OTLP/HTTP receiver decoding each ExportLogsServiceRequest, or (stalled) one that never answers. */
async function otlpReceiver(stalled: boolean): Promise<Receiver> {
  let received = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    if (stalled) return;
    req.on('end', () => {
      const r = decodeLogsRequest(req.headers['content-type'], Buffer.concat(chunks));
      for (const rl of r.resourceLogs) for (const sl of rl.scopeLogs) received += sl.logRecords.length;
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.address() as AddressInfo).port,
    received: () => received,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}

/** Scrapes the child's /metrics every second (Prometheus's own interval is usually 15-60 s). */
function scraper(port: number): { stop(): Promise<{ scrapes: number; medianMs: number; failures: number }> } {
  const times: number[] = [];
  let failures = 0;
  let stopped = false;
  const once = () =>
    new Promise<void>((resolve) => {
      const t = performance.now();
      const req = http.get({ host: '127.0.0.1', port, path: '/metrics', headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          if (res.statusCode === 200 && body.includes('netmon_connections{')) times.push(performance.now() - t);
          else failures++;
          resolve();
        });
      });
      req.on('error', () => (failures++, resolve()));
    });
  const loop = (async () => {
    while (!stopped) {
      await once();
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      times.sort((a, b) => a - b);
      return { scrapes: times.length, medianMs: quantile(times, 0.5), failures };
    },
  };
}

/** Lateness of an idle 100 ms timer, ms: p99 and max. */
interface Control {
  p99Ms: number;
  maxMs: number;
}

/**
 * The control: a process that does nothing but a 100 ms timer, run during a load run, measuring
 * how late the machine itself makes a timer (other work on the cores). The agent's poll jitter
 * beyond this is the agent's.
 */
function idleTimer(seconds: number): Promise<Control> {
  const code = `const late=[];let last=performance.now();const end=last+${seconds * 1000};
const tick=()=>{const now=performance.now();late.push(now-last-${POLL_MS});last=now;
if(now<end)return void setTimeout(tick,${POLL_MS});late.sort((a,b)=>a-b);
process.stdout.write(JSON.stringify({p99Ms:late[Math.floor(late.length*0.99)],maxMs:late[late.length-1]}));};
setTimeout(tick,${POLL_MS});`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', () => {
      try {
        resolve(JSON.parse(out) as Control);
      } catch {
        reject(new Error(`idle timer control printed ${JSON.stringify(out)}`));
      }
    });
  });
}

/** Runs the child for one exporter and receiver; resolves with its figures and the receiver's count. */
async function loadRun(
  kind: Kind,
  stalled: boolean,
  seconds: number,
  queueSize?: number,
): Promise<{ child: ChildResult; received: number; control: Control; scrape?: { scrapes: number; medianMs: number; failures: number } }> {
  const receiver = kind === 'syslog' ? await syslogReceiver(stalled) : kind === 'otlp' ? await otlpReceiver(stalled) : null;
  const spec: ChildSpec = { kind, port: receiver?.port ?? 0, seconds, queueSize, drain: !stalled };
  const child = spawn(process.execPath, [process.argv[1], EXPORT_CHILD_FLAG, JSON.stringify(spec)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const lines = createInterface({ input: child.stdout });
  let scrape: ReturnType<typeof scraper> | null = null;
  let result: ChildResult | null = null;
  const timer = setTimeout(() => child.pid && child.kill('SIGKILL'), (seconds + 60) * 1000);
  let scrapes: Awaited<ReturnType<ReturnType<typeof scraper>['stop']>> | undefined;
  let control: Promise<Control> | null = null;
  for await (const line of lines) {
    const msg = JSON.parse(line) as { ready?: boolean; metricsPort?: number } & Partial<ChildResult>;
    if (msg.ready) {
      control = idleTimer(seconds);
      if (kind === 'prometheus') scrape = scraper(msg.metricsPort as number);
    } else {
      result = msg as ChildResult;
      // The load is over and the child closes its /metrics next: stop scraping first.
      scrapes = await scrape?.stop();
    }
  }
  clearTimeout(timer);
  await receiver?.close();
  if (!result || !control) throw new Error(`exporter load child (${kind}) ended without figures: ${stderr}`);
  return { child: result, received: receiver?.received() ?? 0, scrape: scrapes, control: await control };
}

/**
 * The load runs: NETMON_BENCH_EXPORT_SECONDS per healthy run (default 60, the issue's minute),
 * a third of it (at least 10 s) per stalled run with a 5,000-event queue so drops happen.
 */
export async function benchExporters(seconds = Number(process.env.NETMON_BENCH_EXPORT_SECONDS) || 60): Promise<string> {
  const stalledSeconds = Math.max(10, Math.round(seconds / 3));
  const stalledQueue = 5_000;
  const rows: string[][] = [];
  const notes: string[] = [];
  const over: string[] = [];
  const wall0 = performance.now();
  const runs: Array<[Kind, boolean]> = [['prometheus', false], ['syslog', false], ['otlp', false], ['syslog', true], ['otlp', true]];
  for (const [kind, stalled] of runs) {
    const r = await loadRun(kind, stalled, stalled ? stalledSeconds : seconds, stalled ? stalledQueue : undefined);
    const c = r.child;
    const name = `${kind}${stalled ? `, stalled (queue ${stalledQueue.toLocaleString('en-US')})` : ''}`;
    const rate = c.events / c.spanS;
    const delivery =
      kind === 'prometheus'
        ? `${r.scrape?.scrapes} scrapes, median ${ms(r.scrape?.medianMs ?? NaN)} ms, ${r.scrape?.failures} failed`
        : `${c.sent} / ${c.dropped} / ${c.depth}; received ${r.received}`;
    rows.push([name, `${c.seconds.toFixed(0)}`, rate.toFixed(0), `${c.polls}`, `${ms(c.jitterP50Ms)} / ${ms(c.jitterP99Ms)} / ${ms(c.jitterMaxMs)}`, `${ms(r.control.p99Ms)} / ${ms(r.control.maxMs)}`, c.cpuMsPerS.toFixed(1), `${c.peakRssMb.toFixed(0)} / ${c.endRssMb.toFixed(0)}`, c.loadAverage.toFixed(1), delivery]);
    if (rate < BUDGET.eventsPerSecond * 0.99) over.push(`${name}: ${rate.toFixed(0)} events/s`);
    if (c.jitterP99Ms > r.control.p99Ms + BUDGET.jitterP99OverIdleMs || c.jitterMaxMs > r.control.maxMs + BUDGET.jitterMaxOverIdleMs) {
      over.push(`${name}: poll jitter p99 / max ${ms(c.jitterP99Ms)} / ${ms(c.jitterMaxMs)} ms (idle timer ${ms(r.control.p99Ms)} / ${ms(r.control.maxMs)})`);
    }
    if (c.cpuMsPerS > BUDGET.cpuMsPerS) over.push(`${name}: CPU ${c.cpuMsPerS.toFixed(0)} ms/s`);
    if (c.peakRssMb > BUDGET.peakRssMb) over.push(`${name}: peak RSS ${c.peakRssMb.toFixed(0)} MB`);
    // Every event accounted for: delivered, dropped (counted) or still queued.
    if (kind !== 'prometheus' && c.sent + c.dropped + c.depth !== c.events) over.push(`${name}: sent + dropped + queued = ${c.sent + c.dropped + c.depth}, not ${c.events}`);
    if (kind !== 'prometheus' && !stalled && (r.received < c.events || c.dropped > 0)) over.push(`${name}: received ${r.received} of ${c.events}, dropped ${c.dropped}`);
    if (kind === 'prometheus' && (r.scrape?.failures ?? 1) > 0) over.push(`${name}: ${r.scrape?.failures} scrapes failed`);
  }
  notes.push(
    `${seconds} s per healthy run, ${stalledSeconds} s per stalled one; ${ROWS.toLocaleString('en-US')} connections turning over at ${EVENTS_PER_SECOND.toLocaleString('en-US')} opened + closed events/s, polled every ${POLL_MS} ms by the engine's scheduler in a worker thread (${os.cpus().length} cores; a load average above that delays polls whatever the agent does); whole section ${((performance.now() - wall0) / 1000).toFixed(0)} s`,
  );
  const out = [
    ...notes,
    table(['agent (child process)', 's', 'events/s', 'polls', 'poll jitter ms (p50/p99/max)', 'idle timer ms (p99/max)', 'CPU ms/s', 'RSS MB (peak/end)', 'load avg', 'sent / dropped / queued (receiver)'], rows),
    'stalled syslog: "sent" is what went into the kernel\'s socket buffers (several MB on loopback) before the queue had to hold the rest',
    `budgets: ≥ ${BUDGET.eventsPerSecond} events/s; poll jitter p99 ≤ the idle timer's + ${BUDGET.jitterP99OverIdleMs} ms, max ≤ the idle timer's + ${BUDGET.jitterMaxOverIdleMs} ms (a poll that waited for a stalled receiver would be seconds late); CPU ≤ ${BUDGET.cpuMsPerS} ms/s; peak RSS ≤ ${BUDGET.peakRssMb} MB; healthy: nothing dropped, every event received`,
    over.length ? `OVER BUDGET: ${over.join('; ')}` : 'all within budget',
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
  out.push(`Prometheus scrape over ${t.rows.size.toLocaleString('en-US')} rows: median ${ms(scrape[15])} ms (budget 100 ms; runs on the agent's main thread, the poll runs in the worker)`);
  return out.join('\n');
}
