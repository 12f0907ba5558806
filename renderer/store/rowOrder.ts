// Full sorts of the Connections table by one column with the natural tie-breaks (see tieBreak in
// columns.ts), without a comparator: every level of the order becomes an unsigned 32-bit key per
// row, and a stable LSD radix sort over 16-bit digits orders row indexes in O(n) per level. At
// 50k rows that is a few ms where a comparator sort calling tieBreak took hundreds.
import { addressSortKey, ipv4Value } from './address';
import { orderKeys, shownRemoteAddress, shownRemotePort, strKey, tieBreak, type OrderField, type SortKey } from './columns';
import type { Row } from './rows';

const NULL_U32 = 0xffffffff;
/**
 * Below this many rows a comparator sort is cheaper than radix passes over 65,536 buckets: each of
 * ~26 digit passes clears and sums the buckets whatever the row count (the few hundred rows a
 * batch brings spent ~2 ms there in Chromium, a comparator sort well under one).
 */
export const RADIX_MIN_ROWS = 2048;

/**
 * Typed arrays lent to one sort and reused by the next. A sort of 50,000 rows needs ~16 arrays of
 * n words; fresh ones each time (their memory lives outside the JS heap and counts toward it) cost
 * a garbage collection of ~10 ms per sort. Held: at most ~20 arrays of the largest n sorted
 * (~4 MB at 50,000 rows).
 */
class Scratch {
  private readonly bufs: Uint32Array[] = [];
  private used = 0;
  /** Starts a sort: every array lent before may be handed out again. */
  reset(): void {
    this.used = 0;
  }
  /** An array of `n` words, zeroed when `zero` (otherwise its content is whatever the last sort left). */
  take(n: number, zero = false): Uint32Array {
    let b = this.bufs[this.used];
    if (b === undefined || b.length < n) this.bufs[this.used] = b = new Uint32Array(n);
    this.used++;
    const v = b.length === n ? b : b.subarray(0, n);
    if (zero) v.fill(0);
    return v;
  }
}

const scratch = new Scratch();
/** Counting-sort buckets (one 16-bit digit), shared by every radix pass. */
const buckets = new Uint32Array(65537);

/**
 * Row indexes ordered by `keys` (one sort key per row, `sign` 1 ascending / -1 descending; null
 * last ascending, first descending, as `compareSortKeys` × sign), then by `tieBreak`. Exactly the
 * order of `(i, j) => sign × compareSortKeys(keys[i], keys[j]) || tieBreak(rows[i], rows[j])`.
 * Rows whose fields do not fit the numeric levels (a PID outside 0..2³²−2, a fractional port, a
 * sequence number shared by two rows, text with control characters) take that comparator path.
 * `field`, when given, is the connection field the keys order by (see OrderField): its levels are
 * built from the rows, not ranked from the keys.
 */
export function orderRows(rows: readonly Row[], keys: readonly SortKey[], sign: 1 | -1, field?: OrderField, nullsLast = false): Uint32Array {
  const n = rows.length;
  const order = radixOnly(rows, keys, sign, field, nullsLast);
  if (order) return order;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out.sort((i, j) => {
    const r = orderKeys(keys[i], keys[j], sign, nullsLast);
    return r !== 0 ? r : tieBreak(rows[i], rows[j]);
  });
}

/**
 * The order orderRows gives, when the radix sort can give it; null when it would take the
 * comparator path. With `field` (and at least RADIX_MIN_ROWS rows) `keys` is not read, so a caller
 * may pass null and build keys only on null.
 */
export function orderByField(rows: readonly Row[], sign: 1 | -1, field: OrderField): Uint32Array | null {
  return radixOnly(rows, null, sign, field);
}

function radixOnly(rows: readonly Row[], keys: readonly SortKey[] | null, sign: 1 | -1, field?: OrderField, nullsLast = false): Uint32Array | null {
  const n = rows.length;
  if (n < RADIX_MIN_ROWS || (keys === null && field === undefined)) return null;
  scratch.reset();
  const levels = radixLevels(rows, keys, sign, field, nullsLast);
  const order = levels ? radixOrder(levels, n) : null;
  // A copy: the scratch arrays are the next sort's.
  return order && !hasFullTies(order, levels as Uint32Array[]) ? order.slice() : null;
}

