// Text, CSV and NDJSON renderings of connections and events, shared by the CLI and the UI's export.
import {
  CONNECTION_JSON_FIELDS,
  connectionKey,
  isTcpState,
  TCP_STATES,
  type Connection,
  type ConnectionEvent,
  type ConnectionJsonField,
  type FieldMissingFromOutputs,
  type LimitedBy,
  type TcpState,
} from './connection';
import { ipFamily } from './ip';
import type { ProcessPortShare, RemotePortShare } from './ports';
import { inTrafficRange, TRAFFIC_RANGES, trafficRangeText, type TrafficQuantity } from './traffic-range';
import { MAX_EPOCH_MS } from './validate';
import { UNKNOWN_MARK } from './units';
import { findFractionalWhole, isWholeLiteral, NOT_WHOLE, WHOLE, wholeFaultText, wholeObject, type WholeSchema } from './whole-literals';

/** `1.2.3.4:80`, `[::1]:80`, `[fe80::1%3]:80`; `*:*` for a missing remote side (null address: see remoteEndpoint). */
export function formatEndpoint(address: string | null, port: number | null, scopeId?: number | null): string {
  if (address === null) return '*:*';
  const a = address.includes(':') ? `[${scopedAddress(address, scopeId)}]` : address;
  return `${a}:${port === null ? '*' : port}`;
}

/** `FIN-WAIT-2 (no owner)`: how every view names sockets no process owns by nature (see ownerlessState). */
export const noOwnerText = (state: TcpState): string => `${state} (no owner)`;

/** The owner column's text for a connection no process owns: a TIME-WAIT connection (PID 0 on Windows, none on Linux). */
export const NO_OWNER_TIME_WAIT = noOwnerText('TIME-WAIT');

/** States a socket reaches after its process may have closed it (an orphan finishing the close on its own). */
const ORPHAN_STATES: ReadonlySet<TcpState> = new Set<TcpState>(['FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSING', 'LAST-ACK']);

/**
 * The state of a socket no process owns by nature, null for any other row: the one rule behind
 * every owner name netmon shows from a row (ownerLabel, the Processes tab's groups, the Ports tab's
 * and `netmon ports`' top processes, the filter's `owner:none`).
 * PID 0 is "no process" on both OSes (rows.ts PID_NONE):
 * - TIME-WAIT with no PID or PID 0: no process owns it any more (Windows lists it under PID 0;
 *   Linux keeps a timewait socket with no inode; recordings of older netmon have no PID).
 * - FIN-WAIT-1/2, CLOSING, LAST-ACK under PID 0: an orphan (Windows' PID 0 is System Idle
 *   Process, which holds no socket; Linux: a socket with no file, inode 0).
 * - Any TCP state under PID 0 with no process name: the Linux source's socket with no file (inode
 *   0: an orphan, or a connection still waiting in a listener's accept queue). Windows names PID 0
 *   (System Idle Process), so its rows keep that name outside the states above.
 * With no PID at all (another user's socket read without root) the owner is unknown, not absent.
 */
export function ownerlessState(c: Pick<Connection, 'state' | 'pid' | 'process'>): TcpState | null {
  const s = c.state;
  if (s === null) return null;
  if (c.pid === 0) return ORPHAN_STATES.has(s) || s === 'TIME-WAIT' || c.process == null ? s : null;
  return s === 'TIME-WAIT' && c.pid === null ? s : null;
}

/**
 * What to show as a connection's owner: its process name; for a socket no process owns
 * (ownerlessState), `TIME-WAIT (no owner)` / `FIN-WAIT-2 (no owner)` rather than a name that reads
 * like a failure (`unknown`, `System Idle Process`); null where the owner is unknown.
 */
export function ownerLabel(c: Pick<Connection, 'state' | 'pid' | 'process'>): string | null {
  const none = ownerlessState(c);
  return none !== null ? noOwnerText(none) : shownProcessName(c.process);
}

/**
 * A process name as shown (null stays null): a process named like one of netmon's own terms
 * (`(unknown)`, `TIME-WAIT (no owner)`, any noOwnerText) is shown in double quotes, so it cannot pass for a socket
 * netmon cannot name. A Linux process may call itself anything up to 15 characters, and Windows
 * runs a file of any name. JSON and CSV keep the name as the OS gives it.
 */
export function shownProcessName(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  return OWN_OWNER_TERMS.has(name) ? `"${name}"` : name;
}

/**
 * What every view and command shows for an owner netmon cannot name (no PID, or a PID whose
 * process could not be read): one term everywhere — the CLI's tables, event lines and `ports`,
 * the app's Connections, Events, Processes and Ports tabs and the details pane. In parentheses,
 * like `TIME-WAIT (no owner)`, so it never reads as a process called "unknown". JSON and CSV keep
 * null.
 */
export const UNKNOWN_OWNER = '(unknown)';

