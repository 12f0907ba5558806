// The run's history, kept where the engine runs so every viewer — early or late, window or tab —
// sees one truth: per live row when netmon first saw it and when it last changed, and a bounded
// ring of recent events. Pure of I/O and timers: it consumes the engine's EventBatches in order
// and relies only on `Connection.id` being stable for a row's life and unique among live rows.
import { isConnectionEventType, type Connection, type ConnectionEvent, type ConnectionEventType } from '../../shared/connection';
import type { EventBatch, History, Snapshot } from '../../shared/ipc';

/**
 * Default ring size, events: one hour of a busy server at 50 events/s (180,000). Each event is
 * held as its JSON text (~550 bytes with the traffic fields, less without), so a full ring holds
 * about 100 MB; `npm run bench` fills one and prints what it holds ("Run history").
 */
export const DEFAULT_HISTORY_CAPACITY = 180_000;

export interface HistoryOptions {
  /** Ring size, events (default DEFAULT_HISTORY_CAPACITY). A positive integer. */
  capacity?: number;
  /**
   * Where the run stood when the engine that keeps this history last stopped (HistoryMirror.seed):
   * the start of the run and each live row's times. A restarted engine's first full table then
   * keeps the first-seen times of rows that outlived the old one.
   */
  seed?: HistorySeed;
  /**
   * Told of every batch's record as it is applied (events as the ring holds them, the rows' times
   * inputs), so another thread can keep a HistoryMirror that outlives this one.
   */
  onRecord?: (record: HistoryRecord) => void;
  /**
   * Keep the ring (default true). An engine whose mirror keeps it (the engine worker, see
   * main/engine/host.ts) does not hold the events twice; its history then answers no events.
   */
  keepEvents?: boolean;
}

/** What the engine knows of one live row. */
interface RowTimes {
  firstSeenAt: number;
  lastChangeAt: number;
  preexisting: boolean;
}

/** A history's state without its events: `rows` are [id, firstSeenAt, lastChangeAt, preexisting]. */
export interface HistorySeed {
  since: number | null;
  rows: [string, number, number, boolean][];
}

/** What one batch added to a history (see HistoryOptions.onRecord). */
export interface HistoryRecord {
  /** Epoch ms of the batch. */
  time: number;
  /** A full batch: the ids of the whole table. */
  full?: string[];
  /** The batch's events in order: what the rows' times need, and each as the ring holds it (JSON text). */
  events: { type: ConnectionEventType; id: string; time: number; text: string }[];
}

export interface RunHistory {
  /**
   * Records one batch and returns it with the times on every connection (its own objects are not
   * changed). Batches must come in the engine's order.
   */
  apply(batch: EventBatch): EventBatch;
  /** The snapshot with each connection's times (a row the history has not seen gets `time`, not preexisting). */
  annotate(snapshot: Snapshot): Snapshot;
  /** The newest `limit` events (all when omitted), oldest first. */
  history(limit?: number): History;
  /** Same as `history`, already JSON-encoded (the events are held as text). */
  historyJson(limit?: number): string;
  /** Live rows the history tracks. */
  readonly rowCount: number;
  /** Events held in the ring. */
  readonly eventCount: number;
}

/** Throws RangeError unless `capacity` is a positive integer. */
function checkCapacity(capacity: number): void {
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
}

/** A bounded ring of encoded events, oldest first, counting what fell off its old end. */
class EventRing {
  private readonly ring: string[] = [];
  private head = 0;
  private dropped = 0;

  constructor(readonly capacity: number) {}

  push(text: string): void {
    if (this.ring.length < this.capacity) this.ring.push(text);
    else {
      this.ring[this.head] = text;
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    }
  }

  get size(): number {
    return this.ring.length;
  }

  /** The newest `limit` texts (all when omitted), oldest first, and how many are left out (fell off or by `limit`). */
  newest(limit: number | undefined): { texts: string[]; left: number } {
    const { ring, head, capacity } = this;
    const ordered = ring.length < capacity ? ring : [...ring.slice(head), ...ring.slice(0, head)];
    const texts = limit === undefined || limit >= ordered.length ? ordered : ordered.slice(ordered.length - limit);
    return { texts, left: this.dropped + (ring.length - texts.length) };
  }

  /** The History JSON of the newest `limit` events (all when omitted). */
  json(since: number | null, limit: number | undefined): string {
    const { texts, left } = this.newest(limit);
    return `{"since":${since === null ? 'null' : since},"capacity":${this.capacity},"dropped":${left},"events":[${texts.join(',')}]}`;
  }
}

/**
 * The rows' times and the start of the run, changed only by `full` and `event`: the history and
 * its mirror run the same code on the same inputs, so they cannot drift apart.
 */
class RowTimesTable {
  readonly rows = new Map<string, RowTimes>();
  since: number | null = null;

  constructor(seed?: HistorySeed) {
    if (!seed) return;
    this.since = seed.since;
    for (const [id, firstSeenAt, lastChangeAt, preexisting] of seed.rows) this.rows.set(id, { firstSeenAt, lastChangeAt, preexisting });
  }

  /** A whole table at `time`: returns each id's times, in order. */
  full(ids: readonly string[], time: number): RowTimes[] {
    const first = this.since === null;
    if (first) this.since = time;
    const next = new Map<string, RowTimes>();
    const out: RowTimes[] = new Array(ids.length);
    for (let i = 0; i < ids.length; i++) {
      // A later full table (engine reset or restart) keeps what the history knew of rows that survived.
      const t = this.rows.get(ids[i]) ?? { firstSeenAt: time, lastChangeAt: time, preexisting: first };
      next.set(ids[i], t);
      out[i] = t;
    }
    this.rows.clear();
    for (const [id, t] of next) this.rows.set(id, t);
    return out;
  }

