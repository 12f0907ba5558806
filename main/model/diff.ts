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

function isSorted(t: RowTable): boolean {
  for (let i = 1; i < t.count; i++) if (compareKeys(t.words, i - 1, t.words, i) > 0) return false;
  return true;
}

function ownerDiffers(pw: Uint32Array, p: number, nw: Uint32Array, n: number): boolean {
  return pw[p * ROW_WORDS + W.STATE] !== nw[n * ROW_WORDS + W.STATE] || pw[p * ROW_WORDS + W.PID] !== nw[n * ROW_WORDS + W.PID];
}

export function diffTables(prev: RowTable, next: RowTable): RowDiff {
  return isSorted(prev) && isSorted(next) ? mergeDiff(prev, next) : hashDiff(prev, next);
}

/**
 * Merge-join of two key-sorted tables. Runs of equal keys (duplicates) collapse to their
 * representative; the common case, a run of one, costs one extra key comparison.
 */
function mergeDiff(prev: RowTable, next: RowTable): RowDiff {
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
  while (p < pc && n < nc) {
    const c = compareKeys(pw, p, nw, n);
    if (c < 0) {
      p = runEnd(pw, pc, p);
      out.closed.push(rep);
    } else if (c > 0) {
      n = runEnd(nw, nc, n);
      out.opened.push(rep);
    } else {
      p = runEnd(pw, pc, p);
      const rp = rep;
      n = runEnd(nw, nc, n);
      if (ownerDiffers(pw, rp, nw, rep)) out.changed.push({ prev: rp, next: rep });
    }
  }
  while (p < pc) {
    p = runEnd(pw, pc, p);
    out.closed.push(rep);
  }
  while (n < nc) {
    n = runEnd(nw, nc, n);
    out.opened.push(rep);
  }
  return out;
}

function hashKey(w: Uint32Array, i: number): number {
  // Multiply-rotate over the key words, then a murmur3 finalizer to spread the low bits.
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

/**
 * Open-addressing index of a table's unique keys. `slots` hold the representative's row index + 1
 * (0 = empty); `hashes` cache every row's hash so probes compare hashes before key words;
 * `slotOf` gives each row the slot of its key.
 */
interface KeyIndex {
  slots: Int32Array;
  mask: number;
  hashes: Int32Array;
  slotOf: Int32Array;
}

function indexKeys(t: RowTable, rows: ArrayLike<number> | null, count: number): KeyIndex {
  let size = 16;
  while (size < count * 2) size <<= 1;
  const slots = new Int32Array(size);
  const hashes = new Int32Array(t.count);
  const slotOf = new Int32Array(t.count);
  const mask = size - 1;
  const w = t.words;
  for (let r = 0; r < count; r++) {
    const i = rows ? rows[r] : r;
    const h = hashKey(w, i);
    hashes[i] = h;
    let s = h & mask;
    for (;;) {
      const at = slots[s];
      if (at === 0) {
        slots[s] = i + 1;
        break;
      }
      const j = at - 1;
      if (hashes[j] === h && sameKey(w, j, w, i)) {
        if (preferRow(w, i, j)) slots[s] = i + 1;
        break;
      }
      s = (s + 1) & mask;
    }
    slotOf[i] = s;
  }
  return { slots, mask, hashes, slotOf };
}

/**
 * Hash join for unsorted input: index `prev`, probe it with every row of `next`. Each prev key
 * remembers the representative of the next rows that matched it, so duplicates in `next` collapse
 * too; next rows with no match (the few opened ones) are indexed separately to collapse theirs.
 */
function hashDiff(prev: RowTable, next: RowTable): RowDiff {
  const out: RowDiff = { opened: [], closed: [], changed: [] };
  const ix = indexKeys(prev, null, prev.count);
  const { slots, mask, hashes } = ix;
  const pw = prev.words;
  const nw = next.words;
  const matchedBy = new Int32Array(slots.length); // next row + 1 per prev slot
  const unmatched: number[] = [];
  const slotOf = ix.slotOf;
  // OS tables mostly keep their order between polls: try the row after the last match first,
  // which skips hashing and a random probe for nearly every row of an unchanged stretch.
  let guess = 0;
  for (let n = 0; n < next.count; n++) {
    let found = -1;
    if (guess < prev.count && sameKey(pw, guess, nw, n)) {
      found = slotOf[guess];
      guess++;
      const m = matchedBy[found];
      if (m === 0 || preferRow(nw, n, m - 1)) matchedBy[found] = n + 1;
      continue;
    }
    const h = hashKey(nw, n);
    let s = h & mask;
    for (;;) {
      const at = slots[s];
      if (at === 0) break;
      const j = at - 1;
      if (hashes[j] === h && sameKey(pw, j, nw, n)) {
        found = s;
        break;
      }
      s = (s + 1) & mask;
    }
    if (found >= 0) guess = slots[found]; // the representative's index + 1: the row after it
    if (found < 0) {
      unmatched.push(n);
      continue;
    }
    const m = matchedBy[found];
    if (m === 0 || preferRow(nw, n, m - 1)) matchedBy[found] = n + 1;
  }
  // Prev rows in row order: each key reported once, at its representative.
  for (let p = 0; p < prev.count; p++) {
    const s = slotOf[p];
    if (slots[s] !== p + 1) continue;
    const m = matchedBy[s];
    if (m === 0) out.closed.push(p);
    else if (ownerDiffers(pw, p, nw, m - 1)) out.changed.push({ prev: p, next: m - 1 });
  }
  if (unmatched.length > 0) {
    const ox = indexKeys(next, unmatched, unmatched.length);
    for (const n of unmatched) if (ox.slots[ox.slotOf[n]] === n + 1) out.opened.push(n);
  }
  return out;
}
