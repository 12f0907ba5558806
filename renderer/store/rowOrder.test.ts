import { describe, expect, it } from 'vitest';
import { orderRows, RADIX_MIN_ROWS } from './rowOrder';
import { addressSortKey, ipv4Value } from './address';
import { COLUMNS, TRAFFIC_COLUMNS, compareSortKeys, rowComparator, tieBreak, type SortKey } from './columns';
import type { Row } from './rows';
import { conn } from '../test/fixtures';

// Rows built directly (not through a store) so sequence numbers, PIDs and names can be anything a
// hostile or mixed input could hold. Just above RADIX_MIN_ROWS, where orderRows takes radix passes.
function rows(n: number, seed: number, odd = false): Row[] {
  let rnd = seed;
  const pick = <T,>(xs: readonly T[]): T => xs[(rnd = (rnd * 48271) % 2147483647) % xs.length];
  const procs = ['node', 'Node', 'svchost.exe', 'a', 'ab', 'Ab', 'é', null, ...(odd ? ['x\u0001y', 'x', '\uffff', 'x\u0000'] : [])];
  const addrs = [
    '10.0.0.9', '10.0.0.10', '::1', '2001:db8::1', 'fe80::1%eth0', '::ffff:10.0.0.9', '255.255.255.255', 'not-an-address', '~x', null,
    // Text that looks almost like IPv4: read in place only when addressSortKey reads it as IPv4.
    '0.0.0.0', '010.000.000.009', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4%2', '1234.1.1.1', '0001.1.1.1', '9.9.9.',
  ];
  const pids = odd ? [4, 0, null, 4294967294, 4294967295, 1.5, -1] : [4, 0, null, 4294967294, 70000];
  const ports = odd ? [80, 0, 65535, 443, 1.5] : [80, 0, 65535, 443];
  return Array.from({ length: n }, (_, i) => {
    const c = conn({ localPort: pick(ports), remoteAddress: pick(addrs), remotePort: pick([...ports, null]), pid: pick(pids), process: pick(procs), state: pick(['ESTABLISHED', 'LISTEN', 'TIME-WAIT'] as const), bytesSent: pick([null, 0, 1e15, 5]) });
    // Times up to 2^53 and beyond 32 bits, some shared; a few negative / fractional with `odd`.
    const t = pick([0, 1_700_000_000_000, 1_700_000_000_001, 2 ** 52, ...(odd ? [-5, 0.5] : [])]);
    return { id: `${c.id}#${i}`, seq: odd ? pick([i, i, 7]) : n - i, c, firstSeen: t, preexisting: false, lastChange: pick([t, 3]), status: '', statusAt: 0 };
  });
}

function expected(rs: Row[], keys: SortKey[], sign: 1 | -1, nullsLast = false): number[] {
  return rs
    .map((_, i) => i)
    .sort((i, j) => {
      // Written out, not orderKeys: the rule the shared helper must follow.
      if (nullsLast && (keys[i] === null) !== (keys[j] === null)) return keys[i] === null ? 1 : -1;
      const r = compareSortKeys(keys[i], keys[j]);
      return r !== 0 ? sign * r : tieBreak(rs[i], rs[j]);
    });
}

