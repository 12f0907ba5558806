// The renderer's connection store: applies the engine's event batches to a Map keyed by connection
// id, keeps highlights (new / changed / closed) for a while, lets closed rows linger before they
// go, counts rows per state and logs events. Pure of React; views subscribe to change sets so they
// only redo the work for rows that changed. First-seen / last-change times are the engine's (they
// ride on every connection): the store only falls back to the batch time for an engine that
// sends none.
import { isConnectionEventType, type Connection, type ConnectionEvent } from '../../shared/connection';
import { applyCounterValues, counterRowCount, eventIds, forEachCounterRow } from '../../shared/counter-columns';
import { countersScopeOf, type CounterColumns, type CountersScope, type EngineStatus, type EventBatch } from '../../shared/ipc';
import { EventLog, DEFAULT_EVENT_CAPACITY } from './eventLog';
import { ExpiryHeap } from './expiryHeap';
import { stateKey, type LoggedEvent, type Row, type RowStatus } from './rows';

export const DEFAULT_LINGER_MS = 5000;
export const DEFAULT_HIGHLIGHT_MS = 5000;

export interface StoreOptions {
  /** How long closed rows stay (red) before removal. */
  lingerMs?: number;
  /** How long new / changed rows stay highlighted. */
  highlightMs?: number;
  keepClosed?: boolean;
  eventCapacity?: number;
  /** Local clock; injectable for tests. */
  now?: () => number;
}

/** What one update touched. `reset` means: forget incremental state and rebuild from `rows`. */
export interface ChangeSet {
  reset: boolean;
  /** Ids added, updated or removed (look each up in `rows`: absent means removed). */
  ids: Set<string>;
  /**
   * The rows of `ids` as they were before this update (absent: the id is new), except those in
   * `inPlace`. Views find where a row sat by its old values (binary search) instead of scanning
   * every row they hold. Undefined for a change set from elsewhere: views scan.
   */
  before?: Map<string, Row>;
  /**
   * Of `ids`, those whose only change is traffic values written into the same Row object (a poll's
   * counter updates, see Row.rev): their old values are gone, so they have no `before` entry. A view
   * whose filter and sort read no traffic field leaves them where they stand (the re-render that
   * follows every update shows their new values); one that reads them scans for them.
   */
  inPlace?: Set<string>;
  /**
   * Some row was written in place by this update (sticky: it stays set when the row is replaced
   * later in the same or a merged update, whose `before` entry is then the row with its new
   * traffic values). A view that reads traffic fields cannot trust `before` then, and scans.
   */
  wroteInPlace?: boolean;
  /**
   * The store's `version` when this update began. A view built from the store after that (a new
   * filter or sort while a batch was being applied in slices) already shows part of it: it finds
   * its held rows by a scan, not by their old values (see SortedView.apply).
   */
  from?: number;
  /** Events appended to the log by this update. */
  events: LoggedEvent[];
}

export type StoreListener = (changes: ChangeSet) => void;

/** A batch being applied (see ConnectionStore.beginBatch). */
export interface BatchInProgress {
  /** Rows of the counters section not yet applied (0 once done or cancelled). */
  readonly remaining: number;
  /**
   * Applies up to `maxRows` more rows of the counters section (at least one). When none are left:
   * notifies subscribers once with the whole batch's change set and returns it; before that, null
   * (and null after the batch is done).
   */
  step(maxRows: number): ChangeSet | null;
  /** Stops: rows not yet applied are dropped; subscribers hear what was applied. Null when already done. */
  cancel(): ChangeSet | null;
}

const emptyChanges = (from: number): ChangeSet => ({ reset: false, ids: new Set(), before: new Map(), events: [], from });

/**
 * Notes that `id` is replaced in this update; the first time, what it was before (see
 * ChangeSet.before). A row only written in place so far is replaced now: its before is that row.
 */
function touch(changes: ChangeSet, id: string, prev: Row | undefined): void {
  if (changes.inPlace?.delete(id)) {
    if (prev) changes.before?.set(id, prev);
    return;
  }
  if (changes.ids.has(id)) return;
  if (prev) changes.before?.set(id, prev);
  changes.ids.add(id);
}

