// Rates and "limited by" from two polls of the same row. Rows are matched through the diff's
// prevOf map (next row → prev row, or -1), so rates follow exactly the identity the diff uses.
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
 * The largest wins. An interval with no busy time at all sent nothing: unknown, not "sender".
 */
export function limitedByCode(dBusy: number, dRwnd: number, dSndbuf: number, intervalUs: number): number {
  if (!(dBusy > 0) || !(dRwnd >= 0) || !(dSndbuf >= 0)) return 0;
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
 * Fills `out` (row-aligned with `next`, at least next.count long) with each row's send / receive
 * rate in bytes/s and its limitedBy code over the `dtMs` between the two polls. Rows without a
 * previous row (prevOf[n] < 0) or without counters get NaN / 0. Allocates nothing.
 */
export function computeRates(prev: RowTable, next: RowTable, prevOf: Int32Array, dtMs: number, out: RateColumns): void {
  const pk = prev.counters;
  const nk = next.counters;
  const n = next.count;
  if (!pk || !nk || !(dtMs > 0)) {
    unknownRates(out, n);
    return;
  }
  const intervalUs = dtMs * 1000;
  for (let i = 0; i < n; i++) {
    const p = prevOf[i];
    if (p < 0) {
      out.send[i] = NaN;
      out.receive[i] = NaN;
      out.limited[i] = 0;
      continue;
    }
    const a = p * COUNTER_SLOTS;
    const b = i * COUNTER_SLOTS;
    out.send[i] = perSecond(pk[a + C.BYTES_SENT], nk[b + C.BYTES_SENT], dtMs);
    out.receive[i] = perSecond(pk[a + C.BYTES_RECEIVED], nk[b + C.BYTES_RECEIVED], dtMs);
    out.limited[i] = limitedByCode(
      nk[b + C.BUSY_US] - pk[a + C.BUSY_US],
      nk[b + C.RWND_LIMITED_US] - pk[a + C.RWND_LIMITED_US],
      nk[b + C.SNDBUF_LIMITED_US] - pk[a + C.SNDBUF_LIMITED_US],
      intervalUs,
    );
  }
}

const same = (x: number, y: number): boolean => x === y || (x !== x && y !== y); // NaN equals NaN here

/**
 * Whether row `i` of `next` shows viewers anything new compared with row `p` of `prev`: a counter
 * moved, or a rate / limitedBy differs from the one sent last poll (a rate that falls to 0 is news).
 */
export function countersMoved(prev: RowTable, p: number, prevRates: RateColumns, next: RowTable, i: number, rates: RateColumns): boolean {
  const pk = prev.counters;
  const nk = next.counters;
  if (!nk) return false;
  if (!pk) return true;
  const a = p * COUNTER_SLOTS;
  const b = i * COUNTER_SLOTS;
  // The slots viewers see (the chrono times below C.BUSY_US show only through limitedBy).
  for (let s = 0; s < C.BUSY_US; s++) if (!same(pk[a + s], nk[b + s])) return true;
  return !same(prevRates.send[p], rates.send[i]) || !same(prevRates.receive[p], rates.receive[i]) || prevRates.limited[p] !== rates.limited[i];
}
