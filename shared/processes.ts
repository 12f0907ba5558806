// The Processes roll-up: connections grouped by owning process, as the Processes view and
// `netmon top --by-process` show them. Pure; one pass over the connections.
import type { Connection, TcpState } from './connection';
import { ownerLabel, ownerlessState } from './format';

export interface ProcessRow {
  /** Group key: PID plus the owner's start time where known (PIDs are reused); `?` for unknown owners. */
  key: string;
  pid: number | null;
  /** Image name; null where unknown. */
  name: string | null;
  /** For the group of sockets no process owns (ownerlessState): their state. Absent for processes. */
  ownerless?: TcpState;
  /** TCP connections (LISTEN excluded) by state. */
  byState: Partial<Record<TcpState, number>>;
  /** TCP connections that are not listeners. */
  connections: number;
  /** TCP listeners. */
  listeners: number;
  /** UDP endpoints. */
  udp: number;
  /** Sum of the known rates of its connections, bytes/s; null when none is known. */
  sendRate: number | null;
  receiveRate: number | null;
  /** Sum of the known byte counters of its connections; null when none is known. */
  bytesSent: number | null;
  bytesReceived: number | null;
  /** Largest smoothed RTT among its connections, ms; null when none is known. */
  worstRttMs: number | null;
  /** Sum of retransmitted segments; null when none is known. */
  retransmits: number | null;
}

const add = (a: number | null, b: number | null | undefined): number | null => (b === null || b === undefined ? a : (a ?? 0) + b);

/** The key a connection's owner is grouped by. */
/** The group of TIME-WAIT rows no process owns (see ownerLabel); selecting it filters by that state. */
export const TIME_WAIT_KEY = 'time-wait';

export function processKey(c: Pick<Connection, 'pid' | 'processStartTime'>): string {
  if (c.pid === null) return '?';
  return c.processStartTime != null ? `${c.pid}@${c.processStartTime}` : String(c.pid);
}

/**
 * The ProcessRow.key a connection counts under: its owner's processKey, or for a socket no process
 * owns (ownerlessState) a group of that state — TIME_WAIT_KEY for TIME-WAIT, `no-owner:FIN-WAIT-2`
 * and so on. Other rows without an owner (a listener whose process cannot be read) must not count
 * under a no-owner label.
 */
export function processGroupKey(c: Pick<Connection, 'state' | 'pid' | 'process' | 'processStartTime'>): string {
  const none = ownerlessState(c);
  return none === null ? processKey(c) : none === 'TIME-WAIT' ? TIME_WAIT_KEY : `no-owner:${none}`;
}

/**
 * Groups `connections` by owning process (PID + start time) into one ProcessRow each, in first-seen
 * order. Unknown values never count as 0: a sum over no known value stays null.
 */
export function rollUpProcesses(connections: Iterable<Connection>): ProcessRow[] {
  const rows = new Map<string, ProcessRow>();
  for (const c of connections) {
    const key = processGroupKey(c);
    let r = rows.get(key);
    if (!r) {
      // TIME-WAIT rows have no owner: named as everywhere else ("TIME-WAIT (no owner)"), not blank.
      // A no-owner group is no process: no PID (rows of PID 0 and of none alike).
      const none = ownerlessState(c);
      r = { key, pid: none !== null ? null : c.pid, name: ownerLabel(c), byState: {}, connections: 0, listeners: 0, udp: 0, sendRate: null, receiveRate: null, bytesSent: null, bytesReceived: null, worstRttMs: null, retransmits: null };
      if (none !== null) r.ownerless = none;
      rows.set(key, r);
    }
    if (r.name === null && ownerLabel(c) !== null) r.name = ownerLabel(c);
    if (c.protocol === 'udp') r.udp++;
    else if (c.state === 'LISTEN') r.listeners++;
    else {
      r.connections++;
      if (c.state) r.byState[c.state] = (r.byState[c.state] ?? 0) + 1;
    }
    r.sendRate = add(r.sendRate, c.sendRate);
    r.receiveRate = add(r.receiveRate, c.receiveRate);
    r.bytesSent = add(r.bytesSent, c.bytesSent);
    r.bytesReceived = add(r.bytesReceived, c.bytesReceived);
    r.retransmits = add(r.retransmits, c.retransmits);
    if (c.rttMs != null && (r.worstRttMs === null || c.rttMs > r.worstRttMs)) r.worstRttMs = c.rttMs;
  }
  return [...rows.values()];
}

/**
 * The filter expression (shared/filter language) that shows exactly the connections of group `p`,
 * as the Processes tab sets it when a group is chosen: `pid:1200` for a process; for a group no
 * process owns, its state and `owner:none` (`state:fin-wait-2 owner:none`: a FIN-WAIT-2 socket its
 * process still holds after shutdown() is that process's, not the group's); for the `(unknown)`
 * group (no PID), `owner:unknown -pid:0-4294967295`. Processes that had the same PID in turn (their
 * start times differ) share the `pid:` filter.
 */
export function processGroupFilter(p: Pick<ProcessRow, 'pid' | 'ownerless'>): string {
  if (p.ownerless !== undefined) return `state:${p.ownerless.toLowerCase()} owner:none`;
  // No PID: an owner netmon cannot read. owner:unknown alone would also take a PID whose name could
  // not be read, which has its own group; any PID at all is what sets those apart.
  if (p.pid === null) return 'owner:unknown -pid:0-4294967295';
  // PID 0 also lists sockets no process owns (Windows; the Linux source's sockets with no file): those are their groups'.
  return p.pid === 0 ? 'pid:0 -owner:none' : `pid:${p.pid}`;
}

/** What `netmon top` and the views rank by: the rate (send + receive) or the bytes moved. */
export type BusyBy = 'rate' | 'bytes';

/** The traffic a connection or a process row carries. */
export interface Traffic {
  sendRate?: number | null;
  receiveRate?: number | null;
  bytesSent?: number | null;
  bytesReceived?: number | null;
}

/** Send + receive of a connection or process row for `by`; null when neither is known. */
export function busyness(r: Traffic, by: BusyBy): number | null {
  const [a, b] = by === 'rate' ? [r.sendRate, r.receiveRate] : [r.bytesSent, r.bytesReceived];
  return a == null && b == null ? null : (a ?? 0) + (b ?? 0);
}

/** The `limit` busiest of `items` by `by`, busiest first; unknowns last, in their given order. */
export function busiest<T extends Traffic>(items: readonly T[], by: BusyBy, limit: number): T[] {
  const keyed = items.map((item, i) => ({ item, i, v: busyness(item, by) }));
  keyed.sort((x, y) => (x.v === y.v ? x.i - y.i : x.v === null ? 1 : y.v === null ? -1 : y.v - x.v || x.i - y.i));
  return keyed.slice(0, Math.max(0, limit)).map((k) => k.item);
}
