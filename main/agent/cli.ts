// `netmon agent`: the engine with no UI, feeding the exporters (Prometheus metrics; event export),
// until SIGINT / SIGTERM. Flags cover the common case; --config FILE the rest (docs/agent.md).
import path from 'node:path';
import { eventMatches } from '../../shared/filter';
import { decodeBatch, type EngineStatus, type EventBatch } from '../../shared/ipc';
import type { ConnectionEvent, Protocol } from '../../shared/connection';
import type { PortRange } from '../../shared/ports';
import { startEngineHost } from '../engine/host';
import type { EngineHost } from '../engine/types';
import { createMetrics } from '../export/prometheus';
import { MetricsConfigError, startMetricsServer, type RunningMetricsServer } from '../export/metrics-server';
import { LiveTable } from '../export/table';
import { reportedEvents, type ReportedEvents } from '../export/reported-events';
import { USER_SOURCE_KINDS } from '../source/index';
import { checkInputFile, fileReadError, FileArgError, readInputFile } from '../cli/file-args';
import { tablesProblem } from '../cli/args';
import { tablesHelp } from '../cli/help';
import { AgentConfigError, checkConfigLiterals, DEFAULT_TOP_PROCESSES, defaultAgentConfig, parseHostPort, otlpConfig, readToken, syslogConfig, validateAgentConfig, type AgentConfig } from './config';
import { createSyslogExporter, formatSyslogUrl, type EventExporter } from '../export/syslog-exporter';
import { createOtlpExporter } from '../export/otlp';

/** The column where AGENT_HELP's option descriptions start. */
const HELP_COLUMN = 29;

export const AGENT_HELP = `Usage: netmon agent [--config FILE]
                   [--metrics HOST:PORT --metrics-token-file FILE [--metrics-allow-remote]]
                   [--syslog tcp://HOST:PORT|tls://HOST:PORT [--syslog-ca-file FILE]]
                   [--otlp URL] [--filter EXPR]
                   [--source KIND] [--tables MODE] [--interval MS]

Runs the engine with no UI and exports what it sees, until Ctrl-C or SIGTERM (exit 0). Flags
override the file's settings. The config file's schema is in docs/agent.md.

Options:
  --config FILE              JSON configuration (docs/agent.md); errors name the key and what
                             was expected
  --metrics HOST:PORT        serve Prometheus metrics at http://HOST:PORT/metrics (loopback
                             addresses only unless --metrics-allow-remote)
  --metrics-token-file FILE  the bearer token every scrape must send (16+ characters of
                             A-Z a-z 0-9 _ -); required with --metrics
  --metrics-allow-remote     allow a non-loopback --metrics address
  --syslog URL               send every opened / closed / changed event as RFC 5424 syslog
                             over TCP (tcp://HOST:PORT, RFC 6587 octet counting) or TLS
                             (tls://HOST:PORT, RFC 5425); queued (50,000 events) while the
                             receiver is away
  --syslog-ca-file FILE      PEM file of the CA that signed the tls:// receiver's certificate
                             (default: the system's CAs; the certificate and its name are
                             always verified)
  --otlp URL                 send every event as an OpenTelemetry log record over OTLP/HTTP
                             (e.g. http://127.0.0.1:4318/v1/logs), binary protobuf (JSON:
                             "encoding": "json" in the config file); queued the same way
  -f, --filter EXPR          count and export only connections / events matching EXPR
                             (netmon snapshot --help); events by watch --filter's rule
                             (netmon watch --help)
  --source KIND              ${USER_SOURCE_KINDS.join(', ')} (default auto)
${tablesHelp(HELP_COLUMN)}
  --interval MS              poll interval (default 1000)
  -h, --help                 this help

A Prometheus scrape job for --metrics 127.0.0.1:9464 --metrics-token-file /etc/netmon/token:
  - job_name: netmon
    authorization: { type: Bearer, credentials_file: /etc/netmon/token }
    static_configs: [{ targets: ['127.0.0.1:9464'] }]

Exit codes: 0 stopped by a signal, 1 could not start (e.g. the port is taken), 2 bad usage or
config (also a config, token or CA file that is missing or unreadable).
`;

