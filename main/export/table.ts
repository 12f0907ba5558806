// The live table an exporter sees: the engine's batches applied in order (a full batch replaces
// the table, events open / close / change rows, the counters section refreshes traffic), plus what the
// metrics count about the stream itself (events by type, polls, poll errors).
import type { Connection, ConnectionEvent, ConnectionEventType } from '../../shared/connection';
import { applyCounterValues, forEachBatchCounterRow } from '../../shared/counter-columns';
import type { EventBatch } from '../../shared/ipc';

export interface PollObservation {
  /** How long the poll took, seconds. */
  durationSeconds: number;
  failed: boolean;
}

/**
 * Applies EventBatch objects (shared/ipc.ts) to a Map of rows keyed by Connection.id. Pure state:
 * no timers, no I/O. `apply` returns what the batch says about the poll behind it (null for a
 * batch that carries no new poll, e.g. a pause), for the poll-duration and poll-error metrics.
 */
export class LiveTable {
  readonly rows = new Map<string, Connection>();
  readonly eventCounts: Record<ConnectionEventType, number> = { opened: 0, closed: 0, changed: 0 };
  polls = 0;
  pollErrors = 0;
  private lastPollAt: number | null = null;

  /** `counts` decides which events the counters count (the agent's filter); all by default. */
  constructor(private readonly counts: (e: ConnectionEvent) => boolean = () => true) {}

  apply(batch: EventBatch): PollObservation | null {
    this.applyRows(batch);
    for (const e of batch.events) if (e.type in this.eventCounts && this.counts(e)) this.eventCounts[e.type]++;
    // Every poll, failed or not, stamps lastPollAt (main/engine/engine.ts); other batches repeat it.
    const s = batch.status;
    if (s.lastPollAt === null || s.lastPollAt === this.lastPollAt) return null;
    this.lastPollAt = s.lastPollAt;
    this.polls++;
    const failed = s.lastError !== null;
    if (failed) this.pollErrors++;
    return { durationSeconds: (s.lastPollMs ?? 0) / 1000, failed };
  }

  /**
   * The rows' part of `apply`, for a reader that keeps the table only (no metrics): a full batch
   * replaces the rows, events open / close / change them, the counters section refreshes traffic.
   */
  applyRows(batch: Pick<EventBatch, 'full' | 'connections' | 'events' | 'counters'>): void {
    if (batch.full && Array.isArray(batch.connections)) {
      this.rows.clear();
      for (const c of batch.connections) this.rows.set(c.id, c);
    }
    for (const e of batch.events) {
      if (e.type === 'closed') this.rows.delete(e.connection.id);
      else this.rows.set(e.connection.id, e.connection);
    }
    // Rows are written in place: a row this batch's events carry is the event's connection, which
    // the exporters format after this, and the section never reaches it (see eventIds).
    forEachBatchCounterRow(batch, (id, values, at) => {
      const row = this.rows.get(id);
      if (row) applyCounterValues(row, values, at);
    });
  }
}
