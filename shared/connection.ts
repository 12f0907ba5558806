// The connection model shared by main, preload, renderer and the CLI. One definition, no copies.

export type Protocol = 'tcp' | 'udp';
export type Family = 4 | 6;

/** TCP states by their RFC 793 names, indexed by Windows MIB_TCP_STATE value (1..12). */
export const TCP_STATES = [
  'CLOSED',
  'LISTEN',
  'SYN-SENT',
  'SYN-RECEIVED',
  'ESTABLISHED',
  'FIN-WAIT-1',
  'FIN-WAIT-2',
  'CLOSE-WAIT',
  'CLOSING',
  'LAST-ACK',
  'TIME-WAIT',
  'DELETE-TCB',
] as const;
export type TcpState = (typeof TCP_STATES)[number];

/** MIB_TCP_STATE number (1..12) → name; undefined for anything else. */
export function tcpStateName(mibState: number): TcpState | undefined {
  return TCP_STATES[mibState - 1];
}

/** Name → MIB_TCP_STATE number (1..12). */
export function tcpStateNumber(name: TcpState): number {
  return TCP_STATES.indexOf(name) + 1;
}

export function isTcpState(s: unknown): s is TcpState {
  return typeof s === 'string' && (TCP_STATES as readonly string[]).includes(s);
}

export interface Connection {
  /**
   * Unique among live rows and stable for a row's life: the endpoint key (connectionKey), plus
   * ` #2`, ` #3`… when several sockets share that endpoint (see connectionId).
   */
  id: string;
  protocol: Protocol;
  family: Family;
  /** Canonical text: dotted quad, or RFC 5952 for IPv6 (e.g. `::1`, `::ffff:127.0.0.1`). */
  localAddress: string;
  localPort: number;
  /** IPv6 scope id where the OS reports a non-zero one. */
  localScopeId?: number;
  /** null for UDP endpoints, which have no remote side. */
  remoteAddress: string | null;
  remotePort: number | null;
  remoteScopeId?: number;
  /** null for UDP. */
  state: TcpState | null;
  /** Owning process id, null where the OS does not say. */
  pid: number | null;
  /** Image name of the owner (e.g. `svchost.exe`, `sshd`), null where unknown. */
  process: string | null;
  /** Full image path of the owner where known. */
  processPath?: string | null;
  /** When the OS says the connection was created (epoch ms); null/absent where it does not. */
  createdAt?: number | null;
  /** Reverse-DNS name of the remote address, when resolution is on and has answered. */
  remoteHost?: string | null;
  /** Start time of the owning process (epoch ms): owners are PID + start time, since PIDs are reused. */
  processStartTime?: number | null;
  /** Epoch ms when the engine first saw this row; kept by the engine for the row's life (history issue). */
  firstSeenAt?: number;
  /** Epoch ms of the row's last state / owner change; firstSeenAt until one happens. */
  lastChangeAt?: number;
  /** True when the row was already open at the engine's first poll (its first-seen time is the start of the run). */
  preexisting?: boolean;

  // Per-connection traffic and health (TCP only; null where the OS gives nothing, absent where not collected).
  /**
   * Bytes sent / received over the connection's life: sent counts payload put on the wire,
   * retransmissions included (RFC 4898 DataOctetsOut: Linux tcpi_bytes_sent, tcpi_bytes_acked
   * before 4.19; Windows EStats DataBytesOut); received counts in-order payload (Linux
   * tcpi_bytes_received; Windows ThruBytesReceived).
   */
  bytesSent?: number | null;
  bytesReceived?: number | null;
  /** Segments sent / received (Linux tcpi_segs_out / tcpi_segs_in; Windows EStats SegsOut / SegsIn). */
  packetsSent?: number | null;
  packetsReceived?: number | null;
  /** Bytes per second over the last poll interval; null on a row's first poll (not yet known). */
  sendRate?: number | null;
  receiveRate?: number | null;
  /** Smoothed round-trip time and its variance, milliseconds. */
  rttMs?: number | null;
  rttVarMs?: number | null;
  /** Retransmitted segments over the connection's life. */
  retransmits?: number | null;
  /** What limited the sender most over the last interval: the peer's receive window, the network (congestion), or the sending application. */
  limitedBy?: LimitedBy | null;
}

