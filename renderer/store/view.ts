// The filtered, sorted list of rows the Connections table shows. Rebuilt in full only when the
// filter or sort changes; a batch only re-places the rows it touched (remove + sorted merge), so
// streaming batches over 50k rows cost O(n + k log k) and never O(n log n) or worse.
import { compareSortKeys, orderKeys, tieBreak, type KeyedComparator, type OrderField, type SortKey } from './columns';
import { orderByField, orderRows } from './rowOrder';
import { readsTraffic } from './readsTraffic';
import type { Row } from './rows';
import type { ChangeSet } from './store';

export type RowPredicate = (r: Row) => boolean;
export type RowComparator = (a: Row, b: Row) => number;

/** Above this share of changed rows a full rebuild is cheaper than a merge. */
const REBUILD_SHARE = 0.5;
/**
 * A binary search for a held row costs about this many steps of a scan of the held rows' sequence
 * numbers (log2 n steps, each a key compare and, sorted by a column with few values, a tie-break
 * through two natural keys: ~10 µs a search at 50k rows; a scan step ~4 ns in Node): above
 * n / SEARCH_COST changed rows the view scans instead.
 */
const SEARCH_COST = 2500;
/** Entries of the scan's prefilter (a power of 2): a sequence number's low bits say "maybe changed". */
const FILTER_SIZE = 1 << 16;

interface Keyed {
  sortKey: (r: Row) => SortKey;
  sign: 1 | -1;
  orderField?: OrderField;
  nullsLast?: boolean;
}

export class SortedView {
  rows: Row[] = [];
  /** How many of `rows` are closed rows still lingering (the status bar's "closing"), kept per change. */
  closing = 0;
  /**
   * With a keyed comparator (see KeyedComparator): each row's sort key, parallel to `rows`, so a
   * merge compares plain values and ties by sequence number and never calls the column comparator.
   */
  private keys: HeldKey[] | null = null;
  /**
   * Each row's `seq | 0`, parallel to `rows` (and kept through every splice): the held rows of a
   * change set are found by a pass over these numbers, not by reading 50,000 row objects' ids.
   */
  private seqs: Int32Array = new Int32Array(0);
  private filter: Uint8Array | null = null;

  private readonly searchCost: number;

  /** `opts.searchCost`: see SEARCH_COST (tests set it to take one way or the other of finding held rows). */
  constructor(
    private predicate: RowPredicate,
    private compare: RowComparator,
    opts: { searchCost?: number } = {},
  ) {
    this.searchCost = opts.searchCost ?? SEARCH_COST;
  }

  /**
   * The store version the rows were last rebuilt from (see rebuild), when the caller said; an update
   * that began before it is already partly in the rows (ChangeSet.from).
   */
  private builtAt: number | undefined;

  /** Rebuilds from every row of the store; `version`: the store's version now, when known (see ChangeSet.from). */
  rebuild(all: Iterable<Row>, version?: number): Row[] {
    this.builtAt = version;
    const out: Row[] = [];
    this.closing = 0;
    for (const r of all) {
      if (!this.predicate(r)) continue;
      out.push(r);
      if (r.status === 'closed') this.closing++;
    }
    const keyed = this.keyed();
    if (keyed) {
      const sorted = sortByKey(out, keyed);
      this.rows = sorted.rows;
      this.keys = sorted.keys;
    } else {
      this.rows = out.sort(this.compare);
      this.keys = null;
    }
    this.seqs = seqsOf(this.rows);
    return this.rows;
  }

  setSpec(predicate: RowPredicate, compare: RowComparator, all: Iterable<Row>, version?: number): Row[] {
    this.predicate = predicate;
    this.compare = compare;
    return this.rebuild(all, version);
  }