/** Enough of a ConnectionEvent to apply: a known type and a connection with an id and a local address. */
function isEventLike(e: unknown): e is ConnectionEvent {
  if (typeof e !== 'object' || e === null) return false;
  const { type, connection: c } = e as { type?: unknown; connection?: unknown };
  if (!isConnectionEventType(type) || typeof c !== 'object' || c === null) return false;
  const { id, localAddress, remoteAddress } = c as { id?: unknown; localAddress?: unknown; remoteAddress?: unknown };
  return typeof id === 'string' && typeof localAddress === 'string' && (remoteAddress === null || typeof remoteAddress === 'string');
}

export class ConnectionStore {
  /** Replaced wholesale by a full snapshot: read it afresh, do not keep a reference. */
  rows = new Map<string, Row>();
  readonly log: EventLog;
  status: EngineStatus | null = null;
  /** status.countersScope, checked (countersScopeOf); the same object while its facts stand. */
  countersScope: CountersScope | null = null;
  lastSeq = -1;
  lastBatchTime: number | null = null;
  /** Bumped on every change; lets React's useSyncExternalStore compare cheaply. */
  version = 0;
  lingerMs: number;
  highlightMs: number;
  keepClosed: boolean;

  private readonly counts = new Map<string, number>();
  private live = 0;
  /**
   * Rows carrying a status that will expire, by when it was set: highlights (new / changed) and
   * closed rows, each a heap, so the sweep and the next expiry cost O(log n) per expired row instead
   * of a loop over every highlighted row per batch. Entries whose row has since changed are stale
   * and dropped when they reach the top (see isCurrent).
   */
  private readonly highlighted = new ExpiryHeap();
  private readonly closed = new ExpiryHeap();
  private readonly hosts = new Map<string, string | null>();
  /** The Row each Connection written in place belongs to (applyCounters copies any other first). */
  private readonly owner = new WeakMap<Connection, Row>();
  private readonly listeners = new Set<StoreListener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private timerAt = Infinity;
  private sawFirstSnapshot = false;
  /** Next row sequence number (see Row.seq). */
  private nextSeq = 0;
  /**
   * The change set of the batch being applied in slices (see beginBatch). A sweep or host update
   * meanwhile joins it instead of reaching subscribers first: a view that heard of a row's later
   * value before the batch's earlier one would not find the row where its change set says it stood.
   */
  private open: ChangeSet | null = null;
  /** See holdExpiry. */
  private expiryHeld = false;
  private readonly now: () => number;

  constructor(opts: StoreOptions = {}) {
    this.lingerMs = opts.lingerMs ?? DEFAULT_LINGER_MS;
    this.highlightMs = opts.highlightMs ?? DEFAULT_HIGHLIGHT_MS;
    this.keepClosed = opts.keepClosed ?? false;
    this.log = new EventLog(opts.eventCapacity ?? DEFAULT_EVENT_CAPACITY);
    this.now = opts.now ?? Date.now;
  }

  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Connections currently open (closed rows that linger are not counted). */
  get liveCount(): number {
    return this.live;
  }

  /** Live rows per state key (`ESTABLISHED`, `LISTEN`, …, `UDP`). */
  stateCounts(): Map<string, number> {
    return new Map([...this.counts].filter(([, n]) => n > 0));
  }

  /** Applies one engine batch; returns what changed (also sent to subscribers). */
  applyBatch(batch: EventBatch): ChangeSet {
    return this.beginBatch(batch).step(Infinity) as ChangeSet;
  }

