// Column model of the Connections table: one definition for header, cells, sorting, copy and export.
import type { Row } from './rows';
import { addressSortKey } from './address';

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
  | 'lastChange';

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
  /** Plain text of the cell for copy / CSV. */
  text: (r: Row) => string;
  /** Compares two rows ascending; nulls go last. */
  compare: (a: Row, b: Row) => number;
  /**
   * For columns whose `compare` is costly (addresses are parsed): a value computed once per row
   * whose order (numbers numerically, strings by code unit, null last) agrees with `compare`
   * wherever keys differ; rows with equal keys are left to `compare`. A full sort then compares
   * plain values. Cheap columns go without: their sorts are dominated by ties, which need `compare`.
   */
  sortKey?: (r: Row) => SortKey;
}

export type SortKey = number | string | null;

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

export const COLUMNS: readonly Column[] = [
  { key: 'process', label: 'Process', width: 'minmax(120px, 1.4fr)', text: (r) => r.c.process ?? '', compare: (a, b) => cmpStr(a.c.process, b.c.process) },
  { key: 'pid', label: 'PID', width: '70px', numeric: true, text: (r) => num(r.c.pid), compare: (a, b) => cmpNum(a.c.pid, b.c.pid) },
  {
    key: 'proto',
    label: 'Proto',
    width: '60px',
    text: (r) => `${r.c.protocol.toUpperCase()}${r.c.family === 6 ? '6' : ''}`,
    compare: (a, b) => cmpStr(a.c.protocol, b.c.protocol) || a.c.family - b.c.family,
  },
  { key: 'localAddress', label: 'Local Address', width: 'minmax(110px, 1.3fr)', text: (r) => r.c.localAddress, compare: (a, b) => cmpAddress(a.c.localAddress, b.c.localAddress), sortKey: (r) => addrKey(r.c.localAddress) },
  { key: 'localPort', label: 'Local Port', width: '92px', numeric: true, text: (r) => num(r.c.localPort), compare: (a, b) => cmpNum(a.c.localPort, b.c.localPort) },
  { key: 'remoteAddress', label: 'Remote Address', width: 'minmax(110px, 1.3fr)', text: (r) => r.c.remoteAddress ?? '', compare: (a, b) => cmpAddress(a.c.remoteAddress, b.c.remoteAddress), sortKey: (r) => addrKey(r.c.remoteAddress) },
  { key: 'remotePort', label: 'Remote Port', width: '104px', numeric: true, text: (r) => num(r.c.remotePort), compare: (a, b) => cmpNum(a.c.remotePort, b.c.remotePort) },
  { key: 'host', label: 'Host', width: 'minmax(120px, 1.4fr)', text: (r) => r.c.remoteHost ?? '', compare: (a, b) => cmpStr(a.c.remoteHost, b.c.remoteHost) },
  { key: 'state', label: 'State', width: '112px', text: (r) => r.c.state ?? '', compare: (a, b) => cmpStr(a.c.state, b.c.state) },
  {
    key: 'created',
    label: 'Created',
    width: '96px',
    numeric: true,
    text: (r) => (r.c.createdAt != null ? formatDateTime(r.c.createdAt) : `<= ${formatDateTime(r.firstSeen)}`),
    compare: (a, b) => createdTime(a) - createdTime(b),
  },
  { key: 'firstSeen', label: 'First Seen', width: '92px', numeric: true, text: (r) => formatDateTime(r.firstSeen), compare: (a, b) => a.firstSeen - b.firstSeen },
  { key: 'lastChange', label: 'Last Change', width: '104px', numeric: true, text: (r) => formatDateTime(r.lastChange), compare: (a, b) => a.lastChange - b.lastChange },
];

export function columnsFor(showHost: boolean): Column[] {
  return COLUMNS.filter((c) => showHost || c.key !== 'host');
}

export function columnByKey(key: ColumnKey): Column {
  const c = COLUMNS.find((x) => x.key === key);
  if (!c) throw new Error(`unknown column ${key}`);
  return c;
}

/** A row comparator that also says how to sort by precomputed keys (see SortedView). */
export interface KeyedComparator {
  (a: Row, b: Row): number;
  /** The column's sort key, if it has one: where two rows' keys differ, the comparator's order is sign × key order. */
  sortKey?: (r: Row) => SortKey;
  sign: 1 | -1;
}

/** Total order for a sort spec: ties broken by id so incremental merges stay deterministic. */
export function rowComparator(spec: SortSpec): KeyedComparator {
  const col = columnByKey(spec.key);
  const base = col.compare;
  const sign = spec.dir === 'asc' ? 1 : -1;
  const cmp = (a: Row, b: Row): number => {
    const r = base(a, b);
    if (r !== 0) return sign * r;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
  return Object.assign(cmp, { sortKey: col.sortKey, sign } as const);
}