  /**
   * Applies a change set; returns the (new) rows array, or the same array when nothing moved.
   * With `changes.before` each changed row's old place is found by binary search over its old
   * values; a row whose new values order exactly as the old (a highlight ending, a state change
   * that keeps the sort key) is replaced where it stands, the others leave and are placed anew by
   * binary search: k changed rows cost O(k log n) comparisons plus a copy of the array, never a
   * hash lookup per held row. Without `before` (a change set from elsewhere), held rows are scanned.
   * `version`: the store's version now (see rebuild), so that a rebuild here is known to include
   * an update still being applied.
   */
  apply(changes: ChangeSet, lookup: Map<string, Row>, version?: number): Row[] {
    // Rows written in place (counters) stay where they stand when neither the filter nor the sort
    // reads a traffic field; otherwise they have no `before` entry and are found by a scan.
    const inPlace = changes.inPlace !== undefined && changes.inPlace.size > 0 ? changes.inPlace : null;
    const blind = !this.readsTraffic();
    const skip = inPlace && blind ? inPlace : null;
    const count = changes.ids.size - (skip ? skip.size : 0);
    // Rebuilt from the store after this update began (a sort or filter change while a batch was
    // applied in slices): the rows already show part of it, placed by their present values, so
    // their old values cannot find them. A scan finds every held row whatever it was built from,
    // and a row already in place stays: no second sort of the whole table for one click.
    const stale = changes.from !== undefined && this.builtAt !== undefined && changes.from < this.builtAt;
    if (changes.reset || count > Math.max(64, this.rows.length * REBUILD_SHARE)) {
      return this.rebuild(lookup.values(), version);
    }
    if (count === 0) return this.rows;
    const keyed = this.keyed();
    const byKey = keyed && this.keys ? keyed : null;
    const incoming: Row[] = [];
    const replaced: number[] = [];
    const replacements: Row[] = [];
    const removed: number[] = [];
    // Where the held rows among the changed ones sit: by binary search over their old values for a
    // few (k log n comparisons), by one scan of the ids for many (a poll's counter updates touch
    // thousands of rows, and n hash lookups then cost less than k searches through tie-breaks).
    // A row written in place and later replaced has, as its `before`, the row with its new traffic
    // values: a view that reads them finds held rows by scanning instead.
    const before = changes.wroteInPlace && !blind ? undefined : changes.before;
    let held: number[];
    if (before && !stale && count * this.searchCost < this.rows.length) {
      held = [];
      for (const id of changes.ids) {
        if (skip?.has(id)) continue;
        const old = before.get(id);
        if (old === undefined || !this.predicate(old)) continue;
        const at = this.placeOf(old, byKey);
        if (at === -2) return this.rebuild(lookup.values(), version);
        held.push(at);
      }
      held.sort((x, y) => x - y);
    } else {
      // Sequence numbers do not change with traffic values: `before` finds held rows by them even
      // when its values cannot be trusted for a search. Stale, a held row may carry a sequence number
      // neither its old nor its present row has (opened in this update and opened again in one
      // merged with it): found by id.
      held = changes.before && !stale ? this.scanSeqs(changes.ids, skip, changes.before, lookup) : this.scanPlaces(changes.ids, skip);
    }
    const placed = new Set<string>();
    for (const at of held) {
      const old = this.rows[at];
      placed.add(old.id);
      const cur = lookup.get(old.id);
      const curIn = cur !== undefined && this.predicate(cur);
      // Written in place (counters): without held keys its old values are gone, and the searches
      // below would meet it among the others with its new ones. Rare (the app's comparators are keyed).
      if (old === cur && !byKey) return this.rebuild(lookup.values(), version);
      if (curIn && this.samePlace(at, cur, byKey)) {
        replaced.push(at);
        replacements.push(cur);
        continue;
      }
      removed.push(at);
      if (curIn) incoming.push(cur);
    }
    for (const id of changes.ids) {
      if (placed.has(id) || skip?.has(id)) continue;
      const cur = lookup.get(id);
      if (cur !== undefined && this.predicate(cur)) incoming.push(cur);
    }
    if (replaced.length === 0 && removed.length === 0 && incoming.length === 0) return this.rows;
    let rows = this.rows;
    const closed = (r: Row) => (r.status === 'closed' ? 1 : 0);
    for (const i of removed) this.closing -= closed(rows[i]);
    for (let j = 0; j < replaced.length; j++) this.closing += closed(replacements[j]) - closed(rows[replaced[j]]);
    for (const r of incoming) this.closing += closed(r);
    if (replaced.length > 0) {
      // Same place, same sort key: only the row object changes.
      rows = rows.slice();
      for (let j = 0; j < replaced.length; j++) {
        rows[replaced[j]] = replacements[j];
        this.seqs[replaced[j]] = replacements[j].seq | 0;
      }
      this.rows = rows;
      if (removed.length === 0 && incoming.length === 0) return rows;
    }
    if (byKey && this.keys) {
      const inc = sortByKey(incoming, byKey);
      const sign = byKey.sign;
      const keys = this.keys;
      const held = rows;
      const at = places(held.length, inc.rows.length, (mid, j) => {
        const c = orderKeys(keyOf(keys, held, mid, byKey.sortKey), keyOf(inc.keys, inc.rows, j, byKey.sortKey), sign, byKey.nullsLast);
        return c !== 0 ? c : tieBreak(rows[mid], inc.rows[j]);
      });
      const merged = spliceSorted(rows, keys, this.seqs, removed, inc.rows, inc.keys, at);
      this.rows = merged.rows;
      this.keys = merged.keys;
      this.seqs = merged.seqs;
      return this.rows;
    }
    incoming.sort(this.compare);
    const at = places(rows.length, incoming.length, (mid, j) => this.compare(rows[mid], incoming[j]));
    const merged = spliceSorted(rows, null, this.seqs, removed, incoming, null, at);
    this.rows = merged.rows;
    this.seqs = merged.seqs;
    return this.rows;
  }

