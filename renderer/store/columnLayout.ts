// The user's arrangement of the Connections columns: order, hidden columns and widths set by
// dragging a header edge. Pure functions over a small persisted shape; the column definitions
// themselves (labels, cells, sort keys) stay in columns.ts.
import { COLUMNS, TRAFFIC_COLUMNS, type Column, type ColumnKey, type SortSpec } from './columns';

export interface ColumnLayout {
  /** Column keys in display order; keys missing here keep their default place after these. */
  order: ColumnKey[];
  /** Columns the user hid (Host and the traffic columns also follow their own toggles). */
  hidden: ColumnKey[];
  /** Widths set by resizing, CSS px; a column without one keeps its flexible default track. */
  widths: Partial<Record<ColumnKey, number>>;
}

/** Narrowest / widest a resized column may be, px. */
export const MIN_COLUMN_PX = 40;
export const MAX_COLUMN_PX = 1200;

export const DEFAULT_LAYOUT: ColumnLayout = { order: [], hidden: [], widths: {} };

const ALL_KEYS: readonly ColumnKey[] = [...COLUMNS, ...TRAFFIC_COLUMNS].map((c) => c.key);
const isKey = (v: unknown): v is ColumnKey => typeof v === 'string' && (ALL_KEYS as readonly string[]).includes(v);

const clampWidth = (px: number) => Math.round(Math.min(MAX_COLUMN_PX, Math.max(MIN_COLUMN_PX, px)));

/**
 * A saved layout made safe: unknown keys, duplicates, non-arrays and widths that are not finite
 * numbers are dropped (widths are clamped to MIN/MAX_COLUMN_PX); anything that is not an object
 * gives the default layout. Never throws.
 */
export function sanitizeLayout(raw: unknown): ColumnLayout {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { order: [], hidden: [], widths: {} };
  const r = raw as Record<string, unknown>;
  const keys = (v: unknown): ColumnKey[] => (Array.isArray(v) ? [...new Set(v.filter(isKey))] : []);
  const widths: Partial<Record<ColumnKey, number>> = {};
  if (typeof r.widths === 'object' && r.widths !== null && !Array.isArray(r.widths)) {
    for (const [k, v] of Object.entries(r.widths as Record<string, unknown>)) {
      if (isKey(k) && typeof v === 'number' && Number.isFinite(v)) widths[k] = clampWidth(v);
    }
  }
  return { order: keys(r.order), hidden: keys(r.hidden), widths };
}

/** Every column key in the layout's order: the saved order first, then the rest in default order. */
export function orderedKeys(layout: ColumnLayout): ColumnKey[] {
  return [...layout.order, ...ALL_KEYS.filter((k) => !layout.order.includes(k))];
}

/**
 * The order the rows stand in: `sort` while its column is among `columns` (those applyLayout
 * draws), otherwise `fallback` (the default sort), or the first column ascending when that is not
 * drawn either — never the order of a column no header shows (Traffic columns or Resolve names
 * turned off, the column hidden from the header menu). `sort` stays in the settings, so the order
 * comes back with its column. Returns `sort` itself when it applies.
 */
export function shownSort(sort: SortSpec, columns: readonly { key: ColumnKey }[], fallback: SortSpec): SortSpec {
  const drawn = (key: ColumnKey) => columns.some((c) => c.key === key);
  if (drawn(sort.key) || columns.length === 0) return sort;
  return drawn(fallback.key) ? fallback : { key: columns[0].key, dir: 'asc' };
}

/**
 * The columns to draw: `available` (what columnsFor offers) in the layout's order, without the
 * hidden ones, with resized widths as fixed tracks. At least one column always stays.
 */
export function applyLayout(available: readonly Column[], layout: ColumnLayout): Column[] {
  const rank = new Map(orderedKeys(layout).map((k, i) => [k, i]));
  const sorted = [...available].sort((a, b) => (rank.get(a.key) ?? 0) - (rank.get(b.key) ?? 0));
  const shown = sorted.filter((c) => !layout.hidden.includes(c.key));
  return (shown.length > 0 ? shown : sorted.slice(0, 1)).map((c) => {
    const w = layout.widths[c.key];
    return w === undefined ? c : { ...c, width: `${w}px` };
  });
}

/** The layout with one column hidden or shown again. */
export function toggleHidden(layout: ColumnLayout, key: ColumnKey): ColumnLayout {
  const hidden = layout.hidden.includes(key) ? layout.hidden.filter((k) => k !== key) : [...layout.hidden, key];
  return { ...layout, hidden };
}

/** The layout with one column's width set (px, clamped to MIN/MAX_COLUMN_PX). */
export function setColumnWidth(layout: ColumnLayout, key: ColumnKey, px: number): ColumnLayout {
  if (!Number.isFinite(px)) return layout;
  return { ...layout, widths: { ...layout.widths, [key]: clampWidth(px) } };
}

/**
 * The layout with `key` moved one place left (-1) or right (+1) among the `shown` columns (the
 * order on screen): it swaps with its visible neighbour; hidden columns keep their places.
 * Unchanged when there is no neighbour that way.
 */
export function moveColumn(layout: ColumnLayout, shown: readonly ColumnKey[], key: ColumnKey, dir: -1 | 1): ColumnLayout {
  const at = shown.indexOf(key);
  const neighbour = at < 0 ? undefined : shown[at + dir];
  if (neighbour === undefined) return layout;
  const order = orderedKeys(layout).filter((k) => k !== key);
  const n = order.indexOf(neighbour);
  order.splice(dir < 0 ? n : n + 1, 0, key);
  return { ...layout, order };
}

