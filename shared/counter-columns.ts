// Reading the batch's counters section (shared/ipc.ts CounterColumns) on the viewer's side: its
// shape checked once, each row checked before it is applied, values decoded into a Connection's
// traffic fields. A batch crosses a process or a socket: nothing here throws on what it finds.
import { TRAFFIC_FIELDS, type Connection } from './connection';
import { COUNTER_STRIDE, LIMITED_BY_CODES, UNKNOWN_VALUE, type CounterColumns, type EventBatch } from './ipc';

/** Offset of limitedBy (a code, not a quantity) within a row's values. */
const LIMITED_AT = TRAFFIC_FIELDS.indexOf('limitedBy');
/** The two values the section carries in µs and a Connection in ms. */
const RTT_AT = TRAFFIC_FIELDS.indexOf('rttMs');
const RTT_VAR_AT = TRAFFIC_FIELDS.indexOf('rttVarMs');

/** Offset of each traffic field within a row's values (TRAFFIC_FIELDS order). */
export const COUNTER_OFFSET = Object.fromEntries(TRAFFIC_FIELDS.map((f, k) => [f, k])) as Record<(typeof TRAFFIC_FIELDS)[number], number>;

/**
 * Rows in a batch's counters section: 0 when it is absent, -1 when its shape is wrong (not an
 * object, `ids` or `values` not arrays, or `values.length` ≠ `ids.length` × COUNTER_STRIDE — no
 * row of it can be placed, e.g. an older engine's per-row tuples).
 */
export function counterRowCount(section: unknown): number {
  if (section === undefined || section === null) return 0;
  if (typeof section !== 'object') return -1;
  const { ids, values } = section as Partial<CounterColumns>;
  if (!Array.isArray(ids) || !Array.isArray(values) || values.length !== ids.length * COUNTER_STRIDE) return -1;
  return ids.length;
}

/**
 * Whether row `k` of a section whose shape counterRowCount accepted is well formed: its id a
 * string, every quantity a finite number ≥ 0 or UNKNOWN_VALUE, limitedBy an integer code of
 * LIMITED_BY_CODES.
 */
export function isCounterRow(cols: CounterColumns, k: number): boolean {
  if (typeof cols.ids[k] !== 'string') return false;
  const v = cols.values;
  const at = k * COUNTER_STRIDE;
  for (let j = 0; j < COUNTER_STRIDE; j++) {
    if (j === LIMITED_AT) continue;
    const x = v[at + j];
    if (!Number.isFinite(x) || (x < 0 && x !== UNKNOWN_VALUE)) return false;
  }
  const code = v[at + LIMITED_AT];
  return Number.isInteger(code) && code >= 0 && code < LIMITED_BY_CODES.length;
}

/**
 * Calls `fn(id, values, at)` for the well-formed rows among rows `from` to `to` (exclusive; all by
 * default) of a section whose shape counterRowCount accepted (the row's values start at
 * `values[at]`), except rows whose id is in `skip` (see eventIds); returns how many rows it skipped
 * as malformed.
 */
export function forEachCounterRow(
  cols: CounterColumns,
  fn: (id: string, values: readonly number[], at: number) => void,
  from = 0,
  to = cols.ids.length,
  skip?: ReadonlySet<string>,
): number {
  let skipped = 0;
  for (let k = from; k < to; k++) {
    if (!isCounterRow(cols, k)) skipped++;
    else if (!skip?.has(cols.ids[k])) fn(cols.ids[k], cols.values, k * COUNTER_STRIDE);
  }
  return skipped;
}

/**
 * Calls `fn` for each row of `batch`'s counters section that a viewer applies at once: well formed
 * and not carried by the batch's own events (the event is the batch's word, see eventIds). A
 * section whose shape is wrong is left whole. Returns the malformed rows skipped, or -1 for a
 * wrong shape (counterRowCount).
 */
export function forEachBatchCounterRow(
  batch: Pick<EventBatch, 'counters' | 'events'>,
  fn: (id: string, values: readonly number[], at: number) => void,
): number {
  const rows = counterRowCount(batch.counters);
  if (rows <= 0) return rows;
  return forEachCounterRow(batch.counters as CounterColumns, fn, 0, rows, eventIds(batch.events));
}

const NO_IDS: ReadonlySet<string> = new Set();

/**
 * Ids of the connections a batch's `events` carry (malformed events skipped, never throws). The
 * counters section holds rows without an event in the same batch (shared/ipc.ts EventBatch): a
 * section row naming one of these is not applied — the event's connection is that batch's word,
 * and writing the row would change the connection an exporter or the event log holds.
 */
export function eventIds(events: readonly unknown[]): ReadonlySet<string> {
  if (events.length === 0) return NO_IDS;
  const ids = new Set<string>();
  for (const e of events) {
    const id = (e as { connection?: { id?: unknown } } | null)?.connection?.id;
    if (typeof id === 'string') ids.add(id);
  }
  return ids;
}

/** A quantity of a counters row as a Connection holds it: null where unknown. */
export function knownValue(v: number): number | null {
  return v === UNKNOWN_VALUE ? null : v;
}

/**
 * Sets the traffic fields of `c` from one row's values at `values[at…]` (TRAFFIC_FIELDS order,
 * encoded as CounterColumns.values; a row isCounterRow accepted): UNKNOWN_VALUE → null, RTTs
 * from µs to ms, the limitedBy code → its name. One keyed store in a loop: ten named stores, each seeing every
 * Connection shape, measured twice as slow in the store bench (9,400 rows: ~50 ms against ~25).
 */
export function applyCounterValues(c: Partial<Connection>, values: readonly number[], at: number): void {
  const target = c as Record<string, unknown>;
  for (let j = 0; j < COUNTER_STRIDE; j++) {
    const v = values[at + j];
    target[TRAFFIC_FIELDS[j]] =
      j === LIMITED_AT ? (LIMITED_BY_CODES[v] ?? null) : (j === RTT_AT || j === RTT_VAR_AT) && v !== UNKNOWN_VALUE ? v / 1000 : knownValue(v);
  }
}
