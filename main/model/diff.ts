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

/** End of the run of rows equal in key to row `i`, and its representative. */
function run(t: RowTable, i: number): { end: number; rep: number } {
  let rep = i;
  let j = i + 1;
  while (j < t.count && sameKey(t.words, i, t.words, j)) {
    if (preferRow(t.words, j, rep)) rep = j;
    j++;
  }
  return { end: j, rep };
}

function mergeDiff(prev: RowTable, next: RowTable): RowDiff {
  const out: RowDiff = { opened: [], closed: [], changed: [] };
  const pw = prev.words;
  const nw = next.words;
  let p = 0;
  let n = 0;
  while (p < prev.count && n < next.count) {
    const c = compareKeys(pw, p, nw, n);
    if (c < 0) {
      const r = run(prev, p);
      out.closed.push(r.rep);
      p = r.end;
    } else if (c > 0) {
      const r = run(next, n);
      out.opened.push(r.rep);
      n = r.end;
    } else {
      const rp = run(prev, p);
      const rn = run(next, n);
      if (ownerDiffers(pw, rp.rep, nw, rn.rep)) out.changed.push({ prev: rp.rep, next: rn.rep });
      p = rp.end;
      n = rn.end;
    }
  }
  while (p < prev.count) {
    const r = run(prev, p);
    out.closed.push(r.rep);
    p = r.end;
  }
  while (n < next.count) {
    const r = run(next, n);
    out.opened.push(r.rep);
    n = r.end;
  }
  return out;
}

function hashKey(w: Uint32Array, i: number): number {
  // FNV-style multiply-xor over the key words, then a murmur3 finalizer to spread the low bits.
  let h = 0x811c9dc5 | 0;
  const o = i * ROW_WORDS;
  for (let k = 0; k < KEY_WORDS; k++) h = Math.imul(h ^ w[o + k], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) | 0;
}

/**
 * Open-addressing set of one table's unique keys: slots hold row index + 1 (0 = empty) of the
 * key's representative; `hashes` caches each row's hash so probes compare hashes before keys.
 */
interface KeySet {
  slots: Int32Array;
  mask: number;
  hashes: Int32Array;
}

function buildKeySet(t: RowTable): KeySet {
  let size = 16;
  while (size < t.count * 2) size <<= 1;
  const slots = new Int32Array(size);
  const hashes = new Int32Array(t.count);
  const mask = size - 1;
  const w = t.words;
  for (let i = 0; i < t.count; i++) {
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
  }
  return { slots, mask, hashes };
}

/** Slot of `set` holding the key of row `i` of `w` (hash `h`), or -1. */
function findSlot(set: KeySet, tw: Uint32Array, w: Uint32Array, i: number, h: number): number {
  let s = h & set.mask;
  for (;;) {
    const at = set.slots[s];
    if (at === 0) return -1;
    const j = at - 1;
    if (set.hashes[j] === h && sameKey(tw, j, w, i)) return s;
    s = (s + 1) & set.mask;
  }
}

function hashDiff(prev: RowTable, next: RowTable): RowDiff {
  const out: RowDiff = { opened: [], closed: [], changed: [] };
  const ps = buildKeySet(prev);
  const ns = buildKeySet(next);
  const matched = new Uint8Array(ps.slots.length);
  for (let s = 0; s < ns.slots.length; s++) {
    const at = ns.slots[s];
    if (at === 0) continue;
    const n = at - 1;
    const ps_ = findSlot(ps, prev.words, next.words, n, ns.hashes[n]);
    if (ps_ < 0) {
      out.opened.push(n);
      continue;
    }
    matched[ps_] = 1;
    const p = ps.slots[ps_] - 1;
    if (ownerDiffers(prev.words, p, next.words, n)) out.changed.push({ prev: p, next: n });
  }
  for (let s = 0; s < ps.slots.length; s++) {
    if (ps.slots[s] !== 0 && matched[s] === 0) out.closed.push(ps.slots[s] - 1);
  }
  // Slot order is hash order; report in row order so consumers see the OS's ordering.
  out.opened.sort((a, b) => a - b);
  out.closed.sort((a, b) => a - b);
  out.changed.sort((a, b) => a.next - b.next);
  return out;
}