/**
 * The order's levels, most significant first: sort-key rank, process, PID, local port, remote
 * address (family tag + four 32-bit words), remote port, sequence number. Null when a row does
 * not fit (see orderRows).
 */
function radixLevels(rows: readonly Row[], keys: readonly SortKey[] | null, sign: 1 | -1, field?: OrderField, nullsLast = false): Uint32Array[] | null {
  const n = rows.length;
  // Ranked by the connection's own strings (few distinct; their hashes are cached), each folded once.
  const procIds = new Map<string | null, number>();
  const procOf = scratch.take(n);
  const addrs = new Array<string | null>(n);
  const pid = scratch.take(n);
  const lport = scratch.take(n);
  const rport = scratch.take(n);
  const seq = scratch.take(n);
  for (let i = 0; i < n; i++) {
    const c = rows[i].c;
    const name = c.process ?? null;
    let id = procIds.get(name);
    if (id === undefined) procIds.set(name, (id = procIds.size));
    procOf[i] = id;
    addrs[i] = shownRemoteAddress(c);
    const p = c.pid ?? null;
    if (p === null) pid[i] = NULL_U32;
    else if (Number.isInteger(p) && p >= 0 && p < NULL_U32) pid[i] = p;
    else return null;
    const lp = portLevel(c.localPort);
    const rp = portLevel(shownRemotePort(c));
    const s = rows[i].seq;
    if (lp < 0 || rp < 0 || !Number.isInteger(s) || s < 0 || s > NULL_U32) return null;
    lport[i] = lp;
    rport[i] = rp;
    seq[i] = s;
  }
  // strKey is the folded name, U+0000, the name: the check looks at the name.
  const names = [...procIds.keys()];
  if (names.some((name) => name !== null && hasSeparatorChar(name))) return null;
  const nameRank = rankKeys(names.map(strKey), 1) as Uint32Array;
  const proc = scratch.take(n);
  for (let i = 0; i < n; i++) proc[i] = nameRank[procOf[i]];
  const addr = addressLevels(addrs);
  if (!addr) return null;
  const all = [proc, pid, lport, ...addr, rport, seq];
  if (field === 'process' && sign === 1) return all; // the first tie level already is the sort
  const asc = field ? fieldLevels(field, rows, { proc, pid, lport, addr, rport }) : null;
  const primary = field ? asc : keys === null ? null : (integerLevels(keys, sign, nullsLast) ?? rankKeys(keys, sign, undefined, nullsLast));
  // Rows the sort finds equal share the sorted field's own levels: those tie levels order nothing
  // (five radix levels for a remote address sort).
  const own = asc ? new Set(asc) : null;
  const ties = own ? all.filter((l) => !own.has(l)) : all;
  if (!primary) return null;
  const levels = Array.isArray(primary) ? primary : [primary];
  // Descending: each level reversed (its null, stored as the largest value, comes first).
  return [...(field && sign === -1 ? levels.map(reversed) : levels), ...ties];
}

/** A level's values reversed (NULL_U32 − v), in a scratch array. */
function reversed(level: Uint32Array): Uint32Array {
  const out = scratch.take(level.length);
  for (let i = 0; i < level.length; i++) out[i] = NULL_U32 - level[i];
  return out;
}

/** Ascending levels of an OrderField: the tie levels already built, or the local addresses'. */
function fieldLevels(
  field: OrderField,
  rows: readonly Row[],
  t: { proc: Uint32Array; pid: Uint32Array; lport: Uint32Array; addr: Uint32Array[]; rport: Uint32Array },
): Uint32Array[] | null {
  switch (field) {
    case 'process':
      return [t.proc];
    case 'pid':
      return [t.pid];
    case 'localPort':
      return [t.lport];
    case 'remotePort':
      return [t.rport];
    case 'remoteAddress':
      return t.addr;
    case 'localAddress':
      return addressLevels(rows.map((r) => r.c.localAddress));
  }
}

