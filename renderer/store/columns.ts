// Column model of the Connections table: one definition for header, cells, sorting, copy and export.
import type { Row } from './rows';
import { addressSortKey } from './address';
import { formatBytes, formatMs, formatRate } from '../../shared/units';
import { OWNER_TERMS, shownRemoteAddress, shownRemotePort } from '../../shared/format';
import type { Connection } from '../../shared/connection';
import type { TrafficField } from './unknownReasons';
import type { LeastText } from '../components/labelRoom';

export type ColumnKey =
  | 'process'
  | 'pid'
  | 'proto'
  | 'localAddress'
  | 'localPort'
  | 'remoteAddress'
  | 'remotePort'
  | 'host'
  | 'state'
  | 'created'
  | 'firstSeen'
  | 'lastChange'
  | TrafficColumnKey;

/** The traffic columns (shown with the Traffic toggle): cells in human units, sorted by raw value. */
export type TrafficColumnKey = 'sent' | 'received' | 'sendRate' | 'receiveRate' | 'rtt' | 'retrans' | 'limitedBy';

export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  key: ColumnKey;
  dir: SortDir;
}

export interface Column {
  key: ColumnKey;
  label: string;
  /** CSS grid track. */
  width: string;
  numeric?: boolean;
  /** Set on the traffic columns only (see columnsFor): their Connection field, whose missing value trafficGap explains. */
  field?: TrafficField;
  /** Text its cells must show whole at any width (labelRoom.tsx LeastText): Process's owner terms. */
  least?: LeastText;
  /** Plain text of the cell for copy / CSV. */
  text: (r: Row) => string;
  /** Compares two rows ascending; nulls go last. */
  compare: (a: Row, b: Row) => number;
  /**
   * A value computed once per row that orders exactly as `compare` does: two rows compare equal
   * exactly when their keys are equal, else in key order (numbers numerically, strings by code
   * unit, null last). Full sorts and merges then compare plain values instead of calling `compare`,
   * which may parse addresses or case-fold text every time.
   */
  sortKey: (r: Row) => SortKey;
  /** The field the sort key orders by, when rowOrder.ts has levels for it (see OrderField). */
  orderField?: OrderField;
  /**
   * Whether the row's cell, at the column's default width, shows text that fits with room to spare
   * (a time, a port, a formatted byte count): such cells need no overflow clip. Absent: always
   * clipped. Each clipped cell is a clip of its own for the compositor, and ~850 of them on screen
   * made every painted frame's layerization ~5 ms (up to 14) in the frame bench (issue 9 §4).
   */
  fits?: (r: Row) => boolean;
}

// The remote address / port a Connections cell shows and sorts by: null (shown "—") for UDP and
// listeners, by the one rule every output shares (shared/format hasRemoteSide); copy, JSON and CSV
// keep the reported values (`text`).
export { shownRemoteAddress, shownRemotePort };

const always = () => true;
/** Up to `chars` characters fit the track: what a PID or a count of up to 7 digits needs at 70 px. */
const upTo = (chars: number, text: (r: Row) => string) => (r: Row) => text(r).length <= chars;

export type SortKey = number | string | null;

/** Process cells show netmon's owner terms (`FIN-WAIT-2 (no owner)`) whole: in the cell's own font (ConnectionsTable Cell). */
const OWNER_LEAST: LeastText = { texts: OWNER_TERMS, cellClass: 'col-process', textClass: 'proc' };

/**
 * A connection field whose sort key orders exactly as the radix levels rowOrder.ts builds for it
 * (the tie-break fields, and the local address): a full sort then reuses those levels instead of
 * ranking every row's key string through a Map and sorting the distinct strings.
 */
export type OrderField = 'process' | 'pid' | 'localPort' | 'localAddress' | 'remoteAddress' | 'remotePort';

