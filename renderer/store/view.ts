// The filtered, sorted list of rows the Connections table shows. Rebuilt in full only when the
// filter or sort changes; a batch only re-places the rows it touched (remove + sorted merge), so
// streaming batches over 50k rows cost O(n + k log k) and never O(n log n) or worse.
import { compareSortKeys, type KeyedComparator, type SortKey } from './columns';
import type { Row } from './rows';
import type { ChangeSet } from './store';

export type RowPredicate = (r: Row) => boolean;
export type RowComparator = (a: Row, b: Row) => number;

/** Above this share of changed rows a full rebuild is cheaper than a merge. */
const REBUILD_SHARE = 0.5;

export class SortedView {
  rows: Row[] = [];

  constructor(
    private predicate: RowPredicate,
    private compare: RowComparator,
  ) {}

  rebuild(all: Iterable<Row>): Row[] {
    const out: Row[] = [];
    for (const r of all) if (this.predicate(r)) out.push(r);
    const keyed = this.compare as Partial<KeyedComparator>;
    this.rows = keyed.sortKey && keyed.sign ? sortByKey(out, keyed.sortKey, keyed.sign, this.compare) : out.sort(this.compare);
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
    const kept = this.rows.filter((r) => !changes.ids.has(r.id));
    const incoming: Row[] = [];
    for (const id of changes.ids) {
      const r = lookup.get(id);
      if (r && this.predicate(r)) incoming.push(r);
    }
    incoming.sort(this.compare);
    this.rows = merge(kept, incoming, this.compare);
    return this.rows;
  }
}

/**
 * Sorts rows in the order of a KeyedComparator with each row's key computed once: most comparisons
 * are then a compare of two plain values instead of a call into the column's comparator, which
 * may parse addresses or case-fold text every time; only equal keys go to `compare`.
 */
function sortByKey(rows: Row[], sortKey: (r: Row) => SortKey, sign: 1 | -1, compare: RowComparator): Row[] {
  const n = rows.length;
  const keys: SortKey[] = new Array<SortKey>(n);
  const order: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    keys[i] = sortKey(rows[i]);
    order[i] = i;
  }
  order.sort((i, j) => {
    const r = compareSortKeys(keys[i], keys[j]);
    return r !== 0 ? sign * r : compare(rows[i], rows[j]);
  });
  const out: Row[] = new Array<Row>(n);
  for (let i = 0; i < n; i++) out[i] = rows[order[i]];
  return out;
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
