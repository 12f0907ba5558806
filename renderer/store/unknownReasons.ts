// Why a value is not shown: the title of every "—" (and of a blank traffic cell), so a missing value
// always says whether it cannot exist (UDP, listeners, TIME-WAIT), needs something (administrator,
// a counters backend) or is simply not in yet. One wording for the Connections and Processes views.
import type { Connection, TcpState } from '../../shared/connection';
import { ownerlessState } from '../../shared/format';
import type { CountersScope } from '../../shared/ipc';

/**
 * Why a socket has no traffic counters at all (shown as "—", issue 11: never invented), or null
 * when it can have them (a blank cell there means not known yet, e.g. the first poll).
 */
export function noCountersReason(c: Pick<Connection, 'protocol' | 'state'>): string | null {
  if (c.protocol === 'udp') return 'UDP sockets have no per-socket counters on either OS';
  if (c.state === 'LISTEN') return 'A listening socket moves no data itself (its accepted connections do)';
  if (c.state === 'TIME-WAIT') return 'Closed: the OS keeps no counters for a connection in TIME-WAIT';
  return null;
}

/**
 * Why a socket no process owns (ownerlessState: an orphan in FIN-WAIT-1/2, CLOSING or LAST-ACK, a
 * Linux socket with no file) has no traffic value: the OS gave it no counters at all (Linux keeps
 * none for a FIN-WAIT-2 orphan, which it holds as a timewait socket; Windows' EStats are read for
 * ESTABLISHED through LAST-ACK). Null when it is owned, in TIME-WAIT (noCountersReason), or carries
 * some counter (then a missing rate is only not in yet). "No value yet" would never come true.
 */
export function ownerlessNoCounters(c: Pick<Connection, 'state' | 'pid' | 'process' | 'bytesSent' | 'bytesReceived' | 'packetsSent' | 'packetsReceived' | 'rttMs' | 'retransmits'>): string | null {
  const none = ownerlessState(c);
  if (none === null || none === 'TIME-WAIT') return null;
  if (hasCounters(c)) return null;
  return `${noOwnerReason(none)}, and the OS gave no traffic counters for it`;
}

/** Whether `c` carries any cumulative counter (rates and Limited by need a second poll on top). */
function hasCounters(c: Pick<Connection, 'bytesSent' | 'bytesReceived' | 'packetsSent' | 'packetsReceived' | 'rttMs' | 'retransmits'>): boolean {
  return c.bytesSent != null || c.bytesReceived != null || c.packetsSent != null || c.packetsReceived != null || c.rttMs != null || c.retransmits != null;
}

/**
 * Why the counters backend does not read TCP connection `c` (`scope`: EngineStatus.countersScope,
 * checked; Windows EStats): its state is not one read, or the cap was reached this poll and `c`
 * has no counter at all, so it is one of those left beyond it until a read connection closes.
 * Null when `c` is read (or will be with the next poll), or no scope limits the backend.
 */
export function unreadReason(
  c: Pick<Connection, 'protocol' | 'state' | 'bytesSent' | 'bytesReceived' | 'packetsSent' | 'packetsReceived' | 'rttMs' | 'retransmits'>,
  scope: CountersScope | null | undefined,
): string | null {
  if (!scope || c.protocol !== 'tcp' || c.state === null) return null;
  if (!scope.states.includes(c.state)) return `Traffic counters: not read in ${c.state} (netmon reads them in ${scope.states.join(', ')})`;
  if (scope.beyondCap > 0 && !hasCounters(c)) {
    return `Traffic counters: netmon reads them for at most ${scope.cap.toLocaleString('en-US')} connections a poll; this one is beyond that (${scope.beyondCap.toLocaleString('en-US')} are), until a read one closes`;
  }
  return null;
}

/** Title of a blank traffic value on a socket that can have counters: not in yet. */
export const NOT_YET = 'Not known yet: counters come with the next poll, rates need two polls';

/**
 * Title of an empty Limited-by cell on a connection whose rates are known and that sent nothing in
 * the last interval: main/engine/rates.ts limitedByCode finds no limit then (no busy time, no bytes).
 */
export const NOTHING_SENT = 'Nothing sent in the last interval: the sender was not held back';

/** Title of an empty Limited-by cell on a connection that did send: the OS gave no send-limit times (busy time) for it. */
export const NO_LIMIT_TIMES = 'The OS gave no send-limit times for this connection over the last interval';

