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
 * Parses a numeric comparison value such as `10MiB`, `1.5M`, `100ms`, `1M/s` into the field's unit.
 * Throws FilterSyntaxError naming the mistake, over the part of the item at fault: a missing or
 * negative number, a unit the field does not take (one of another kind said so), a `/…` after
 * a value that is not a rate, or a rate per anything but a second.
 */
export function parseQuantity(item: ValueItem, key: NumericKey): number {
  const field = NUMERIC_FIELDS[key];
  const text = item.text;
  const bad = (why: string, from = 0, to = text.length): FilterSyntaxError =>
    new FilterSyntaxError(`bad ${key} value "${text}": ${why}`, item.start + from, item.start + to);
  // A quoted item's text is not the expression's: point at all of it.
  if (item.quoted) throw new FilterSyntaxError(`bad ${key} value "${text}": a number is not quoted: write ${text}`, item.start, item.end);
  const m = /^(-?)(\d+(?:\.\d+)?|\.\d+)?([a-zµ]*)(?:\/(.*))?$/is.exec(text);
  if (!m) throw bad(`expected ${UNIT_HELP[field.unit]}`);
  const [, minus, num, rawUnit, per] = m;
  if (minus) throw bad(`${field.what} cannot be negative`, 0, 1);
  if (num === undefined) throw bad(`expected ${UNIT_HELP[field.unit]}`);
  const unitFrom = num.length;
  const unitTo = unitFrom + rawUnit.length;
  if (per !== undefined) {
    const slash = [unitTo, text.length] as const;
    if (!key.includes('rate')) throw bad(`"/${per}" only goes with rates (rate, sendrate, recvrate); ${key} is ${field.what}`, ...slash);
    if (per.toLowerCase() !== 's') throw bad(`a rate is per second: only "/s" may follow it, not "/${per}" (write ${num}${rawUnit} or ${num}${rawUnit}/s)`, ...slash);
  }
  const unit = rawUnit.toLowerCase();
  const table = UNIT_TABLES[field.unit];
  const mult = table[unit];
  if (mult === undefined) throw bad(unknownUnit(rawUnit, field.unit, key), unitFrom, unitTo);
  const value = Number(num) * mult;
  // Segments come whole: `retrans>0.5` is as wrong as `retrans>abc` (1.5k = 1500 is fine).
  if (field.unit === 'count' && !Number.isInteger(value)) throw bad(`expected ${UNIT_HELP.count}`);
  return value;
}

const UNIT_TABLES: Record<Unit, Record<string, number>> = { bytes: BYTE_UNITS, ms: TIME_UNITS, count: COUNT_UNITS };
const KIND_WORDS: Record<Unit, string> = { bytes: 'a byte unit', ms: 'a time unit', count: 'a count multiplier' };

/** Why `raw` is no unit of `unit`: it belongs to another kind, or it starts like one of this kind's. */
function unknownUnit(raw: string, unit: Unit, key: NumericKey): string {
  const u = raw.toLowerCase();
  const accepted = `expected ${UNIT_HELP[unit]}`;
  if (unit !== 'count' && /^[kmg]?(?:i?bit|i?bits|bps|ibps)$/.test(u)) return `"${raw}" is bits: netmon counts bytes (8 bits a byte: 1Mbit is 125kB): ${accepted}`;
  // `m` is mega for bytes, never minutes: times stop at seconds.
  if (unit === 'ms' && /^(?:m|min|mins|minutes?|h|hr|hours?)$/.test(u)) return `no unit "${raw}": times are given in us, ms or s (a minute is 60s)`;
  const other = (Object.keys(UNIT_TABLES) as Unit[]).find((k) => k !== unit && u !== '' && UNIT_TABLES[k][u] !== undefined);
  if (other) return `"${raw}" is ${KIND_WORDS[other]}; ${key} is ${NUMERIC_FIELDS[key].what}: ${accepted}`;
  // The longest unit of this kind the text begins with: `100mss` meant `ms`, `10MiBs` meant `MiB`.
  const near = Object.keys(UNIT_TABLES[unit])
    .filter((k) => k !== '' && u.startsWith(k))
    .sort((a, b) => b.length - a.length)[0];
  return `unknown unit "${raw}"${near ? ` (did you mean "${raw.slice(0, near.length)}"?)` : ''}: ${accepted}`;
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