/**
 * Every term netmon shows for an owner it cannot name by a process: UNKNOWN_OWNER and each
 * noOwnerText (any TCP state can be one: the Linux source's sockets with no file). The views fit
 * their Process columns to the widest (`SYN-RECEIVED (no owner)`, drawn in the column's font).
 */
export const OWNER_TERMS: readonly string[] = [UNKNOWN_OWNER, ...TCP_STATES.map(noOwnerText)];

/**
 * netmon's own owner words, built once: shownProcessName runs for every row a free-word filter
 * tests (filter-terms ownerText), so it must not build a string per TCP state per row.
 */
const OWN_OWNER_TERMS: ReadonlySet<string> = new Set(OWNER_TERMS);

/** A name as shown (ownerLabel, shownProcessName, ProcessRow.name): UNKNOWN_OWNER for null / absent. */
export const ownerName = (name: string | null | undefined): string => name ?? UNKNOWN_OWNER;

/** The owner column's text for `c`: ownerLabel, or UNKNOWN_OWNER where the owner is unknown. */
export const ownerText = (c: Pick<Connection, 'state' | 'pid' | 'process'>): string => ownerName(ownerLabel(c));

/**
 * `nginx (1200) 14`, `TIME-WAIT (no owner) 38`: a process's share of an address's ports, as
 * `netmon ports` and the Ports tab list it; sockets no process owns are named as ownerLabel names them.
 */
export const processShareText = (p: ProcessPortShare): string =>
  p.ownerless ? `${noOwnerText(p.ownerless)} ${p.sockets}` : `${ownerName(shownProcessName(p.process))}${p.pid !== null ? ` (${p.pid})` : ''} ${p.sockets}`;

/** `[2001:db8::1]:443 9`, `[fe80::1%2]:443 3`: a destination's share of an address's ports, as `netmon ports` and the Ports tab list it. */
export const remoteShareText = (r: RemotePortShare): string => `${formatEndpoint(r.remoteAddress, r.remotePort, r.remoteScopeId)} ${r.sockets}`;

export const localEndpoint = (c: Connection): string => formatEndpoint(c.localAddress, c.localPort, c.localScopeId);

/**
 * Whether a person is shown a remote side for `c`. A UDP endpoint has none (the OS reports none),
 * and neither has a TCP listener: the 0.0.0.0:0 / [::]:0 the OS reports as its remote is a
 * wildcard, not a peer. The one rule behind every output a person reads (CLI text, syslog message
 * text, the app's tables and details header) and the filter (`*:*` matches exactly these rows;
 * raddr:, rport: and the remote half of addr: / port: never do). Machine formats (JSON, CSV,
 * syslog structured data, the app's Copy) keep what the OS reports.
 */
export function hasRemoteSide(c: Pick<Connection, 'state' | 'remoteAddress'>): boolean {
  return c.remoteAddress !== null && c.state !== 'LISTEN';
}

/** The remote address a person is shown: null (no remote side, see hasRemoteSide) for UDP and listeners. */
export const shownRemoteAddress = (c: Pick<Connection, 'state' | 'remoteAddress'>): string | null => (hasRemoteSide(c) ? c.remoteAddress : null);
/** The remote port a person is shown: null for UDP and listeners (hasRemoteSide). */
export const shownRemotePort = (c: Pick<Connection, 'state' | 'remoteAddress' | 'remotePort'>): number | null => (hasRemoteSide(c) ? c.remotePort : null);

/** The remote endpoint as a person reads it: `*:*` for a UDP endpoint or a listener (hasRemoteSide). */
export const remoteEndpoint = (c: Pick<Connection, 'state' | 'remoteAddress' | 'remotePort' | 'remoteScopeId'>): string =>
  hasRemoteSide(c) ? formatEndpoint(c.remoteAddress, c.remotePort, c.remoteScopeId) : formatEndpoint(null, null);

/** `tcp`, `tcp6`, `udp`, `udp6` — as netstat names them. */
export function protoLabel(c: Pick<Connection, 'protocol' | 'family'>): string {
  return c.family === 6 ? `${c.protocol}6` : c.protocol;
}

export const TABLE_COLUMNS = ['PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PID', 'PROCESS'] as const;

/** The cells of one connection under TABLE_COLUMNS. */
export function tableCells(c: Connection): string[] {
  return [
    protoLabel(c),
    localEndpoint(c),
    remoteEndpoint(c),
    c.state ?? UNKNOWN_MARK,
    c.pid === null ? UNKNOWN_MARK : String(c.pid),
    ownerText(c),
  ];
}

/** Aligned text table with a header line; one line per connection, each ending in '\n'. */
export function formatTable(connections: readonly Connection[]): string {
  const rows = [[...TABLE_COLUMNS], ...connections.map(tableCells)];
  const widths = TABLE_COLUMNS.map((h) => h.length);
  for (const r of rows) for (let i = 0; i < r.length; i++) if (r[i].length > widths[i]) widths[i] = r[i].length;
  const last = TABLE_COLUMNS.length - 1;
  let out = '';
  for (const r of rows) {
    // The last column is not padded, so lines carry no trailing blanks.
    for (let i = 0; i < last; i++) out += r[i].padEnd(widths[i] + 2);
    out += r[last] + '\n';
  }
  return out;
}

