// rateRows against a plain reference over random tables: its idle-row shortcut must give exactly
// what the full rule gives (rates, limitedBy, which rows are news, the totals).
import { describe, expect, it } from 'vitest';
import { prng } from '../model/random';
import { C, COUNTER_SLOTS, createRowTable, ensureCounters, type RowTable } from '../model/rows';
import { createRateColumns, type RateColumns } from '../model/traffic';
import { limitedByCode, rateRows } from './rates';

const same = (x: number, y: number) => Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)) || (x === 0 && y === 0);

/** The rule of rateRows' docstring, one row at a time, with no shortcut. */
function reference(prev: RowTable, next: RowTable, prevOf: Int32Array, dtMs: number, prevRates: RateColumns) {
  const pk = prev.counters!;
  const nk = next.counters!;
  const send: number[] = [];
  const receive: number[] = [];
  const limited: number[] = [];
  const moved: number[] = [];
  let rated = 0;
  let sendSum = 0;
  let receiveSum = 0;
  const rate = (a: number, b: number) => (b - a >= 0 && dtMs > 0 ? ((b - a) * 1000) / dtMs : NaN);
  for (let i = 0; i < next.count; i++) {
    const p = prevOf[i];
    const b = i * COUNTER_SLOTS;
    if (p < 0) {
      // New since the last poll: counters that count from the connection's opening moved within the interval.
      const fromOpen = next.countersFromOpen === true && dtMs > 0;
      const s = fromOpen ? rate(0, nk[b + C.BYTES_SENT]) : NaN;
      const r = fromOpen ? rate(0, nk[b + C.BYTES_RECEIVED]) : NaN;
      send.push(s);
      receive.push(r);
      limited.push(0);
      if (!Number.isNaN(s) || !Number.isNaN(r)) rated++;
      if (!Number.isNaN(s)) sendSum += Math.round(s);
      if (!Number.isNaN(r)) receiveSum += Math.round(r);
      continue;
    }
    const a = p * COUNTER_SLOTS;
    const s = dtMs > 0 ? rate(pk[a + C.BYTES_SENT], nk[b + C.BYTES_SENT]) : NaN;
    const r = dtMs > 0 ? rate(pk[a + C.BYTES_RECEIVED], nk[b + C.BYTES_RECEIVED]) : NaN;
    const d = (slot: number) => nk[b + slot] - pk[a + slot];
    const l = dtMs > 0 ? limitedByCode(d(C.BUSY_US), d(C.RWND_LIMITED_US), d(C.SNDBUF_LIMITED_US), dtMs * 1000, d(C.BYTES_SENT)) : 0;
    send.push(s);
    receive.push(r);
    limited.push(l);
    if (!Number.isNaN(s) || !Number.isNaN(r)) rated++;
    if (!Number.isNaN(s)) sendSum += Math.round(s);
    if (!Number.isNaN(r)) receiveSum += Math.round(r);
    const visible = [C.BYTES_SENT, C.BYTES_RECEIVED, C.SEGS_OUT, C.SEGS_IN, C.RTT_US, C.RTTVAR_US, C.RETRANS];
    const news =
      visible.some((slot) => !same(pk[a + slot], nk[b + slot])) ||
      !same(prevRates.send[p], s) ||
      !same(prevRates.receive[p], r) ||
      prevRates.limited[p] !== l;
    if (news) moved.push(i);
  }
  return { send, receive, limited, moved, totals: { rated, send: sendSum, receive: receiveSum } };
}

/** A table of `n` rows whose counters come from `pick` (slot → value). */
function table(n: number, pick: (row: number, slot: number) => number): RowTable {
  const t = createRowTable(n);
  const k = ensureCounters(t, n);
  for (let i = 0; i < n; i++) for (let s = 0; s < COUNTER_SLOTS; s++) k[i * COUNTER_SLOTS + s] = pick(i, s);
  t.count = n;
  return t;
}

/** An interval with no rates: none, or the clock went back between the polls. */
const pick0 = (rnd: () => number) => (rnd() < 0.5 ? 0 : -1000);