/**
 * Keys that are all null or whole numbers in 0..2⁵³ (PIDs, ports, epoch ms) as three levels —
 * null tag, high and low 32 bits — without ranking them through a Map; null otherwise.
 */
function integerLevels(keys: readonly SortKey[], sign: 1 | -1, nullsLast = false): Uint32Array[] | null {
  const n = keys.length;
  const tag = scratch.take(n);
  const hi = scratch.take(n, true);
  const lo = scratch.take(n, true);
  // Ascending puts null last, descending first (the whole order reverses), unless nulls stay last.
  const nullTag = sign === 1 || nullsLast ? 1 : 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    if (k === null) {
      tag[i] = nullTag;
      continue;
    }
    if (typeof k !== 'number' || !Number.isSafeInteger(k) || k < 0) return null;
    tag[i] = 1 - nullTag;
    const h = Math.floor(k / 0x100000000);
    const l = k - h * 0x100000000;
    hi[i] = sign === 1 ? h : 0x1fffff - h;
    lo[i] = sign === 1 ? l : NULL_U32 - l;
  }
  return [tag, hi, lo];
}

/** Ports 0..65535, null (UDP remote, a listener's) after them as 65536; -1 when not a port number. */
function portLevel(p: number | null | undefined): number {
  if (p === null || p === undefined) return 65536;
  return Number.isInteger(p) && p >= 0 && p <= 65535 ? p : -1;
}

const wordCache = new Map<string, Uint32Array>();
const WORD_CACHE_MAX = 200_000;

/** An address as [tag, four 32-bit words] from its addressSortKey text (tag 0 IPv4, 1 IPv6, 2 text). */
function addressWords(a: string): Uint32Array {
  let words = wordCache.get(a);
  if (words !== undefined) return words;
  const k = addressSortKey(a);
  words = new Uint32Array(5);
  if (k[0] === '4') {
    words[1] = parseInt(k.slice(1, 9), 16);
  } else if (k[0] === '6') {
    words[0] = 1;
    for (let j = 0; j < 4; j++) words[j + 1] = parseInt(k.slice(1 + 8 * j, 9 + 8 * j), 16);
  } else {
    words[0] = 2;
  }
  if (wordCache.size >= WORD_CACHE_MAX) wordCache.clear();
  wordCache.set(a, words);
  return words;
}

/**
 * Remote addresses as five levels that order as addressSortKey text does: a tag (4 = IPv4,
 * 6 = IPv6, 9 = not an address, null last) and four 32-bit words (IPv4 in the first; text ranked).
 */
function addressLevels(addrs: readonly (string | null)[]): Uint32Array[] | null {
  const n = addrs.length;
  const tag = scratch.take(n);
  const w = [scratch.take(n, true), scratch.take(n, true), scratch.take(n, true), scratch.take(n, true)];
  // Only addresses that are not IP addresses need their text ranked (rare): made when one is met.
  let texts: (string | null)[] | null = null;
  let anyText = false;
  for (let i = 0; i < n; i++) {
    const a = addrs[i];
    if (a === null) {
      tag[i] = 3;
      continue;
    }
    // Most addresses are IPv4: read in place, cheaper than a cache lookup at 50k rows.
    const v4 = ipv4Value(a);
    if (v4 >= 0) {
      tag[i] = 0;
      w[0][i] = v4;
      continue;
    }
    const words = addressWords(a);
    tag[i] = words[0];
    if (words[0] === 2) {
      (texts ??= new Array<string | null>(n).fill(null))[i] = addressSortKey(a);
      anyText = true;
    } else {
      for (let j = 0; j < 4; j++) w[j][i] = words[j + 1];
    }
  }
  if (anyText && texts) {
    const ranked = rankKeys(texts, 1, hasSeparatorChar);
    if (!ranked) return null;
    for (let i = 0; i < n; i++) if (tag[i] === 2) w[0][i] = ranked[i];
  }
  return [tag, ...w];
}

/**
 * Each key's rank among the distinct keys (numbers numerically, strings by code unit, null last),
 * reversed for sign -1. Null when numbers and strings mix or a string fails `unfit` (for naturalKey's
 * fields: a character below U+0002 or U+FFFF, with which its joined text would order differently
 * from field by field: it joins fields with U+0001 and writes an absent one as U+FFFF).
 */