  /** The place of a held row in `rows`, found from its values by binary search; -2 when it is not there. */
  private placeOf(old: Row, byKey: Keyed | null): number {
    const rows = this.rows;
    let i: number;
    if (byKey && this.keys) {
      const keys = this.keys;
      const k = byKey.sortKey(old);
      i = lowerBound(rows.length, (mid) => {
        const c = orderKeys(keyOf(keys, rows, mid, byKey.sortKey), k, byKey.sign, byKey.nullsLast);
        return c !== 0 ? c : tieBreak(rows[mid], old);
      });
    } else {
      i = lowerBound(rows.length, (mid) => this.compare(rows[mid], old));
    }
    return rows[i] === old ? i : -2;
  }

  /**
   * Whether `cur` orders exactly where the held row at `at` stood (the order is total: nothing else
   * sits between). Keyed, the held key is the old one even for a row written in place.
   */
  private samePlace(at: number, cur: Row, byKey: Keyed | null): boolean {
    const old = this.rows[at];
    if (!byKey || !this.keys) return this.compare(old, cur) === 0;
    // Same tie-break fields compare equal without building the new row's natural key (counter
    // updates touch thousands of rows a poll); others take the full tie-break.
    return compareSortKeys(keyOf(this.keys, this.rows, at, byKey.sortKey), byKey.sortKey(cur)) === 0 && (old.seq === cur.seq && sameNaturalFields(old, cur) ? true : tieBreak(old, cur) === 0);
  }

  /**
   * Places of the held rows among `ids` but not in `skip`, by their sequence numbers: those of the
   * rows as they were (`before`) and are, marked in a set and a 64K-entry prefilter; one pass over
   * `seqs` (a typed array: no row object read) meets candidates, whose ids are then checked.
   */
  private scanSeqs(ids: Set<string>, skip: Set<string> | null, before: Map<string, Row>, lookup: Map<string, Row>): number[] {
    const filter = (this.filter ??= new Uint8Array(FILTER_SIZE));
    const marks = new Set<number>();
    const mark = (r: Row | undefined) => {
      if (!r) return;
      const s = r.seq | 0;
      marks.add(s);
      filter[s & (FILTER_SIZE - 1)] = 1;
    };
    for (const id of ids) {
      if (skip?.has(id)) continue;
      mark(before.get(id));
      mark(lookup.get(id));
    }
    const out: number[] = [];
    const seqs = this.seqs;
    const rows = this.rows;
    for (let i = 0; i < rows.length; i++) {
      const s = seqs[i];
      if (filter[s & (FILTER_SIZE - 1)] === 0 || !marks.has(s)) continue;
      const id = rows[i].id;
      if (ids.has(id) && !skip?.has(id)) out.push(i);
    }
    for (const s of marks) filter[s & (FILTER_SIZE - 1)] = 0;
    return out;
  }