/** Ascending order of two sort keys; null last. */
export function compareSortKeys(a: SortKey, b: SortKey): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Local wall-clock time with milliseconds dropped: what an admin reads at a glance. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function formatDateTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${formatTime(ms)}`;
}

function cmpNum(a: number | null | undefined, b: number | null | undefined): number {
  const an = a ?? null;
  const bn = b ?? null;
  if (an === bn) return 0;
  if (an === null) return 1;
  if (bn === null) return -1;
  return an - bn;
}

function cmpStr(a: string | null | undefined, b: string | null | undefined): number {
  const as = a ?? null;
  const bs = b ?? null;
  if (as === bs) return 0;
  if (as === null) return 1;
  if (bs === null) return -1;
  const al = as.toLowerCase();
  const bl = bs.toLowerCase();
  return al < bl ? -1 : al > bl ? 1 : as < bs ? -1 : as > bs ? 1 : 0;
}

export function cmpAddress(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const ka = addressSortKey(a);
  const kb = addressSortKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** When the connection was created: the OS's time where it gives one, else when netmon first saw it. */
export function createdTime(r: Row): number {
  return r.c.createdAt ?? r.firstSeen;
}

const num = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n));
const addrKey = (a: string | null): SortKey => (a === null ? null : addressSortKey(a));
const numKey = (n: number | null | undefined): SortKey => n ?? null;
const strKeys = new Map<string, string>();
const STR_KEYS_MAX = 10_000;
/**
 * cmpStr as a key: the case-folded text decides, then the text itself. NUL (absent from process,
 * host and state names) keeps a shorter folded text ahead of every longer one that extends it.
 * Cached per text (few distinct names): a sort builds 50,000 keys, and each a new string that the
 * view keeps was garbage for the old generation.
 */
export const strKey = (s: string | null | undefined): SortKey => {
  if (s === null || s === undefined) return null;
  let k = strKeys.get(s);
  if (k === undefined) {
    if (strKeys.size >= STR_KEYS_MAX) strKeys.clear();
    strKeys.set(s, (k = `${s.toLowerCase()}\u0000${s}`));
  }
  return k;
};

// Least widths add up to what fits beside the details pane at 1440 px (a dotted quad stays whole; a
// port's track is its five digits, its header raises it: labelRoom.tsx);
// flexible columns grow only to what their longest content needs (a full IPv6 address), and the
// table's last track takes the rest, so wide screens do not spread short text.
export const COLUMNS: readonly Column[] = [
  { key: 'process', label: 'Process', width: 'minmax(110px, 280px)', least: OWNER_LEAST, text: (r) => r.c.process ?? '', compare: (a, b) => cmpStr(a.c.process, b.c.process), sortKey: (r) => strKey(r.c.process), orderField: 'process' },
  { key: 'pid', label: 'PID', width: '70px', numeric: true, fits: upTo(7, (r) => num(r.c.pid)), text: (r) => num(r.c.pid), compare: (a, b) => cmpNum(a.c.pid, b.c.pid), sortKey: (r) => numKey(r.c.pid), orderField: 'pid' },
  {
    key: 'proto',
    label: 'Proto',
    width: '60px',
    fits: always,
    text: (r) => `${r.c.protocol.toUpperCase()}${r.c.family === 6 ? '6' : ''}`,
    compare: (a, b) => cmpStr(a.c.protocol, b.c.protocol) || a.c.family - b.c.family,
    // Protocols are lower-case names and families one digit: the plain text orders as compare.
    sortKey: (r) => `${r.c.protocol}${r.c.family}`,
  },
  { key: 'localAddress', label: 'Local Address', width: 'minmax(122px, 300px)', text: (r) => r.c.localAddress, compare: (a, b) => cmpAddress(a.c.localAddress, b.c.localAddress), sortKey: (r) => addrKey(r.c.localAddress), orderField: 'localAddress' },
  { key: 'localPort', label: 'Local Port', width: '56px', numeric: true, fits: always, text: (r) => num(r.c.localPort), compare: (a, b) => cmpNum(a.c.localPort, b.c.localPort), sortKey: (r) => numKey(r.c.localPort), orderField: 'localPort' },
  { key: 'remoteAddress', label: 'Remote Address', width: 'minmax(122px, 300px)', text: (r) => r.c.remoteAddress ?? '', compare: (a, b) => cmpAddress(shownRemoteAddress(a.c), shownRemoteAddress(b.c)), sortKey: (r) => addrKey(shownRemoteAddress(r.c)), orderField: 'remoteAddress' },
  { key: 'remotePort', label: 'Remote Port', width: '56px', numeric: true, fits: always, text: (r) => num(r.c.remotePort), compare: (a, b) => cmpNum(shownRemotePort(a.c), shownRemotePort(b.c)), sortKey: (r) => numKey(shownRemotePort(r.c)), orderField: 'remotePort' },
  { key: 'host', label: 'Host', width: 'minmax(120px, 320px)', text: (r) => r.c.remoteHost ?? '', compare: (a, b) => cmpStr(a.c.remoteHost, b.c.remoteHost), sortKey: (r) => strKey(r.c.remoteHost) },
  { key: 'state', label: 'State', width: '104px', text: (r) => r.c.state ?? '', compare: (a, b) => cmpStr(a.c.state, b.c.state), sortKey: (r) => strKey(r.c.state) },
  {
    key: 'created',
    label: 'Created',
    width: '96px',
    numeric: true,
    // The cell shows the time of day (≤ "≤23:59:59"); the text is the whole date for copying.
    fits: always,
    text: (r) => (r.c.createdAt != null ? formatDateTime(r.c.createdAt) : `<= ${formatDateTime(r.firstSeen)}`),
    compare: (a, b) => createdTime(a) - createdTime(b),
    sortKey: createdTime,
  },
  { key: 'firstSeen', label: 'First Seen', width: '92px', numeric: true, fits: always, text: (r) => formatDateTime(r.firstSeen), compare: (a, b) => a.firstSeen - b.firstSeen, sortKey: (r) => r.firstSeen },
  { key: 'lastChange', label: 'Last Change', width: '104px', numeric: true, fits: always, text: (r) => formatDateTime(r.lastChange), compare: (a, b) => a.lastChange - b.lastChange, sortKey: (r) => r.lastChange },
];

type NumericField = Exclude<TrafficField, 'limitedBy'>;

/** A traffic column over one numeric Connection field: blank when unknown, ordered by the raw value. */
function trafficColumn(key: TrafficColumnKey, label: string, width: string, field: NumericField, text: (v: number | null | undefined) => string, fitChars: number): Column {
  const v = (r: Row) => r.c[field as keyof Connection] as number | null | undefined;
  const cell = (r: Row) => text(v(r));
  return { key, label, width, numeric: true, field, fits: upTo(fitChars, cell), text: cell, compare: (a, b) => cmpNum(v(a), v(b)), sortKey: (r) => numKey(v(r)) };
}

export const TRAFFIC_COLUMNS: readonly Column[] = [
  // Each as narrow as its longest usual value in the 12 px monospace (7.2 px a character) plus 12 px
  // of cell padding: "1023 MiB" (8 characters, 58 px), "1.20 MiB/s" (10, 73 px), "0.045 ms" (8; an
  // RTT of 10 s or more is clipped), a 7-digit count, "receiver"; a header needing more raises its
  // track (labelRoom.tsx). What fits at 1024 px: GIVE_WAY_TRAFFIC.
  trafficColumn('sent', 'Sent', '72px', 'bytesSent', formatBytes, 8),
  trafficColumn('received', 'Received', '72px', 'bytesReceived', formatBytes, 8),
  trafficColumn('sendRate', 'Send/s', '86px', 'sendRate', formatRate, 10),
  trafficColumn('receiveRate', 'Recv/s', '86px', 'receiveRate', formatRate, 10),
  trafficColumn('rtt', 'RTT', '72px', 'rttMs', formatMs, 8),
  trafficColumn('retrans', 'Retrans', '64px', 'retransmits', num, 7),
  {
    key: 'limitedBy',
    label: 'Limited by',
    width: '72px',
    field: 'limitedBy',
    fits: always, // receiver, network, sender
    text: (r) => r.c.limitedBy ?? '',
    compare: (a, b) => cmpStr(a.c.limitedBy, b.c.limitedBy),
    sortKey: (r) => strKey(r.c.limitedBy),
  },
];

const ALL_COLUMNS: readonly Column[] = [...COLUMNS, ...TRAFFIC_COLUMNS];

/** The least width (px) of a column's grid track: its fixed size, or a minmax() minimum. */
export function minTrackPx(width: string): number {
  const m = /^(?:minmax\()?\s*(\d+(?:\.\d+)?)px/.exec(width);
  return m ? Number(m[1]) : 0;
}

/** The Connections columns: Host with name resolution on, the traffic columns with the Traffic toggle. */
/**
 * The columns shown. `source` is the engine's source name: Linux reports no creation time, so
 * Created would only repeat First Seen there and is left out.
 */
export function columnsFor(showHost: boolean, showTraffic = false, source = ''): Column[] {
  const linux = source.startsWith('linux');
  return [...COLUMNS.filter((c) => (showHost || c.key !== 'host') && !(linux && c.key === 'created')), ...(showTraffic ? TRAFFIC_COLUMNS : [])];
}

/**
 * Whether the row's cell in `col` (as shown, with its current track) needs no overflow clip: the
 * column says its text fits (Column.fits) and is not narrower than its default width.
 */
export function cellFits(col: Column, r: Row): boolean {
  if (col.fits === undefined) return false;
  let wide = atDefaultWidth.get(col);
  if (wide === undefined) {
    wide = minTrackPx(col.width) >= minTrackPx(columnByKey(col.key).width);
    atDefaultWidth.set(col, wide);
  }
  return wide && col.fits(r);
}

/**
 * Per column object, whether its track is at least its default width: a column's width only
 * changes in a new object (a layout or label room), and cellFits runs for every cell drawn.
 */
const atDefaultWidth = new WeakMap<Column, boolean>();

export function columnByKey(key: ColumnKey): Column {
  const c = ALL_COLUMNS.find((x) => x.key === key);
  if (!c) throw new Error(`unknown column ${key}`);
  return c;
}

/** A row comparator that also says how to sort by precomputed keys (see SortedView). */
export interface KeyedComparator {
  (a: Row, b: Row): number;
  /** The column's sort key: the comparator's order is sign × key order, then `tieBreak`. */
  sortKey?: (r: Row) => SortKey;
  sign: 1 | -1;
  /** The column's OrderField, when it has one. */
  orderField?: OrderField;
  /** Whether the order depends on traffic fields (see readsTraffic.ts). */
  readsTraffic: boolean;
  /**
   * Rows without a value (null key) come last in both directions, as a spreadsheet puts blanks (the
   * traffic columns: descending by Sent must start with the top senders, not with UDP and
   * listeners). Otherwise descending reverses the whole order, nulls first.
   */
  nullsLast?: boolean;
}

/**
 * sign × key order, except that with `nullsLast` a null key orders after every value in both
 * directions. 0 for equal keys (then tieBreak decides). The one rule the comparator, the view's
 * searches and the radix sort share.
 */
export function orderKeys(a: SortKey, b: SortKey, sign: 1 | -1, nullsLast = false): number {
  if (nullsLast && (a === null) !== (b === null)) return a === null ? 1 : -1;
  return sign * compareSortKeys(a, b);
}

const NAT_NULL = '\uffff'; // absent values sort last, as in every column
const pad = (n: number | null | undefined, width: number) => (n === null || n === undefined ? NAT_NULL : String(n).padStart(width, '0'));
const natCache = new WeakMap<Connection, string>();

/**
 * The natural order of rows a sort column finds equal, as one string compared by code unit:
 * process (case-folded) → PID → local port → remote address → remote port. Built once per
 * connection object (connections are replaced, never changed, so the cache cannot go stale): a row
 * whose highlight ends is a new Row over the same connection and keeps its key.
 */
export function naturalKey(r: Row): string {
  const c = r.c;
  let k = natCache.get(c);
  if (k === undefined) {
    const proc = strKey(c.process) ?? NAT_NULL;
    const ra = shownRemoteAddress(c);
    const remote = ra === null ? NAT_NULL : addressSortKey(ra);
    k = `${proc}\u0001${pad(c.pid, 10)}\u0001${pad(c.localPort, 5)}\u0001${remote}\u0001${pad(shownRemotePort(c), 5)}`;
    natCache.set(c, k);
  }
  return k;
}

/**
 * Order of rows the sort column finds equal: the natural keys (see naturalKey), then first seen
 * first, then id for rows of different stores — a total order, so equal keys never jumble.
 */
export function tieBreak(a: Row, b: Row): number {
  const ka = naturalKey(a);
  const kb = naturalKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  return a.seq - b.seq || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Total order for a sort spec: ties broken by sequence so incremental merges stay deterministic. */
export function rowComparator(spec: SortSpec): KeyedComparator {
  const col = columnByKey(spec.key);
  const base = col.compare;
  const sign = spec.dir === 'asc' ? 1 : -1;
  const nullsLast = col.field !== undefined;
  const key = col.sortKey;
  const cmp = (a: Row, b: Row): number => {
    if (nullsLast && key) {
      const na = key(a) === null;
      if (na !== (key(b) === null)) return na ? 1 : -1;
    }
    const r = base(a, b);
    return r !== 0 ? sign * r : tieBreak(a, b);
  };
  return Object.assign(cmp, { sortKey: col.sortKey, sign, orderField: col.orderField, readsTraffic: col.field !== undefined, nullsLast } as const);
}
