// Text, CSV and NDJSON renderings of connections and events, shared by the CLI and the UI's export.
import {
  CONNECTION_JSON_FIELDS,
  connectionKey,
  isTcpState,
  type Connection,
  type ConnectionEvent,
  type TcpState,
} from './connection';

/** `1.2.3.4:80`, `[::1]:80`, `[fe80::1%3]:80`; `*:*` for the missing remote side of a UDP endpoint. */
export function formatEndpoint(address: string | null, port: number | null, scopeId?: number): string {
  if (address === null) return '*:*';
  const a = address.includes(':') ? `[${address}${scopeId ? `%${scopeId}` : ''}]` : address;
  return `${a}:${port === null ? '*' : port}`;
}

export const localEndpoint = (c: Connection): string => formatEndpoint(c.localAddress, c.localPort, c.localScopeId);
export const remoteEndpoint = (c: Connection): string =>
  formatEndpoint(c.remoteAddress, c.remotePort, c.remoteScopeId);

/** `tcp`, `tcp6`, `udp`, `udp6` — as netstat names them. */
export function protoLabel(c: Pick<Connection, 'protocol' | 'family'>): string {
  return c.family === 6 ? `${c.protocol}6` : c.protocol;
}

export const TABLE_COLUMNS = ['PROTO', 'LOCAL', 'REMOTE', 'STATE', 'PID', 'PROCESS'] as const;

