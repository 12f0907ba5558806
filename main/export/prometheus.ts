// Prometheus metrics of the live table, computed at scrape time with prom-client (gauges with
// collect()), plus counters fed from the batch stream. Names follow the Prometheus naming
// conventions (https://prometheus.io/docs/practices/naming/): base units, `_total` counters.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Connection } from '../../shared/connection';
import { ownerlessState } from '../../shared/format';
import { portUsageReport, type PortRange } from '../../shared/ports';
import type { Protocol } from '../../shared/connection';
import type { LiveTable, PollObservation } from './table';

/** What an exporter reports about its queue (main/export/queue.ts), for the exporter metrics. */
export interface ExporterStats {
  name: string;
  depth(): number;
  capacity: number;
  dropped(): number;
  sent(): number;
}

export interface MetricsOptions {
  table: LiveTable;
  /** Which rows count (the agent's filter); all by default. */
  match?: (c: Connection) => boolean;
  /** Processes given their own `process` label; the rest are summed as aggregate="other" (default 10). */
  topProcesses?: number;
  /** Local addresses given their own ephemeral-port series, busiest first (default 10). */
  topAddresses?: number;
  /** The OS's dynamic port ranges (main/source/port-range.ts readDynamicRanges); null until read. */
  portRanges?: () => Record<Protocol, PortRange> | null;
  exporters?: () => readonly ExporterStats[];
}

export interface NetmonMetrics {
  registry: Registry;
  /** Feeds one poll's observation (LiveTable.apply's answer). */
  observePoll(p: PollObservation): void;
}

/** The value of the `state` label: the TCP state as netmon prints it, "none" for UDP (which has no state). */
export function stateLabel(c: Connection): string {
  return c.state ?? 'none';
}

/** The value of the `family` label: "ipv4" / "ipv6" (OpenTelemetry's network.type values). */
export function familyLabel(c: Connection): string {
  return c.family === 6 ? 'ipv6' : 'ipv4';
}

/** A listener: a TCP socket in LISTEN, or a UDP socket with no remote side (it receives from anyone). */
export function isListener(c: Connection): boolean {
  return c.protocol === 'tcp' ? c.state === 'LISTEN' : c.remoteAddress === null;
}

/**
 * netmon's own per-process series that stand for no one process: `other` (the processes past the
 * top N, summed), `no_owner` (sockets no process owns by nature: TIME-WAIT, an orphan, PID 0 without
 * a name — the one rule of every view, shared/format.ts ownerlessState), `unknown` (an owner netmon
 * could not name: no PID, another user's process). They carry the label `aggregate` instead of
 * `process`, so that a process that is really named `unknown` or `other` (a Linux process may call
 * itself anything) keeps a series of its own.
 */
export type ProcessAggregate = 'other' | 'no_owner' | 'unknown';

/** One per-process series: a named process, or one of netmon's aggregates. */
export type ProcessSeries = { process: string } | { aggregate: ProcessAggregate };

/**
 * The series key of a row: `p:` + the process name, or `a:` + the aggregate (one string, so the
 * keys of processes and aggregates can never meet). A socket no process owns counts as no_owner
 * even where the OS names PID 0 (Windows: System Idle Process), as every view shows it.
 */
function processKey(c: Connection): string {
  if (ownerlessState(c) !== null) return 'a:no_owner';
  return c.process ? `p:${c.process}` : 'a:unknown';
}

const OTHER_KEY = 'a:other';

/** The labels of a series key (processKey or OTHER_KEY). */
export function processSeriesLabels(key: string): ProcessSeries {
  return key.startsWith('p:') ? { process: key.slice(2) } : { aggregate: key.slice(2) as ProcessAggregate };
}

/** Splits per-key totals into the `top` largest and one `other` sum under `otherKey` (bounded label cardinality). */
export function topN(totals: Map<string, number>, top: number, otherKey = 'other'): Array<[string, number]> {
  const sorted = [...totals].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const head = sorted.slice(0, top);
  const rest = sorted.slice(top).reduce((s, [, v]) => s + v, 0);
  if (sorted.length > top) head.push([otherKey, rest]);
  return head;
}

/**
 * Registers netmon's metrics on a fresh Registry. Gauges are computed from `table` when scraped,
 * so a scrape costs one pass over the rows and polling never waits for it.
 */
