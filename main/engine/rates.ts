// Rates and "limited by" from two polls of the same row. Rows are matched through the diff's
// prevOf map (next row → prev row, or -1), so rates follow exactly the identity the diff uses.
import type { RateTotals } from '../../shared/timeline';
import { C, COUNTER_SLOTS, type RowTable } from '../model/rows';
import { LIMITED_NETWORK, LIMITED_RECEIVER, LIMITED_SENDER, type RateColumns } from '../model/traffic';

/**
 * Where the sender was held back over one interval, from the growth of three cumulative times
 * (µs) and the interval's length (µs). Returns a LIMITED_BY code (0 = unknown).
 *
 * The rule (Linux chrono stats, linux/tcp.h; Windows SndLimTime*, RFC 4898 tcpEStatsPerfSndLim*):
 * busy is all time the connection had data to send (on Linux it already includes the two limited
 * times). Of the interval,
 *   receiver = time limited by the peer's receive window (rwnd_limited / SndLimTimeRwin);
 *   sender   = time limited by the send buffer (sndbuf_limited / SndLimTimeSnd) plus the time the
 *              application gave it nothing to send (interval − busy);
 *   network  = the rest of busy time (congestion window, pacing: the path).
 * The largest wins.
 *
 * With no busy time at all, `dSent` (bytes sent over the interval) decides. Bytes went out: the
 * application set the pace, "sender". The busy clock ticks coarsely: Linux counts it in jiffies
 * (1–10 ms), so a connection whose writes are sent and acknowledged within a tick, as a paced
 * application's small writes are on a fast path, adds none. Nothing went out: unknown.
 */
export function limitedByCode(dBusy: number, dRwnd: number, dSndbuf: number, intervalUs: number, dSent = 0): number {
  if (!(dBusy >= 0) || !(dRwnd >= 0) || !(dSndbuf >= 0)) return 0;
  if (dBusy === 0) return dSent > 0 ? LIMITED_SENDER : 0;
  const receiver = dRwnd;
  const sender = dSndbuf + Math.max(0, intervalUs - dBusy);
  const network = Math.max(0, dBusy - dRwnd - dSndbuf);
  if (network >= receiver && network >= sender) return LIMITED_NETWORK;
  return receiver >= sender ? LIMITED_RECEIVER : LIMITED_SENDER;
}

/** Marks the first `n` rows' rates and limitedBy unknown (a first poll: no interval yet). */
export function unknownRates(out: RateColumns, n: number): void {
  out.send.fill(NaN, 0, n);
  out.receive.fill(NaN, 0, n);
  out.limited.fill(0, 0, n);
}

/** (b − a) per second over `dtMs`; NaN when either is unknown or the counter went back (another socket). */
function perSecond(a: number, b: number, dtMs: number): number {
  const d = b - a;
  return d >= 0 && dtMs > 0 ? (d * 1000) / dtMs : NaN;
}

/**
 * One pass over `next`'s rows (row-aligned with `out`, at least next.count long):
 * - fills `out` with each row's send / receive rate in bytes/s and its limitedBy code over the `dtMs`
 *   between the two polls (NaN / 0 for rows without counters, and for rows without a previous row,
 *   prevOf[i] < 0, unless `next.countersFromOpen`: then their counters over `dtMs`, limitedBy 0);
 * - writes into `moved` (at least next.count long) the indexes of rows that were in `prev` and show
 *   viewers something new: a counter moved, or a rate / limitedBy differs from the one `prevRates`
 *   holds for their previous row (a rate that falls to 0 is news); returns how many;
 * - sums the rates into `totals` (see RateTotals).
 * Reads each row's counters once and allocates nothing: it runs over every row of every poll.
 */