  /**
   * Starts applying one engine batch: its status, a full table and its events now, the rows of
   * its counters section in slices (`step`), so a poll's thousands of counter updates need not
   * run in one task past a frame. Subscribers hear of the batch once, with its whole change set, when the last
   * slice lands (or on `cancel`). The caller applies no other batch until this one is done.
   */
  beginBatch(batch: EventBatch): BatchInProgress {
    this.takeStatus(batch.status);
    this.lastSeq = batch.seq;
    this.lastBatchTime = batch.time;
    let changes: ChangeSet;
    if (batch.full) {
      changes = this.applyFull(batch.connections ?? [], batch.time);
    } else {
      changes = emptyChanges(this.version);
      // The rows change from here on: a view built from them now already shows part of this batch.
      this.version++;
      // One clock reading for the batch: its rows' highlights end together, in one sweep.
      const now = this.now();
      let skipped = 0;
      for (const e of batch.events) {
        // A malformed event (a batch crossed a process or a socket) is skipped; the rest apply.
        if (!isEventLike(e)) {
          skipped++;
          continue;
        }
        this.applyEvent(e, changes, now);
      }
      if (skipped > 0) console.warn(`netmon: skipped ${skipped} malformed event(s) of batch ${batch.seq}`);
    }
    // A full table holds the present: a section beside it has nothing to add.
    const counters = batch.full ? undefined : batch.counters;
    let rows = counterRowCount(counters);
    if (rows < 0) {
      console.warn(`netmon: skipped the malformed counters section of batch ${batch.seq}`);
      rows = 0;
    }
    const evented = rows > 0 ? eventIds(batch.events) : undefined;
    let next = 0;
    let skipped = 0;
    let done = false;
    this.open = changes;
    const end = (): ChangeSet => {
      done = true;
      if (this.open === changes) this.open = null;
      if (skipped > 0) console.warn(`netmon: skipped ${skipped} malformed counter row(s) of batch ${batch.seq}`);
      return this.finish(changes);
    };
    return {
      get remaining() {
        return done ? 0 : rows - next;
      },
      step: (maxRows) => {
        if (done) return null;
        const to = Math.min(rows, next + Math.max(1, maxRows));
        if (to > next) skipped += this.applyCounters(counters!, next, to, changes, evented!);
        next = to;
        return next < rows ? null : end();
      },
      cancel: () => (done ? null : end()),
    };
  }

  /**
   * Replaces the event log with the engine's history (a viewer that connects late sees what
   * happened before it). `dropped`: the run's events the history left out (History.dropped), which
   * the log counts with any it cannot hold. Views rebuild (`reset`).
   */
  loadHistory(events: readonly ConnectionEvent[], dropped = 0): ChangeSet {
    this.log.clear();
    for (const e of events) this.log.push(e);
    this.log.dropped += Number.isSafeInteger(dropped) && dropped > 0 ? dropped : 0;
    return this.finish({ reset: true, ids: new Set(), events: [] });
  }

  /** Status-only update (e.g. after pause / interval change). */
  setStatus(status: EngineStatus): void {
    this.takeStatus(status);
    this.finish(emptyChanges(this.version));
  }

  private takeStatus(status: EngineStatus): void {
    this.status = status;
    this.countersScope = countersScopeOf(status?.countersScope, this.countersScope);
  }

  /** Highlight duration, ms; rows already highlighted longer than that lose it now. */
  setHighlightMs(ms: number): void {
    this.highlightMs = ms;
    this.finish(this.sweepInto(this.changesNow()));
  }

  setKeepClosed(keep: boolean): void {
    this.keepClosed = keep;
    // Turning it off lets rows that have waited long enough leave now.
    this.finish(this.sweepInto(this.changesNow()));
  }

  /** Reverse-DNS answers: cached by address and written into the rows' `remoteHost`. */
  setHosts(names: Record<string, string | null>): ChangeSet {
    const changes: ChangeSet = this.changesNow();
    let any = false;
    for (const [addr, name] of Object.entries(names)) {
      if (this.hosts.get(addr) !== name) any = true;
      this.hosts.set(addr, name);
    }
    if (any) {
      for (const row of this.rows.values()) {
        const addr = row.c.remoteAddress;
        if (addr === null || !(addr in names)) continue;
        const host = names[addr];
        if ((row.c.remoteHost ?? null) === host) continue;
        touch(changes, row.id, row);
        this.rows.set(row.id, { ...row, c: { ...row.c, remoteHost: host } });
      }
    }
    return this.finish(changes);
  }

  /** True when the address has been looked up (even if it had no name). */
  hasHost(addr: string): boolean {
    return this.hosts.has(addr);
  }

  /** Removes expired highlights and closed rows whose linger time is over (nothing while expiry is held). */
  sweep(): ChangeSet {
    if (this.expiryHeld) return emptyChanges(this.version);
    return this.finish(this.sweepInto(this.changesNow()));
  }

  dispose(): void {
    this.clearTimer();
    this.listeners.clear();
  }

  // --- internals -------------------------------------------------------------------------------

