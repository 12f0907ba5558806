// A filtered event stream over engine batches (shared/filter-stream.ts's rule), keeping the table
// a filter that reads traffic needs to see rows come to match or stop matching by their counters.
// Used by `netmon watch --filter` and the agent's event exporters.
import type { Connection, ConnectionEvent } from '../../shared/connection';
import { forEachBatchCounterRow } from '../../shared/counter-columns';
import type { CompiledFilter } from '../../shared/filter';
import { filterStream } from '../../shared/filter-stream';
import type { EventBatch } from '../../shared/ipc';
import { LiveTable } from './table';

export interface ReportedEvents {
  /** The first table (a full batch's rows): its matching rows count as reported. */
  start(connections: readonly Connection[]): void;
  /**
   * The events to pass of a later batch's `events` (all of them, or those another selection such
   * as a baseline lets through): by the stream's rule, a reported connection leaving the filter
   * marked `matched: false` and its close always passed. Call before `moved` for the same batch.
   */
  events(events: readonly ConnectionEvent[]): ConnectionEvent[];
  /**
   * Applies the whole batch to the kept table and returns, for a filter that reads traffic, the
   * `matched` events of rows its counters moved into or out of the filter (none otherwise).
   */
  moved(b: Pick<EventBatch, 'events' | 'counters' | 'time'>): ConnectionEvent[];
}

export function reportedEvents(filter: CompiledFilter): ReportedEvents {
  const stream = filterStream(filter);
  /** The table, kept only when the filter reads traffic (else no row moves in or out silently). */
  const table = filter.readsTraffic ? new LiveTable() : null;
  return {
    start(connections) {
      stream.start(connections);
      table?.applyRows({ full: true, connections: [...connections], events: [] });
    },
    events(events) {
      return stream.events(events);
    },
    moved(b) {
      if (!table) return [];
      table.applyRows({ full: false, events: b.events, counters: b.counters });
      const rows: Connection[] = [];
      forEachBatchCounterRow(b, (id) => {
        const c = table.rows.get(id);
        if (c) rows.push(c);
      });
      return stream.moved(rows, b.time);
    },
  };
}
