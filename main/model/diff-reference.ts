// The obvious diff, for tests: string keys in Maps. It defines what createDiffer / diffTables must
// return (the unit tests compare them on random tables, the Wine tests on real Windows reads), so
// it is kept deliberately simple and slow; nothing in the app uses it. The rule is identity.ts's.
import type { RowDiff } from './diff';
import { KEY_WORDS, ROW_WORDS, W, type RowTable } from './rows';

const keyOf = (t: RowTable, i: number): string => Array.from(t.words.subarray(i * ROW_WORDS, i * ROW_WORDS + KEY_WORDS)).join(',');

export interface Reference {
  diff: RowDiff;
  /** next row → paired prev row, or -1. */
  prevOf: number[];
  /** Slot of every next row, given the prev rows' slots. */
  slots: number[];
}

/**
 * The identity rule written the obvious way: string keys in a Map, each key's rows sorted by
 * (pid, state, index) on both sides, then paired greedily — equal (pid, state), then equal pid,
 * then the rest in order; the surplus opened / closed. Opened rows take the smallest free slots.
 */
export function naiveIdentity(prev: RowTable, next: RowTable, prevSlots: ArrayLike<number> = new Uint32Array(prev.count)): Reference {
  const groups = (t: RowTable) => {
    const m = new Map<string, number[]>();
    for (let i = 0; i < t.count; i++) {
      const k = keyOf(t, i);
      const g = m.get(k);
      if (g) g.push(i);
      else m.set(k, [i]);
    }
    return m;
  };
  const pid = (t: RowTable, i: number) => t.words[i * ROW_WORDS + W.PID];
  const state = (t: RowTable, i: number) => t.words[i * ROW_WORDS + W.STATE];
  const order = (t: RowTable) => (a: number, b: number) => pid(t, a) - pid(t, b) || state(t, a) - state(t, b) || a - b;
  const pg = groups(prev);
  const ng = groups(next);
  const out: RowDiff = { opened: [], closed: [], changed: [] };
  const prevOf = new Array<number>(next.count).fill(-1);
  const slots = new Array<number>(next.count).fill(-1);
  for (const [k, nrows] of ng) {
    const prows = [...(pg.get(k) ?? [])].sort(order(prev));
    const nsorted = [...nrows].sort(order(next));
    const taken = new Set<number>();
    const pairs = new Map<number, number>();
    const passes: ((p: number, n: number) => boolean)[] = [
      (p, n) => pid(prev, p) === pid(next, n) && state(prev, p) === state(next, n),
      (p, n) => pid(prev, p) === pid(next, n),
      () => true,
    ];
    for (const same of passes) {
      for (const p of prows) {
        if (pairs.has(p)) continue;
        const n = nsorted.find((x) => !taken.has(x) && same(p, x));
        if (n === undefined) continue;
        pairs.set(p, n);
        taken.add(n);
      }
    }
    for (const [p, n] of pairs) {
      prevOf[n] = p;
      slots[n] = prevSlots[p];
      if (state(prev, p) !== state(next, n) || pid(prev, p) !== pid(next, n)) out.changed.push({ prev: p, next: n });
    }
    for (const p of prows) if (!pairs.has(p)) out.closed.push(p);
    const inUse = new Set([...pairs.keys()].map((p) => prevSlots[p]));
    let s = 0;
    for (const n of [...nrows].sort((a, b) => a - b)) {
      if (taken.has(n)) continue;
      out.opened.push(n);
      while (inUse.has(s)) s++;
      slots[n] = s++;
    }
  }
  for (const [k, prows] of pg) if (!ng.has(k)) out.closed.push(...prows);
  return { diff: normalizeDiff(out), prevOf, slots };
}

/** The events of naiveIdentity alone, lists sorted ascending (`changed` by `next`). */
export const naiveDiff = (prev: RowTable, next: RowTable): RowDiff => naiveIdentity(prev, next).diff;

/** A RowDiff with its lists sorted, so two diffs compare with toEqual whatever order they listed rows in. */
export const normalizeDiff = (d: RowDiff): RowDiff => ({
  opened: [...d.opened].sort((a, b) => a - b),
  closed: [...d.closed].sort((a, b) => a - b),
  changed: [...d.changed].sort((a, b) => a.next - b.next),
});

