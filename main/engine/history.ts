// The run's history, kept where the engine runs so every viewer — early or late, window or tab —
// sees one truth: per live row when netmon first saw it and when it last changed, and a bounded
// ring of recent events. Pure of I/O and timers: it consumes the engine's EventBatches in order
// and relies only on `Connection.id` being stable for a row's life and unique among live rows.
import type { Connection, ConnectionEvent } from '../../shared/connection';
import type { EventBatch, History, Snapshot } from '../../shared/ipc';

/**
 * Default ring size, events: one hour of a busy server at 50 events/s (180,000). Each event is
 * held as its JSON text (~250–400 bytes), so the ring stays under ~75 MB; `npm run bench` measures it.
 */
export const DEFAULT_HISTORY_CAPACITY = 180_000;

export interface HistoryOptions {
  /** Ring size, events (default DEFAULT_HISTORY_CAPACITY). A positive integer. */
  capacity?: number;
}

/** What the engine knows of one live row. */
interface RowTimes {
  firstSeenAt: number;
  lastChangeAt: number;
  preexisting: boolean;
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

/** Creates an empty history; throws RangeError for a capacity that is not a positive integer. */
export function createHistory(opts: HistoryOptions = {}): RunHistory {
  const capacity = opts.capacity ?? DEFAULT_HISTORY_CAPACITY;
  if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`history capacity must be a positive integer, got ${capacity}`);
  const rows = new Map<string, RowTimes>();
  // Ring of encoded events; grows up to capacity, then overwrites the oldest.
  const ring: string[] = [];
  let head = 0;
  let dropped = 0;
  let since: number | null = null;

  const push = (e: ConnectionEvent) => {
    const text = JSON.stringify(e);
    if (ring.length < capacity) ring.push(text);
    else {
      ring[head] = text;
      head = (head + 1) % capacity;
      dropped++;
    }
  };

  const withTimes = (c: Connection, t: RowTimes): Connection => ({ ...c, firstSeenAt: t.firstSeenAt, lastChangeAt: t.lastChangeAt, preexisting: t.preexisting });

  const applyFull = (conns: Connection[], time: number): Connection[] => {
    const first = since === null;
    if (first) since = time;
    const next = new Map<string, RowTimes>();
    const out: Connection[] = new Array(conns.length);
    for (let i = 0; i < conns.length; i++) {
      const c = conns[i];
      // A later full table (engine reset) keeps what the history knew of rows that survived.
      const t = rows.get(c.id) ?? { firstSeenAt: time, lastChangeAt: time, preexisting: first };
      next.set(c.id, t);
      out[i] = withTimes(c, t);
    }
    rows.clear();
    for (const [id, t] of next) rows.set(id, t);
    return out;
  };

  const applyEvent = (e: ConnectionEvent): ConnectionEvent => {
    const id = e.connection.id;
    let t = rows.get(id);
    if (e.type === 'opened' || !t) {
      // `changed` / `closed` for a row the history does not hold (missed table): new to us.
      t = { firstSeenAt: e.time, lastChangeAt: e.time, preexisting: false };
      rows.set(id, t);
    } else {
      t.lastChangeAt = e.time;
    }
    if (e.type === 'closed') rows.delete(id);
    const out = { ...e, connection: withTimes(e.connection, t) };
    push(out);
    return out;
  };

  const slice = (limit: number | undefined): string[] => {
    const ordered = ring.length < capacity ? ring : [...ring.slice(head), ...ring.slice(0, head)];
    return limit === undefined || limit >= ordered.length ? ordered : ordered.slice(ordered.length - limit);
  };

  return {
    apply(batch) {
      const out: EventBatch = { ...batch, events: batch.events.map(applyEvent) };
      if (batch.full && batch.connections) out.connections = applyFull(batch.connections, batch.time);
      return out;
    },
    annotate(snapshot) {
      const connections = snapshot.connections.map((c) => withTimes(c, rows.get(c.id) ?? { firstSeenAt: snapshot.time, lastChangeAt: snapshot.time, preexisting: false }));
      return { ...snapshot, connections };
    },
    history(limit) {
      return JSON.parse(this.historyJson(limit)) as History;
    },
    historyJson(limit) {
      const events = slice(limit);
      const left = dropped + (ring.length - events.length);
      return `{"since":${since === null ? 'null' : since},"capacity":${capacity},"dropped":${left},"events":[${events.join(',')}]}`;
    },
    get rowCount() {
      return rows.size;
    },
    get eventCount() {
      return ring.length;
    },
  };
}
