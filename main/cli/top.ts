// `netmon top`: the busiest connections (or processes) by rate or bytes. Two polls an interval
// apart, since a rate needs two readings of the same connection.
import { TRAFFIC_FIELDS, type Connection } from '../../shared/connection';
import type { CompiledFilter } from '../../shared/filter';
import { TABLE_COLUMNS, connectionToJson, tableCells } from '../../shared/format';
import { busiest, rollUpProcesses, type BusyBy, type ProcessRow } from '../../shared/processes';
import { formatBytes, formatMs, formatRate, UNKNOWN_MARK } from '../../shared/units';
import type { SourceKind } from '../source/index';
import type { CliIo } from './io';
import { readTableOnce } from './read-table';
import { TWO_POLL_INTERVAL_HELP } from './help';

export interface TopOptions {
  json: boolean;
  by: BusyBy;
  limit: number;
  processes: boolean;
  intervalMs: number;
  filter: CompiledFilter | null;
  source: SourceKind;
}

export const DEFAULT_TOP_LIMIT = 20;

export const TOP_HELP = `Usage: netmon top [--sort rate|bytes] [--limit N] [--processes] [--json]
                 [--interval MS] [--filter EXPR] [--source KIND]

The busiest TCP connections, or with --processes the busiest processes, ranked by send + receive
rate (bytes/s over one interval: netmon polls twice, --interval apart) or by bytes moved over the
connections' life. Rates, RTT and retransmits come from the kernel (Linux: netlink tcp_info;
Windows: EStats, which needs an administrator). Where the OS gives nothing the value is —
(null in JSON), never 0, and such rows come last. A process's CONNS, LISTEN and UDP columns
count its sockets that match --filter.

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
  -h, --help           this help

Exit codes: 0 ok, 1 the table could not be read, 2 bad usage.
`;

/** A connection as `top --json` prints it: the snapshot fields plus every traffic field (null where unknown). */
export function topConnectionJson(c: Connection): Record<string, unknown> {
  const out: Record<string, unknown> = { ...connectionToJson(c) };
  for (const f of TRAFFIC_FIELDS) out[f] = c[f] ?? null;
  return out;
}

function table(header: string[], rows: string[][], right: Set<number>): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i].length)));
  return all
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : right.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')
    .concat('\n');
}

const orUnknown = (s: string) => s || UNKNOWN_MARK;

export function formatTopConnections(rows: readonly Connection[]): string {
  const header = ['SEND/S', 'RECV/S', 'SENT', 'RECEIVED', 'RTT', 'RETRANS', 'LIMITED', ...TABLE_COLUMNS];
  const cells = rows.map((c) => [
    orUnknown(formatRate(c.sendRate)),
    orUnknown(formatRate(c.receiveRate)),
    orUnknown(formatBytes(c.bytesSent)),
    orUnknown(formatBytes(c.bytesReceived)),
    orUnknown(formatMs(c.rttMs)),
    c.retransmits == null ? UNKNOWN_MARK : String(c.retransmits),
    c.limitedBy ?? UNKNOWN_MARK,
    ...tableCells(c),
  ]);
  return table(header, cells, new Set([0, 1, 2, 3, 4, 5, 11]));
}

export function formatTopProcesses(rows: readonly ProcessRow[]): string {
  const header = ['SEND/S', 'RECV/S', 'SENT', 'RECEIVED', 'WORST RTT', 'RETRANS', 'CONNS', 'LISTEN', 'UDP', 'PID', 'PROCESS'];
  const cells = rows.map((p) => [
    orUnknown(formatRate(p.sendRate)),
    orUnknown(formatRate(p.receiveRate)),
    orUnknown(formatBytes(p.bytesSent)),
    orUnknown(formatBytes(p.bytesReceived)),
    orUnknown(formatMs(p.worstRttMs)),
    p.retransmits === null ? UNKNOWN_MARK : String(p.retransmits),
    String(p.connections),
    String(p.listeners),
    String(p.udp),
    p.pid === null ? UNKNOWN_MARK : String(p.pid),
    p.name ?? UNKNOWN_MARK,
  ]);
  return table(header, cells, new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
}

export async function runTop(opts: TopOptions, io: CliIo): Promise<number> {
  // Two polls an interval apart: the second carries the rates.
  const read = await readTableOnce(opts.source, io, { warmUpMs: opts.intervalMs });
  if (!read) return 1;
  if (read.stopped) return 0; // stopped while waiting: nothing to report, and no error
  const all = read.last.connections;
  const matching = opts.filter ? all.filter((c) => opts.filter!.match(c)) : all;
  const note = read.last.status.countersNote;
  if (note) io.stderr(`netmon: per-connection counters: ${note}\n`);
  if (opts.processes) {
    // Every matching socket counts in its process's CONNS / LISTEN / UDP columns (UDP has no
    // counters, so it adds nothing to the traffic the processes are ranked by).
    const top = busiest(rollUpProcesses(matching), opts.by, opts.limit);
    io.stdout(opts.json ? top.map((p) => JSON.stringify(p) + '\n').join('') : formatTopProcesses(top));
  } else {
    const top = busiest(matching.filter((c) => c.protocol === 'tcp'), opts.by, opts.limit);
    io.stdout(opts.json ? top.map((c) => JSON.stringify(topConnectionJson(c)) + '\n').join('') : formatTopConnections(top));
  }
  return 0;
}
