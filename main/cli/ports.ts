// `netmon ports`: ephemeral port usage per local address against the OS's dynamic range, with
// TIME-WAIT / CLOSE-WAIT counts, who holds the ports, and (with --trend) how fast usage moves.
import { hostname } from 'node:os';
import { processShareText, remoteShareText } from '../../shared/format';
import {
  DEFAULT_PORT_WARNING_PERCENT,
  portTrendPerMinute,
  portUsageReport,
  trendKey,
  trendPoint,
  type PortTrendPoint,
  type PortUsageReport,
} from '../../shared/ports';
import type { CompiledFilter } from '../../shared/filter';
import type { CliIo, TableSourceOptions } from './io';
import { readTableOnce } from './read-table';
import { tablesHelp, TWO_POLL_INTERVAL_HELP, twoPollsNote } from './help';

export interface PortsOptions extends TableSourceOptions {
  json: boolean;
  thresholdPercent: number;
  /** Sample for this many seconds (one poll a second) and report the trend; 0 = one read. */
  trendSeconds: number;
  /** Exit 3 when an address is over the threshold. */
  check: boolean;
  filter: CompiledFilter | null;
  /** Poll once this long (ms) before the first counted read, so rate and limited: terms can match; null: no warm-up. */
  warmUpMs?: number | null;
}

export const PORTS_HELP = `Usage: netmon ports [--json] [--threshold PERCENT] [--trend SECONDS] [--check]
                   [--filter EXPR] [--interval MS] [--source KIND] [--tables MODE]

Ephemeral (dynamic) port usage per local address: ports in use against the OS's dynamic range
(Windows: netsh int ipv4 show dynamicport, default 49152-65535; Linux:
net.ipv4.ip_local_port_range), TIME-WAIT and CLOSE-WAIT counts, and the processes and remote
endpoints holding the ports. Listeners and the connections they accepted are not counted (they
hold the listener's port). Two limits are shown: distinct ports at the address (the Windows
limit) and sockets to the busiest destination (Linux reuses a port towards other destinations).
A link-local address is one per interface: fe80::1%2 and fe80::1%3 are counted apart, locally
and as destinations (JSON: localScopeId, and remoteScopeId in topRemotes; null where none, and
always with the procfs backend, which cannot see interfaces).
An address at or over the threshold gets a warning on stderr. A --filter on traffic with a
source that has no counters (the procfs backend) is said on stderr.

${twoPollsNote()}
Options:
  --json               one JSON object: the ranges, the threshold, the addresses, warnings
  --threshold PERCENT  warn at this share of the range (default ${DEFAULT_PORT_WARNING_PERCENT})
  --trend SECONDS      poll once a second for SECONDS (1-600) and add the change in ports in
                       use per minute for each address
  --check              exit 3 when any address is at or over the threshold
  -f, --filter EXPR    count only connections matching EXPR (netmon snapshot --help)
  -i, --interval MS    ${TWO_POLL_INTERVAL_HELP}
  --source KIND        auto (default), linux, windows, demo
${tablesHelp(23)}
  -h, --help           this help

Exit codes: 0 ok, 1 the table could not be read, 2 bad usage, 3 over the threshold (--check).
`;

/** The text report: one block per address, busiest first. */
export function formatPortsReport(r: PortUsageReport, origin: string, trend: Record<string, number> | null): string {
  const lines: string[] = [];
  const rng = (p: 'tcp' | 'udp') => `${r.ranges[p].low}-${r.ranges[p].high}`;
  lines.push(`Dynamic ranges: TCP ${rng('tcp')}, UDP ${rng('udp')} (from ${origin}); warning at ${r.thresholdPercent}%`);
  if (r.addresses.length === 0) {
    lines.push('No sockets hold ports of the dynamic range.');
    return `${lines.join('\n')}\n`;
  }
  for (const a of r.addresses) {
    const key = trendKey(a);
    const t = trend ? `  trend ${(trend[key] ?? 0) >= 0 ? '+' : ''}${trend[key] ?? 0}/min` : '';
    lines.push('');
    lines.push(
      `${a.warning ? '!! ' : ''}${key}: ${a.portsInUse} of ${a.rangeSize} ports (${a.percent}%), ${a.sockets} sockets, ` +
        `busiest destination ${a.busiestDestinationPercent}%, TIME-WAIT ${a.timeWait}, CLOSE-WAIT ${a.closeWait}${t}`,
    );
    lines.push(`   processes:    ${a.topProcesses.map(processShareText).join(', ')}`);
    if (a.topRemotes.length > 0) {
      lines.push(`   destinations: ${a.topRemotes.map(remoteShareText).join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export async function runPorts(opts: PortsOptions, io: CliIo): Promise<number> {
  const now = io.now ?? Date.now;
  const points: PortTrendPoint[] = [];
  const reports: PortUsageReport[] = [];
  const started = now();
  // With --trend: one poll a second until the span is covered (or the user stops it).
  const read = await readTableOnce(opts.source, io, {
    ranges: true,
    warmUpMs: opts.warmUpMs,
    tables: opts.tables,
    readsTraffic: opts.filter?.readsTraffic,
    // The ranges of the machine the source reads (not necessarily this host's).
    again: ({ time, connections: rows, ranges: { ranges } }) => {
      const report = portUsageReport(opts.filter ? rows.filter((c) => opts.filter!.match(c)) : rows, { ranges, thresholdPercent: opts.thresholdPercent });
      reports.push(report);
      points.push(trendPoint(time, report));
      return opts.trendSeconds === 0 || now() - started >= opts.trendSeconds * 1000 ? null : 1000;
    },
  });
  // `again` ran for every good read, so a read means a report.
  const r = reports.at(-1);
  if (read?.stopped && !r) return 0; // stopped during the warm-up: nothing to report, and no error
  if (!read || !r) return 1;
  const origin = read.last.ranges.origin;
  const trend = opts.trendSeconds > 0 ? portTrendPerMinute(points) : null;
  if (opts.json) {
    io.stdout(`${JSON.stringify({ host: hostname(), time: new Date(read.last.time).toISOString(), rangeOrigin: origin, ...r, trendPerMinute: trend })}\n`);
  } else {
    io.stdout(formatPortsReport(r, origin, trend));
  }
  for (const w of r.warnings) io.stderr(`netmon: warning: ${w}\n`);
  return opts.check && r.warnings.length > 0 ? 3 : 0;
}