/**
 * One step of a give-way order: a column key, or keys that give way together — a pair read side
 * by side (Sent / Received, Send/s / Recv/s): one of them alone reads as the whole traffic (a busy
 * sender shown only as "Received 0 B" looks idle).
 */
export type GiveWayStep = string | readonly string[] | NarrowStep;

/**
 * A step that drops no column: column `narrow` gives up the room its cells' whole terms asked for
 * (labelRoom's LeastText: Process kept wide enough for `SYN-RECEIVED (no owner)`) and goes back
 * to its header's least width (`narrowWidth`), its long terms then ellipsized with the whole in
 * the cell's title. Placed in an order before the columns worth more than reading those terms
 * whole (the ports, the traffic pairs): a term the State column beside it already shows in part
 * must not push out the ports that tell one connection from another.
 */
export interface NarrowStep {
  narrow: string;
}

/** The Process column's owner-term room, given up before the columns that follow it in an order. */
export const NARROW_PROCESS: NarrowStep = { narrow: 'process' };

const isNarrow = (step: GiveWayStep): step is NarrowStep => typeof step === 'object' && 'narrow' in step;

/** The traffic columns read in pairs, in the order they give way (the rates stay longest). */
const TRAFFIC_PAIRS: readonly GiveWayStep[] = [
  ['sent', 'received'],
  ['sendRate', 'receiveRate'],
];

/**
 * The ports, last of all to give way: with the addresses they tell one connection from another (a
 * process's loopback connections all read "127.0.0.1 127.0.0.1" without them). A pair: one end's
 * port alone names neither a client's connections to one server nor a server's clients.
 */
const PORTS: GiveWayStep = ['localPort', 'remotePort'];

/**
 * Connections columns in the order they give way when the table is narrower than the columns'
 * least widths (a small window, a details pane open beside the table): the times and the protocol
 * first (the details pane and the row's own colours tell them), then the resolved Host (the
 * remote address stays beside it), then PID (the process name stays), then the room Process
 * keeps for its longest owner term (NARROW_PROCESS), and the ports last, as what tells the rows apart. Process, the addresses and State never do (see GIVE_WAY_TRAFFIC).
 * Columns absent from the table (toggles off) are skipped.
 */
export const GIVE_WAY: readonly GiveWayStep[] = ['lastChange', 'firstSeen', 'created', 'proto', 'host', 'pid', NARROW_PROCESS, PORTS];

/**
 * GIVE_WAY with the traffic columns in the table (asked for with their toggle): after the times,
 * protocol and Host, Local Address goes (the machine's own address; the details pane shows the
 * selected row's), then PID, then the traffic columns — RTT, Retrans, (Process's owner-term room), Limited by, Sent / Received,
 * Send/s / Recv/s, the rates staying longest — and the ports last. Process, Remote Address and
 * State never do. Least widths in this browser's 12 px monospace (labelRoom.tsx raises tracks to
 * their header, and Process to its longest owner term): at 1024 px without a details pane the
 * ports, Sent, Received, Send/s, Recv/s and Limited by fit (RTT and Retrans give way, Process
 * narrows); beside the pane, the ports, Send/s and Recv/s (e2e/traffic-fit.spec.ts).
 */
export const GIVE_WAY_TRAFFIC: readonly GiveWayStep[] = ['lastChange', 'firstSeen', 'created', 'proto', 'host', 'localAddress', 'pid', 'rtt', 'retrans', NARROW_PROCESS, 'limitedBy', ...TRAFFIC_PAIRS, PORTS];

/** The Connections give-way order for the columns drawn: GIVE_WAY_TRAFFIC when a traffic column is among them. */
export function connectionsGiveWay(columns: readonly { field?: unknown }[]): readonly GiveWayStep[] {
  return columns.some((c) => c.field !== undefined) ? GIVE_WAY_TRAFFIC : GIVE_WAY;
}

/**
 * The columns that fit `widthPx` (the table's inner width) by their least widths (`minPx`),
 * dropping columns in `giveWay` order (a step's keys together; the Connections order by default)
 * until they do; the order of the rest is kept. Columns not in `giveWay` always stay (the table
 * then scrolls sideways), and so does `keep` with its step (the column the table is sorted by:
 * were it to give way, the rows would stand in an order no header shows). A width of 0 (not
 * measured yet) keeps all.
 */
export function fitColumns<C extends { key: string; narrowWidth?: string }>(columns: readonly C[], widthPx: number, minPx: (c: C) => number, giveWay: readonly GiveWayStep[] = GIVE_WAY, keep?: string): C[] {
  if (!(widthPx > 0)) return [...columns];
  let shown = [...columns];
  let total = shown.reduce((n, c) => n + minPx(c), 0);
  for (const step of giveWay) {
    if (total <= widthPx) break;
    if (isNarrow(step)) {
      const i = shown.findIndex((x) => x.key === step.narrow);
      const c = shown[i];
      if (c?.narrowWidth === undefined) continue;
      const narrowed = { ...c, width: c.narrowWidth, narrowWidth: undefined, narrowed: true };
      total -= minPx(c) - minPx(narrowed);
      shown[i] = narrowed;
      continue;
    }
    const keys: readonly string[] = typeof step === 'string' ? [step] : step;
    if (keep !== undefined && keys.includes(keep)) continue;
    const gone = shown.filter((x) => keys.includes(x.key));
    shown = shown.filter((x) => !keys.includes(x.key));
    total -= gone.reduce((n, c) => n + minPx(c), 0);
  }
  return shown;
}