export function createMetrics(opts: MetricsOptions): NetmonMetrics {
  const registry = new Registry();
  const table = opts.table;
  const match = opts.match ?? (() => true);
  const topProcesses = opts.topProcesses ?? 10;
  const topAddresses = opts.topAddresses ?? 10;
  const rows = (): Connection[] => [...table.rows.values()].filter(match);

  new Gauge({
    name: 'netmon_connections',
    help: 'Sockets in the table by protocol, family (ipv4/ipv6) and state (TCP state as netmon prints it; "none" for UDP).',
    labelNames: ['protocol', 'family', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of rows()) this.inc({ protocol: c.protocol, family: familyLabel(c), state: stateLabel(c) });
    },
  });
  new Gauge({
    name: 'netmon_listeners',
    help: 'Listening sockets: TCP in LISTEN, UDP with no remote side.',
    labelNames: ['protocol', 'family'],
    registers: [registry],
    collect() {
      this.reset();
      for (const c of rows()) if (isListener(c)) this.inc({ protocol: c.protocol, family: familyLabel(c) });
    },
  });
  const perProcess = (name: string, help: string, value: (c: Connection) => number | null | undefined) =>
    new Gauge({
      name,
      help,
      // A series has one of the two: `process` (a named process) or `aggregate` (ProcessAggregate).
      labelNames: ['process', 'aggregate'],
      registers: [registry],
      collect() {
        this.reset();
        const totals = new Map<string, number>();
        const byCount = new Map<string, number>();
        for (const c of rows()) {
          const k = processKey(c);
          byCount.set(k, (byCount.get(k) ?? 0) + 1);
          const v = value(c);
          if (typeof v === 'number' && Number.isFinite(v)) totals.set(k, (totals.get(k) ?? 0) + v);
        }
        // The same top N named processes (by connections) for every per-process metric, so the series
        // line up. netmon's own aggregates (no_owner, unknown) take no process's slot and are never
        // summed into "other": each is always a series of its own (at most two more).
        const named = new Map([...byCount].filter(([k]) => k.startsWith('p:')));
        const top = new Set(topN(named, topProcesses, OTHER_KEY).map(([k]) => k));
        const out = new Map<string, number>();
        for (const [k, v] of totals) {
          const key = top.has(k) || !k.startsWith('p:') ? k : OTHER_KEY;
          out.set(key, (out.get(key) ?? 0) + v);
        }
        for (const [key, v] of out) this.set(processSeriesLabels(key), v);
      },
    });
  perProcess(
    'netmon_process_connections',
    `Sockets per process name (label process), the ${topProcesses} busiest; the rest summed as aggregate="other", sockets no process owns (TIME-WAIT, orphans) as aggregate="no_owner", of an owner netmon cannot name as aggregate="unknown".`,
    () => 1,
  );
  perProcess('netmon_process_sent_bytes', 'Bytes sent over the life of the process\'s open TCP connections (where the OS gives counters).', (c) => c.bytesSent);
  perProcess('netmon_process_received_bytes', 'Bytes received over the life of the process\'s open TCP connections.', (c) => c.bytesReceived);
  perProcess('netmon_process_send_rate_bytes_per_second', 'Send rate of the process\'s TCP connections over the last poll interval.', (c) => c.sendRate);
  perProcess('netmon_process_receive_rate_bytes_per_second', 'Receive rate of the process\'s TCP connections over the last poll interval.', (c) => c.receiveRate);

  new Counter({
    name: 'netmon_events_total',
    help: 'Connection events the engine reported (opened, closed, changed) that the agent\'s filter selects.',
    labelNames: ['type'],
    registers: [registry],
    collect() {
      this.reset();
      for (const [type, n] of Object.entries(table.eventCounts)) this.inc({ type }, n);
    },
  });
  const ranges = opts.portRanges;
  new Gauge({
    name: 'netmon_ephemeral_ports_in_use',
    help: `Distinct ports of the dynamic range held per local address (the ${topAddresses} busiest per protocol).`,
    labelNames: ['protocol', 'local_address'],
    registers: [registry],
    collect() {
      this.reset();
      const r = ranges?.();
      if (!r) return;
      const seen: Record<string, number> = {};
      for (const a of portUsageReport(rows(), { ranges: r, top: 1 }).addresses) {
        seen[a.protocol] = (seen[a.protocol] ?? 0) + 1;
        if (seen[a.protocol] > topAddresses) continue;
        const addr = a.localScopeId ? `${a.localAddress}%${a.localScopeId}` : a.localAddress;
        this.set({ protocol: a.protocol, local_address: addr }, a.portsInUse);
      }
    },
  });
  new Gauge({
    name: 'netmon_ephemeral_ports_range_size',
    help: 'Ports in the OS\'s dynamic (ephemeral) range per protocol.',
    labelNames: ['protocol'],
    registers: [registry],
    collect() {
      this.reset();
      const r = ranges?.();
      if (!r) return;
      for (const p of ['tcp', 'udp'] as const) this.set({ protocol: p }, r[p].high - r[p].low + 1);
    },
  });
  const pollDuration = new Histogram({
    name: 'netmon_poll_duration_seconds',
    help: 'Time one poll took: read the OS table, decode, diff.',
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const pollErrors = new Counter({ name: 'netmon_poll_errors_total', help: 'Polls that failed (the table could not be read).', registers: [registry] });
  const exporters = opts.exporters ?? (() => []);
  new Gauge({
    name: 'netmon_export_queue_depth',
    help: 'Events waiting in an exporter\'s queue.',
    labelNames: ['exporter'],
    registers: [registry],
    collect() {
      this.reset();
      for (const e of exporters()) this.set({ exporter: e.name }, e.depth());
    },
  });
  new Gauge({
    name: 'netmon_export_queue_capacity',
    help: 'Events an exporter\'s queue holds before it drops the oldest.',
    labelNames: ['exporter'],
    registers: [registry],
    collect() {
      this.reset();
      for (const e of exporters()) this.set({ exporter: e.name }, e.capacity);
    },
  });
  new Counter({
    name: 'netmon_export_dropped_total',
    help: 'Events an exporter dropped because its queue was full.',
    labelNames: ['exporter'],
    registers: [registry],
    collect() {
      this.reset();
      for (const e of exporters()) this.inc({ exporter: e.name }, e.dropped());
    },
  });
  new Counter({
    name: 'netmon_export_sent_total',
    help: 'Events an exporter delivered to its receiver.',
    labelNames: ['exporter'],
    registers: [registry],
    collect() {
      this.reset();
      for (const e of exporters()) this.inc({ exporter: e.name }, e.sent());
    },
  });

  return {
    registry,
    observePoll(p) {
      pollDuration.observe(p.durationSeconds);
      if (p.failed) pollErrors.inc();
    },
  };
}
