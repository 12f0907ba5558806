// Connection events as OpenTelemetry log records over OTLP/HTTP, with the official JS SDK
// (@opentelemetry/sdk-logs) and exporters: @opentelemetry/exporter-logs-otlp-proto (binary
// protobuf, application/x-protobuf: the default, what every OTLP/HTTP receiver must accept) or
// @opentelemetry/exporter-logs-otlp-http (the JSON encoding, application/json).
// The SDK builds the records; netmon's own bounded queue sits between it and the exporter, so
// the queue bound, the retries with backoff and the drop count are netmon's to state and report.
import os from 'node:os';
import { SeverityNumber, type AnyValueMap } from '@opentelemetry/api-logs';
import { OTLPLogExporter as OTLPJsonLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { OTLPLogExporter as OTLPProtoLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import {
  ATTR_NETWORK_LOCAL_ADDRESS,
  ATTR_NETWORK_LOCAL_PORT,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_NETWORK_TRANSPORT,
  ATTR_NETWORK_TYPE,
  ATTR_SERVICE_NAME,
} from '@opentelemetry/semantic-conventions';
import { TRAFFIC_FIELDS, type ConnectionEvent } from '../../shared/connection';
import { BoundedQueue, queueState, waitForDrain } from './queue';
import type { EventExporter } from './syslog-exporter';
import { eventMatchedMark, isoTime } from '../../shared/format';
import { eventText } from './syslog';

// Attributes still "incubating" in the semantic conventions; the package advises copying them.
const ATTR_PROCESS_PID = 'process.pid';
const ATTR_PROCESS_EXECUTABLE_NAME = 'process.executable.name';
const ATTR_PROCESS_EXECUTABLE_PATH = 'process.executable.path';
const ATTR_HOST_NAME = 'host.name';

/** OTLP/HTTP payload encodings (OTLP specification, "OTLP/HTTP Request"). */
export const OTLP_ENCODINGS = ['protobuf', 'json'] as const;
export type OtlpEncoding = (typeof OTLP_ENCODINGS)[number];

export interface OtlpExporterOptions {
  /** The OTLP/HTTP logs endpoint, e.g. http://collector:4318/v1/logs. */
  url: string;
  /** Binary protobuf (default) or the protobuf JSON mapping. */
  encoding?: OtlpEncoding;
  headers?: Record<string, string>;
  /** Events held while the receiver is away (default 50,000). */
  queueSize?: number;
  /** Records per export request (default 512). */
  batchSize?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  hostname?: string;
  log?: (line: string) => void;
}

/** `bytesSent` → `bytes_sent`: OpenTelemetry attribute names are snake_case. */
const snakeCase = (name: string): string => name.replace(/[A-Z]/g, (ch) => `_${ch.toLowerCase()}`);

/**
 * A traffic field as an attribute that keeps one type from record to record. The SDK sends a whole
 * number as an int and any other as a double, so an RTT in ms (0.05, then 1) would switch type
 * between records, which typed backends truncate or reject: RTT and its variance go in whole µs
 * (`netmon.rtt_us`, `netmon.rtt_var_us`: the unit Linux tcp_info reports; Windows' whole ms × 1000),
 * rates in whole bytes/s (as the engine computes them), counts as they are.
 */
function trafficAttribute(field: (typeof TRAFFIC_FIELDS)[number], v: number | string | null | undefined): [string, number | string | null | undefined] {
  if (typeof v !== 'number') return [`netmon.${snakeCase(field)}`, v];
  if (field === 'rttMs' || field === 'rttVarMs') return [`netmon.${snakeCase(field).replace(/_ms$/, '_us')}`, Math.round(v * 1000)];
  return [`netmon.${snakeCase(field)}`, Math.round(v)];
}

/**
 * The OpenTelemetry attributes of an event: semantic-convention names where they exist
 * (network.transport, network.type, network.local.*, network.peer.*, process.pid,
 * process.executable.name / .path), `netmon.*` for the rest. Absent / null fields are left out.
 */
export function eventAttributes(e: ConnectionEvent, seq: number): AnyValueMap {
  const c = e.connection;
  const a: Record<string, string | number | boolean | undefined | null> = {
    'netmon.event.type': e.type,
    'netmon.event.seq': seq,
    'netmon.event.matched': eventMatchedMark(e),
    [ATTR_NETWORK_TRANSPORT]: c.protocol,
    [ATTR_NETWORK_TYPE]: c.family === 6 ? 'ipv6' : 'ipv4',
    [ATTR_NETWORK_LOCAL_ADDRESS]: c.localAddress,
    [ATTR_NETWORK_LOCAL_PORT]: c.localPort,
    'netmon.local.scope_id': c.localScopeId,
    [ATTR_NETWORK_PEER_ADDRESS]: c.remoteAddress,
    [ATTR_NETWORK_PEER_PORT]: c.remotePort,
    'netmon.peer.scope_id': c.remoteScopeId,
    'netmon.peer.host': c.remoteHost,
    'netmon.tcp.state': c.state,
    'netmon.tcp.previous_state': e.type === 'changed' ? e.previousState : undefined,
    [ATTR_PROCESS_PID]: c.pid,
    'netmon.process.previous_pid': e.type === 'changed' ? e.previousPid : undefined,
    [ATTR_PROCESS_EXECUTABLE_NAME]: c.process,
    [ATTR_PROCESS_EXECUTABLE_PATH]: c.processPath,
    'netmon.process.start_time': isoTime(c.processStartTime),
    'netmon.connection.created_at': isoTime(c.createdAt),
    'netmon.connection.first_seen_at': isoTime(c.firstSeenAt),
    'netmon.connection.last_change_at': isoTime(c.lastChangeAt),
    'netmon.connection.preexisting': c.preexisting,
    // Every traffic field (netmon.bytes_sent, netmon.send_rate, netmon.rtt_us, …), each of one type.
    ...Object.fromEntries(TRAFFIC_FIELDS.map((f) => trafficAttribute(f, c[f]))),
  };
  const out: AnyValueMap = {};
  for (const [k, v] of Object.entries(a)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

/**
 * The endpoint as logs name it: scheme, host, port and path, without the user:password@ and the
 * query (API keys) a collector URL may carry. Never throws.
 */
export function shownUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '(an unreadable URL)';
  }
}

/**
 * An EventExporter that emits each event through the SDK as one log record into a bounded queue
 * (`queueSize`, oldest dropped and counted) and exports batches of up to `batchSize` records to
 * `url`, retrying a failed export (refused, unreachable, non-2xx) after `retryMinMs` doubling to
 * `retryMaxMs`. Never throws from enqueue.
 */
export function createOtlpExporter(opts: OtlpExporterOptions): EventExporter {
  const queue = new BoundedQueue<ReadableLogRecord>(opts.queueSize ?? 50_000);
  const batchSize = opts.batchSize ?? 512;
  const retryMin = opts.retryMinMs ?? 250;
  const retryMax = opts.retryMaxMs ?? 30_000;
  const Exporter = opts.encoding === 'json' ? OTLPJsonLogExporter : OTLPProtoLogExporter;
  const exporter = new Exporter({ url: opts.url, headers: opts.headers, timeoutMillis: 10_000 });
  // The SDK hands each record to this processor, which only queues it.
  const processor: LogRecordProcessor = {
    onEmit: (r) => queue.push(r),
    forceFlush: async () => {},
    shutdown: async () => {},
  };
  const provider = new LoggerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: 'netmon-agent', [ATTR_HOST_NAME]: opts.hostname ?? os.hostname() }),
    processors: [processor],
  });
  const logger = provider.getLogger('netmon');
  let seq = 0;
  let sent = 0;
  let inFlight: ReadableLogRecord[] = [];
  let retryDelay = retryMin;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;
  let lastProblem = '';
  const waiters = new Set<() => void>();
  const shown = shownUrl(opts.url);

  const pump = (): void => {
    if (inFlight.length > 0 || retryTimer || closed) return;
    if (queue.depth === 0) {
      for (const w of waiters) w();
      return;
    }
    while (inFlight.length < batchSize && queue.depth > 0) inFlight.push(queue.shift() as ReadableLogRecord);
    exporter.export(inFlight, (result) => {
      const batch = inFlight;
      inFlight = [];
      // ExportResultCode.SUCCESS (@opentelemetry/core) is 0.
      if (result.code === 0) {
        sent += batch.length;
        retryDelay = retryMin;
        if (lastProblem) opts.log?.(`netmon agent: otlp ${shown}: delivering again (${queueState(queue)})`);
        lastProblem = '';
        pump();
        return;
      }
      queue.requeue(batch);
      const why = `netmon agent: otlp ${shown}: ${result.error?.message ?? 'export failed'}; retrying in ${retryDelay} ms (${queueState(queue)})`;
      if (!lastProblem) opts.log?.(why);
      lastProblem = why;
      if (closed) return;
      retryTimer = setTimeout(() => {
        retryTimer = null;
        pump();
      }, retryDelay);
      retryDelay = Math.min(retryDelay * 2, retryMax);
    });
  };

  return {
    stats: { name: 'otlp', capacity: queue.capacity, depth: () => queue.depth + inFlight.length, dropped: () => queue.dropped, sent: () => sent },
    enqueue(events) {
      if (closed) return;
      for (const e of events) {
        try {
          logger.emit({
            timestamp: e.time,
            severityNumber: SeverityNumber.INFO,
            severityText: 'INFO',
            eventName: `netmon.connection.${e.type}`,
            body: eventText(e),
            attributes: eventAttributes(e, ++seq),
          });
        } catch {
          // an event that cannot be turned into a record is skipped; the others go on
        }
      }
      pump();
    },
    flush(timeoutMs) {
      pump();
      if (queue.depth === 0 && inFlight.length === 0) return Promise.resolve();
      return waitForDrain(waiters, timeoutMs);
    },
    async close() {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      for (const w of waiters) w();
      await provider.shutdown().catch(() => {});
      await exporter.shutdown().catch(() => {});
    },
  };
}