  /** Places of the held rows among `ids` but not in `skip`, by looking at every held row. */
  private scanPlaces(ids: Set<string>, skip: Set<string> | null): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.rows.length; i++) {
      const id = this.rows[i].id;
      if (ids.has(id) && !skip?.has(id)) out.push(i);
    }
    return out;
  }

  /** Whether the filter or the sort may read traffic fields (see readsTraffic.ts). */
  private readsTraffic(): boolean {
    return readsTraffic(this.predicate) || readsTraffic(this.compare);
  }

  private keyed(): Keyed | null {
    const k = this.compare as Partial<KeyedComparator>;
    return k.sortKey && k.sign ? { sortKey: k.sortKey, sign: k.sign, orderField: k.orderField, nullsLast: k.nullsLast } : null;
  }
}

/**
 * Sorts rows in the order of a KeyedComparator without calling a comparator per pair: each row's
 * key is computed once, and orderRows turns it and the tie-break fields into integer levels that a
 * radix sort orders in linear time.
 */
function sortByKey(rows: Row[], { sortKey, sign, orderField, nullsLast }: Keyed): { rows: Row[]; keys: HeldKey[] } {
  const n = rows.length;
  // Sorted by a connection field at radix size: its levels give the order, and the keys are built
  // only as merges read them (a handful per binary search), not 50,000 per sort.
  const byField = orderField === undefined ? null : orderByField(rows, sign, orderField);
  if (byField) {
    const out: Row[] = new Array<Row>(n);
    for (let j = 0; j < n; j++) out[j] = rows[byField[j]];
    return { rows: out, keys: new Array<HeldKey>(n).fill(UNSET) };
  }
  const keys: SortKey[] = new Array<SortKey>(n);
  for (let i = 0; i < n; i++) keys[i] = sortKey(rows[i]);
  const order = orderRows(rows, keys, sign, orderField, nullsLast);
  const outRows: Row[] = new Array<Row>(n);
  const outKeys: SortKey[] = new Array<SortKey>(n);
  for (let j = 0; j < n; j++) {
    outRows[j] = rows[order[j]];
    outKeys[j] = keys[order[j]];
  }
  return { rows: outRows, keys: outKeys };
}

/** A sort key not built yet (see keyOf). */
const UNSET: unique symbol = Symbol('unset');
type HeldKey = SortKey | typeof UNSET;

/**
 * `keys[i]`, built from `rows[i]` on first use. Only sorts by a connection field (OrderField) leave
 * keys unbuilt, and no such field is written in place (counters are not sort fields of that kind),
 * so a key built late is the one the row had when it was placed.
 */
function keyOf(keys: HeldKey[], rows: readonly Row[], i: number, sortKey: (r: Row) => SortKey): SortKey {
  const k = keys[i];
  if (k !== UNSET) return k;
  return (keys[i] = sortKey(rows[i]));
}

/** The fields of tieBreak's natural key are the same (then the keys are equal). */
function sameNaturalFields(a: Row, b: Row): boolean {
  const x = a.c;
  const y = b.c;
  return x === y || ((x.process ?? null) === (y.process ?? null) && (x.pid ?? null) === (y.pid ?? null) && x.localPort === y.localPort && x.remoteAddress === y.remoteAddress && (x.remotePort ?? null) === (y.remotePort ?? null));
}

/**
 * One change set doing what `a` then `b` did (for a view that applies them later, together): ids of
 * both; a row's old value is the one before `a` touched it (the one a view that saw neither holds);
 * a reset in either resets. Events of both, in order.
 */