  private applyFull(conns: Connection[], time: number): ChangeSet {
    const first = !this.sawFirstSnapshot;
    this.sawFirstSnapshot = true;
    const old = this.rows;
    const next = new Map<string, Row>();
    for (const raw of conns) {
      const c = this.withHost(raw);
      const prev = old.get(c.id);
      const live = prev && prev.status !== 'closed';
      // The engine's times win; without them a later full snapshot (engine reset) keeps what the
      // store knew of surviving rows. Literals, not spreads: a snapshot builds tens of thousands.
      next.set(c.id, {
        id: c.id,
        seq: live ? prev.seq : this.nextSeq++,
        c,
        firstSeen: c.firstSeenAt ?? (live ? prev.firstSeen : time),
        preexisting: c.preexisting ?? (live ? prev.preexisting : first),
        lastChange: c.lastChangeAt ?? (live ? prev.lastChange : time),
        status: live ? prev.status : '',
        statusAt: live ? prev.statusAt : 0,
      });
    }
    this.rows = next;
    this.counts.clear();
    this.live = 0;
    this.highlighted.clear();
    this.closed.clear();
    for (const row of next.values()) {
      this.count(row.c, 1);
      if (row.status) this.track(row);
    }
    return { reset: true, ids: new Set(), events: [] };
  }

  private applyEvent(e: ConnectionEvent, changes: ChangeSet, now: number): void {
    const c = this.withHost(e.connection);
    const prev = this.rows.get(c.id);
    changes.events.push(this.log.push(e.connection === c ? e : { ...e, connection: c }));
    if (e.type === 'closed') {
      if (!prev || prev.status === 'closed') return;
      this.count(prev.c, -1);
      this.setRow({ ...prev, c: { ...c, pid: c.pid ?? prev.c.pid, process: c.process ?? prev.c.process }, lastChange: c.lastChangeAt ?? e.time }, 'closed', now, changes);
      return;
    }
    if (e.type === 'opened' || !prev || prev.status === 'closed') {
      if (prev && prev.status !== 'closed') this.count(prev.c, -1);
      this.count(c, 1);
      // `changed` for a row netmon does not hold (missed batch) is shown as new: it is new to us.
      this.setRow(
        { id: c.id, seq: this.nextSeq++, c, firstSeen: c.firstSeenAt ?? e.time, preexisting: c.preexisting ?? false, lastChange: c.lastChangeAt ?? e.time, status: '', statusAt: 0 },
        'new',
        now,
        changes,
      );
      return;
    }
    // changed
    this.count(prev.c, -1);
    this.count(c, 1);
    // A still-new row that changes at once stays green: "new" is the more useful signal.
    const status: RowStatus = prev.status === 'new' ? 'new' : 'changed';
    this.setRow({ ...prev, c, firstSeen: c.firstSeenAt ?? prev.firstSeen, preexisting: c.preexisting ?? prev.preexisting, lastChange: c.lastChangeAt ?? e.time }, status, status === 'new' ? prev.statusAt : now, changes);
  }

  /**
   * Live traffic values of open rows: rows `from` to `to` (exclusive) of the batch's counters
   * section, whose shape counterRowCount accepted (not events: no highlight, no log entry). Rows
   * that are malformed, name rows netmon does not hold (or holds closed) or that this batch's events
   * carry (`evented`: the event is the batch's word) are skipped; returns how many were malformed.
   */
  private applyCounters(cols: CounterColumns, from: number, to: number, changes: ChangeSet, evented: ReadonlySet<string>): number {
    const apply = (id: string, values: readonly number[], at: number): void => {
      const row = this.rows.get(id);
      if (!row || row.status === 'closed') return;
      // Written in place (see Row.rev): a new Connection and Row per moved row, thousands a poll,
      // left the old ones as garbage of the old generation, collected in pauses past a frame.
      // A Connection is written only while it is this row's alone: one shared with the event
      // log, a batch or an older Row (a spread) is copied once first, so those keep their values.
      if (this.owner.get(row.c) !== row) {
        row.c = { ...row.c };
        this.owner.set(row.c, row);
      }
      applyCounterValues(row.c, values, at);
      row.rev = (row.rev ?? 0) + 1;
      // A row this update already replaced keeps its `before` entry; otherwise its old values are
      // gone and it is marked as written in place (see ChangeSet.inPlace).
      changes.wroteInPlace = true;
      if (changes.ids.has(row.id)) return;
      changes.ids.add(row.id);
      (changes.inPlace ??= new Set()).add(row.id);
    };
    return forEachCounterRow(cols, apply, from, to, evented);
  }