function rankKeys(keys: readonly SortKey[], sign: 1 | -1, unfit?: (s: string) => boolean, nullsLast = false): Uint32Array | null {
  const n = keys.length;
  const ranks = new Map<SortKey, number>();
  let strings = 0;
  let numbers = 0;
  for (let i = 0; i < n; i++) {
    const k = keys[i];
    if (ranks.has(k)) continue;
    ranks.set(k, 0);
    if (typeof k === 'string') strings++;
    else if (typeof k === 'number') numbers++;
  }
  if (strings > 0 && numbers > 0) return null;
  const hasNull = ranks.has(null);
  ranks.delete(null);
  let distinct: SortKey[];
  if (numbers > 0) {
    const nums = Float64Array.from(ranks.keys() as Iterable<number>);
    if (nums.some(Number.isNaN)) return null;
    distinct = Array.from(nums.sort());
  } else {
    distinct = [...ranks.keys()].sort();
    if (unfit && distinct.some((s) => unfit(s as string))) return null;
  }
  // Values in sign order; null after them ascending, before them descending unless nulls stay last.
  const u = distinct.length;
  const nullFirst = hasNull && sign === -1 && !nullsLast;
  const base = nullFirst ? 1 : 0;
  for (let r = 0; r < u; r++) ranks.set(distinct[r], base + (sign === 1 ? r : u - 1 - r));
  if (hasNull) ranks.set(null, nullFirst ? 0 : u);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = ranks.get(keys[i]) as number;
  return out;
}

/** A character naturalKey uses as a separator (U+0000, U+0001) or for an absent field (U+FFFF). */
function hasSeparatorChar(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 2 || c === 0xffff) return true;
  }
  return false;
}

/**
 * Stable LSD radix sort of indexes 0..n-1 by `levels` (most significant first). A level whose
 * values span less than 2¹⁶ (ranks, ports, PIDs, sequence numbers) takes one pass over just that
 * many buckets, a level with one value none; others two passes of 16-bit digits.
 */
function radixOrder(levels: readonly Uint32Array[], n: number): Uint32Array {
  let src = scratch.take(n);
  let dst = scratch.take(n);
  for (let i = 0; i < n; i++) src[i] = i;
  const count = buckets;
  for (let l = levels.length - 1; l >= 0; l--) {
    const key = levels[l];
    let min = key[0];
    let max = min;
    for (let i = 1; i < n; i++) {
      const k = key[i];
      if (k < min) min = k;
      if (k > max) max = k;
    }
    if (min === max) continue; // every row alike: this level orders nothing
    const narrow = max - min < 65536;
    for (let shift = 0; shift < (narrow ? 16 : 32); shift += 16) {
      // A digit is (key - base) >>> shift, in [0, size).
      const base = narrow ? min : 0;
      const size = narrow ? max - min + 1 : shift === 0 ? 65536 : (max >>> 16) + 1;
      count.fill(0, 0, size + 1);
      for (let i = 0; i < n; i++) count[(((key[i] - base) >>> shift) & 0xffff) + 1]++;
      // One bucket holds every row: this digit orders nothing.
      if (count[(((key[0] - base) >>> shift) & 0xffff) + 1] === n) continue;
      for (let b = 0; b < size - 1; b++) count[b + 1] += count[b];
      for (let i = 0; i < n; i++) {
        const x = src[i];
        dst[count[((key[x] - base) >>> shift) & 0xffff]++] = x;
      }
      const t = src;
      src = dst;
      dst = t;
    }
  }
  return src;
}

/** True when two neighbours agree on every level (a shared sequence number): tieBreak then needs ids. */
function hasFullTies(order: Uint32Array, levels: readonly Uint32Array[]): boolean {
  const seq = levels[levels.length - 1];
  for (let p = 1; p < order.length; p++) {
    const a = order[p - 1];
    const b = order[p];
    if (seq[a] !== seq[b]) continue;
    if (levels.every((k) => k[a] === k[b])) return true;
  }
  return false;
}
