// The filtered, sorted list of rows the Connections table shows. Rebuilt in full only when the
// filter or sort changes; a batch only re-places the rows it touched (remove + sorted merge), so
// streaming batches over 50k rows cost O(n + k log k) and never O(n log n) or worse.
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
    out.sort(this.compare);
    this.rows = out;
    return out;
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