/** How long a stopping agent waits for its queues to drain, ms. */
const FLUSH_ON_EXIT_MS = 5000;

export interface AgentIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Aborted to stop the agent (SIGINT / SIGTERM). */
  stop: AbortSignal;
  readFile?: (file: string) => string;
  /** The bundled engine worker (default: main/engine-worker.cjs beside this bundle). */
  workerPath?: string;
  /** The platform `--source auto` resolves for (default process.platform), for tests. */
  platform?: NodeJS.Platform;
}

/**
 * Flags (and the --config file they name) → config; `null` when help was asked for. Throws
 * AgentConfigError (also for `--tables netlink|procfs` with a source other than linux on
 * `platform`, as every command that reads the table), FileArgError when the config file cannot be
 * read, or resolveSourceKind's SourceError for `--tables` on a platform without a source.
 */
export function parseAgentArgs(argv: readonly string[], readFile: (f: string) => string, platform: NodeJS.Platform = process.platform): AgentConfig | null {
  const flags = new Map<string, string | true>();
  const takesValue = new Set(['--config', '--metrics', '--metrics-token-file', '--syslog', '--syslog-ca-file', '--otlp', '--filter', '-f', '--source', '--tables', '--interval']);
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i];
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const name = eq > 0 ? raw.slice(0, eq) : raw;
    if (name === '-h' || name === '--help') return null;
    if (takesValue.has(name)) {
      const v = eq > 0 ? raw.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new AgentConfigError(`${name} needs a value`);
      flags.set(name === '-f' ? '--filter' : name, v);
    } else if (name === '--metrics-allow-remote') {
      flags.set(name, true);
    } else {
      throw new AgentConfigError(`unknown option ${raw} for "agent"`);
    }
  }
  const file = flags.get('--config');
  let config = defaultAgentConfig();
  if (typeof file === 'string') {
    let text: string;
    try {
      text = readFile(file);
    } catch (e) {
      throw fileReadError(e, 'agent config', file);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new AgentConfigError(`${file}: not valid JSON: ${(e as Error).message}`);
    }
    config = validateAgentConfig(json, file);
    checkConfigLiterals(text, file);
  }
  // Flags are validated by the same rules as the file, named by the flag.
  const asFile = (key: string, value: unknown, flag: string): AgentConfig => {
    try {
      return validateAgentConfig({ [key]: value }, '');
    } catch (e) {
      throw new AgentConfigError(`${flag}${(e as Error).message.replace(/^: [^:]+/, '')}`);
    }
  };
  const v = (k: string) => flags.get(k) as string | undefined;
  if (v('--source') !== undefined) config.source = asFile('source', v('--source'), '--source').source;
  if (v('--tables') !== undefined) config.tables = asFile('tables', v('--tables'), '--tables').tables;
  if (v('--interval') !== undefined) {
    const n = /^\d+$/.test(v('--interval') ?? '') ? Number(v('--interval')) : v('--interval');
    config.intervalMs = asFile('intervalMs', n, '--interval').intervalMs;
  }
  if (v('--filter') !== undefined) config.filter = asFile('filter', v('--filter'), '--filter').filter;
  const listen = v('--metrics');
  const tokenFile = v('--metrics-token-file');
  if (listen !== undefined || tokenFile !== undefined || flags.has('--metrics-allow-remote')) {
    const base = config.metrics;
    const tf = tokenFile ?? base?.tokenFile;
    if (tf === undefined) throw new AgentConfigError('--metrics needs --metrics-token-file FILE (the bearer token Prometheus sends)');
    config.metrics = {
      listen: listen !== undefined ? parseHostPort(listen, '--metrics') : (base?.listen ?? { host: '127.0.0.1', port: 9464 }),
      tokenFile: tf,
      allowRemote: flags.has('--metrics-allow-remote') || (base?.allowRemote ?? false),
      topProcesses: base?.topProcesses ?? DEFAULT_TOP_PROCESSES,
    };
  }
  // A flag replaces its one setting; the file's other settings of that exporter stay.
  const syslog = v('--syslog');
  const caFile = v('--syslog-ca-file');
  if (syslog !== undefined || caFile !== undefined) {
    const url = syslog ?? (config.syslog && formatSyslogUrl(config.syslog.target));
    if (url === null) throw new AgentConfigError('--syslog-ca-file needs --syslog tls://HOST:PORT (or syslog in the config file)');
    if (caFile !== undefined && !url.startsWith('tls://')) throw new AgentConfigError(`--syslog-ca-file: a CA file is for a tls:// receiver, not ${url}`);
    const flagged = syslogConfig({ url, ...((caFile ?? config.syslog?.caFile) && { caFile: caFile ?? config.syslog?.caFile }) }, '--syslog');
    config.syslog = config.syslog ? { ...config.syslog, target: flagged.target, caFile: flagged.caFile } : flagged;
  }
  const otlp = v('--otlp');
  if (otlp !== undefined) config.otlp = config.otlp ? { ...config.otlp, url: otlpConfig({ url: otlp }, '--otlp').url } : otlpConfig({ url: otlp }, '--otlp');
  const tablesWrong = tablesProblem(config, platform);
  if (tablesWrong !== null) throw new AgentConfigError(tablesWrong);
  return config;
}

