// The OTLP logs exporter (official SDK and OTLP/HTTP exporters) against a receiver in the test that
// decodes each ExportLogsServiceRequest with the OpenTelemetry protocol definitions (binary
// protobuf by default, the JSON mapping when asked) and checks every field; the receiver is away
// and refuses for a while in the middle, and nothing is lost.
import http from 'node:http';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { createOtlpExporter, type OtlpEncoding } from '../../main/export/otlp';
import type { EventExporter } from '../../main/export/syslog-exporter';
import { buildAgent, freePort, start, until, type BuiltAgent } from './helpers';
import { createServer, connect as tcpConnect, type Socket } from 'node:net';
import { decodeLogsRequest, keyValues as kv, type ExportLogsServiceRequest } from './otlp-decode';

let server: http.Server | null = null;
let built: BuiltAgent | null = null;
let exporter: EventExporter | null = null;
afterAll(() => built?.cleanup());
afterEach(async () => {
  await exporter?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

const event = (i: number): ConnectionEvent => ({
  type: i === 1 ? 'changed' : i % 2 ? 'closed' : 'opened',
  time: Date.UTC(2026, 10, 30, 5, 0, 0, i),
  connection: {
    id: `c${i}`, protocol: 'tcp', family: i === 1 ? 6 : 4, localAddress: i === 1 ? 'fe80::1' : '10.0.0.5', localPort: 40000 + i,
    localScopeId: i === 1 ? 3 : undefined, remoteAddress: '203.0.113.7', remotePort: 443, state: i === 1 ? 'CLOSE-WAIT' : 'ESTABLISHED',
    pid: 4120, process: 'curl', processPath: '/usr/bin/curl', processStartTime: Date.UTC(2026, 10, 30, 4, 0, 0), bytesSent: 1234, bytesReceived: null,
  },
  ...(i === 1 ? { previousState: 'ESTABLISHED' as const, previousPid: 4119 } : {}),
});

describe('OTLP logs exporter → decoding receiver', () => {
  it.each([
    ['protobuf', 'application/x-protobuf'],
    ['json', 'application/json'],
  ] as const)('%s: delivers every event with every field, across a receiver outage and refusals', async (encoding: OtlpEncoding, contentType) => {
    const port = await freePort();
    const startNs = BigInt(Date.now()) * 1_000_000n;
    const requests: ExportLogsServiceRequest[] = [];
    const problems: string[] = [];
    let refuse = 0;
    const listen = () =>
      new Promise<void>((r) => {
        server = http.createServer((req, res) => {
          const chunks: Buffer[] = [];
          req.on('data', (d: Buffer) => chunks.push(d));
          req.on('end', () => {
            const head = `${req.method} ${req.url} ${req.headers['content-type']} x-tenant=${req.headers['x-tenant']}`;
            if (head !== `POST /v1/logs ${contentType} x-tenant=ops`) problems.push(`unexpected request ${head}`);
            if (refuse > 0) {
              refuse--;
              res.writeHead(503).end();
              return;
            }
            try {
              requests.push(decodeLogsRequest(req.headers['content-type'], Buffer.concat(chunks)));
            } catch (e) {
              problems.push((e as Error).message);
              res.writeHead(400).end();
              return;
            }
            // An empty ExportLogsServiceResponse: full success.
            res.writeHead(200, { 'content-type': contentType }).end(contentType === 'application/json' ? '{}' : '');
          });
        });
        server.listen(port, '127.0.0.1', () => r());
      });
    // The receiver is not there yet: the first events wait in the queue.
    exporter = createOtlpExporter({ url: `http://127.0.0.1:${port}/v1/logs`, encoding, headers: { 'x-tenant': 'ops' }, hostname: 'host-a', batchSize: 50, retryMinMs: 50, retryMaxMs: 200 });
    exporter.enqueue(Array.from({ length: 100 }, (_, i) => event(i + 1)));
    await new Promise((r) => setTimeout(r, 300));
    expect(exporter.stats.sent()).toBe(0);
    expect(exporter.stats.depth()).toBe(100);
    refuse = 2;
    await listen();
    exporter.enqueue(Array.from({ length: 100 }, (_, i) => event(i + 101)));
    await exporter.flush(20_000);
    const records = await until(20_000, () => `${requests.length} requests; ${problems.join('; ')}`, () => {
      const all = requests.flatMap((r) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((s) => s.logRecords)));
      return all.length >= 200 ? all : undefined;
    });
    const seqs = records.map((r) => Number(kv(r.attributes)['netmon.event.seq']));
    expect(new Set(seqs).size).toBe(200);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(exporter.stats.sent()).toBe(200);
    expect(exporter.stats.dropped()).toBe(0);

    const endNs = BigInt(Date.now()) * 1_000_000n;
    expect(problems).toEqual([]);
    for (const r of requests) {
      expect(r.resourceLogs).toHaveLength(1);
      for (const rl of r.resourceLogs) {
        expect(kv(rl.resource.attributes)).toEqual({ 'service.name': 'netmon-agent', 'host.name': 'host-a' });
        expect(rl.resource.droppedAttributesCount).toBe(0);
        expect(rl.scopeLogs).toHaveLength(1);
        for (const s of rl.scopeLogs) expect(s.scope).toEqual({ name: 'netmon', version: '', attributes: [], droppedAttributesCount: 0 });
      }
    }
    for (const r of records) {
      // No trace context: the ids are empty, the flags 0; nothing dropped.
      expect([r.traceId, r.spanId, r.flags, r.droppedAttributesCount]).toEqual(['', '', 0, 0]);
      // Observed when the SDK took the record: during this test, in nanoseconds.
      expect(BigInt(r.observedTimeUnixNano) >= startNs && BigInt(r.observedTimeUnixNano) <= endNs).toBe(true);
      // Integers travel as intValue (int64), never as doubles.
      expect(r.attributes.filter((a) => a.value.doubleValue !== undefined)).toEqual([]);
    }
    const first = records.find((r) => kv(r.attributes)['netmon.event.seq'] === 1)!;
    expect(first.timeUnixNano).toBe(`${Date.UTC(2026, 10, 30, 5, 0, 0, 1)}000000`);
    expect(first.severityNumber).toBe(9);
    expect(first.severityText).toBe('INFO');
    expect(first.eventName).toBe('netmon.connection.changed');
    expect(first.body.stringValue).toBe('changed tcp [fe80::1%3]:40001 -> 203.0.113.7:443 ESTABLISHED -> CLOSE-WAIT pid 4120 (curl)');
    expect(kv(first.attributes)).toEqual({
      'netmon.event.type': 'changed', 'netmon.event.seq': 1,
      'network.transport': 'tcp', 'network.type': 'ipv6',
      'network.local.address': 'fe80::1', 'network.local.port': 40001, 'netmon.local.scope_id': 3,
      'network.peer.address': '203.0.113.7', 'network.peer.port': 443,
      'netmon.tcp.state': 'CLOSE-WAIT', 'netmon.tcp.previous_state': 'ESTABLISHED',
      'process.pid': 4120, 'netmon.process.previous_pid': 4119,
      'process.executable.name': 'curl', 'process.executable.path': '/usr/bin/curl',
      'netmon.process.start_time': '2026-11-30T04:00:00.000Z', 'netmon.bytes_sent': 1234,
    });
    const second = records.find((r) => kv(r.attributes)['netmon.event.seq'] === 2)!;
    expect(second.eventName).toBe('netmon.connection.opened');
    expect(second.timeUnixNano).toBe(`${Date.UTC(2026, 10, 30, 5, 0, 0, 2)}000000`);
    expect(kv(second.attributes)).toEqual({
      'netmon.event.type': 'opened', 'netmon.event.seq': 2,
      'network.transport': 'tcp', 'network.type': 'ipv4',
      'network.local.address': '10.0.0.5', 'network.local.port': 40002,
      'network.peer.address': '203.0.113.7', 'network.peer.port': 443,
      'netmon.tcp.state': 'ESTABLISHED', 'process.pid': 4120,
      'process.executable.name': 'curl', 'process.executable.path': '/usr/bin/curl',
      'netmon.process.start_time': '2026-11-30T04:00:00.000Z', 'netmon.bytes_sent': 1234,
    });
    // Each record's body and attributes are its own event's.
    for (const r of records) {
      const seq = Number(kv(r.attributes)['netmon.event.seq']);
      expect(kv(r.attributes)['network.local.port']).toBe(40000 + seq);
      expect(r.timeUnixNano).toBe(`${Date.UTC(2026, 10, 30, 5, 0, 0, seq)}000000`);
    }
  }, 60_000);

  it('netmon agent --otlp sends the events its filter selects as protobuf, with the socket owner as process.pid', async () => {
    built = await buildAgent();
    const records: ExportLogsServiceRequest[] = [];
    const problems: string[] = [];
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        try {
          records.push(decodeLogsRequest(req.headers['content-type'], Buffer.concat(chunks)));
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } catch (e) {
          problems.push((e as Error).message);
          res.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
    const otlpPort = (server.address() as { port: number }).port;
    const held: Socket[] = [];
    const listener = createServer((sock) => held.push(sock));
    await new Promise<void>((r) => listener.listen(0, '127.0.0.1', () => r()));
    const p = (listener.address() as { port: number }).port;
    const agent = start(process.execPath, [built.cli, 'agent', '--otlp', `http://127.0.0.1:${otlpPort}/v1/logs`, '--source', 'linux', '--interval', '200', '--filter', `port:${p}`]);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the first (full) poll: the listener is no event
      const c = tcpConnect(p, '127.0.0.1');
      await new Promise<void>((r) => c.once('connect', () => r()));
      const opened = await until(15_000, () => `${agent.output()} ${problems.join('; ')}`, () => {
        const o = records
          .flatMap((r) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((sl) => sl.logRecords)))
          .filter((r) => r.eventName === 'netmon.connection.opened');
        return o.length >= 2 ? o : undefined;
      });
      const attrs = opened.map((r) => kv(r.attributes));
      expect(attrs.map((a) => (a['network.local.port'] === p ? 'server' : a['network.peer.port'] === p ? 'client' : '?')).sort()).toEqual(['client', 'server']);
      for (const a of attrs) {
        expect(a).toMatchObject({ 'network.transport': 'tcp', 'network.type': 'ipv4', 'network.local.address': '127.0.0.1', 'network.peer.address': '127.0.0.1', 'process.pid': process.pid, 'netmon.tcp.state': 'ESTABLISHED' });
      }
      c.destroy();
    } finally {
      expect(await agent.stop()).toBe(0);
      for (const sock of held) sock.destroy();
      await new Promise<void>((r) => listener.close(() => r()));
    }
    expect(problems).toEqual([]);
  }, 90_000);
});
