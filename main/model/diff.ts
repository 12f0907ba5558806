// The pure snapshot diff. Identity is the first KEY_WORDS words of a row (protocol, family, local
// and remote endpoints with scope ids) — never state or PID, since on Windows a TIME-WAIT row
// belongs to PID 0. No strings are built: sorted inputs are merge-joined, anything else goes
// through open-addressing hash tables of row indices keyed by a numeric hash of the key words.
//
// Duplicate keys (Windows may, rarely, list one tuple twice) collapse to a single representative
// per table — the row with the smallest (state, pid) — which does not depend on row order, so a
// duplicate that comes and goes or moves never yields phantom events.
import { KEY_WORDS, ROW_WORDS, W, type RowTable } from './rows';

export interface RowDiff {
  /** Indices into `next` of rows whose key is not in `prev`. */
  opened: number[];
  /** Indices into `prev` of rows whose key is not in `next`. */
  closed: number[];
  /** Rows present in both whose state or PID differ. */
  changed: { prev: number; next: number }[];
}

/** True when row `a` of `wa` has the same key as row `b` of `wb`. */
export function sameKey(wa: Uint32Array, a: number, wb: Uint32Array, b: number): boolean {
  const oa = a * ROW_WORDS;
  const ob = b * ROW_WORDS;
  for (let k = 0; k < KEY_WORDS; k++) if (wa[oa + k] !== wb[ob + k]) return false;
  return true;
}