/**
 * The status line an agent writes when it first reads the table and whenever what it reads from
 * changes (auto tables falling back from netlink to procfs mid-run): `netmon agent: reading
 * connections from linux-procfs every 1000 ms; per-connection counters: not available with the
 * procfs backend`. null for a batch that is no successful poll (nothing read yet).
 */
export function sourceLine(status: Pick<EngineStatus, 'source' | 'intervalMs' | 'lastPollAt' | 'lastError' | 'countersNote'>): string | null {
  if (status.lastPollAt === null || status.lastError !== null) return null;
  const note = status.countersNote ? `; per-connection counters: ${status.countersNote}` : '';
  return `netmon agent: reading connections from ${status.source} every ${status.intervalMs} ms${note}\n`;
}

/** Runs the agent until io.stop aborts; returns the exit code. */
export async function runAgent(argv: readonly string[], io: AgentIo): Promise<number> {
  // Config and token files are small: a FIFO, a device or a huge file is refused, not read.
  const readFile = io.readFile ?? ((f: string) => readInputFile(f, 1024 * 1024, 'file'));
  let config: AgentConfig | null;
  let token: string | null = null;
  try {
    config = parseAgentArgs(argv, readFile, io.platform);
    if (config?.metrics) token = readToken(config.metrics.tokenFile, 'metrics token file', readFile);
    // Checked at start like every file named: a missing CA file is bad usage, not a failed start.
    if (config?.syslog?.caFile) checkInputFile(config.syslog.caFile, 'syslog CA file', 1024 * 1024);
  } catch (e) {
    if (e instanceof FileArgError) {
      io.stderr(`netmon: ${e.message}\n`);
      return e.exitCode;
    }
    if (!(e instanceof AgentConfigError)) throw e;
    io.stderr(`netmon: ${e.message}\nRun \`netmon agent --help\` for usage.\n`);
    return 2;
  }
  if (config === null) {
    io.stdout(AGENT_HELP);
    return 0;
  }
  if (config.metrics === null && config.syslog === null && config.otlp === null) {
    // An agent that exports nothing watches for nobody: bad usage, not a process left running.
    io.stderr('netmon: agent: nothing to export: give --metrics, --syslog or --otlp (or a --config that names one)\nRun `netmon agent --help` for usage.\n');
    return 2;
  }
  const log = (line: string) => io.stderr(`${line}\n`);
  const exporters: EventExporter[] = [];
  if (config.syslog) {
    const s = config.syslog;
    try {
      exporters.push(createSyslogExporter({ target: s.target, caFile: s.caFile ?? undefined, facility: s.facility, appName: s.appName, queueSize: s.queueSize, log }));
    } catch (e) {
      io.stderr(`netmon agent: syslog: ${(e as Error).message}\n`);
      return 1;
    }
  }
  if (config.otlp) exporters.push(createOtlpExporter({ url: config.otlp.url, encoding: config.otlp.encoding, headers: config.otlp.headers, queueSize: config.otlp.queueSize, log }));

  const filter = config.filter;
  const table = new LiveTable(filter ? (e) => eventMatches(filter, e) : undefined);
  // The exporters' events by watch --filter's rule (shared/filter-stream.ts).
  const reported = filter ? reportedEvents(filter) : null;
  // The source's dynamic port ranges (not the host's: --source demo is a simulated machine), as
  // the engine reads them; every batch's status carries them once known.
  let ranges: Record<Protocol, PortRange> | null = null;
  const metrics = createMetrics({
    table,
    match: filter ? (c) => filter.match(c) : undefined,
    topProcesses: config.metrics?.topProcesses,
    portRanges: () => ranges,
    exporters: () => exporters.map((e) => e.stats),
  });

  let host: EngineHost | null = null;
  let said: string | null = null;
  let server: RunningMetricsServer | null = null;
  try {
    if (config.metrics && token !== null) {
      server = await startMetricsServer({ ...config.metrics.listen, token, registry: metrics.registry, allowRemote: config.metrics.allowRemote });
      const h = server.host.includes(':') ? `[${server.host}]` : server.host;
      io.stderr(`netmon agent: metrics at http://${h}:${server.port}/metrics\n`);
    }
    host = startEngineHost({
      workerPath: io.workerPath ?? path.join(__dirname, 'main', 'engine-worker.cjs'),
      source: config.source,
      intervalMs: config.intervalMs,
      tables: config.tables,
    });
    host.onBatch((json) => {
      try {
        const batch = decodeBatch(json);
        const line = sourceLine(batch.status);
        if (line !== null && line !== said) io.stderr((said = line));
        if (batch.status.portRanges) ranges = { tcp: batch.status.portRanges.tcp, udp: batch.status.portRanges.udp };
        const poll = table.apply(batch);
        if (poll) metrics.observePoll(poll);
        const events = reported ? reportedBatch(reported, batch) : batch.events;
        if (events.length > 0) for (const x of exporters) x.enqueue(events);
      } catch (e) {
        io.stderr(`netmon agent: skipped a batch it could not read: ${(e as Error).message}\n`);
      }
    });
    if (!io.stop.aborted) await new Promise<void>((r) => io.stop.addEventListener('abort', () => r(), { once: true }));
    return 0;
  } catch (e) {
    io.stderr(`netmon agent: ${(e as Error).message}\n`);
    // A metrics address refused as given is bad usage (exit 2); a failure while working is 1.
    return e instanceof MetricsConfigError ? 2 : 1;
  } finally {
    await host?.close();
    // What is queued gets a moment to reach the receivers before the process goes.
    await Promise.all(exporters.map((x) => x.flush(FLUSH_ON_EXIT_MS)));
    await Promise.all(exporters.map((x) => x.close()));
    await server?.close();
  }
}

/** A filtered agent's events of one batch: a full batch is the starting table (no events of its own). */
export function reportedBatch(reported: ReportedEvents, batch: EventBatch): ConnectionEvent[] {
  if (batch.full) {
    reported.start(batch.connections ?? []);
    return [];
  }
  return [...reported.events(batch.events), ...reported.moved(batch)];
}