/** Where a TCP sender was limited: by the receiver's window, by congestion (the network), or by the sending application. */
export type LimitedBy = 'receiver' | 'network' | 'sender';

/** The traffic fields of a Connection, in the order outputs print them. */
export const TRAFFIC_FIELDS = [
  'bytesSent',
  'bytesReceived',
  'packetsSent',
  'packetsReceived',
  'sendRate',
  'receiveRate',
  'rttMs',
  'rttVarMs',
  'retransmits',
  'limitedBy',
] as const;

function endpoint(addr: string | null, port: number | null, scope?: number): string {
  if (addr === null) return '*';
  const a = addr.includes(':') ? `[${addr}${scope ? `%${scope}` : ''}]` : addr;
  return `${a}:${port ?? 0}`;
}

/** The endpoint key of a connection: never includes state or PID (a TIME-WAIT row on Windows belongs to PID 0). Several sockets can share one; see connectionId. */
export function connectionKey(c: Omit<Connection, 'id'>): string {
  return `${c.protocol}${c.family} ${endpoint(c.localAddress, c.localPort, c.localScopeId)} ${endpoint(
    c.remoteAddress,
    c.remotePort,
    c.remoteScopeId,
  )}`;
}

/**
 * The id of the socket in slot `slot` (0-based) of the endpoint `key`: the key itself for the first
 * socket on an endpoint, `key #2`, `key #3`… for further ones (SO_REUSEPORT workers, several
 * processes on one UDP port). Slots are given by the engine when a row opens and kept for its life.
 */
export function connectionId(key: string, slot: number): string {
  return slot === 0 ? key : `${key} #${slot + 1}`;
}

export type ConnectionEventType = 'opened' | 'closed' | 'changed';

const EVENT_TYPES: readonly unknown[] = ['opened', 'closed', 'changed'] satisfies ConnectionEventType[];

/** Whether `t` is a ConnectionEventType (for what crossed a thread, process or socket). */
export function isConnectionEventType(t: unknown): t is ConnectionEventType {
  return EVENT_TYPES.includes(t);
}

export interface ConnectionEvent {
  type: ConnectionEventType;
  /** Epoch ms of the poll that saw it. */
  time: number;
  connection: Connection;
  /** On `changed`: the state before. */
  previousState?: TcpState | null;
  /** On `changed`: the owner before. */
  previousPid?: number | null;
  /** On `changed` where the PID changed: the previous owner's process name (null where unknown). */
  previousProcess?: string | null;
  /**
   * From a filtered stream (shared/filter-stream.ts): the event is about the filter, not the
   * connection. `true` on `opened`: the connection did not open now but came to match (a counter
   * or rate update, which is no event of its own; rates exist from the second poll); on
   * `changed`: a reported connection matches again. `false` on `changed`: a reported connection
   * stopped matching (its close is still reported). Absent otherwise.
   */
  matched?: boolean;
}

/**
 * Every field of a Connection that netmon writes out (all but the derived `id`), in print order.
 * The one list behind `snapshot --json` / `--csv`, the event JSON, both recording formats and the
 * app's export: a writer takes its columns from here, so no output can drop a field. Times are
 * ISO 8601 text (UTC) or null in every output; scope ids are numbers or null where there is none.
 */
export const CONNECTION_JSON_FIELDS = [
  'protocol',
  'family',
  'localAddress',
  'localPort',
  'localScopeId',
  'remoteAddress',
  'remotePort',
  'remoteScopeId',
  'state',
  'pid',
  'process',
  'processPath',
  'processStartTime',
  'createdAt',
  'firstSeenAt',
  'lastChangeAt',
  'preexisting',
  'remoteHost',
  ...TRAFFIC_FIELDS,
] as const;
export type ConnectionJsonField = (typeof CONNECTION_JSON_FIELDS)[number];

/** Connection fields no output carries; `never` while every field is in CONNECTION_JSON_FIELDS. */
export type FieldMissingFromOutputs = Exclude<keyof Connection, 'id' | ConnectionJsonField>;