function tableCells(c: Connection): string[] {
  return [
    protoLabel(c),
    localEndpoint(c),
    remoteEndpoint(c),
    c.state ?? '-',
    c.pid === null ? '-' : String(c.pid),
    c.process ?? '-',
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

export type ConnectionJson = {
  protocol: Connection['protocol'];
  family: Connection['family'];
  localAddress: string;
  localPort: number;
  remoteAddress: string | null;
  remotePort: number | null;
  state: TcpState | null;
  pid: number | null;
  process: string | null;
};

/** Exactly CONNECTION_JSON_FIELDS, in that order (object key order is insertion order). */
export function connectionToJson(c: Connection): ConnectionJson {
  // A literal (not a loop over the field list) keeps the object's shape fixed, which makes
  // JSON.stringify several times faster on big tables; format.test checks the order.
  return {
    protocol: c.protocol,
    family: c.family,
    localAddress: c.localAddress,
    localPort: c.localPort,
    remoteAddress: c.remoteAddress ?? null,
    remotePort: c.remotePort ?? null,
    state: c.state ?? null,
    pid: c.pid ?? null,
    process: c.process ?? null,
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
// CSV (RFC 4180: CRLF line ends; fields with comma, quote, CR or LF are quoted, quotes doubled)

export function csvField(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(values: readonly (string | number | null | undefined)[]): string {
  return values.map(csvField).join(',') + '\r\n';
}

export const CONNECTION_CSV_HEADER: readonly string[] = CONNECTION_JSON_FIELDS;

export function connectionCsvValues(c: Connection): (string | number | null)[] {
  const j = connectionToJson(c);
  return CONNECTION_JSON_FIELDS.map((f) => j[f]);
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
}

export function eventToJson(e: ConnectionEvent): EventJson {
  const o: EventJson = { type: e.type, time: new Date(e.time).toISOString(), connection: connectionToJson(e.connection) };
  if (e.type === 'changed') {
    o.previousState = e.previousState ?? e.connection.state;
    if (e.previousPid !== undefined && e.previousPid !== e.connection.pid) {
      o.previousPid = e.previousPid;
      if (e.previousProcess !== undefined) o.previousProcess = e.previousProcess;
    }
  }
  return o;
}

export function formatEventJsonLine(e: ConnectionEvent): string {
  return JSON.stringify(eventToJson(e)) + '\n';
}

export interface EventTextOptions {
  /** Print the time in UTC instead of local time (tests, logs shipped elsewhere). */
  utc?: boolean;
}

function clock(ms: number, utc: boolean): string {
  const d = new Date(ms);
  const [h, m, s, milli] = utc
    ? [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()]
    : [d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds()];
  const p2 = (n: number): string => String(n).padStart(2, '0');
  return `${p2(h)}:${p2(m)}:${p2(s)}.${String(milli).padStart(3, '0')}`;
}

/**
 * `12:00:01.250 OPENED  tcp 127.0.0.1:5000→127.0.0.1:40000 ESTABLISHED pid 42 node`
 * `changed` shows the transition: `(SYN-SENT→ESTABLISHED)`, and `pid 7→42` when the owner changed.
 */
export function formatEventText(e: ConnectionEvent, opts: EventTextOptions = {}): string {
  const c = e.connection;
  let state = c.state ?? '-';
  if (e.type === 'changed' && e.previousState !== undefined && e.previousState !== c.state) {
    state = `(${e.previousState ?? '-'}→${c.state ?? '-'})`;
  }
  const pidNow = c.pid === null ? '-' : String(c.pid);
  const pid =
    e.type === 'changed' && e.previousPid !== undefined && e.previousPid !== c.pid
      ? `pid ${e.previousPid ?? '-'}→${pidNow}`
      : `pid ${pidNow}`;
  return (
    [
      clock(e.time, opts.utc ?? false),
      e.type.toUpperCase().padEnd(7),
      protoLabel(c),
      `${localEndpoint(c)}→${remoteEndpoint(c)}`,
      state,
      pid,
      c.process ?? '-',
    ].join(' ') + '\n'
  );
}

export const EVENT_CSV_HEADER: readonly string[] = ['time', 'type', ...CONNECTION_JSON_FIELDS, 'previousState', 'previousPid'];

export function formatEventCsvLine(e: ConnectionEvent): string {
  const j = eventToJson(e);
  return csvLine([j.time, j.type, ...connectionCsvValues(e.connection), j.previousState, j.previousPid]);
}

// ---------------------------------------------------------------------------------------------
// Reading back (recordings): the inverse of eventToJson.

export class RecordFormatError extends Error {
  override name = 'RecordFormatError';
}

function connectionFromJson(v: unknown): Connection {
  if (typeof v !== 'object' || v === null) throw new RecordFormatError('connection is not an object');
  const o = v as Record<string, unknown>;
  const num = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  const strOrNull = (x: unknown): x is string | null => x === null || typeof x === 'string';
  const numOrNull = (x: unknown): x is number | null => x === null || num(x);
  if (o.protocol !== 'tcp' && o.protocol !== 'udp') throw new RecordFormatError(`bad protocol ${String(o.protocol)}`);
  if (o.family !== 4 && o.family !== 6) throw new RecordFormatError(`bad family ${String(o.family)}`);
  if (typeof o.localAddress !== 'string' || !num(o.localPort)) throw new RecordFormatError('bad local endpoint');
  if (!strOrNull(o.remoteAddress) || !numOrNull(o.remotePort)) throw new RecordFormatError('bad remote endpoint');
  if (o.state !== null && !isTcpState(o.state)) throw new RecordFormatError(`bad state ${String(o.state)}`);
  if (!numOrNull(o.pid) || !strOrNull(o.process)) throw new RecordFormatError('bad owner');
  const c: Omit<Connection, 'id'> = {
    protocol: o.protocol,
    family: o.family,
    localAddress: o.localAddress,
    localPort: o.localPort,
    remoteAddress: o.remoteAddress,
    remotePort: o.remotePort,
    state: o.state as TcpState | null,
    pid: o.pid,
    process: o.process,
  };
  return { id: connectionKey(c), ...c };
}

/** Parses one event line written by formatEventJsonLine. Throws RecordFormatError. */
export function parseEventJsonLine(line: string): ConnectionEvent {
  let o: unknown;
  try {
    o = JSON.parse(line);
  } catch {
    throw new RecordFormatError('not JSON');
  }
  if (typeof o !== 'object' || o === null) throw new RecordFormatError('not an object');
  const r = o as Record<string, unknown>;
  if (r.type !== 'opened' && r.type !== 'closed' && r.type !== 'changed') {
    throw new RecordFormatError(`bad event type ${String(r.type)}`);
  }
  const time = typeof r.time === 'string' ? Date.parse(r.time) : NaN;
  if (Number.isNaN(time)) throw new RecordFormatError(`bad time ${String(r.time)}`);
  const e: ConnectionEvent = { type: r.type, time, connection: connectionFromJson(r.connection) };
  if (r.previousState !== undefined) {
    if (r.previousState !== null && !isTcpState(r.previousState)) {
      throw new RecordFormatError(`bad previousState ${String(r.previousState)}`);
    }
    e.previousState = r.previousState;
  }
  if (r.previousPid !== undefined) {
    if (r.previousPid !== null && typeof r.previousPid !== 'number') throw new RecordFormatError('bad previousPid');
    e.previousPid = r.previousPid;
  }
  return e;
}

/** RFC 4180 records (quoted fields may hold commas, quotes and line breaks); CRLF or LF line ends. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let any = false;
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += ch;
      i++;
      continue;
    }
    if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      any = false;
      if (ch === '\r' && text[i + 1] === '\n') i++;
      i++;
      continue;
    } else field += ch;
    any = true;
    i++;
  }
  if (quoted) throw new RecordFormatError('unterminated quoted CSV field');
  if (any || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** Parses one record of an event CSV (columns named by EVENT_CSV_HEADER). Throws RecordFormatError. */
export function parseEventCsvRecord(header: readonly string[], values: readonly string[]): ConnectionEvent {
  if (values.length !== header.length) {
    throw new RecordFormatError(`expected ${header.length} fields, got ${values.length}`);
  }
  const get = (name: string): string | undefined => {
    const i = header.indexOf(name);
    return i < 0 ? undefined : values[i];
  };
  const str = (name: string): string | null => {
    const v = get(name);
    return v === undefined || v === '' ? null : v;
  };
  const num = (name: string): number | null => {
    const v = str(name);
    if (v === null) return null;
    if (!/^\d+$/.test(v)) throw new RecordFormatError(`bad ${name} ${v}`);
    return Number(v);
  };
  const json: Record<string, unknown> = {
    type: get('type'),
    time: get('time'),
    connection: {
      protocol: str('protocol'),
      family: num('family'),
      localAddress: str('localAddress'),
      localPort: num('localPort'),
      remoteAddress: str('remoteAddress'),
      remotePort: num('remotePort'),
      state: str('state'),
      pid: num('pid'),
      process: str('process'),
    },
  };
  if (json.type === 'changed') json.previousState = str('previousState');
  const pp = num('previousPid');
  if (pp !== null) json.previousPid = pp;
  return parseEventJsonLine(JSON.stringify(json));
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
