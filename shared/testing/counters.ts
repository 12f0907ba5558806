// Test helper: the batch's counters section (shared/ipc.ts CounterColumns) written and read as one
// readable row per connection — its id, then its traffic values in TRAFFIC_FIELDS order as a
// Connection holds them (null where unknown, limitedBy by name). Encodes and decodes on its own,
// from the contract's documented numbers, so tests of the engine and of the viewers check the
// encoding rather than share it.
import type { LimitedBy } from '../connection';
import type { CounterColumns, EventBatch } from '../ipc';

/** One row: id, bytesSent, bytesReceived, packetsSent, packetsReceived, sendRate, receiveRate, rttMs, rttVarMs, retransmits, limitedBy. */
export type CounterRow = [
  id: string,
  bytesSent: number | null,
  bytesReceived: number | null,
  packetsSent: number | null,
  packetsReceived: number | null,
  sendRate: number | null,
  receiveRate: number | null,
  rttMs: number | null,
  rttVarMs: number | null,
  retransmits: number | null,
  limitedBy: LimitedBy | null,
];

/** limitedBy codes as the contract documents them: 0 = unknown. */
const CODES: readonly (LimitedBy | null)[] = [null, 'receiver', 'network', 'sender'];
const STRIDE = 10;
/** rttMs and rttVarMs among the values: the section carries them in µs. */
const RTT_VALUES = new Set([6, 7]);

/** A row that moved: these bytes sent and send rate, the rest fixed (100 B received, 3 / 2 segments, 10 B/s received, RTT 0.5 ± 0.1 ms). */
export function movedRow(id: string, sent: number, sendRate: number | null = sent): CounterRow {
  return [id, sent, 100, 3, 2, sendRate, 10, 0.5, 0.1, 0, null];
}

/** The counters section holding `rows`, in order. */
export function counterColumns(rows: readonly CounterRow[]): CounterColumns {
  const out: CounterColumns = { ids: [], values: [] };
  for (const [id, ...v] of rows) {
    out.ids.push(id);
    for (let j = 0; j < STRIDE - 1; j++) {
      const x = v[j] as number | null;
      out.values.push(x === null ? -1 : RTT_VALUES.has(j) ? Math.round(x * 1000) : x);
    }
    out.values.push(CODES.indexOf(v[STRIDE - 1] as LimitedBy | null));
  }
  return out;
}

/** Every row of a section, read back (an empty list for none). */
export function counterRows(cols: CounterColumns | undefined): CounterRow[] {
  if (!cols) return [];
  return cols.ids.map((id, k) => {
    const v = cols.values.slice(k * STRIDE, (k + 1) * STRIDE);
    return [id, ...v.slice(0, STRIDE - 1).map((x, j) => (x === -1 ? null : RTT_VALUES.has(j) ? x / 1000 : x)), CODES[v[STRIDE - 1]] ?? null] as CounterRow;
  });
}

/** The first row of `batch`'s counters section whose id passes `match` (an id, or a test of it). */
export function counterRowOf(batch: Pick<EventBatch, 'counters'>, match: string | ((id: string) => boolean)): CounterRow | undefined {
  const test = typeof match === 'string' ? (id: string) => id === match : match;
  return counterRows(batch.counters).find((r) => test(r[0]));
}

/** `batch` with a counters section of `rows` (mutated and returned). */
export function withCounterRows<B extends Pick<EventBatch, 'counters'>>(batch: B, rows: readonly CounterRow[]): B {
  batch.counters = counterColumns(rows);
  return batch;
}

/** One damaged section (see damagedSections). */
export interface DamagedSection {
  /** What the engine meant to send. */
  rows: CounterRow[];
  /** The section as a viewer receives it: damaged, then through JSON as over the wire. */
  section: unknown;
  /** Ids of the rows a viewer must apply, in order: the rows left intact, none when the shape is wrong. */
  intact: string[];
}

/**
 * `rounds` sections of 1–6 rows over `ids` (seeded), each damaged one way or left whole: a value
 * or an id replaced by something no row may hold, a limitedBy code out of range, a value missing
 * or an id too many (columns that disagree), a column or the whole section replaced by junk.
 */
export function* damagedSections(ids: readonly string[], seed: number, rounds: number): Generator<DamagedSection> {
  let state = seed;
  const next = (n: number) => (state = (state * 48271) % 2147483647) % n;
  const value = () => (next(5) === 0 ? null : next(3) === 0 ? next(1000) / 8 : next(2 ** 20));
  // Never a valid value nor a valid id: a damaged row must not pass as another one.
  const junk: unknown[] = [null, '1', -2, -0.5, Infinity, {}, [], true, 'network', -1e-9];
  const idJunk: unknown[] = [null, 1, {}, [], true];
  for (let round = 0; round < rounds; round++) {
    const rows: CounterRow[] = Array.from({ length: 1 + next(6) }, (_, k) => [
      ids[(round + k) % ids.length],
      value(), value(), value(), value(), value(), value(), value(), value(), value(),
      CODES[next(4)],
    ]);
    const sent = counterColumns(rows);
    const c = { ids: [...sent.ids] as unknown[], values: [...sent.values] as unknown[] };
    let section: unknown = c;
    switch (next(9)) {
      case 0:
        c.values[next(c.values.length)] = junk[next(junk.length)];
        break;
      case 1:
        c.ids[next(c.ids.length)] = idJunk[next(idJunk.length)];
        break;
      case 2:
        c.values[next(c.ids.length) * STRIDE + STRIDE - 1] = [-1, 4, 0.5, 99][next(4)];
        break;
      case 3:
        c.values.pop();
        break;
      case 4:
        c.ids.push('extra');
        break;
      case 5:
        section = { ids: c.ids, values: junk[next(junk.length)] };
        break;
      case 6:
        section = { values: c.values };
        break;
      case 7:
        section = junk[next(junk.length)];
        break;
      default: // whole
    }
    section = JSON.parse(JSON.stringify({ section })).section as unknown;
    const got = section as { ids?: unknown; values?: unknown } | null;
    const shaped = typeof got === 'object' && got !== null && Array.isArray(got.ids) && Array.isArray(got.values) && got.values.length === got.ids.length * STRIDE;
    const rowOf = (s: { ids: unknown[]; values: unknown[] }, k: number) => JSON.stringify([s.ids[k], s.values.slice(k * STRIDE, (k + 1) * STRIDE)]);
    const intact = shaped ? rows.filter((_, k) => rowOf(got as { ids: unknown[]; values: unknown[] }, k) === rowOf(sent, k)).map((r) => r[0]) : [];
    yield { rows, section, intact };
  }
}
