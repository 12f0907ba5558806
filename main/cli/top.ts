// `netmon top`: the busiest connections (or processes) by rate or bytes. Two polls an interval
// apart, since a rate needs two readings of the same connection.
import { TRAFFIC_FIELDS, type Connection } from '../../shared/connection';
import type { CompiledFilter } from '../../shared/filter';
import { connectionToJson } from '../../shared/format';
import { busiest, rollUpProcesses, type BusyBy } from '../../shared/processes';
import type { CliIo, TableSourceOptions } from './io';
import { readTableOnce } from './read-table';
import { formatProcessTrafficTable, formatTrafficTable } from './traffic-table';
import { tablesHelp, TRAFFIC_FIELDS_HELP, TWO_POLL_INTERVAL_HELP } from './help';

export interface TopOptions extends TableSourceOptions {
  json: boolean;
  by: BusyBy;
  limit: number;
  processes: boolean;
  intervalMs: number;
  filter: CompiledFilter | null;
}

export const DEFAULT_TOP_LIMIT = 20;

export const TOP_HELP = `Usage: netmon top [--sort rate|bytes] [--limit N] [--processes] [--json]
                 [--interval MS] [--filter EXPR] [--source KIND] [--tables MODE]

The busiest TCP connections, or with --processes the busiest processes, ranked by send + receive
rate (bytes/s over one interval: netmon polls twice, --interval apart) or by bytes moved over the
connections' life. Rates, RTT and retransmits come from the kernel (Linux: netlink tcp_info;
Windows: EStats, which needs an administrator). Rows without the value come last. A process's
CONNS, LISTEN and UDP columns count its sockets that match --filter.

${TRAFFIC_FIELDS_HELP}

Options:
  --sort rate|bytes    rank by rate (default) or by total bytes (also --by)
  --limit N            at most N rows (default ${DEFAULT_TOP_LIMIT}, 1-10000)
  --processes          one row per process (PID + start time), summed over its connections
  --json               NDJSON, one connection (or process) a line, busiest first; traffic
                       fields: bytesSent, bytesReceived, packetsSent, packetsReceived,
                       sendRate, receiveRate (bytes/s), rttMs, rttVarMs, retransmits, limitedBy
  -i, --interval MS    ${TWO_POLL_INTERVAL_HELP}
  -f, --filter EXPR    rank only connections matching EXPR (netmon snapshot --help)
  --source KIND        auto (default), linux, windows, demo
${tablesHelp(23)}
  -h, --help           this help

Exit codes: 0 ok, 1 the table could not be read, 2 bad usage.
`;

/** A connection as `top --json` prints it: the snapshot fields plus every traffic field (null where unknown). */
export function topConnectionJson(c: Connection): Record<string, unknown> {
  const out: Record<string, unknown> = { ...connectionToJson(c) };
  for (const f of TRAFFIC_FIELDS) out[f] = c[f] ?? null;
  return out;
}

export async function runTop(opts: TopOptions, io: CliIo): Promise<number> {
  // Two polls an interval apart: the second carries the rates.
  const read = await readTableOnce(opts.source, io, { warmUpMs: opts.intervalMs, tables: opts.tables, readsTraffic: true });
  if (!read) return 1;
  if (read.stopped) return 0; // stopped while waiting: nothing to report, and no error
  const all = read.last.connections;
  const matching = opts.filter ? all.filter((c) => opts.filter!.match(c)) : all;
  if (opts.processes) {
    // Every matching socket counts in its process's CONNS / LISTEN / UDP columns (UDP has no
    // counters, so it adds nothing to the traffic the processes are ranked by).
    const top = busiest(rollUpProcesses(matching), opts.by, opts.limit);
    io.stdout(opts.json ? top.map((p) => JSON.stringify(p) + '\n').join('') : formatProcessTrafficTable(top));
  } else {
    const top = busiest(matching.filter((c) => c.protocol === 'tcp'), opts.by, opts.limit);
    io.stdout(opts.json ? top.map((c) => JSON.stringify(topConnectionJson(c)) + '\n').join('') : formatTrafficTable(top));
  }
  return 0;
}