  /** One event: returns the row's times as they stand after it. */
  event(type: ConnectionEventType, id: string, time: number): RowTimes {
    let t = this.rows.get(id);
    if (type === 'opened' || !t) {
      // `changed` / `closed` for a row the history does not hold (missed table): new to us.
      t = { firstSeenAt: time, lastChangeAt: time, preexisting: false };
      this.rows.set(id, t);
    } else {
      t.lastChangeAt = time;
    }
    if (type === 'closed') this.rows.delete(id);
    return t;
  }

  seed(): HistorySeed {
    return { since: this.since, rows: [...this.rows].map(([id, t]) => [id, t.firstSeenAt, t.lastChangeAt, t.preexisting]) };
  }
}

/** Creates an empty (or seeded) history; throws RangeError for a capacity that is not a positive integer. */
export function createHistory(opts: HistoryOptions = {}): RunHistory {
  const capacity = opts.capacity ?? DEFAULT_HISTORY_CAPACITY;
  checkCapacity(capacity);
  const times = new RowTimesTable(opts.seed);
  const ring = opts.keepEvents === false ? null : new EventRing(capacity);
  const withTimes = (c: Connection, t: RowTimes): Connection => ({ ...c, firstSeenAt: t.firstSeenAt, lastChangeAt: t.lastChangeAt, preexisting: t.preexisting });

  return {
    apply(batch) {
      const record: HistoryRecord | null = opts.onRecord ? { time: batch.time, events: [] } : null;
      const events = batch.events.map((e) => {
        const out = { ...e, connection: withTimes(e.connection, times.event(e.type, e.connection.id, e.time)) };
        if (ring || record) {
          const text = JSON.stringify(out);
          ring?.push(text);
          record?.events.push({ type: e.type, id: e.connection.id, time: e.time, text });
        }
        return out;
      });
      const out: EventBatch = { ...batch, events };
      if (batch.full && batch.connections) {
        const conns = batch.connections;
        const ids = conns.map((c) => c.id);
        const t = times.full(ids, batch.time);
        out.connections = conns.map((c, i) => withTimes(c, t[i]));
        if (record) record.full = ids;
      }
      if (record) opts.onRecord!(record);
      return out;
    },
    annotate(snapshot) {
      const connections = snapshot.connections.map((c) => withTimes(c, times.rows.get(c.id) ?? { firstSeenAt: snapshot.time, lastChangeAt: snapshot.time, preexisting: false }));
      return { ...snapshot, connections };
    },
    history(limit) {
      return JSON.parse(this.historyJson(limit)) as History;
    },
    historyJson(limit) {
      if (!ring) throw new Error('this history keeps no events: its mirror does');
      return ring.json(times.since, limit);
    },
    get rowCount() {
      return times.rows.size;
    },
    get eventCount() {
      return ring?.size ?? 0;
    },
  };
}

/**
 * A copy of a history kept from its records (HistoryOptions.onRecord) in another thread: it answers
 * getHistory as the history would and outlives the engine's thread, so an engine restarted after
 * a crash is seeded with it (`seed`) and the run's history and first-seen times go on.
 */
export interface HistoryMirror {
  /**
   * Applies one record, in the history's order. Throws TypeError, changing nothing, for a record
   * that does not have HistoryRecord's shape (it crossed a thread or process boundary).
   */
  apply(record: HistoryRecord): void;
  /** See RunHistory.historyJson. */
  historyJson(limit?: number): string;
  /**
   * See RunHistory.history: parsed event by event, so a text that is not JSON is left out (and
   * counted as dropped) instead of failing the reply. Slower than parsing historyJson whole.
   */
  history(limit?: number): History;
  /** The start of the run and every live row's times (for HistoryOptions.seed). */
  seed(): HistorySeed;
  readonly rowCount: number;
  readonly eventCount: number;
}

/** Whether `r` has HistoryRecord's shape. */
function isHistoryRecord(r: unknown): r is HistoryRecord {
  const x = r as Partial<HistoryRecord> | null;
  if (typeof x !== 'object' || x === null || typeof x.time !== 'number' || !Array.isArray(x.events)) return false;
  if (x.full !== undefined && !(Array.isArray(x.full) && x.full.every((id) => typeof id === 'string'))) return false;
  return x.events.every(
    (e) => typeof e === 'object' && e !== null && isConnectionEventType(e.type) && typeof e.id === 'string' && typeof e.time === 'number' && typeof e.text === 'string',
  );
}

/** Creates an empty mirror; `capacity` as createHistory's (RangeError when invalid). */
export function createHistoryMirror(capacity: number = DEFAULT_HISTORY_CAPACITY): HistoryMirror {
  checkCapacity(capacity);
  const times = new RowTimesTable();
  const ring = new EventRing(capacity);
  return {
    apply(record) {
      if (!isHistoryRecord(record)) throw new TypeError('malformed history record');
      for (const e of record.events) {
        times.event(e.type, e.id, e.time);
        ring.push(e.text);
      }
      if (record.full) times.full(record.full, record.time);
    },
    historyJson: (limit) => ring.json(times.since, limit),
    history(limit) {
      const { texts, left } = ring.newest(limit);
      const events: ConnectionEvent[] = [];
      for (const t of texts) {
        try {
          events.push(JSON.parse(t) as ConnectionEvent);
        } catch {
          // not JSON: left out, counted below
        }
      }
      return { since: times.since, capacity, dropped: left + texts.length - events.length, events };
    },
    seed: () => times.seed(),
    get rowCount() {
      return times.rows.size;
    },
    get eventCount() {
      return ring.size;
    },
  };
}