export function rateRows(
  prev: RowTable,
  next: RowTable,
  prevOf: Int32Array,
  dtMs: number,
  prevRates: RateColumns,
  out: RateColumns,
  moved: Int32Array,
  totals: RateTotals,
): number {
  const pk = prev.counters;
  const nk = next.counters;
  const n = next.count;
  totals.rated = totals.send = totals.receive = 0;
  if (!nk) {
    unknownRates(out, n);
    return 0;
  }
  let m = 0;
  if (!pk) {
    // Counters where the last poll had none: every row that stays is news, no rate yet.
    unknownRates(out, n);
    for (let i = 0; i < n; i++) if (prevOf[i] >= 0) moved[m++] = i;
    return m;
  }
  // Everything the loop touches in locals: it runs over every row of every poll.
  const { send, receive, limited } = out;
  const ps = prevRates.send;
  const pr = prevRates.receive;
  const pl = prevRates.limited;
  const known = dtMs > 0;
  const fromOpen = known && next.countersFromOpen === true;
  const intervalUs = dtMs * 1000;
  let rated = 0;
  let sendSum = 0;
  let receiveSum = 0;
  for (let i = 0; i < n; i++) {
    const p = prevOf[i];
    const b = i * COUNTER_SLOTS;
    if (p < 0) {
      // A connection opened since the last poll, with counters that count from its opening, moved
      // every byte within this interval (from 0): its rates are known on its first poll, so a
      // transfer shorter than one interval shows in the rates and the totals. (limitedBy needs
      // the interval's busy times from a known start: not before its second poll.)
      const s = fromOpen ? perSecond(0, nk[b + C.BYTES_SENT], dtMs) : NaN;
      const r = fromOpen ? perSecond(0, nk[b + C.BYTES_RECEIVED], dtMs) : NaN;
      send[i] = s;
      receive[i] = r;
      limited[i] = 0;
      if (s === s || r === r) {
        rated++;
        if (s === s) sendSum += Math.round(s);
        if (r === r) receiveSum += Math.round(r);
      }
      continue;
    }
    const a = p * COUNTER_SLOTS;
    const sent0 = pk[a + C.BYTES_SENT];
    const sent1 = nk[b + C.BYTES_SENT];
    const received0 = pk[a + C.BYTES_RECEIVED];
    const received1 = nk[b + C.BYTES_RECEIVED];
    const busy1 = nk[b + C.BUSY_US];
    const busy0 = pk[a + C.BUSY_US];
    // Most rows of a busy table are idle: nothing sent, received or waited for since the last
    // poll, and they showed rate 0 then too. They keep 0 and are news only if a slot moved.
    if (known && sent0 === sent1 && received0 === received1 && ps[p] === 0 && pr[p] === 0 && pl[p] === 0 && busy1 === busy0) {
      send[i] = 0;
      receive[i] = 0;
      limited[i] = 0;
      rated++;
      if (packetSlotsMoved(pk, a, nk, b)) moved[m++] = i;
      continue;
    }
    // Rows with neither bytes nor busy time known in either poll (UDP, listeners, TIME-WAIT, a read
    // that failed) have no rate and no limitedBy, as the rule below finds, without its arithmetic.
    // A real table holds thousands of them. (Busy time alone can be known: Windows rows whose
    // SndCong read succeeded and whose Data read did not still get a limitedBy.)
    if (sent1 !== sent1 && sent0 !== sent0 && received1 !== received1 && received0 !== received0 && busy1 !== busy1 && busy0 !== busy0) {
      send[i] = NaN;
      receive[i] = NaN;
      limited[i] = 0;
      const q = ps[p];
      const w = pr[p];
      if (q === q || w === w || pl[p] !== 0 || packetSlotsMoved(pk, a, nk, b)) moved[m++] = i;
      continue;
    }
    let s = NaN;
    let r = NaN;
    let l = 0;
    if (known) {
      s = perSecond(sent0, sent1, dtMs);
      r = perSecond(received0, received1, dtMs);
      const dBusy = busy1 - busy0;
      if (dBusy >= 0) l = limitedByCode(dBusy, nk[b + C.RWND_LIMITED_US] - pk[a + C.RWND_LIMITED_US], nk[b + C.SNDBUF_LIMITED_US] - pk[a + C.SNDBUF_LIMITED_US], intervalUs, sent1 - sent0);
    }
    send[i] = s;
    receive[i] = r;
    limited[i] = l;
    if (s === s) {
      rated++;
      sendSum += Math.round(s);
      if (r === r) receiveSum += Math.round(r);
    } else if (r === r) {
      rated++;
      receiveSum += Math.round(r);
    }
    // News: a slot viewers see moved (the chrono times from C.BUSY_US on show only through
    // limitedBy), or a rate / limitedBy differs from the one sent for the previous row.
    if (
      !same(sent0, sent1) ||
      !same(received0, received1) ||
      !same(ps[p], s) ||
      !same(pr[p], r) ||
      pl[p] !== l ||
      packetSlotsMoved(pk, a, nk, b)
    ) {
      moved[m++] = i;
    }
  }
  totals.rated = rated;
  totals.send = sendSum;
  totals.receive = receiveSum;
  return m;
}

const same = (x: number, y: number): boolean => x === y || (x !== x && y !== y); // NaN equals NaN here

/** Whether a slot viewers see besides the bytes moved between the row's counters at `a` in `pk` and at `b` in `nk`. */
function packetSlotsMoved(pk: Float64Array, a: number, nk: Float64Array, b: number): boolean {
  return (
    !same(pk[a + C.SEGS_OUT], nk[b + C.SEGS_OUT]) ||
    !same(pk[a + C.SEGS_IN], nk[b + C.SEGS_IN]) ||
    !same(pk[a + C.RTT_US], nk[b + C.RTT_US]) ||
    !same(pk[a + C.RTTVAR_US], nk[b + C.RTTVAR_US]) ||
    !same(pk[a + C.RETRANS], nk[b + C.RETRANS])
  );
}