export function mergeChanges(a: ChangeSet, b: ChangeSet): ChangeSet {
  const ids = new Set(a.ids);
  const before = a.before && b.before ? new Map(a.before) : undefined;
  const inPlaceIn = (x: ChangeSet, id: string) => x.inPlace?.has(id) === true;
  // Written in place in both, or in one and untouched by the other; replaced in either: not.
  let inPlace: Set<string> | undefined;
  for (const id of a.inPlace ?? []) if (!b.ids.has(id) || inPlaceIn(b, id)) (inPlace ??= new Set()).add(id);
  for (const id of b.ids) {
    // A replaced in `a` (or new there): a's entry, or its absence, is what a view that saw neither holds.
    if (ids.has(id) && !inPlaceIn(a, id)) continue;
    const fresh = !ids.has(id);
    ids.add(id);
    if (inPlaceIn(b, id)) {
      if (fresh) (inPlace ??= new Set()).add(id);
      continue;
    }
    // Only written in place by `a`: b's old value is the row the view holds, with a's counters.
    const old = b.before?.get(id);
    if (before && old !== undefined) before.set(id, old);
  }
  const wroteInPlace = a.wroteInPlace === true || b.wroteInPlace === true;
  const from = a.from === undefined || b.from === undefined ? undefined : Math.min(a.from, b.from);
  return { reset: a.reset || b.reset, ids, before, inPlace, wroteInPlace, from, events: [...a.events, ...b.events] };
}

/** First index in 0..n whose comparison `cmp(index)` (element vs target) is ≥ 0. */
function lowerBound(n: number, cmp: (mid: number) => number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(mid) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index in 0..n whose element orders after the target (`cmp(index)` > 0). */
/**
 * For each of `k` sorted incoming rows, where it goes among `n` sorted held rows: the first held
 * place that orders after it (`cmp(i, j)`: held row i against incoming row j, ≤ 0 when i comes
 * first). A binary search each (k log n comparisons) for a few rows; one merge walk (n + k) when
 * they are many, as a poll's rate changes are under a sort by Send/s (9,400 of 50,000 rows).
 */
function places(n: number, k: number, cmp: (i: number, j: number) => number): number[] {
  const at = new Array<number>(k);
  if (k * Math.log2(n + 1) < n + k) {
    for (let j = 0; j < k; j++) at[j] = upperBound(n, (mid) => cmp(mid, j));
    return at;
  }
  let i = 0;
  for (let j = 0; j < k; j++) {
    while (i < n && cmp(i, j) <= 0) i++;
    at[j] = i;
  }
  return at;
}

function upperBound(n: number, cmp: (mid: number) => number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(mid) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `rows` (with their `keys`, when keyed, and their `seqs`) without the entries at the ascending
 * places `removed`, with `add` (sorted, keys in `addKeys`) inserted before the entries at `at`
 * (places in the old array, ascending): one pass that copies the runs between, no comparisons.
 */
function spliceSorted(
  rows: Row[],
  keys: HeldKey[] | null,
  seqs: Int32Array,
  removed: number[],
  add: Row[],
  addKeys: HeldKey[] | null,
  at: number[],
): { rows: Row[]; keys: HeldKey[] | null; seqs: Int32Array } {
  const n = rows.length - removed.length + add.length;
  const outRows: Row[] = new Array<Row>(n);
  const outKeys: HeldKey[] | null = keys && addKeys ? new Array<HeldKey>(n) : null;
  const outSeqs = new Int32Array(n);
  let k = 0;
  let i = 0;
  let r = 0;
  const copyTo = (end: number) => {
    for (; i < end; i++) {
      if (r < removed.length && removed[r] === i) {
        r++;
        continue;
      }
      outRows[k] = rows[i];
      outSeqs[k] = seqs[i];
      if (outKeys) outKeys[k] = (keys as HeldKey[])[i];
      k++;
    }
  };
  for (let j = 0; j < add.length; j++) {
    copyTo(at[j]);
    outRows[k] = add[j];
    outSeqs[k] = add[j].seq | 0;
    if (outKeys) outKeys[k] = (addKeys as HeldKey[])[j];
    k++;
  }
  copyTo(rows.length);
  return { rows: outRows, keys: outKeys, seqs: outSeqs };
}

/** Each row's `seq | 0` (see SortedView.seqs). */
function seqsOf(rows: readonly Row[]): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = rows[i].seq | 0;
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
