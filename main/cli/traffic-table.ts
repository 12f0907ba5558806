// The CLI's traffic text: `top`'s connection and process tables, `snapshot`'s table and the end
// of `watch` / `replay` text lines when they sort or filter by traffic (or --traffic asks). One
// set of cells, so every command prints a connection's traffic the same way.
import type { Connection, ConnectionEvent } from '../../shared/connection';
import { formatEventText, ownerName, TABLE_COLUMNS, tableCells, type EventTextOptions } from '../../shared/format';
import type { ProcessRow } from '../../shared/processes';
import { formatBytes, formatMs, formatRate, UNKNOWN_MARK } from '../../shared/units';

/** Aligned columns two blanks apart, those in `right` right-aligned; the last is never padded. */
function alignTable(header: string[], rows: string[][], right: ReadonlySet<number>): string {
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

type Traffic = Pick<Connection, 'sendRate' | 'receiveRate' | 'bytesSent' | 'bytesReceived' | 'retransmits'>;

/** SEND/S, RECV/S, SENT, RECEIVED, RTT (`rttMs`), RETRANS: — where unknown. */
function trafficCells(t: Traffic, rttMs: number | null | undefined): string[] {
  return [
    orUnknown(formatRate(t.sendRate)),
    orUnknown(formatRate(t.receiveRate)),
    orUnknown(formatBytes(t.bytesSent)),
    orUnknown(formatBytes(t.bytesReceived)),
    orUnknown(formatMs(rttMs)),
    t.retransmits == null ? UNKNOWN_MARK : String(t.retransmits),
  ];
}

/** The traffic columns before a connection's usual ones (TABLE_COLUMNS). */
export const TRAFFIC_TABLE_COLUMNS = ['SEND/S', 'RECV/S', 'SENT', 'RECEIVED', 'RTT', 'RETRANS', 'LIMITED'] as const;

/**
 * One line per connection: rates (bytes/s), bytes sent (retransmissions included) and received,
 * smoothed RTT, retransmitted segments, what limited the sender, then TABLE_COLUMNS. A value the
 * OS does not give (UDP, listeners, no counters) or does not know yet (a rate at the first poll)
 * prints as —, never 0.
 */
export function formatTrafficTable(rows: readonly Connection[]): string {
  const header = [...TRAFFIC_TABLE_COLUMNS, ...TABLE_COLUMNS];
  const cells = rows.map((c) => [...trafficCells(c, c.rttMs), c.limitedBy ?? UNKNOWN_MARK, ...tableCells(c)]);
  const pid = TRAFFIC_TABLE_COLUMNS.length + TABLE_COLUMNS.indexOf('PID');
  return alignTable(header, cells, new Set([0, 1, 2, 3, 4, 5, pid]));
}

/** One line per process (shared/processes rollUpProcesses), as `top --processes` prints it. */
export function formatProcessTrafficTable(rows: readonly ProcessRow[]): string {
  const header = ['SEND/S', 'RECV/S', 'SENT', 'RECEIVED', 'WORST RTT', 'RETRANS', 'CONNS', 'LISTEN', 'UDP', 'PID', 'PROCESS'];
  const cells = rows.map((p) => [
    ...trafficCells(p, p.worstRttMs),
    String(p.connections),
    String(p.listeners),
    String(p.udp),
    p.pid === null ? UNKNOWN_MARK : String(p.pid),
    ownerName(p.name),
  ]);
  return alignTable(header, cells, new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
}

/**
 * `  (send/s 2.77 MiB/s, recv/s 0 B/s, sent 1.25 GiB, received 0 B, rtt 0.032 ms, retrans 5, limited sender)`:
 * the traffic a `watch` / `replay` text line ends with when its filter reads traffic (or --traffic
 * asks), with top's column names; — where unknown.
 */
export function trafficSuffix(c: Connection): string {
  const [sendRate, receiveRate, sent, received, rtt, retrans] = trafficCells(c, c.rttMs);
  return `  (send/s ${sendRate}, recv/s ${receiveRate}, sent ${sent}, received ${received}, rtt ${rtt}, retrans ${retrans}, limited ${c.limitedBy ?? UNKNOWN_MARK})`;
}

/** An event's text line (ending in a newline) with its connection's trafficSuffix before the newline. */
export function withTrafficSuffix(line: string, c: Connection): string {
  return `${line.endsWith('\n') ? line.slice(0, -1) : line}${trafficSuffix(c)}\n`;
}

/** The text line of `watch` and `replay`: formatEventText, ending with the traffic when `traffic` is set. */
export function eventTextLine(opts: EventTextOptions & { traffic: boolean }): (e: ConnectionEvent) => string {
  const o: EventTextOptions = { utc: opts.utc, date: opts.date };
  return opts.traffic ? (e) => withTrafficSuffix(formatEventText(e, o), e.connection) : (e) => formatEventText(e, o);
}
