// The pure snapshot diff: which rows of `next` are rows of `prev` (see identity.ts for the rule).
// No strings are built: sorted inputs are merge-joined, anything else goes through open-addressing
// hash tables of row indices keyed by a numeric hash of the key words. Rows that share a key form a
// group; a group of one on each side (nearly every row) is paired inline, larger groups go
// through matchGroup.
import { matchGroup, type RowDiff, type SlotArrays } from './identity';
import { KEY_WORDS, ROW_WORDS, W, type RowTable } from './rows';

export type { RowDiff, SlotArrays };

/** True when row `a` of `wa` has the same key as row `b` of `wb`. */
export function sameKey(wa: Uint32Array, a: number, wb: Uint32Array, b: number): boolean {
  const oa = a * ROW_WORDS;
  const ob = b * ROW_WORDS;
  // Unrolled (KEY_WORDS = 14), most varying words first: the hot loop of every diff.
  return (
    wa[oa + 12] === wb[ob + 12] &&
    wa[oa + 6] === wb[ob + 6] &&
    wa[oa + 8] === wb[ob + 8] &&
    wa[oa + 11] === wb[ob + 11] &&
    wa[oa + 5] === wb[ob + 5] &&
    wa[oa + 2] === wb[ob + 2] &&
    wa[oa + 0] === wb[ob + 0] &&
    wa[oa + 1] === wb[ob + 1] &&
    wa[oa + 3] === wb[ob + 3] &&
    wa[oa + 4] === wb[ob + 4] &&
    wa[oa + 7] === wb[ob + 7] &&
    wa[oa + 9] === wb[ob + 9] &&
    wa[oa + 10] === wb[ob + 10] &&
    wa[oa + 13] === wb[ob + 13]
  );
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

/** Pairs the single rows `p` and `n` of one key. */
function pairOne(pw: Uint32Array, p: number, nw: Uint32Array, n: number, out: RowDiff, prevOf: Int32Array | undefined, slots: SlotArrays | undefined): void {
  if (prevOf) prevOf[n] = p;
  if (slots) slots.next[n] = slots.prev[p];
  if (ownerDiffers(pw, p, nw, n)) out.changed.push({ prev: p, next: n });
}

const range = (from: number, to: number): number[] => {
  const r: number[] = [];
  for (let i = from; i < to; i++) r.push(i);
  return r;
};

/** Merge-join of two tables sorted in order `o`; runs of one key are groups. */
function mergeDiff(o: KeyOrder, prev: RowTable, next: RowTable, prevOf: Int32Array | undefined, slots: SlotArrays | undefined): RowDiff {
  const out: RowDiff = { opened: [], closed: [], changed: [] };
  const pw = prev.words;
  const nw = next.words;
  const pc = prev.count;
  const nc = next.count;
  let p = 0;
  let n = 0;
  const runEnd = (w: Uint32Array, count: number, i: number): number => {
    let j = i + 1;
    while (j < count && sameKey(w, i, w, j)) j++;
    return j;
  };
  const openRun = (from: number, to: number) => {
    for (let k = from; k < to; k++) {
      out.opened.push(k);
      if (prevOf) prevOf[k] = -1;
      if (slots) slots.next[k] = k - from;
    }
  };
  while (p < pc && n < nc) {
    const c = sameKey(pw, p, nw, n) ? 0 : compareIn(o, pw, p, nw, n);
    if (c < 0) {
      for (const end = runEnd(pw, pc, p); p < end; p++) out.closed.push(p);
    } else if (c > 0) {
      const end = runEnd(nw, nc, n);
      openRun(n, end);
      n = end;
    } else {
      const pe = runEnd(pw, pc, p);
      const ne = runEnd(nw, nc, n);
      if (pe - p === 1 && ne - n === 1) pairOne(pw, p, nw, n, out, prevOf, slots);
      else matchGroup(pw, range(p, pe), nw, range(n, ne), out, prevOf, slots);
      p = pe;
      n = ne;
    }
  }
  for (; p < pc; p++) out.closed.push(p);
  while (n < nc) {
    const end = runEnd(nw, nc, n);
    openRun(n, end);
    n = end;
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

const tableSize = (rows: number): number => {
  let size = 16;
  while (size < rows * 2) size <<= 1;
  return size;
};

const grow = (a: Int32Array, n: number): Int32Array => (a.length >= n ? a : new Int32Array(Math.max(n, Math.ceil(a.length * 1.5))));

/** Diffs successive snapshots; see createDiffer. */
export interface Differ {
  /**
   * Pairs the rows of `next` with those of `prev` (identity.ts). `prevOf`, when given (length ≥
   * next.count), receives for every next row its paired prev row or -1; `slots`, when given,
   * carries each row's slot from prev to next and gives opened rows theirs.
   */
  diff(prev: RowTable, next: RowTable, prevOf?: Int32Array, slots?: SlotArrays): RowDiff;
}

/**
 * A differ that keeps its hash index of keys from one call to the next: when `prev` is the table
 * it was last given as `next` (same object, same count, not written to since), the index already
 * holds prev's keys and only rows that moved or are new get hashed. Anything else rebuilds the
 * index from `prev`. Scratch grows to the largest tables seen and is reused: a steady poll
 * allocates nothing but its result.
 *
 * The index is open addressing with linear probing over `slots` interleaved as [hash, entry + 1]
 * (0 = empty), at most half full. An entry is one distinct key (a group); it remembers its hash,
 * the first of its rows in prev (`entRow`, -1 for a key first seen in this call; the others are
 * chained through `rowLink`) and their number (`entCount`), and the same for next in this call
 * (`entNext` + 1, `entNextCount`, valid when `entStamp` is this call's stamp).
 */
export function createDiffer(): Differ {
  let slotsIx: Int32Array = new Int32Array(32);
  let mask = 15;
  let entHash: Int32Array = new Int32Array(8);
  let entRow: Int32Array = new Int32Array(8);
  let entCount: Int32Array = new Int32Array(8);
  let entNext: Int32Array = new Int32Array(8);
  let entNextCount: Int32Array = new Int32Array(8);
  let entStamp: Int32Array = new Int32Array(8);
  /** 1 when the state or PID of entNext differs from entRow's (computed while both rows are in cache). */
  let entDiffers: Int32Array = new Int32Array(8);
  let free: Int32Array = new Int32Array(8);
  let freeTop = 0;
  let used = 0; // entry ids handed out since the last rebuild
  let live = 0;
  let stamp = 0;
  /** Entry of each row, and the next row of its group (-1: last), of the indexed table (prev) and of the table being diffed (next). */
  let rowEnt: Int32Array = new Int32Array(8);
  let rowLink: Int32Array = new Int32Array(8);
  let rowEntNext: Int32Array = new Int32Array(8);
  let rowLinkNext: Int32Array = new Int32Array(8);
  let created: Int32Array = new Int32Array(8);
  let indexed: RowTable | null = null;
  let indexedCount = 0;

  const alloc = (): number => (freeTop > 0 ? free[--freeTop] : used++);

  /** Backward-shift deletion: no tombstones, so probe lengths stay short however long it runs. */
  const remove = (e: number): void => {
    const sl = slotsIx;
    let i = entHash[e] & mask;
    while (sl[2 * i + 1] !== e + 1) i = (i + 1) & mask;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      if (sl[2 * j + 1] === 0) break;
      const home = sl[2 * j] & mask;
      // Move j into the hole at i unless its home lies cyclically in (i, j].
      if (i <= j ? home > i && home <= j : home > i || home <= j) continue;
      sl[2 * i] = sl[2 * j];
      sl[2 * i + 1] = sl[2 * j + 1];
      i = j;
    }
    sl[2 * i] = 0;
    sl[2 * i + 1] = 0;
    free[freeTop++] = e;
    live--;
  };

  /** Indexes `prev` afresh, with room for `extra` more keys. */
  const rebuild = (prev: RowTable, extra: number): void => {
    const pw = prev.words;
    const pc = prev.count;
    const size = tableSize(pc + extra);
    if (slotsIx.length < size * 2) slotsIx = new Int32Array(size * 2);
    else slotsIx.fill(0, 0, size * 2);
    mask = size - 1;
    const ents = size >> 1;
    entHash = grow(entHash, ents);
    entRow = grow(entRow, ents);
    entCount = grow(entCount, ents);
    entNext = grow(entNext, ents);
    entNextCount = grow(entNextCount, ents);
    entStamp = grow(entStamp, ents);
    entDiffers = grow(entDiffers, ents);
    free = grow(free, ents);
    entStamp.fill(0);
    rowEnt = grow(rowEnt, pc);
    rowLink = grow(rowLink, pc);
    freeTop = 0;
    stamp = 0;
    const sl = slotsIx;
    const m = mask;
    const eRow = entRow;
    const eCount = entCount;
    const eHash = entHash;
    const rEnt = rowEnt;
    const rLink = rowLink;
    let keys = 0;
    for (let i = 0; i < pc; i++) {
      const h = hashKey(pw, i);
      let s = h & m;
      let e = -1;
      for (;;) {
        const at = sl[2 * s + 1];
        if (at === 0) break;
        if (sl[2 * s] === h && sameKey(pw, eRow[at - 1], pw, i)) {
          e = at - 1;
          break;
        }
        s = (s + 1) & m;
      }
      if (e >= 0) {
        rLink[i] = eRow[e];
        eRow[e] = i;
        eCount[e]++;
      } else {
        e = keys; // ids in row order, so later passes walk the entry arrays nearly in sequence
        eHash[e] = h;
        eRow[e] = i;
        eCount[e] = 1;
        rLink[i] = -1;
        sl[2 * s] = h;
        sl[2 * s + 1] = e + 1;
        keys++;
      }
      rEnt[i] = e;
    }
    used = keys;
    live = keys;
    indexed = prev;
    indexedCount = pc;
  };

  // Scratch for groups of more than one row.
  const groupPrev: number[] = [];
  const groupNext: number[] = [];
  const chain = (into: number[], head: number, link: Int32Array): number[] => {
    into.length = 0;
    for (let r = head; r >= 0; r = link[r]) into.push(r);
    return into;
  };

  const hashDiff = (prev: RowTable, next: RowTable, prevOf: Int32Array | undefined, slots: SlotArrays | undefined): RowDiff => {
    const pw = prev.words;
    const nw = next.words;
    const pc = prev.count;
    const nc = next.count;
    if (prev !== indexed || pc !== indexedCount || (live + nc) * 2 > mask + 1 || stamp >= 0x3fffffff) rebuild(prev, nc);
    stamp++;
    rowEntNext = grow(rowEntNext, nc);
    rowLinkNext = grow(rowLinkNext, nc);
    created = grow(created, nc);
    // Locals, not the closure's variables, in the hot loops: V8 keeps them in registers.
    const slotsL = slotsIx;
    const maskL = mask;
    const eRow = entRow;
    const eCount = entCount;
    const eNext = entNext;
    const eNextCount = entNextCount;
    const eStamp = entStamp;
    const eHash = entHash;
    const eDiffers = entDiffers;
    const rEnt = rowEnt;
    const rLink = rowLink;
    const rEntNext = rowEntNext;
    const rLinkNext = rowLinkNext;
    const made = created;
    const st = stamp;
    let createdCount = 0;
    // OS tables mostly keep their order between polls: try the row after the last match first,
    // which skips hashing and a random probe for nearly every row of an unchanged stretch.
    let guess = 0;
    for (let n = 0; n < nc; n++) {
      let e = -1;
      if (guess < pc && sameKey(pw, guess, nw, n)) {
        e = rEnt[guess];
        guess++;
      } else {
        const h = hashKey(nw, n);
        let s = h & maskL;
        for (;;) {
          const at = slotsL[2 * s + 1];
          if (at === 0) break;
          if (slotsL[2 * s] === h) {
            const c = at - 1;
            const r = eRow[c];
            if (r >= 0 ? sameKey(pw, r, nw, n) : sameKey(nw, eNext[c] - 1, nw, n)) {
              e = c;
              break;
            }
          }
          s = (s + 1) & maskL;
        }
        if (e < 0) {
          // A key prev does not have: a new entry, whose key lives in next until the call ends.
          e = alloc();
          eHash[e] = h;
          eRow[e] = -1;
          eCount[e] = 0;
          slotsL[2 * s] = h;
          slotsL[2 * s + 1] = e + 1;
          made[createdCount++] = e;
          live++;
        } else if (eRow[e] >= 0) {
          guess = eRow[e] + 1;
        }
      }
      rEntNext[n] = e;
      // Final for a row alone on its key on both sides and for new keys (-1); groups are rewritten by matchGroup.
      if (prevOf) prevOf[n] = eRow[e];
      if (eStamp[e] !== st) {
        eStamp[e] = st;
        eNext[e] = n + 1;
        eNextCount[e] = 1;
        rLinkNext[n] = -1;
        const r = eRow[e];
        eDiffers[e] = r >= 0 && ownerDiffers(pw, r, nw, n) ? 1 : 0;
      } else {
        rLinkNext[n] = eNext[e] - 1;
        eNext[e] = n + 1;
        eNextCount[e]++;
      }
    }

    const out: RowDiff = { opened: [], closed: [], changed: [] };
    // Prev rows in row order: each group resolved once, at its first row in the index.
    let closedOrdered = true;
    for (let p = 0; p < pc; p++) {
      const e = rEnt[p];
      if (eRow[e] !== p) continue;
      if (eStamp[e] !== st) {
        if (eCount[e] === 1) out.closed.push(p);
        else {
          for (let r = p; r >= 0; r = rLink[r]) out.closed.push(r);
          closedOrdered = false;
        }
        remove(e);
      } else if (eCount[e] === 1 && eNextCount[e] === 1) {
        if (eDiffers[e] !== 0) out.changed.push({ prev: p, next: eNext[e] - 1 });
        if (slots) slots.next[eNext[e] - 1] = slots.prev[p];
      } else {
        matchGroup(pw, chain(groupPrev, p, rLink), nw, chain(groupNext, eNext[e] - 1, rLinkNext), out, prevOf, slots);
        closedOrdered = false;
      }
    }
    for (let k = 0; k < createdCount; k++) {
      const e = made[k];
      const head = eNext[e] - 1;
      if (eNextCount[e] === 1) {
        out.opened.push(head);
        if (slots) slots.next[head] = 0;
        continue;
      }
      // The chain runs from the last row back to the first: slots ascend with row order.
      let s = eNextCount[e];
      for (let r = head; r >= 0; r = rLinkNext[r]) {
        out.opened.push(r);
        if (slots) slots.next[r] = --s;
      }
    }
    out.opened.sort((a, b) => a - b);
    if (!closedOrdered) out.closed.sort((a, b) => a - b);
    // Next becomes the indexed table.
    for (let e = 0; e < used; e++) {
      if (eStamp[e] !== st) continue;
      eRow[e] = eNext[e] - 1;
      eCount[e] = eNextCount[e];
    }
    rowEnt = rEntNext;
    rowEntNext = rEnt;
    rowLink = rLinkNext;
    rowLinkNext = rLink;
    indexed = next;
    indexedCount = nc;
    return out;
  };

  // The key order the last `next` was sorted in (-1: none), so a chain checks each table once.
  let ordered: RowTable | null = null;
  let orderedCount = 0;
  let orderOfLast = -1;
  const firstOrder = (t: RowTable): number => KEY_ORDERS.findIndex((o) => sortedIn(o, t));

  return {
    diff(prev, next, prevOf, slots) {
      const po = prev === ordered && prev.count === orderedCount ? orderOfLast : firstOrder(prev);
      const o = po >= 0 && sortedIn(KEY_ORDERS[po], next) ? KEY_ORDERS[po] : null;
      ordered = next;
      orderedCount = next.count;
      orderOfLast = o ? po : firstOrder(next);
      if (!o) return hashDiff(prev, next, prevOf, slots);
      indexed = null; // the index no longer follows the tables
      return mergeDiff(o, prev, next, prevOf, slots);
    },
  };
}

const shared = createDiffer();

/**
 * The diff of two snapshots (see Differ.diff). Uses one differ shared by all callers; a caller
 * that diffs a chain of snapshots (each call's `next` the following call's `prev`, unmodified)
 * does better with its own createDiffer().
 */
export function diffTables(prev: RowTable, next: RowTable, prevOf?: Int32Array, slots?: SlotArrays): RowDiff {
  return shared.diff(prev, next, prevOf, slots);
}

/** Slots for every row of `t` on its own (as if every row had just opened): slot k for the k+1-th row of a key, in row order. */
export function freshSlots(t: RowTable, out: Uint32Array = new Uint32Array(Math.max(1, t.count))): Uint32Array {
  createDiffer().diff({ words: new Uint32Array(0), count: 0 }, t, undefined, { prev: new Uint32Array(0), next: out });
  return out;
}
