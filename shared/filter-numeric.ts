// Numeric comparisons of the filter language over the traffic fields of a Connection:
// `rate>1M`, `sent>=10MiB`, `recv<1k`, `rtt>100ms`, `retrans>0` (operators > >= < <= = and `:` for =).
// A row whose field is null or absent (UDP, first poll, procfs, no counters) never matches.
import type { Connection } from './connection';
import { FilterSyntaxError } from './filter-error';
import type { CompareOp, ValueItem } from './filter-lexer';

type Unit = 'bytes' | 'ms' | 'count';

interface NumericField {
  unit: Unit;
  /** The row's value in the field's unit (bytes, bytes/s, ms, segments); null when not known. */
  get(c: Connection): number | null;
  what: string;
}

const known = (v: number | null | undefined): v is number => typeof v === 'number' && Number.isFinite(v);

/** Canonical numeric keys; aliases map onto them in filter-terms. */
export const NUMERIC_FIELDS: Record<'rate' | 'sendrate' | 'recvrate' | 'sent' | 'recv' | 'rtt' | 'retrans', NumericField> = {
  rate: {
    unit: 'bytes',
    what: 'send + receive rate (bytes/s)',
    get: (c) => (known(c.sendRate) || known(c.receiveRate) ? (known(c.sendRate) ? c.sendRate : 0) + (known(c.receiveRate) ? c.receiveRate : 0) : null),
  },
  sendrate: { unit: 'bytes', what: 'send rate (bytes/s)', get: (c) => (known(c.sendRate) ? c.sendRate : null) },
  recvrate: { unit: 'bytes', what: 'receive rate (bytes/s)', get: (c) => (known(c.receiveRate) ? c.receiveRate : null) },
  sent: { unit: 'bytes', what: 'bytes sent', get: (c) => (known(c.bytesSent) ? c.bytesSent : null) },
  recv: { unit: 'bytes', what: 'bytes received', get: (c) => (known(c.bytesReceived) ? c.bytesReceived : null) },
  rtt: { unit: 'ms', what: 'smoothed round-trip time', get: (c) => (known(c.rttMs) ? c.rttMs : null) },
  retrans: { unit: 'count', what: 'retransmitted segments', get: (c) => (known(c.retransmits) ? c.retransmits : null) },
};

export type NumericKey = keyof typeof NUMERIC_FIELDS;

// Decimal multipliers k/M/G (also kB, MB, GB) and binary KiB/MiB/GiB; B is bytes. A trailing
// `/s` is allowed on rates. Case is ignored (a byte count has no milli).
const BYTE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  ki: 1024,
  mi: 1024 ** 2,
  gi: 1024 ** 3,
};
const TIME_UNITS: Record<string, number> = { '': 1, ms: 1, s: 1000, us: 0.001, 'µs': 0.001 };
const COUNT_UNITS: Record<string, number> = { '': 1, k: 1e3, m: 1e6, g: 1e9 };

/** What each unit kind accepts, in words; every key of the unit tables above appears here (a test holds them together). */
export const UNIT_HELP: Record<Unit, string> = {
  bytes: 'bytes with an optional unit: B; k, M, G or kB, MB, GB (×1000); Ki, Mi, Gi or KiB, MiB, GiB (×1024), e.g. 10MiB',
  ms: 'milliseconds, or a number with a unit: us (or µs), ms, s (e.g. 100ms, 1.5s)',
  count: 'a whole number (k, M, G allowed: ×1000)',
};

/** The units each kind accepts (lowercase; '' = none), for tests and help texts. */
export const ACCEPTED_UNITS: Record<Unit, readonly string[]> = {
  bytes: Object.keys(BYTE_UNITS),
  ms: Object.keys(TIME_UNITS),
  count: Object.keys(COUNT_UNITS),
};

/**
 * Parses a numeric comparison value such as `10MiB`, `1.5M`, `100ms` into the field's unit.
 * Throws FilterSyntaxError over the item's span when the number or the unit is wrong.
 */
export function parseQuantity(item: ValueItem, key: NumericKey): number {
  const field = NUMERIC_FIELDS[key];
  const text = item.text.trim();
  const m = /^(\d+(?:\.\d+)?|\.\d+)([a-zµ]*)(\/s)?$/i.exec(text);
  const bad = (why: string): FilterSyntaxError => new FilterSyntaxError(`bad ${key} value "${item.text}": ${why}`, item.start, item.end);
  if (item.quoted || !m) throw bad(`expected ${UNIT_HELP[field.unit]}`);
  const [, num, rawUnit, perSecond] = m;
  if (perSecond && !key.includes('rate')) throw bad('"/s" only goes with rates');
  const unit = rawUnit.toLowerCase();
  const table = field.unit === 'bytes' ? BYTE_UNITS : field.unit === 'ms' ? TIME_UNITS : COUNT_UNITS;
  const mult = table[unit];
  if (mult === undefined) throw bad(`unknown unit "${rawUnit}": expected ${UNIT_HELP[field.unit]}`);
  const value = Number(num) * mult;
  // Segments come whole: `retrans>0.5` is as wrong as `retrans>abc` (1.5k = 1500 is fine).
  if (field.unit === 'count' && !Number.isInteger(value)) throw bad(`expected ${UNIT_HELP.count}`);
  return value;
}

/** A predicate comparing the row's `key` field with `value` by `op` (`:` and `=` mean equal). */
export function numericPredicate(key: NumericKey, op: CompareOp, value: number): (c: Connection) => boolean {
  const get = NUMERIC_FIELDS[key].get;
  const test = compare(op, value);
  return (c) => {
    const v = get(c);
    return v !== null && test(v);
  };
}

/** `op value` as a test on a number. */
export function compare(op: CompareOp, value: number): (v: number) => boolean {
  switch (op) {
    case '>':
      return (v) => v > value;
    case '>=':
      return (v) => v >= value;
    case '<':
      return (v) => v < value;
    case '<=':
      return (v) => v <= value;
    case ':':
    case '=':
      return (v) => v === value;
  }
}

// Unit tables without a prototype: `rtt>1constructor` is an unknown unit, not a match-nothing filter.
for (const table of [BYTE_UNITS, TIME_UNITS, COUNT_UNITS]) Object.setPrototypeOf(table, null);