describe('rateRows', () => {
  it('equals the plain rule on random tables: idle rows, moving rows, unknown counters, partial reads, bytes known in one poll only, a rate unknown in one direction only, rates that fall to 0, new rows (with counters from their opening or not), reordered rows, no interval', () => {
    const rnd = prng(11);
    for (let round = 0; round < 200; round++) {
      const n = 1 + Math.floor(rnd() * 40);
      const base = (i: number, s: number) => (s === C.RTT_US && i % 7 === 0 ? NaN : 1000 * (i + 1) + s * 10);
      // NaN rows (UDP, listeners), rows that stand still, rows where one slot or the bytes move.
      // Partial reads (Windows: one of the Data, Path, SndCong reads worked): rows i % 13 === 6 know
      // only their RTT, rows i % 17 === 8 only their send-limit times.
      const partial = (i: number, s: number) => (i % 13 === 6 && s !== C.RTT_US && s !== C.RTTVAR_US) || (i % 17 === 8 && s < C.BUSY_US);
      // Rows i % 9 === 4 never know their busy times, and each poll knows each of their byte
      // counters or not (bit 1: sent, bit 2: received): a Data read that works in one poll only.
      const bytesKnown = (known: number[], i: number, s: number) => (s === C.BYTES_SENT ? (known[i] & 1) !== 0 : s === C.BYTES_RECEIVED ? (known[i] & 2) !== 0 : s < C.BUSY_US);
      const prevKnown = Array.from({ length: n }, () => Math.floor(rnd() * 4));
      const nextKnown = Array.from({ length: n }, () => Math.floor(rnd() * 4));
      const prev = table(n, (i, s) => (i % 11 === 5 || partial(i, s) || (i % 9 === 4 && !bytesKnown(prevKnown, i, s)) ? NaN : base(i, s)));
      // Next row i is prev row perm[i]: the OS lists sockets in no promised order.
      const perm = Array.from({ length: n }, (_, i) => i);
      if (round % 2 === 1) {
        for (let i = n - 1; i > 0; i--) {
          const j = Math.floor(rnd() * (i + 1));
          [perm[i], perm[j]] = [perm[j], perm[i]];
        }
      }
      const next = table(n, (i, s) => {
        if (perm[i] % 11 === 5 || partial(perm[i], s) || (perm[i] % 9 === 4 && !bytesKnown(nextKnown, i, s))) return NaN;
        const v = base(perm[i], s);
        const mode = Math.floor(rnd() * 8);
        if (mode === 0) return v; // idle
        if (mode === 1 && s === Math.floor(rnd() * COUNTER_SLOTS)) return v + 1; // one slot, any
        if (mode === 2 && s <= C.BYTES_RECEIVED) return v + Math.floor(rnd() * 5000); // traffic
        if (mode === 3 && s >= C.BUSY_US) return v + Math.floor(rnd() * 900_000); // limited times only
        if (mode === 4 && s === C.BYTES_SENT) return v - 1; // went back: another socket
        if (mode === 5 && s <= C.BYTES_RECEIVED) return NaN; // the bytes no longer read
        if (mode === 6 && s === C.RTT_US) return v + 1; // the RTT moves (alone, on an RTT-only row)
        return v;
      });
      const prevOf = new Int32Array(n).map((_, i) => (rnd() < 0.1 ? -1 : perm[i]));
      // Counters that count from each connection's opening (Linux) in some rounds: new rows get rates.
      if (round % 3 === 0) next.countersFromOpen = true;
      // The rates last sent: mostly 0 (idle), some moving, some unknown, some limitedBy codes.
      const prevRates = createRateColumns(n);
      for (let i = 0; i < n; i++) {
        const x = rnd();
        // Each direction unknown without the other: 0.75–0.8 sent known only, 0.8–0.9 received only.
        prevRates.send[i] = x < 0.6 ? 0 : x < 0.8 ? Math.floor(rnd() * 1e6) : NaN;
        prevRates.receive[i] = x < 0.6 ? 0 : x < 0.75 || (x >= 0.8 && x < 0.9) ? Math.floor(rnd() * 1e6) : NaN;
        prevRates.limited[i] = rnd() < 0.8 ? 0 : 1 + Math.floor(rnd() * 3);
        // A row whose bytes were unknown mostly had no rates either.
        if (i % 9 === 4 && prevKnown[i] !== 3 && rnd() < 0.5) [prevRates.send[i], prevRates.receive[i], prevRates.limited[i]] = [NaN, NaN, 0];
      }
      const dtMs = rnd() < 0.05 ? pick0(rnd) : 1000 + Math.floor(rnd() * 100);
      const out = createRateColumns(n);
      const moved = new Int32Array(n);
      const totals = { rated: 0, send: 0, receive: 0 };
      const m = rateRows(prev, next, prevOf, dtMs, prevRates, out, moved, totals);
      const want = reference(prev, next, prevOf, dtMs, prevRates);
      expect([...out.send.subarray(0, n)]).toEqual(want.send);
      expect([...out.receive.subarray(0, n)]).toEqual(want.receive);
      expect([...out.limited.subarray(0, n)]).toEqual(want.limited);
      expect([...moved.subarray(0, m)]).toEqual(want.moved);
      expect(totals).toEqual(want.totals);
    }
  });
});
