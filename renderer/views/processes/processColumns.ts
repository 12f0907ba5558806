// Columns of the Processes view over shared/processes.ts roll-up rows: one definition for header,
// cells and sorting (raw values; unknowns last in either direction).
import { TCP_STATES, type TcpState } from '../../../shared/connection';
import type { ProcessRow } from '../../../shared/processes';
import { formatBytes, formatMs, formatRate, UNKNOWN_MARK } from '../../../shared/units';

export type ProcessColumnKey = 'name' | 'pid' | 'connections' | 'states' | 'listeners' | 'udp' | 'sendRate' | 'receiveRate' | 'bytes' | 'worstRtt' | 'retransmits';

export interface ProcessColumn {
  key: ProcessColumnKey;
  label: string;
  width: string;
  numeric?: boolean;
  text(p: ProcessRow): string;
  /** Raw value to sort by; null sorts last. */
  value(p: ProcessRow): number | string | null;
}

const ABBREV: Partial<Record<TcpState, string>> = { ESTABLISHED: 'EST', 'TIME-WAIT': 'TW', 'CLOSE-WAIT': 'CW', 'SYN-SENT': 'SYN', 'FIN-WAIT-1': 'FW1', 'FIN-WAIT-2': 'FW2', 'LAST-ACK': 'LA' };

/** Connections by state, short: `EST 3 · TW 2` in TCP state order. */
export function statesText(p: ProcessRow): string {
  return TCP_STATES.filter((s) => p.byState[s])
    .map((s) => `${ABBREV[s] ?? s} ${p.byState[s]}`)
    .join(' · ');
}

const total = (a: number | null, b: number | null) => (a === null && b === null ? null : (a ?? 0) + (b ?? 0));
// The one mark for an unknown value, as every other column and output shows it (never blank).
const count = (n: number | null) => (n === null ? UNKNOWN_MARK : String(n));

export const PROCESS_COLUMNS: readonly ProcessColumn[] = [
  { key: 'name', label: 'Process', width: 'minmax(140px, 2fr)', text: (p) => p.name ?? (p.pid === null ? '(unknown owner)' : UNKNOWN_MARK), value: (p) => p.name?.toLowerCase() ?? null },
  { key: 'pid', label: 'PID', width: '70px', numeric: true, text: (p) => count(p.pid), value: (p) => p.pid },
  { key: 'connections', label: 'Conns', width: '64px', numeric: true, text: (p) => String(p.connections), value: (p) => p.connections },
  { key: 'states', label: 'By state', width: 'minmax(120px, 1.5fr)', text: statesText, value: (p) => p.byState.ESTABLISHED ?? 0 },
  { key: 'listeners', label: 'Listen', width: '60px', numeric: true, text: (p) => String(p.listeners), value: (p) => p.listeners },
  { key: 'udp', label: 'UDP', width: '52px', numeric: true, text: (p) => String(p.udp), value: (p) => p.udp },
  { key: 'sendRate', label: 'Send/s', width: '92px', numeric: true, text: (p) => formatRate(p.sendRate), value: (p) => p.sendRate },
  { key: 'receiveRate', label: 'Recv/s', width: '92px', numeric: true, text: (p) => formatRate(p.receiveRate), value: (p) => p.receiveRate },
  { key: 'bytes', label: 'Total bytes', width: '96px', numeric: true, text: (p) => formatBytes(total(p.bytesSent, p.bytesReceived)), value: (p) => total(p.bytesSent, p.bytesReceived) },
  { key: 'worstRtt', label: 'Worst RTT', width: '84px', numeric: true, text: (p) => formatMs(p.worstRttMs), value: (p) => p.worstRttMs },
  { key: 'retransmits', label: 'Retrans', width: '70px', numeric: true, text: (p) => count(p.retransmits), value: (p) => p.retransmits },
];

/**
 * Columns that give way first when the view is narrower than its columns (a details pane open
 * beside it at 1024 px): the rarer figures before the rates and counts; Process and By state never.
 */
export const PROCESS_GIVE_WAY: readonly ProcessColumnKey[] = ['retransmits', 'worstRtt', 'udp', 'listeners', 'bytes', 'pid', 'receiveRate', 'sendRate', 'connections'];

export interface ProcessSort {
  key: ProcessColumnKey;
  dir: 'asc' | 'desc';
}

/** The Processes view's first order: the busiest senders first. */
export const DEFAULT_PROCESS_SORT: ProcessSort = { key: 'sendRate', dir: 'desc' };

/** A sorted copy of `rows`; unknown values last in both directions, ties by PID. */
export function sortProcesses(rows: readonly ProcessRow[], sort: ProcessSort): ProcessRow[] {
  const col = PROCESS_COLUMNS.find((c) => c.key === sort.key) ?? PROCESS_COLUMNS[0];
  const sign = sort.dir === 'asc' ? 1 : -1;
  return rows
    .map((p) => ({ p, v: col.value(p) }))
    .sort((a, b) => {
      if (a.v !== b.v) {
        if (a.v === null) return 1;
        if (b.v === null) return -1;
        return sign * (a.v < b.v ? -1 : 1);
      }
      return (a.p.pid ?? Infinity) - (b.p.pid ?? Infinity) || (a.p.key < b.p.key ? -1 : a.p.key > b.p.key ? 1 : 0);
    })
    .map((x) => x.p);
}
