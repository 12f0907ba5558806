// The identity rule: what makes a row of one snapshot the same socket as a row of the next.
//
// One row per socket the OS lists. Rows are grouped by their endpoint key (the first KEY_WORDS
// words: protocol, family, local and remote endpoints with scope ids). Several sockets can share a
// key (SO_REUSEPORT workers, a UDP port such as 5353 held by several processes, a listener
// inherited by a forked child), so within one key group prev and next rows are paired:
//   1. rows with the same owner and state (nothing happened to them),
//   2. then rows with the same owner (a state change),
//   3. then the rest, in (PID, state, row) order, as owner changes (on Windows a connection entering
//      TIME-WAIT belongs to PID 0; a child inherits a socket its parent closes),
// and whatever is left over is `opened` (next) or `closed` (prev). A group of one row on each side,
// the common case, is just a pair. Owners here are PIDs: the row table carries no start time, and
// a PID reused within one poll interval on the very same endpoint is not worth a slower diff.
//
// Each row also holds a slot: its rank among the live sockets of its key, given when the row opens
// (the smallest slot its group does not use) and carried through every pairing above, so a row's
// id (connectionId: the key, plus ` #2`, ` #3`… from the second slot on) is unique among live
// rows and stable for the row's life.
import { ROW_WORDS, W } from './rows';

/** Prev → next pairing of one diff, as indices into the two tables. */
export interface RowDiff {
  /** Indices into `next` of rows paired with no row of `prev`. */
  opened: number[];
  /** Indices into `prev` of rows paired with no row of `next`. */
  closed: number[];
  /** Paired rows whose state or PID differ. */
  changed: { prev: number; next: number }[];
}

/** Slot arrays of the two tables (see the module comment): `prev` is read, `next` is written for every next row. */
export interface SlotArrays {
  prev: Uint32Array;
  next: Uint32Array;
}

/** Order of rows inside a key group: PID, then state, then row index (unsigned words). */
function ownerOrder(w: Uint32Array, a: number, b: number): number {
  const pa = w[a * ROW_WORDS + W.PID];
  const pb = w[b * ROW_WORDS + W.PID];
  if (pa !== pb) return pa < pb ? -1 : 1;
  const sa = w[a * ROW_WORDS + W.STATE];
  const sb = w[b * ROW_WORDS + W.STATE];
  if (sa !== sb) return sa < sb ? -1 : 1;
  return a - b;
}

/** Pairs the unpaired rows of two lists sorted by ownerOrder that `cmp` (an order coarser than ownerOrder) calls equal; marks them in `pn` / `np`. */
function pairEqual(pr: number[], nr: number[], pn: Int32Array, np: Int32Array, cmp: (i: number, j: number) => number): void {
  let i = 0;
  let j = 0;
  while (i < pr.length && j < nr.length) {
    if (pn[i] >= 0) {
      i++;
      continue;
    }
    if (np[j] >= 0) {
      j++;
      continue;
    }
    const c = cmp(pr[i], nr[j]);
    if (c === 0) {
      pn[i] = j;
      np[j] = i;
      i++;
      j++;
    } else if (c < 0) i++;
    else j++;
  }
}

/**
 * Pairs the rows of one key group (rows `prevRows` of `pw`, `nextRows` of `nw`; both lists are
 * sorted in place) by the rule above, appending to `out`, writing `prevOf[n]` for every next row
 * (its prev row, or -1) and, with `slots`, the next rows' slots.
 */
export function matchGroup(
  pw: Uint32Array,
  prevRows: number[],
  nw: Uint32Array,
  nextRows: number[],
  out: RowDiff,
  prevOf: Int32Array | undefined,
  slots: SlotArrays | undefined,
): void {
  prevRows.sort((a, b) => ownerOrder(pw, a, b));
  nextRows.sort((a, b) => ownerOrder(nw, a, b));
  const pn = new Int32Array(prevRows.length).fill(-1);
  const np = new Int32Array(nextRows.length).fill(-1);
  const pid = (w: Uint32Array, r: number) => w[r * ROW_WORDS + W.PID];
  const state = (w: Uint32Array, r: number) => w[r * ROW_WORDS + W.STATE];
  const byPid = (p: number, n: number) => (pid(pw, p) === pid(nw, n) ? 0 : pid(pw, p) < pid(nw, n) ? -1 : 1);
  pairEqual(prevRows, nextRows, pn, np, (p, n) => byPid(p, n) || (state(pw, p) === state(nw, n) ? 0 : state(pw, p) < state(nw, n) ? -1 : 1));
  pairEqual(prevRows, nextRows, pn, np, byPid);
  pairEqual(prevRows, nextRows, pn, np, () => 0);
  let used = 0; // bit k: slot k is held by a paired row (groups past 31 rows fall back to a scan)
  const held: number[] = [];
  for (let j = 0; j < nextRows.length; j++) {
    const n = nextRows[j];
    const i = np[j];
    if (i < 0) continue;
    const p = prevRows[i];
    if (prevOf) prevOf[n] = p;
    if (slots) {
      const s = slots.prev[p];
      slots.next[n] = s;
      if (s < 31) used |= 1 << s;
      else held.push(s);
    }
    if (state(pw, p) !== state(nw, n) || pid(pw, p) !== pid(nw, n)) out.changed.push({ prev: p, next: n });
  }
  const gone = prevRows.filter((_, i) => pn[i] < 0).sort((a, b) => a - b);
  for (const p of gone) out.closed.push(p);
  const fresh = nextRows.filter((_, j) => np[j] < 0).sort((a, b) => a - b);
  let s = 0;
  for (const n of fresh) {
    if (prevOf) prevOf[n] = -1;
    out.opened.push(n);
    if (!slots) continue;
    while ((s < 31 && (used & (1 << s)) !== 0) || (s >= 31 && held.includes(s))) s++;
    slots.next[n] = s++;
  }
}
