// The OTLP logs exporter (official SDK + OTLP/HTTP exporter) against a receiver in the test that
// decodes each ExportLogsServiceRequest (OTLP/HTTP, JSON encoding: the protobuf JSON mapping of
// opentelemetry/proto/collector/logs/v1) and checks every field; the receiver is away and refuses
// for a while in the middle, and nothing is lost.
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { createOtlpExporter } from '../../main/export/otlp';
import type { EventExporter } from '../../main/export/syslog-exporter';
import { freePort, until } from './helpers';

interface AnyValue { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
interface KeyValue { key: string; value: AnyValue }
interface LogRecord {
  timeUnixNano: string | number; observedTimeUnixNano?: string | number; severityNumber: number; severityText: string;
  body: AnyValue; attributes: KeyValue[]; eventName?: string; droppedAttributesCount?: number;
}
interface ExportLogsServiceRequest {
  resourceLogs: Array<{ resource: { attributes: KeyValue[] }; scopeLogs: Array<{ scope: { name: string }; logRecords: LogRecord[] }> }>;
}

const anyValue = (v: AnyValue): string | number | boolean => {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.doubleValue !== undefined) return v.doubleValue;
  throw new Error(`not an AnyValue: ${JSON.stringify(v)}`);
};
const kv = (list: KeyValue[]) => Object.fromEntries(list.map((a) => [a.key, anyValue(a.value)]));

let server: http.Server | null = null;
let exporter: EventExporter | null = null;
afterAll(async () => {
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
  it('delivers every event with every field, across a receiver outage and refusals', async () => {
    const port = await freePort();
    const requests: ExportLogsServiceRequest[] = [];
    let refuse = 0;
    const listen = () =>
      new Promise<void>((r) => {
        server = http.createServer((req, res) => {
          let body = '';
          req.on('data', (d: Buffer) => (body += d.toString()));
          req.on('end', () => {
            expect(req.url).toBe('/v1/logs');
            expect(req.headers['content-type']).toBe('application/json');
            expect(req.headers['x-tenant']).toBe('ops');
            if (refuse > 0) {
              refuse--;
              res.writeHead(503).end();
              return;
            }
            requests.push(JSON.parse(body) as ExportLogsServiceRequest);
            res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
          });
        });
        server.listen(port, '127.0.0.1', () => r());
      });
    // The receiver is not there yet: the first events wait in the queue.
    exporter = createOtlpExporter({ url: `http://127.0.0.1:${port}/v1/logs`, headers: { 'x-tenant': 'ops' }, hostname: 'host-a', batchSize: 50, retryMinMs: 50, retryMaxMs: 200 });
    exporter.enqueue(Array.from({ length: 100 }, (_, i) => event(i + 1)));
    await new Promise((r) => setTimeout(r, 300));
    expect(exporter.stats.sent()).toBe(0);
    expect(exporter.stats.depth()).toBe(100);
    refuse = 2;
    await listen();
    exporter.enqueue(Array.from({ length: 100 }, (_, i) => event(i + 101)));
    await exporter.flush(20_000);
    const records = await until(20_000, () => `${requests.length} requests`, () => {
      const all = requests.flatMap((r) => r.resourceLogs.flatMap((rl) => rl.scopeLogs.flatMap((s) => s.logRecords)));
      return all.length >= 200 ? all : undefined;
    });
    const seqs = records.map((r) => Number(kv(r.attributes)['netmon.event.seq']));
    expect(new Set(seqs).size).toBe(200);
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    expect(exporter.stats.sent()).toBe(200);
    expect(exporter.stats.dropped()).toBe(0);

    for (const r of requests) {
      for (const rl of r.resourceLogs) {
        expect(kv(rl.resource.attributes)).toMatchObject({ 'service.name': 'netmon-agent', 'host.name': 'host-a' });
        for (const s of rl.scopeLogs) expect(s.scope.name).toBe('netmon');
      }
    }
    const first = records.find((r) => kv(r.attributes)['netmon.event.seq'] === 1)!;
    expect(String(first.timeUnixNano)).toBe(`${Date.UTC(2026, 10, 30, 5, 0, 0, 1)}000000`);
    expect(first.severityNumber).toBe(9);
    expect(first.severityText).toBe('INFO');
    expect(first.eventName).toBe('netmon.connection.changed');
    expect(anyValue(first.body)).toBe('changed tcp [fe80::1%3]:40001 -> 203.0.113.7:443 ESTABLISHED -> CLOSE-WAIT pid 4120 (curl)');
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
    expect(kv(second.attributes)['network.type']).toBe('ipv4');
    expect(kv(second.attributes)['netmon.tcp.previous_state']).toBeUndefined();
  }, 60_000);
});