/** A Connection as JSON: every field of CONNECTION_JSON_FIELDS, in that order; times ISO 8601 or null. */
export interface ConnectionJson {
  protocol: Connection['protocol'];
  family: Connection['family'];
  localAddress: string;
  localPort: number;
  localScopeId: number | null;
  remoteAddress: string | null;
  remotePort: number | null;
  remoteScopeId: number | null;
  state: TcpState | null;
  pid: number | null;
  process: string | null;
  processPath: string | null;
  processStartTime: string | null;
  createdAt: string | null;
  firstSeenAt: string | null;
  lastChangeAt: string | null;
  preexisting: boolean | null;
  remoteHost: string | null;
  bytesSent: number | null;
  bytesReceived: number | null;
  packetsSent: number | null;
  packetsReceived: number | null;
  sendRate: number | null;
  receiveRate: number | null;
  rttMs: number | null;
  rttVarMs: number | null;
  retransmits: number | null;
  limitedBy: LimitedBy | null;
}

// Compile-time guards: the JSON shape has exactly the output fields, and the output fields cover
// every Connection field (adding one to Connection without an output fails type-checking here).
type Assert<T extends true> = T;
export type OutputFieldsCoverConnection = Assert<[FieldMissingFromOutputs] extends [never] ? true : false>;
export type JsonShapeMatchesFields = Assert<
  [Exclude<ConnectionJsonField, keyof ConnectionJson> | Exclude<keyof ConnectionJson, ConnectionJsonField>] extends [never]
    ? true
    : false
>;

/** Epoch ms → ISO 8601 UTC text; null for null / absent / not a time a Date can hold (|ms| > 8.64e15). */
export function isoTime(ms: number | null | undefined): string | null {
  // Beyond it a Date is invalid and toISOString throws "Invalid time value".
  return typeof ms === 'number' && Math.abs(ms) <= MAX_EPOCH_MS ? new Date(ms).toISOString() : null;
}

/** Exactly CONNECTION_JSON_FIELDS, in that order (object key order is insertion order). */
export function connectionToJson(c: Connection): ConnectionJson {
  // A literal (not a loop over the field list) keeps the object's shape fixed, which makes
  // JSON.stringify several times faster on big tables; format.test checks the order.
  return {
    protocol: c.protocol,
    family: c.family,
    localAddress: c.localAddress,
    localPort: c.localPort,
    // Scope 0 is "no scope" (the OS's unscoped value); IPv4 rows never have one.
    localScopeId: c.localScopeId || null,
    remoteAddress: c.remoteAddress ?? null,
    remotePort: c.remotePort ?? null,
    remoteScopeId: c.remoteScopeId || null,
    state: c.state ?? null,
    pid: c.pid ?? null,
    process: c.process ?? null,
    processPath: c.processPath ?? null,
    processStartTime: isoTime(c.processStartTime),
    createdAt: isoTime(c.createdAt),
    firstSeenAt: isoTime(c.firstSeenAt),
    lastChangeAt: isoTime(c.lastChangeAt),
    preexisting: c.preexisting ?? null,
    remoteHost: c.remoteHost ?? null,
    bytesSent: c.bytesSent ?? null,
    bytesReceived: c.bytesReceived ?? null,
    packetsSent: c.packetsSent ?? null,
    packetsReceived: c.packetsReceived ?? null,
    sendRate: c.sendRate ?? null,
    receiveRate: c.receiveRate ?? null,
    rttMs: c.rttMs ?? null,
    rttVarMs: c.rttVarMs ?? null,
    retransmits: c.retransmits ?? null,
    limitedBy: c.limitedBy ?? null,
  };
}

export function formatNdjsonLine(c: Connection): string {
  return JSON.stringify(connectionToJson(c)) + '\n';
}

export function formatNdjson(connections: readonly Connection[]): string {
  let out = '';
  for (const c of connections) out += formatNdjsonLine(c);
  return out;
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180: CRLF line ends; fields with comma, quote, CR or LF are quoted, quotes doubled).
// Own code rather than a library: the writer is these few lines, and the reader (shared/
// recording-reader.ts) must be incremental over chunks in Node and the browser alike and report
// physical line numbers, which it does in one pass.

/**
 * Cells a spreadsheet would run as a formula (OWASP "CSV injection"): they start with `=`, `+`,
 * `-`, `@`, tab or CR — or with quotes before one, so that the `'` netmon prefixes is undone
 * unambiguously by csvCellValue (a value that itself starts `'=` is written `''=`).
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/** `'=1+1` for `=1+1`: text a spreadsheet would run as a formula, made inert (undone by csvCellValue). */
export function neutraliseFormula(s: string): string {
  return FORMULA_START.test(s) ? `'${s}` : s;
}