describe('orderRows', () => {
  for (const odd of [false, true]) {
    it(`gives the comparator's order for every column and direction${odd ? ' (rows that do not fit the numeric levels)' : ''}`, () => {
      const rs = rows(RADIX_MIN_ROWS + 100, odd ? 5 : 3, odd);
      for (const col of [...COLUMNS, ...TRAFFIC_COLUMNS]) {
        for (const dir of ['asc', 'desc'] as const) {
          const sign = dir === 'asc' ? 1 : -1;
          const keys = rs.map(col.sortKey);
          // Traffic columns keep rows without a value last in both directions (as blanks in a spreadsheet).
          const nullsLast = col.field !== undefined;
          const got = Array.from(orderRows(rs, keys, sign, col.orderField, nullsLast));
          expect(got, `${col.key} ${dir}`).toEqual(expected(rs, keys, sign, nullsLast));
          if (nullsLast && keys.some((k) => k === null) && keys.some((k) => k !== null)) {
            const firstNull = got.findIndex((i) => keys[i] === null);
            expect(got.slice(firstNull).every((i) => keys[i] === null), `${col.key} ${dir}: blanks last`).toBe(true);
          }
          // And the same as the row comparator the table uses (with NUL in a name cmpStr and strKey
          // part ways, so only for the ordinary rows).
          if (!odd) expect(got.map((i) => rs[i].id), `${col.key} ${dir}`).toEqual([...rs].sort(rowComparator({ key: col.key, dir })).map((r) => r.id));
          // Without the field: the levels ranked from the keys give the same order.
          if (col.orderField) expect(Array.from(orderRows(rs, keys, sign)), `${col.key} ${dir} from keys`).toEqual(got);
        }
      }
    });
  }

  it('is a permutation: every row exactly once, at 50k rows', () => {
    const rs = rows(50_000, 13);
    const order = orderRows(rs, rs.map((r) => r.c.pid ?? null), 1);
    const seen = new Uint8Array(rs.length);
    for (const i of order) seen[i]++;
    expect(seen.every((x) => x === 1)).toBe(true);
    for (let p = 1; p < order.length; p++) {
      const a = rs[order[p - 1]];
      const b = rs[order[p]];
      expect(compareSortKeys(a.c.pid ?? null, b.c.pid ?? null) || tieBreak(a, b)).toBeLessThan(0);
    }
  });

  it('orders levels of one value, narrow levels and levels wider than 16 bits alike (sequence numbers up to 2³²−2)', () => {
    const n = RADIX_MIN_ROWS + 7;
    const rs: Row[] = Array.from({ length: n }, (_, i) => {
      const c = conn({ process: 'same', pid: 7, localPort: 80, remoteAddress: '10.0.0.1', remotePort: 443 });
      // Sequence numbers spread over the whole 32-bit range, in an order unrelated to i.
      const seq = ((i * 2654435761) % 4294967294) >>> 0;
      return { id: `${c.id}#${i}`, seq, c, firstSeen: 0, preexisting: false, lastChange: 0, status: '', statusAt: 0 };
    });
    const keys = rs.map((r) => r.c.remotePort ?? null);
    for (const sign of [1, -1] as const) {
      expect(Array.from(orderRows(rs, keys, sign, 'remotePort'))).toEqual(expected(rs, keys, sign));
      expect(Array.from(orderRows(rs, keys, sign))).toEqual(expected(rs, keys, sign));
    }
  });
});

describe('ipv4Value', () => {
  // The rule written out the slow way: four parts of 1–3 digits, each at most 255.
  const reference = (t: string): number => {
    const parts = t.split('.');
    if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return -1;
    return parts.reduce((v, p) => v * 256 + Number(p), 0);
  };

  it('reads a dotted quad as its 32-bit value and nothing else, and addressSortKey orders by it', () => {
    const texts = ['0.0.0.0', '10.0.0.9', '255.255.255.255', '010.000.000.009', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', ' 1.2.3.4', '1.2.3.4 ', '1.2.3.4%2', '1234.1.1.1', '0001.1.1.1', '9.9.9.', '.9.9.9', '1.2.3.-4', '::ffff:1.2.3.4', '', 'a.b.c.d', '1.2.3.4\n', '1.2.3.٤'];
    for (const t of texts) {
      expect(ipv4Value(t), t).toBe(reference(t));
      const key = addressSortKey(t);
      if (reference(t) >= 0) expect(key, t).toBe(`4${reference(t).toString(16).padStart(8, '0')}`);
      else expect(key[0], t).not.toBe('4');
    }
    expect(ipv4Value('255.255.255.255')).toBe(4294967295);
    expect(ipv4Value('010.000.000.009')).toBe(0x0a000009);
  });
});
