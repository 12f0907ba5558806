// Columns of the Processes view over shared/processes.ts roll-up rows: one definition for header,
// cells and sorting (raw values; unknowns last in either direction).
import { TCP_STATES, type Connection, type TcpState } from '../../../shared/connection';
import { processGroupKey, type ProcessRow } from '../../../shared/processes';
import { countersMissing, noCountersReason, noOwnerReason, NOT_YET, ownerlessNoCounters, unreadReason } from '../../store/unknownReasons';
import type { CountersScope } from '../../../shared/ipc';
import { formatBytes, formatMs, formatRate, UNKNOWN_MARK } from '../../../shared/units';
import { OWNER_TERMS, ownerName } from '../../../shared/format';
import type { LeastText } from '../../components/labelRoom';

export type ProcessColumnKey = 'name' | 'pid' | 'connections' | 'states' | 'listeners' | 'udp' | 'sendRate' | 'receiveRate' | 'bytes' | 'worstRtt' | 'retransmits';

export interface ProcessColumn {
  key: ProcessColumnKey;
  label: string;
  width: string;
  numeric?: boolean;
  /** Text its cells must show whole at any width (labelRoom.tsx LeastText): the name's owner terms. */
  least?: LeastText;
  /** A traffic figure: unknown when none of the process's connections reports it (see processCell). */
  traffic?: boolean;
  /** The cell's text; '' for an unknown value (processCell says why). */
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
const count = (n: number | null) => (n === null ? '' : String(n));

// Process and By state grow only to what their text needs (the name at least as wide as netmon's
// longest owner term, measured: `SYN-RECEIVED (no owner)`); the grid's last track takes the rest, so
// wide screens do not spread short rows.
export const PROCESS_COLUMNS: readonly ProcessColumn[] = [
  { key: 'name', label: 'Process', width: 'minmax(160px, 320px)', least: { texts: OWNER_TERMS }, text: (p) => ownerName(p.name), value: (p) => p.name?.toLowerCase() ?? null },
  { key: 'pid', label: 'PID', width: '70px', numeric: true, text: (p) => count(p.pid), value: (p) => p.pid },
  { key: 'connections', label: 'Conns', width: '64px', numeric: true, text: (p) => String(p.connections), value: (p) => p.connections },
  { key: 'states', label: 'By state', width: 'minmax(120px, 260px)', text: statesText, value: (p) => p.byState.ESTABLISHED ?? 0 },
  { key: 'listeners', label: 'Listen', width: '60px', numeric: true, text: (p) => String(p.listeners), value: (p) => p.listeners },
  { key: 'udp', label: 'UDP', width: '52px', numeric: true, text: (p) => String(p.udp), value: (p) => p.udp },
  { key: 'sendRate', label: 'Send/s', width: '92px', numeric: true, traffic: true, text: (p) => formatRate(p.sendRate), value: (p) => p.sendRate },
  { key: 'receiveRate', label: 'Recv/s', width: '92px', numeric: true, traffic: true, text: (p) => formatRate(p.receiveRate), value: (p) => p.receiveRate },
  { key: 'bytes', label: 'Total bytes', width: '96px', numeric: true, traffic: true, text: (p) => formatBytes(total(p.bytesSent, p.bytesReceived)), value: (p) => total(p.bytesSent, p.bytesReceived) },
  { key: 'worstRtt', label: 'Worst RTT', width: '84px', numeric: true, traffic: true, text: (p) => formatMs(p.worstRttMs), value: (p) => p.worstRttMs },
  { key: 'retransmits', label: 'Retrans', width: '70px', numeric: true, traffic: true, text: (p) => count(p.retransmits), value: (p) => p.retransmits },
];

/**
 * Columns that give way first when the view is narrower than its columns (a details pane open
 * beside it at 1024 px): the rarer figures before the rates and counts; Send/s and Recv/s only
 * together (one alone reads as the whole traffic); Process and By state never.
 */
export const PROCESS_GIVE_WAY: readonly (ProcessColumnKey | readonly ProcessColumnKey[])[] = ['retransmits', 'worstRtt', 'udp', 'listeners', 'bytes', 'pid', ['sendRate', 'receiveRate'], 'connections'];

/** What a Processes cell shows: its text, or the unknown mark ("—") with the reason as a title. */
export interface ProcessCell {
  text: string;
  /** Shown as "—" (a value that is unknown for a reason, or an empty By state). */
  unknown: boolean;
  /** Why the value is missing (also on a blank traffic value that is not in yet). */
  title?: string;
}

/**
 * The cell of `col` for process `p`. `noCounters`: the reasons none of its connections can have
 * traffic counters (groupsWithoutCounters; null when some can); `countersNote`: EngineStatus.countersNote.
 * An unknown traffic value shows "—" titled with why it cannot be known (UDP, listeners,
 * TIME-WAIT, orphans without counters; or the backend's note, e.g. needs administrator), or stays blank titled "not known
 * yet" (rates need two polls); an empty By state and an unknown PID show "—" with a title.
 */
export function processCell(col: ProcessColumn, p: ProcessRow, noCounters: readonly string[] | null, countersNote: string | null | undefined): ProcessCell {
  const text = col.text(p);
  if (text !== '') return { text, unknown: false };
  if (col.traffic) {
    if (noCounters !== null) return { text: UNKNOWN_MARK, unknown: true, title: noCounters.join('\n') };
    if (countersNote) return { text: UNKNOWN_MARK, unknown: true, title: countersMissing(countersNote) };
    return { text: '', unknown: false, title: NOT_YET };
  }
  if (col.key === 'states') return { text: UNKNOWN_MARK, unknown: true, title: p.listeners + p.udp > 0 ? 'No TCP connections: only listening or UDP sockets' : 'No TCP connections' };
  if (col.key === 'pid') return { text: UNKNOWN_MARK, unknown: true, title: p.ownerless !== undefined ? noOwnerReason(p.ownerless) : 'The OS reports no owning process for these sockets' };
  return { text: UNKNOWN_MARK, unknown: true };
}

/**
 * Per ProcessRow.key, the distinct reasons (noCountersReason, unreadReason, ownerlessNoCounters)
 * none of the group's connections has traffic counters (UDP, listeners, TIME-WAIT, a state the
 * backend does not read, beyond its cap, orphans the OS gave none); groups where some connection
 * can have them are absent. `countersNote` (EngineStatus.countersNote): when set, an orphan's
 * missing counters are the backend's to explain (processCell), not the OS's. `countersScope`: the
 * store's checked EngineStatus.countersScope. One pass, no list of connections per group.
 */
export function groupsWithoutCounters(conns: Iterable<Connection>, countersNote?: string | null, countersScope?: CountersScope | null): Map<string, string[]> {
  // null: some connection of the group can have counters.
  const reasons = new Map<string, Set<string> | null>();
  for (const c of conns) {
    const key = processGroupKey(c);
    const have = reasons.get(key);
    if (have === null) continue;
    // A no-owner group's orphans the OS gave no counters (ownerlessNoCounters) have none to sum
    // either; with no counters backend (`countersNote`) that note says why, as in Connections (trafficGap).
    const why = noCountersReason(c) ?? (countersNote ? null : (unreadReason(c, countersScope) ?? ownerlessNoCounters(c)));
    if (why === null) reasons.set(key, null);
    else if (have) have.add(why);
    else reasons.set(key, new Set([why]));
  }
  const out = new Map<string, string[]>();
  for (const [key, why] of reasons) if (why) out.set(key, [...why]);
  return out;
}

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