  private setRow(row: Row, status: RowStatus, at: number, changes: ChangeSet): void {
    const prev = this.rows.get(row.id);
    touch(changes, row.id, prev);
    const r: Row = { ...row, status, statusAt: at };
    this.rows.set(r.id, r);
    // A still-new row that changes keeps its entry (same status, same time).
    if (status && !(prev && prev.status === status && prev.statusAt === at)) this.track(r);
  }

  /** Files a row whose status will expire under the heap of its kind. */
  private track(row: Row): void {
    (row.status === 'closed' ? this.closed : this.highlighted).push(row.id, row.statusAt);
    // Stale entries sink out only as they reach the top: rebuild when they outnumber the rows.
    if (this.highlighted.size + this.closed.size > 2 * this.rows.size + 1024) this.retrack();
  }

  private retrack(): void {
    this.highlighted.clear();
    this.closed.clear();
    for (const row of this.rows.values()) if (row.status) (row.status === 'closed' ? this.closed : this.highlighted).push(row.id, row.statusAt);
  }

  /** The row an entry was filed for, when the entry still describes it (else undefined: stale). */
  private current(heap: ExpiryHeap): Row | undefined {
    const e = heap.peek();
    if (!e) return undefined;
    const row = this.rows.get(e.id);
    const kindOk = heap === this.closed ? row?.status === 'closed' : row?.status === 'new' || row?.status === 'changed';
    return row && kindOk && row.statusAt === e.at ? row : undefined;
  }

  /** Pops stale entries off the top; returns the top's row (valid), or undefined when empty. */
  private top(heap: ExpiryHeap): Row | undefined {
    while (heap.size > 0) {
      const row = this.current(heap);
      if (row) return row;
      heap.pop();
    }
    return undefined;
  }

  private withHost(c: Connection): Connection {
    if (c.remoteAddress === null || c.remoteHost !== undefined) return c;
    const host = this.hosts.get(c.remoteAddress);
    return host === undefined ? c : { ...c, remoteHost: host };
  }

  private count(c: Connection, delta: number): void {
    const k = stateKey(c);
    this.counts.set(k, (this.counts.get(k) ?? 0) + delta);
    this.live += delta;
  }

  private sweepInto(changes: ChangeSet): ChangeSet {
    const now = this.now();
    for (let row = this.top(this.highlighted); row && now - row.statusAt >= this.highlightMs; row = this.top(this.highlighted)) {
      this.highlighted.pop();
      touch(changes, row.id, row);
      this.rows.set(row.id, { ...row, status: '', statusAt: 0 });
    }
    // With "keep closed" on, closed rows stay filed: turning it off lets them go then.
    if (this.keepClosed) return changes;
    for (let row = this.top(this.closed); row && now - row.statusAt >= this.lingerMs; row = this.top(this.closed)) {
      this.closed.pop();
      touch(changes, row.id, row);
      this.rows.delete(row.id);
    }
    return changes;
  }

  /** When the next highlight or lingering closed row expires (Infinity when none will). */
  private nextExpiry(): number {
    const h = this.top(this.highlighted);
    const c = this.keepClosed ? undefined : this.top(this.closed);
    return Math.min(h ? h.statusAt + this.highlightMs : Infinity, c ? c.statusAt + this.lingerMs : Infinity);
  }

  /**
   * Holds (true) or releases the expiry of highlights and lingering closed rows. A frozen view must
   * show the moment it froze: the red row an admin froze to catch must not leave meanwhile. On
   * release, what expired in between goes at once.
   */
  holdExpiry(hold: boolean): void {
    if (this.expiryHeld === hold) return;
    this.expiryHeld = hold;
    if (hold) this.clearTimer();
    else this.sweep();
  }

  /** Cancels the expiry timer, if any. */
  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.timerAt = Infinity;
  }

  private schedule(): void {
    if (this.expiryHeld) return;
    const at = this.nextExpiry();
    if (at === this.timerAt && this.timer) return;
    this.clearTimer();
    this.timerAt = at;
    if (at === Infinity) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerAt = Infinity;
      this.sweep();
    }, Math.max(0, at - this.now()));
  }

  /** Where an update records what it changes: the open batch's change set, or a new one. */
  private changesNow(): ChangeSet {
    return this.open ?? emptyChanges(this.version);
  }

  private finish(changes: ChangeSet): ChangeSet {
    this.version++;
    this.schedule();
    // Part of a batch still in slices: subscribers hear it with the batch, when it ends.
    if (changes === this.open) return changes;
    for (const l of this.listeners) l(changes);
    return changes;
  }
}