/** Key order: <0, 0, >0 as the key of row a sorts before, equal to, after row b (word-wise, unsigned). */
export function compareKeys(wa: Uint32Array, a: number, wb: Uint32Array, b: number): number {
  const oa = a * ROW_WORDS;
  const ob = b * ROW_WORDS;
  for (let k = 0; k < KEY_WORDS; k++) {
    const x = wa[oa + k];
    const y = wb[ob + k];
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Of two rows with one key, whether row `a` is the representative rather than row `b`. */
export function preferRow(w: Uint32Array, a: number, b: number): boolean {
  const sa = w[a * ROW_WORDS + W.STATE];
  const sb = w[b * ROW_WORDS + W.STATE];
  if (sa !== sb) return sa < sb;
  const pa = w[a * ROW_WORDS + W.PID];
  const pb = w[b * ROW_WORDS + W.PID];
  return pa !== pb ? pa < pb : a < b;
}

/**
 * A key order a sorted OS table may use: key words compared in `words` order, unsigned, with the
 * port words optionally compared as their network-order bytes (byte-swapped). Each is a total
 * order over all KEY_WORDS words, so equal keys are adjacent in a table sorted by any of them.
 */
interface KeyOrder {
  words: Uint8Array;
  swapPorts: boolean;
}

const order = (words: number[], swapPorts: boolean): KeyOrder => ({ words: Uint8Array.from(words), swapPorts });
const L = [W.LADDR, W.LADDR + 1, W.LADDR + 2, W.LADDR + 3];
const R = [W.RADDR, W.RADDR + 1, W.RADDR + 2, W.RADDR + 3];
/**
 * Our word order first; then the orders Windows documents for Order=TRUE: local address, (scope,)
 * port, remote address, (scope,) port — IPv6 tables put the scope id before the port. Protocol
 * and family are constant within one OS table and ascend across the concatenated ones.
 */
const KEY_ORDERS: readonly KeyOrder[] = [
  order([W.PROTO, W.FAMILY, ...L, W.LPORT, W.LSCOPE, ...R, W.RPORT, W.RSCOPE], false),
  order([W.PROTO, W.FAMILY, ...L, W.LSCOPE, W.LPORT, ...R, W.RSCOPE, W.RPORT], false),
  order([W.PROTO, W.FAMILY, ...L, W.LPORT, W.LSCOPE, ...R, W.RPORT, W.RSCOPE], true),
  order([W.PROTO, W.FAMILY, ...L, W.LSCOPE, W.LPORT, ...R, W.RSCOPE, W.RPORT], true),
];

const swap16 = (x: number): number => ((x & 0xff) << 8) | ((x >>> 8) & 0xff);

/** Like compareKeys, under `o`. */
function compareIn(o: KeyOrder, wa: Uint32Array, a: number, wb: Uint32Array, b: number): number {
  const oa = a * ROW_WORDS;
  const ob = b * ROW_WORDS;
  const words = o.words;
  for (let i = 0; i < KEY_WORDS; i++) {
    const k = words[i];
    let x = wa[oa + k];
    let y = wb[ob + k];
    if (x !== y) {
      if (o.swapPorts && (k === W.LPORT || k === W.RPORT)) {
        x = swap16(x);
        y = swap16(y);
      }
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

function sortedIn(o: KeyOrder, t: RowTable): boolean {
  const w = t.words;
  for (let i = 1; i < t.count; i++) if (compareIn(o, w, i - 1, w, i) > 0) return false;
  return true;
}

/** An order both tables are sorted in, or null. Unsorted tables fail each check within a few rows. */
function commonOrder(prev: RowTable, next: RowTable): KeyOrder | null {
  for (const o of KEY_ORDERS) if (sortedIn(o, prev) && sortedIn(o, next)) return o;
  return null;
}

/** Which of the known key orders (0-based) both tables are sorted in, or -1: the merge path's condition. */
export function sharedKeyOrder(prev: RowTable, next: RowTable): number {
  const o = commonOrder(prev, next);
  return o ? KEY_ORDERS.indexOf(o) : -1;
}

function ownerDiffers(pw: Uint32Array, p: number, nw: Uint32Array, n: number): boolean {
  return pw[p * ROW_WORDS + W.STATE] !== nw[n * ROW_WORDS + W.STATE] || pw[p * ROW_WORDS + W.PID] !== nw[n * ROW_WORDS + W.PID];
}

/**
 * `prevOf`, when given (length ≥ next.count), receives for every row of `next` the representative
 * row of its key in `prev`, or -1 where the key is new: what lets a caller carry per-row facts
 * (such as the owner's name) from one snapshot to the next.
 */
export function diffTables(prev: RowTable, next: RowTable, prevOf?: Int32Array): RowDiff {
  const o = commonOrder(prev, next);
  return o ? mergeDiff(o, prev, next, prevOf) : hashDiff(prev, next, prevOf);
}

/**
 * Merge-join of two tables sorted in order `o`. Runs of equal keys (duplicates) collapse to their
 * representative; the common case, a run of one, costs one extra key comparison.
 */
function mergeDiff(o: KeyOrder, prev: RowTable, next: RowTable, prevOf: Int32Array | undefined): RowDiff {
  const out: RowDiff = { opened: [], closed: [], changed: [] };
  const pw = prev.words;
  const nw = next.words;
  const pc = prev.count;
  const nc = next.count;
  let p = 0;
  let n = 0;
  let rep = 0;
  // Advances past the run starting at `i` in `w`, leaving its representative in `rep`.
  const runEnd = (w: Uint32Array, count: number, i: number): number => {
    rep = i;
    let j = i + 1;
    while (j < count && sameKey(w, i, w, j)) {
      if (preferRow(w, j, rep)) rep = j;
      j++;
    }
    return j;
  };
  const mark = (from: number, to: number, v: number) => {
    if (prevOf) prevOf.fill(v, from, to);
  };
  while (p < pc && n < nc) {
    const c = compareIn(o, pw, p, nw, n);
    if (c < 0) {
      p = runEnd(pw, pc, p);
      out.closed.push(rep);
    } else if (c > 0) {
      const n0 = n;
      n = runEnd(nw, nc, n);
      mark(n0, n, -1);
      out.opened.push(rep);
    } else {
      p = runEnd(pw, pc, p);
      const rp = rep;
      const n0 = n;
      n = runEnd(nw, nc, n);
      mark(n0, n, rp);
      if (ownerDiffers(pw, rp, nw, rep)) out.changed.push({ prev: rp, next: rep });
    }
  }
  while (p < pc) {
    p = runEnd(pw, pc, p);
    out.closed.push(rep);
  }
  while (n < nc) {
    const n0 = n;
    n = runEnd(nw, nc, n);
    mark(n0, n, -1);
    out.opened.push(rep);
  }
  return out;
}

/** A 32-bit hash of row i's key: multiply-rotate per word, then the murmur3 finalizer. */
function hashKey(w: Uint32Array, i: number): number {
  const o = i * ROW_WORDS;
  let h = 0x9747b28c;
  for (let k = 0; k < KEY_WORDS; k++) {
    h = Math.imul(h ^ w[o + k], 0xcc9e2d51);
    h = (h << 15) | (h >>> 17);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

// Scratch reused by every hash diff (diffs run synchronously and never nest): a steady poll
// allocates nothing here. Each grows to the largest table seen and stays that size.
/** Open-addressing slots, interleaved [hash, row + 1] so a probe reads one cache line; 0 = empty. */
let slotBuf: Int32Array = new Int32Array(32);
/** Per prev row: its slot (only read when the table holds duplicate keys). */
let slotOfBuf: Int32Array = new Int32Array(16);
/** Per prev representative row: the preferred next row with its key, + 1 (0 = none). */
let matchedBuf: Int32Array = new Int32Array(16);
/** Next rows whose key is not in prev. */
let unmatchedBuf: Int32Array = new Int32Array(16);
/** Slots of the index over the unmatched rows. */
let openSlotBuf: Int32Array = new Int32Array(32);

const grow = (a: Int32Array, n: number): Int32Array => (a.length >= n ? a : new Int32Array(Math.max(n, a.length * 2)));
const tableSize = (rows: number): number => {
  let size = 16;
  while (size < rows * 2) size <<= 1;
  return size;
};

/**
 * Hash join for unsorted input: index `prev`'s keys (collapsing duplicates to their
 * representative), probe it with every row of `next`. OS tables mostly keep their order between
 * polls, so each next row is first compared with the prev row after the last match, which skips
 * hashing and a random probe for nearly every row of an unchanged stretch.
 */
function hashDiff(prev: RowTable, next: RowTable, prevOf: Int32Array | undefined): RowDiff {
  const out: RowDiff = { opened: [], closed: [], changed: [] };
  const pw = prev.words;
  const nw = next.words;
  const pc = prev.count;
  const nc = next.count;

  const size = tableSize(pc);
  const mask = size - 1;
  slotBuf = grow(slotBuf, size * 2);
  slotOfBuf = grow(slotOfBuf, pc);
  matchedBuf = grow(matchedBuf, pc);
  const slots = slotBuf;
  const slotOf = slotOfBuf;
  const matched = matchedBuf;
  slots.fill(0, 0, size * 2);
  matched.fill(0, 0, pc);

  let dups = false;
  for (let i = 0; i < pc; i++) {
    const h = hashKey(pw, i);
    let s = h & mask;
    for (;;) {
      const at = slots[2 * s + 1];
      if (at === 0) {
        slots[2 * s] = h;
        slots[2 * s + 1] = i + 1;
        break;
      }
      if (slots[2 * s] === h && sameKey(pw, at - 1, pw, i)) {
        dups = true;
        if (preferRow(pw, i, at - 1)) slots[2 * s + 1] = i + 1;
        break;
      }
      s = (s + 1) & mask;
    }
    slotOf[i] = s;
  }
  /** The representative of prev row p's key. */
  const repOf = (p: number): number => (dups ? slots[2 * slotOf[p] + 1] - 1 : p);

  unmatchedBuf = grow(unmatchedBuf, nc);
  const unmatched = unmatchedBuf;
  let un = 0;
  let guess = 0;
  for (let n = 0; n < nc; n++) {
    let r = -1;
    if (guess < pc && sameKey(pw, guess, nw, n)) {
      r = repOf(guess);
      guess++;
    } else {
      const h = hashKey(nw, n);
      let s = h & mask;
      for (;;) {
        const at = slots[2 * s + 1];
        if (at === 0) break;
        if (slots[2 * s] === h && sameKey(pw, at - 1, nw, n)) {
          r = at - 1;
          guess = at; // the row after the representative
          break;
        }
        s = (s + 1) & mask;
      }
    }
    if (prevOf) prevOf[n] = r;
    if (r < 0) {
      unmatched[un++] = n;
      continue;
    }
    const m = matched[r];
    if (m === 0 || preferRow(nw, n, m - 1)) matched[r] = n + 1;
  }

  // Prev rows in row order: each key reported once, at its representative.
  for (let p = 0; p < pc; p++) {
    if (dups && repOf(p) !== p) continue;
    const m = matched[p];
    if (m === 0) out.closed.push(p);
    else if (ownerDiffers(pw, p, nw, m - 1)) out.changed.push({ prev: p, next: m - 1 });
  }
  if (un > 0) collapseOpened(next, unmatched, un, out.opened);
  return out;
}

/** Appends the representatives of the keys among next rows `rows[0..count)` to `opened`, in row order. */
function collapseOpened(next: RowTable, rows: Int32Array, count: number, opened: number[]): void {
  const nw = next.words;
  const size = tableSize(count);
  const mask = size - 1;
  openSlotBuf = grow(openSlotBuf, size * 2);
  const slots = openSlotBuf;
  slots.fill(0, 0, size * 2);
  let dups = false;
  for (let k = 0; k < count; k++) {
    const i = rows[k];
    const h = hashKey(nw, i);
    let s = h & mask;
    for (;;) {
      const at = slots[2 * s + 1];
      if (at === 0) {
        slots[2 * s] = h;
        slots[2 * s + 1] = i + 1;
        break;
      }
      if (slots[2 * s] === h && sameKey(nw, at - 1, nw, i)) {
        dups = true;
        if (preferRow(nw, i, at - 1)) slots[2 * s + 1] = i + 1;
        break;
      }
      s = (s + 1) & mask;
    }
  }
  // Without duplicates every row is its key's representative; otherwise look each row up again.
  if (!dups) {
    for (let k = 0; k < count; k++) opened.push(rows[k]);
    return;
  }
  for (let k = 0; k < count; k++) {
    const i = rows[k];
    const h = hashKey(nw, i);
    let s = h & mask;
    while (!(slots[2 * s] === h && sameKey(nw, slots[2 * s + 1] - 1, nw, i))) s = (s + 1) & mask;
    if (slots[2 * s + 1] === i + 1) opened.push(i);
  }
}
