// The filtered, sorted list of rows the Connections table shows. Rebuilt in full only when the
// filter or sort changes; a batch only re-places the rows it touched (remove + sorted merge), so
// streaming batches over 50k rows cost O(n + k log k) and never O(n log n) or worse.
import { compareSortKeys, tieBreak, type KeyedComparator, type SortKey } from './columns';
import { orderRows } from './rowOrder';
import type { Row } from './rows';
import type { ChangeSet } from './store';

export type RowPredicate = (r: Row) => boolean;
export type RowComparator = (a: Row, b: Row) => number;

/** Above this share of changed rows a full rebuild is cheaper than a merge. */
const REBUILD_SHARE = 0.5;

interface Keyed {
  sortKey: (r: Row) => SortKey;
  sign: 1 | -1;
}

export class SortedView {
  rows: Row[] = [];
  /**
   * With a keyed comparator (see KeyedComparator): each row's sort key, parallel to `rows`, so a
   * merge compares plain values and ties by sequence number and never calls the column comparator.
   */
  private keys: SortKey[] | null = null;

  constructor(
    private predicate: RowPredicate,
    private compare: RowComparator,
  ) {}

  rebuild(all: Iterable<Row>): Row[] {
    const out: Row[] = [];
    for (const r of all) if (this.predicate(r)) out.push(r);
    const keyed = this.keyed();
    if (keyed) {
      const sorted = sortByKey(out, keyed);
      this.rows = sorted.rows;
      this.keys = sorted.keys;
    } else {
      this.rows = out.sort(this.compare);
      this.keys = null;
    }
    return this.rows;
  }

  setSpec(predicate: RowPredicate, compare: RowComparator, all: Iterable<Row>): Row[] {
    this.predicate = predicate;
    this.compare = compare;
    return this.rebuild(all);
  }

  /** Applies a change set; returns the (new) rows array, or the same array when nothing moved. */
  apply(changes: ChangeSet, lookup: Map<string, Row>): Row[] {
    if (changes.reset || changes.ids.size > Math.max(64, this.rows.length * REBUILD_SHARE)) {
      return this.rebuild(lookup.values());
    }
    if (changes.ids.size === 0) return this.rows;
    const incoming: Row[] = [];
    for (const id of changes.ids) {
      const r = lookup.get(id);
      if (r && this.predicate(r)) incoming.push(r);
    }
    const keyed = this.keyed();
    if (keyed && this.keys) {
      const keptRows: Row[] = [];
      const keptKeys: SortKey[] = [];
      const rows = this.rows;
      const keys = this.keys;
      for (let i = 0; i < rows.length; i++) {
        if (changes.ids.has(rows[i].id)) continue;
        keptRows.push(rows[i]);
        keptKeys.push(keys[i]);
      }
      const inc = sortByKey(incoming, keyed);
      const merged = mergeKeyed(keptRows, keptKeys, inc.rows, inc.keys, keyed.sign);
      this.rows = merged.rows;
      this.keys = merged.keys;
      return this.rows;
    }
    const kept = this.rows.filter((r) => !changes.ids.has(r.id));
    incoming.sort(this.compare);
    this.rows = merge(kept, incoming, this.compare);
    return this.rows;
  }

  private keyed(): Keyed | null {
    const k = this.compare as Partial<KeyedComparator>;
    return k.sortKey && k.sign ? { sortKey: k.sortKey, sign: k.sign } : null;
  }
}

/**
 * Sorts rows in the order of a KeyedComparator without calling a comparator per pair: each row's
 * key is computed once, and orderRows turns it and the tie-break fields into integer levels that a
 * radix sort orders in linear time.
 */
function sortByKey(rows: Row[], { sortKey, sign }: Keyed): { rows: Row[]; keys: SortKey[] } {
  const n = rows.length;
  const keys: SortKey[] = new Array<SortKey>(n);
  for (let i = 0; i < n; i++) keys[i] = sortKey(rows[i]);
  const order = orderRows(rows, keys, sign);
  const outRows: Row[] = new Array<Row>(n);
  const outKeys: SortKey[] = new Array<SortKey>(n);
  for (let j = 0; j < n; j++) {
    outRows[j] = rows[order[j]];
    outKeys[j] = keys[order[j]];
  }
  return { rows: outRows, keys: outKeys };
}

/**
 * Merges k sorted incoming rows into n sorted kept rows: each incoming row finds its place by
 * binary search (k log n comparisons, where a walk compared n times and, sorted by a column with
 * few values, almost every comparison went on to tieBreak), then the runs between are copied.
 */
function mergeKeyed(a: Row[], ak: SortKey[], b: Row[], bk: SortKey[], sign: 1 | -1): { rows: Row[]; keys: SortKey[] } {
  if (b.length === 0) return { rows: a, keys: ak };
  if (a.length === 0) return { rows: b, keys: bk };
  const n = a.length + b.length;
  const rows: Row[] = new Array<Row>(n);
  const keys: SortKey[] = new Array<SortKey>(n);
  let i = 0;
  let k = 0;
  for (let j = 0; j < b.length; j++) {
    // First kept row that orders after b[j] (ties cannot happen: the order is total).
    let lo = i;
    let hi = a.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const r = compareSortKeys(ak[mid], bk[j]);
      if ((r !== 0 ? sign * r : tieBreak(a[mid], b[j])) <= 0) lo = mid + 1;
      else hi = mid;
    }
    while (i < lo) {
      rows[k] = a[i];
      keys[k++] = ak[i++];
    }
    rows[k] = b[j];
    keys[k++] = bk[j];
  }
  while (i < a.length) {
    rows[k] = a[i];
    keys[k++] = ak[i++];
  }
  return { rows, keys };
}

export function merge<T>(a: T[], b: T[], compare: (x: T, y: T) => number): T[] {
  if (b.length === 0) return a;
  if (a.length === 0) return b;
  const out: T[] = new Array(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) out[k++] = compare(a[i], b[j]) <= 0 ? a[i++] : b[j++];
  while (i < a.length) out[k++] = a[i++];
  while (j < b.length) out[k++] = b[j++];
  return out;
}