/** One CSV cell: null/undefined → empty; formula-like text gets a leading `'`; quoted per RFC 4180 where needed. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = neutraliseFormula(String(v));
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The value of an unquoted CSV cell as netmon wrote it: undoes csvField's formula neutralisation. */
export function csvCellValue(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

export function csvLine(values: readonly (string | number | boolean | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

export const CONNECTION_CSV_HEADER: readonly string[] = CONNECTION_JSON_FIELDS;

/**
 * `fe80::1%2`: the address with its scope (zone: interface index; 0 / null / absent is none), as
 * CSV, text and the port report print it (CSV also has the scope in its own column); null stays null.
 */
export function scopedAddress(address: string, scopeId: number | null | undefined): string;
export function scopedAddress(address: string | null, scopeId: number | null | undefined): string | null;
export function scopedAddress(address: string | null, scopeId: number | null | undefined): string | null {
  return address !== null && scopeId ? `${address}%${scopeId}` : address;
}

/** The CSV cells of a connection, one per CONNECTION_JSON_FIELDS entry. */
export function connectionCsvValues(c: Connection): (string | number | boolean | null)[] {
  const j = connectionToJson(c);
  const out = CONNECTION_JSON_FIELDS.map((f) => j[f]);
  out[CONNECTION_JSON_FIELDS.indexOf('localAddress')] = scopedAddress(j.localAddress, j.localScopeId);
  out[CONNECTION_JSON_FIELDS.indexOf('remoteAddress')] = scopedAddress(j.remoteAddress, j.remoteScopeId);
  return out;
}

/** Header plus one record per connection. */
export function formatCsv(connections: readonly Connection[]): string {
  return csvLine(CONNECTION_CSV_HEADER) + connections.map((c) => csvLine(connectionCsvValues(c))).join('');
}

// ---------------------------------------------------------------------------------------------
// Events (netmon watch, recordings)

export interface EventJson {
  type: ConnectionEvent['type'];
  /** ISO-8601 UTC. */
  time: string;
  connection: ConnectionJson;
  previousState?: TcpState | null;
  previousPid?: number | null;
  /** With previousPid: the image name of the previous owner. */
  previousProcess?: string | null;
  /** ConnectionEvent.matched: true on `opened` / `changed` when it came to match a filter, false on `changed` when it stopped. */
  matched?: boolean;
}

export function eventToJson(e: ConnectionEvent): EventJson {
  const o: EventJson = { type: e.type, time: new Date(e.time).toISOString(), connection: connectionToJson(e.connection) };
  const matched = eventMatchedMark(e);
  if (matched !== undefined) o.matched = matched;
  if (e.type === 'changed') {
    o.previousState = e.previousState ?? e.connection.state;
    if (e.previousPid !== undefined && e.previousPid !== e.connection.pid) {
      o.previousPid = e.previousPid;
      if (e.previousProcess !== undefined) o.previousProcess = e.previousProcess;
    }
  }
  return o;
}

/** The `matched` mark where it means something: true on opened or changed, false on changed only. */
export function eventMatchedMark(e: Pick<ConnectionEvent, 'type' | 'matched'>): boolean | undefined {
  if (e.matched === true && e.type !== 'closed') return true;
  if (e.matched === false && e.type === 'changed') return false;
  return undefined;
}

/** The text line's TYPE word: MATCHED / UNMATCHED for an event marked by a filtered stream, else the type. */
export function eventTypeWord(e: Pick<ConnectionEvent, 'type' | 'matched'>): string {
  const matched = eventMatchedMark(e);
  return matched === undefined ? e.type.toUpperCase() : matched ? 'MATCHED' : 'UNMATCHED';
}

export function formatEventJsonLine(e: ConnectionEvent): string {
  return JSON.stringify(eventToJson(e)) + '\n';
}

export interface EventTextOptions {
  /** Print the time in UTC (suffixed `Z`) instead of local time. */
  utc?: boolean;
  /** Also print the date and the zone: `2024-01-02T05:04:05.060+02:00` (or `…Z` with utc). */
  date?: boolean;
}

const p2 = (n: number): string => String(n).padStart(2, '0');

/** `HH:MM:SS.mmm` local, `HH:MM:SS.mmmZ` in UTC; with date: ISO 8601 date, time and zone offset. */
export function formatEventTime(ms: number, opts: EventTextOptions = {}): string {
  const d = new Date(ms);
  const utc = opts.utc ?? false;
  const [y, mo, day, h, m, s, milli] = utc
    ? [d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getFullYear(), d.getMonth(), d.getDate(), d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  const time = `${p2(h)}:${p2(m)}:${p2(s)}.${String(milli).padStart(3, '0')}`;
  let zone = '';
  if (utc) zone = 'Z';
  else if (opts.date) {
    const east = -d.getTimezoneOffset(); // minutes east of UTC, at that instant (DST included)
    zone = `${east < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(east) / 60))}:${p2(Math.abs(east) % 60)}`;
  }
  return opts.date ? `${y}-${p2(mo + 1)}-${p2(day)}T${time}${zone}` : `${time}${zone}`;
}

/**
 * `12:00:01.250 OPENED  tcp 127.0.0.1:5000→127.0.0.1:40000 ESTABLISHED pid 42 node`
 * `changed` shows the transition: `(SYN-SENT→ESTABLISHED)`, and `pid 7→42` when the owner changed.
 */
export function formatEventText(e: ConnectionEvent, opts: EventTextOptions = {}): string {
  const c = e.connection;
  let state = c.state ?? UNKNOWN_MARK;
  if (e.type === 'changed' && e.previousState !== undefined && e.previousState !== c.state) {
    state = `(${e.previousState ?? UNKNOWN_MARK}→${c.state ?? UNKNOWN_MARK})`;
  }
  const pidNow = c.pid === null ? UNKNOWN_MARK : String(c.pid);
  const pid =
    e.type === 'changed' && e.previousPid !== undefined && e.previousPid !== c.pid
      ? `pid ${e.previousPid ?? UNKNOWN_MARK}→${pidNow}`
      : `pid ${pidNow}`;
  return (
    [
      formatEventTime(e.time, opts),
      eventTypeWord(e).padEnd(7),
      protoLabel(c),
      `${localEndpoint(c)}→${remoteEndpoint(c)}`,
      state,
      pid,
      ownerText(c),
    ].join(' ') + '\n'
  );
}

export const EVENT_CSV_HEADER: readonly string[] = [
  'time',
  'type',
  ...CONNECTION_JSON_FIELDS,
  'previousState',
  'previousPid',
  'previousProcess',
];

export function formatEventCsvLine(e: ConnectionEvent): string {
  const j = eventToJson(e);
  return csvLine([j.time, j.type, ...connectionCsvValues(e.connection), j.previousState, j.previousPid, j.previousProcess]);
}

// ---------------------------------------------------------------------------------------------
// Reading back (recordings): the inverse of eventToJson.

/** A record that is not a netmon event; `field` names the offending field where there is one. */
export class RecordFormatError extends Error {
  override name = 'RecordFormatError';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(field ? `field "${field}": ${message}` : message);
  }
}

/**
 * How a recorded field is checked: `port` 0..65535, `u32` 0..4294967295 (PIDs, IPv6 scope ids:
 * DWORDs on Windows, u32 on Linux), `traffic` the field's range in shared/traffic-range.ts (counts,
 * rates, RTTs), `address` IPv4 / IPv6 text, `time` ISO 8601 (read as epoch ms).
 */
type FieldKind = 'string' | 'address' | 'number' | 'traffic' | 'port' | 'u32' | 'time' | 'boolean';

/** How each output field is typed in JSON (and so how a CSV cell is read back). */
const FIELD_KIND: Record<Exclude<ConnectionJsonField, 'protocol' | 'family' | 'state' | 'limitedBy'>, FieldKind> = {
  localAddress: 'address',
  localPort: 'port',
  localScopeId: 'u32',
  remoteAddress: 'address',
  remotePort: 'port',
  remoteScopeId: 'u32',
  pid: 'u32',
  process: 'string',
  processPath: 'string',
  processStartTime: 'time',
  createdAt: 'time',
  firstSeenAt: 'time',
  lastChangeAt: 'time',
  preexisting: 'boolean',
  remoteHost: 'string',
  // Every numeric traffic field, and only those, is checked against its range (TRAFFIC_RANGES).
  ...(Object.fromEntries(Object.keys(TRAFFIC_RANGES).map((f) => [f, 'traffic'])) as Record<TrafficQuantity, 'traffic'>),
};

const LIMITED_BY: readonly LimitedBy[] = ['receiver', 'network', 'sender'];

/**
 * The connection's whole-number fields: family, ports, PIDs, scope ids and the traffic counts
 * (TRAFFIC_RANGES `whole`). netmon writes them as digits only; `5.0` or `5e0` is no count it
 * wrote, though JSON.parse (and Number) read it as 5, so the readers look at the text itself.
 */
const CONNECTION_WHOLE_FIELDS: readonly string[] = [
  'family',
  ...Object.entries(FIELD_KIND)
    .filter(([f, k]) => k === 'port' || k === 'u32' || (k === 'traffic' && TRAFFIC_RANGES[f as TrafficQuantity].whole))
    .map(([f]) => f),
];

/** Every whole-number field of an event, by name (a CSV record is flat): the connection's and previousPid. */
const WHOLE_FIELDS: ReadonlySet<string> = new Set([...CONNECTION_WHOLE_FIELDS, 'previousPid']);

/** Where eventFromJson reads whole numbers: previousPid at the top, the connection's fields in `connection`. */
const EVENT_WHOLE: WholeSchema = wholeObject({
  previousPid: WHOLE,
  connection: wholeObject(Object.fromEntries(CONNECTION_WHOLE_FIELDS.map((f) => [f, WHOLE]))),
});

/** What a CSV reader says of a whole-number cell written with a fraction or an exponent. */
const notWhole = (literal: string): string => `${literal} ${NOT_WHOLE}`;

/** `missing (expected …)` or `"x" is not …`: what a reader says about a bad field value. */
const notA = (v: unknown, what: string): string =>
  v === undefined ? `missing (expected ${what})` : `${JSON.stringify(v) ?? String(v)} is not ${what}`;

const MAX_U32 = 0xffffffff;

/** What each kind of field must be, as a reader says it (a traffic field: kindText). */
const KIND_TEXT: Record<Exclude<FieldKind, 'traffic'>, string> = {
  string: 'a string',
  address: 'an IPv4 or IPv6 address',
  number: 'a number',
  port: 'a port (0 to 65535)',
  u32: `a whole number from 0 to ${MAX_U32}`,
  time: 'an ISO 8601 time',
  boolean: 'true or false',
};

/** Address texts already judged, with their family: a recording repeats few addresses. Bounded. */
const addressFamilies = new Map<string, 4 | 6 | null>();

/** ipFamily, remembered for the next record (cleared past 4,096 texts). */
function addressFamily(text: string): 4 | 6 | null {
  let f = addressFamilies.get(text);
  if (f === undefined) {
    if (addressFamilies.size >= 4096) addressFamilies.clear();
    f = ipFamily(text);
    addressFamilies.set(text, f);
  }
  return f;
}

/** Throws RecordFormatError unless `address` (valid text) is of `family`. */
function sameFamily(field: string, address: string, family: 4 | 6): void {
  if (addressFamily(address) !== family) throw new RecordFormatError(`${JSON.stringify(address)} is not an IPv${family} address (family is ${family})`, field);
}

/**
 * ISO 8601 date and time with its zone (RFC 3339 section 5.6, and the +YYYYYY years toISOString
 * writes past 9999). Date.parse alone also takes "5", RFC 2822 dates and times without a zone,
 * which it reads in the local zone of the machine replaying the file.
 */
const ISO_TIME = /^(?:\d{4}|[+-]\d{6})-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)$/;

/** A recorded time as epoch ms; NaN unless `v` is ISO_TIME text of a time a Date holds. */
const isoTimeMs = (v: unknown): number => (typeof v === 'string' && ISO_TIME.test(v) ? Date.parse(v) : NaN);

const wholeIn = (v: unknown, max: number): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;

/** Validates a JSON field of the given kind; returns it as the Connection holds it (times as epoch ms). */
function fieldFromJson(name: string, kind: FieldKind, v: unknown): string | number | boolean | null {
  if (v === null) return null;
  switch (kind) {
    case 'string':
      if (typeof v === 'string') return v;
      break;
    case 'address':
      if (typeof v === 'string' && addressFamily(v) !== null) return v;
      break;
    case 'traffic':
      if (inTrafficRange(name as TrafficQuantity, v)) return v;
      break;
    case 'port':
      if (wholeIn(v, 65535)) return v;
      break;
    case 'u32':
      if (wholeIn(v, MAX_U32)) return v;
      break;
    case 'number':
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      break;
    case 'boolean':
      if (typeof v === 'boolean') return v;
      break;
    case 'time': {
      const t = isoTimeMs(v);
      if (!Number.isNaN(t)) return t;
      throw new RecordFormatError(notA(v, 'an ISO 8601 time'), name);
    }
  }
  throw new RecordFormatError(notA(v, kindText(name, kind)), name);
}

/** What field `name` of `kind` must be, as a reader says it. */
const kindText = (name: string, kind: FieldKind): string => (kind === 'traffic' ? trafficRangeText(name as TrafficQuantity) : KIND_TEXT[kind]);

/** A field every recording carries: validated, null allowed, absent is an error. */
function required<K extends keyof typeof FIELD_KIND>(o: Record<string, unknown>, f: K): string | number | boolean | null {
  const v = o[f];
  if (v === undefined) throw new RecordFormatError(notA(v, FIELD_KIND[f] === 'string' ? 'text or null' : `${kindText(f, FIELD_KIND[f])} or null`), f);
  return fieldFromJson(f, FIELD_KIND[f], v);
}

/** A field older recordings may lack: undefined when absent, else validated (null allowed). */
function optional<K extends keyof typeof FIELD_KIND>(o: Record<string, unknown>, f: K): string | number | boolean | null | undefined {
  const v = o[f];
  return v === undefined ? undefined : fieldFromJson(f, FIELD_KIND[f], v);
}

function connectionFromJson(v: unknown): Connection {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new RecordFormatError('not an object', 'connection');
  const o = v as Record<string, unknown>;
  if (o.protocol !== 'tcp' && o.protocol !== 'udp') throw new RecordFormatError(notA(o.protocol, 'tcp or udp'), 'protocol');
  if (o.family !== 4 && o.family !== 6) throw new RecordFormatError(notA(o.family, '4 or 6'), 'family');
  if (o.state !== null && !isTcpState(o.state)) throw new RecordFormatError(notA(o.state, 'a TCP state or null'), 'state');
  const limitedBy = o.limitedBy;
  if (limitedBy !== undefined && limitedBy !== null && !LIMITED_BY.includes(limitedBy as LimitedBy)) {
    throw new RecordFormatError(notA(limitedBy, `one of ${LIMITED_BY.join(', ')}`), 'limitedBy');
  }
  const localAddress = required(o, 'localAddress');
  const localPort = required(o, 'localPort');
  if (localAddress === null) throw new RecordFormatError(notA(null, 'an address'), 'localAddress');
  if (localPort === null) throw new RecordFormatError(notA(null, 'a port'), 'localPort');
  const remoteAddress = required(o, 'remoteAddress');
  // An address of the other family would be a row no OS lists (and filters by family would lie).
  sameFamily('localAddress', localAddress as string, o.family);
  if (remoteAddress !== null) sameFamily('remoteAddress', remoteAddress as string, o.family);
  // One literal (fixed shape, every field of CONNECTION_JSON_FIELDS): several times faster to
  // build than a loop of keyed stores. No scope is an absent scope, as the sources leave it.
  const c = {
    protocol: o.protocol,
    family: o.family,
    localAddress,
    localPort,
    localScopeId: optional(o, 'localScopeId') ?? undefined,
    remoteAddress,
    remotePort: required(o, 'remotePort'),
    remoteScopeId: optional(o, 'remoteScopeId') ?? undefined,
    state: o.state,
    pid: required(o, 'pid'),
    process: required(o, 'process'),
    processPath: optional(o, 'processPath'),
    processStartTime: optional(o, 'processStartTime'),
    createdAt: optional(o, 'createdAt'),
    firstSeenAt: optional(o, 'firstSeenAt'),
    lastChangeAt: optional(o, 'lastChangeAt'),
    preexisting: optional(o, 'preexisting'),
    remoteHost: optional(o, 'remoteHost'),
    bytesSent: optional(o, 'bytesSent'),
    bytesReceived: optional(o, 'bytesReceived'),
    packetsSent: optional(o, 'packetsSent'),
    packetsReceived: optional(o, 'packetsReceived'),
    sendRate: optional(o, 'sendRate'),
    receiveRate: optional(o, 'receiveRate'),
    rttMs: optional(o, 'rttMs'),
    rttVarMs: optional(o, 'rttVarMs'),
    retransmits: optional(o, 'retransmits'),
    limitedBy,
  } as unknown as Omit<Connection, 'id'>;
  return { id: connectionKey(c), ...c };
}

/** Parses one event as eventToJson writes it. Throws RecordFormatError naming the field. */
export function eventFromJson(o: unknown): ConnectionEvent {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new RecordFormatError('not a JSON object');
  const r = o as Record<string, unknown>;
  if (r.type === undefined && 'localAddress' in r) {
    throw new RecordFormatError('this is a connection (as `netmon snapshot --json` prints), not an event (as `netmon watch --json` records)');
  }
  if (r.type !== 'opened' && r.type !== 'closed' && r.type !== 'changed') {
    throw new RecordFormatError(notA(r.type, 'opened, closed or changed'), 'type');
  }
  const time = isoTimeMs(r.time);
  if (Number.isNaN(time)) throw new RecordFormatError(notA(r.time, 'an ISO 8601 time'), 'time');
  const e: ConnectionEvent = { type: r.type, time, connection: connectionFromJson(r.connection) };
  if (r.previousState !== undefined) {
    if (r.previousState !== null && !isTcpState(r.previousState)) {
      throw new RecordFormatError(notA(r.previousState, 'a TCP state'), 'previousState');
    }
    e.previousState = r.previousState;
  }
  if (r.previousPid !== undefined) e.previousPid = fieldFromJson('previousPid', 'u32', r.previousPid) as number | null;
  if (r.previousProcess !== undefined) e.previousProcess = fieldFromJson('previousProcess', 'string', r.previousProcess) as string | null;
  if (typeof r.matched === 'boolean') {
    const matched = eventMatchedMark({ type: e.type, matched: r.matched });
    if (matched !== undefined) e.matched = matched;
  }
  return e;
}

/** Parses one event line written by formatEventJsonLine. Throws RecordFormatError. */
export function parseEventJsonLine(line: string): ConnectionEvent {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new RecordFormatError(line.trimStart().startsWith('{') ? 'not complete JSON (cut off mid-write?)' : 'not JSON');
  }
  const e = eventFromJson(o);
  const f = findFractionalWhole(line, EVENT_WHOLE);
  if (f !== null) throw new RecordFormatError(wholeFaultText(f), f.key);
  return e;
}

/** Splits one CSV record (RFC 4180, possibly spanning lines inside quotes) into its cells, quotes undone. */
export function splitCsvRecord(record: string): string[] {
  const cells: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < record.length; i++) {
    const ch = record[i];
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (record[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(field);
      field = '';
    } else field += ch;
  }
  if (quoted) throw new RecordFormatError('a quoted CSV field is not closed (cut off mid-write?)');
  cells.push(field);
  return cells;
}

/** A JSON number literal (RFC 8259 section 6). */
const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

const NUMERIC_KINDS = new Set<FieldKind | 'text'>(['number', 'traffic', 'port', 'u32']);

/** A CSV cell of the given kind → its JSON value (empty → null). */
function csvCellToJson(name: string, kind: FieldKind | 'text', cell: string): unknown {
  if (cell === '') return null;
  if (NUMERIC_KINDS.has(kind)) {
    // Only what JSON calls a number (netmon writes String(n), always one): Number() would also
    // take 0x10, +1, " 5 ", .5 and 0b11, which the NDJSON reader refuses.
    if (!JSON_NUMBER.test(cell)) throw new RecordFormatError(`${JSON.stringify(cell)} is not a number`, name);
    if (WHOLE_FIELDS.has(name) && !isWholeLiteral(cell)) throw new RecordFormatError(notWhole(cell), name);
    const n = Number(cell);
    if (!Number.isFinite(n)) throw new RecordFormatError(`${JSON.stringify(cell)} is not a number`, name);
    return n;
  }
  if (kind === 'boolean') {
    if (cell === 'true' || cell === 'false') return cell === 'true';
    throw new RecordFormatError(`${JSON.stringify(cell)} is not true or false`, name);
  }
  return cell;
}

/** Parses one record of an event CSV (columns named by its header, as EVENT_CSV_HEADER). Throws RecordFormatError. */
export function parseEventCsvRecord(header: readonly string[], values: readonly string[]): ConnectionEvent {
  if (values.length !== header.length) {
    throw new RecordFormatError(`expected ${header.length} fields, got ${values.length}${values.length < header.length ? ' (cut off mid-write?)' : ''}`);
  }
  const cells = new Map<string, string>();
  for (let i = 0; i < header.length; i++) cells.set(header[i], csvCellValue(values[i]));
  const connection: Record<string, unknown> = {};
  for (const f of CONNECTION_JSON_FIELDS) {
    const cell = cells.get(f);
    if (cell === undefined) continue;
    connection[f] = f === 'family' ? csvCellToJson(f, 'number', cell) : csvCellToJson(f, f in FIELD_KIND ? FIELD_KIND[f as keyof typeof FIELD_KIND] : 'text', cell);
  }
  // CSV prints addresses with their scope (`fe80::1%2`); the scope column, where present, agrees.
  for (const side of ['local', 'remote'] as const) {
    const a = connection[`${side}Address`];
    if (typeof a !== 'string') continue;
    const pct = a.indexOf('%');
    if (pct < 0) continue;
    const field = `${side}Address`;
    const text = a.slice(pct + 1);
    // Digits only (as scopedAddress writes it), within u32 by the scope field's own check below.
    if (!/^(?:0|[1-9]\d*)$/.test(text)) throw new RecordFormatError(`${JSON.stringify(a)}: the scope after % is not a whole number`, field);
    const scope = Number(text);
    const column = connection[`${side}ScopeId`];
    if (column != null && column !== scope) throw new RecordFormatError(`${JSON.stringify(a)}: the scope after % is not the ${side}ScopeId column's ${String(column)}`, field);
    connection[field] = a.slice(0, pct);
    connection[`${side}ScopeId`] = scope;
  }
  const json: Record<string, unknown> = { type: cells.get('type'), time: cells.get('time'), connection };
  if (json.type === 'changed') json.previousState = csvCellToJson('previousState', 'text', cells.get('previousState') ?? '');
  const pp = csvCellToJson('previousPid', 'u32', cells.get('previousPid') ?? '');
  if (pp !== null) {
    json.previousPid = pp;
    const proc = cells.get('previousProcess');
    if (proc !== undefined) json.previousProcess = csvCellToJson('previousProcess', 'text', proc);
  }
  return eventFromJson(json);
}

/** A stable, readable order for printed tables: protocol, family, local port, then addresses. */
export function compareConnections(a: Connection, b: Connection): number {
  return (
    a.protocol.localeCompare(b.protocol) ||
    a.family - b.family ||
    a.localPort - b.localPort ||
    a.localAddress.localeCompare(b.localAddress) ||
    (a.remoteAddress ?? '').localeCompare(b.remoteAddress ?? '') ||
    (a.remotePort ?? 0) - (b.remotePort ?? 0)
  );
}

/**
 * Text safe to print to a terminal: C0 control characters other than tab, LF and CR, DEL, and C1
 * controls (U+0080–U+009F) become `\xNN`; bidirectional overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) become `\u{NNNN}`. A process name or a recording field is chosen by whoever
 * started the process or wrote the file; printed raw, an escape sequence in it could retitle,
 * recolour or rewrite the admin's terminal.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g, (ch) => {
    const n = ch.charCodeAt(0);
    return n <= 0xff ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u{${n.toString(16)}}`;
  });
}