/** Title of a traffic value the counters backend cannot give (`note`: EngineStatus.countersNote, e.g. "needs administrator"). */
export const countersMissing = (note: string): string => `Traffic counters: ${note}`;

/** Why a listener's remote address and port are "—" in the app (the OS reports the wildcard, 0.0.0.0:0 or [::]:0). */
export const LISTEN_NO_REMOTE = 'A listening socket has no remote endpoint';

/**
 * Why a connection's remote address or port is "—"; null when it has both. A LISTEN socket has
 * none whatever the OS reports (the wildcard address and port 0, which exports keep as reported).
 */
export function noRemoteReason(c: Pick<Connection, 'protocol' | 'state' | 'remoteAddress' | 'remotePort'>): string | null {
  if (c.state === 'LISTEN') return LISTEN_NO_REMOTE;
  if (c.remoteAddress !== null && c.remotePort !== null) return null;
  if (c.protocol === 'udp') return 'UDP is connectionless: the socket has no remote endpoint';
  return 'The OS reports no remote endpoint for this socket';
}

/** Why a connection's state is "—"; null when it has one. */
export function noStateReason(c: Pick<Connection, 'protocol' | 'state'>): string | null {
  if (c.state !== null) return null;
  return c.protocol === 'udp' ? 'UDP has no connection state' : 'The OS reports no state for this socket';
}

/** Why the Processes view's group of sockets no process owns in `state` (ownerlessState) has no PID. */
export const noOwnerReason = (state: TcpState): string => `No process owns a connection in ${state}`;

/** Why a TIME-WAIT connection (or the Processes view's group of them) has no PID. */
export const TIME_WAIT_NO_OWNER = noOwnerReason('TIME-WAIT');

/** Why a connection's PID is "—"; null when it has one. */
export function noPidReason(c: Pick<Connection, 'pid' | 'state'>): string | null {
  if (c.pid !== null) return null;
  if (c.state === 'TIME-WAIT') return TIME_WAIT_NO_OWNER;
  return 'The OS reports no owning process for this socket (on Windows: run as administrator to see more owners)';
}

/** The Connection fields the traffic columns show. */
export type TrafficField = 'bytesSent' | 'bytesReceived' | 'sendRate' | 'receiveRate' | 'rttMs' | 'retransmits' | 'limitedBy';

/** Why one traffic value of a connection is missing: shown as "—" (`dash`) or left blank (not in yet). */
export interface TrafficGap {
  dash: boolean;
  title: string;
}

/**
 * Why the traffic value `field` of `c` is missing, or null when it is shown. In order: the socket
 * can have no counters, whatever the OS reports (UDP, LISTEN, TIME-WAIT: "—", noCountersReason); the backend gives none
 * (`countersNote`, EngineStatus.countersNote: "—"); the backend does not read this connection
 * (`scope`, EngineStatus.countersScope checked: a state not read, beyond the cap; unreadReason, "—");
 * a socket no process owns that the OS gave no
 * counters (ownerlessNoCounters: "—"); Limited by on a row whose rates are known
 * (sendRate not null) — nothing sent in the interval (NOTHING_SENT) or sent without busy-time
 * counters (NO_LIMIT_TIMES), "—" either way; otherwise not in yet (blank, NOT_YET: the row's first
 * poll, rates need two).
 */
export function trafficGap(c: Connection, field: TrafficField, countersNote: string | null | undefined, scope?: CountersScope | null): TrafficGap | null {
  // Whatever the OS reports for these (a listener's tcp_info), they move no data of their own.
  const why = noCountersReason(c);
  if (why !== null) return { dash: true, title: why };
  const v = c[field];
  if (v !== null && v !== undefined) return null;
  if (countersNote) return { dash: true, title: countersMissing(countersNote) };
  const unread = unreadReason(c, scope);
  if (unread !== null) return { dash: true, title: unread };
  const orphan = ownerlessNoCounters(c);
  if (orphan !== null) return { dash: true, title: orphan };
  if (field === 'limitedBy' && c.sendRate !== null && c.sendRate !== undefined) return { dash: true, title: c.sendRate === 0 ? NOTHING_SENT : NO_LIMIT_TIMES };
  return { dash: false, title: NOT_YET };
}
