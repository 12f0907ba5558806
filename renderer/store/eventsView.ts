// The filtered list behind the Events table: appended to as events arrive, trimmed as the ring
// buffer drops old ones, rebuilt only when the filter changes.
import type { Connection } from '../../shared/connection';
import { filterStream, type FilterStream } from '../../shared/filter-stream';
import type { EventLog } from './eventLog';
import type { LoggedEvent } from './rows';

/** What the Events view shows. */
export interface EventFilter {
  /** The Connections view's row test (filter + quick toggles). */
  row: (c: Connection) => boolean;
  /** A further test of each event the rule passes (the timeline's chosen range); null: none. */
  when: ((e: LoggedEvent) => boolean) | null;
}

/**
 * The Events view's filter from the Connections view's row test, by the same rule as `netmon
 * watch --filter` (shared/filter-stream.ts): an event whose row passes is shown; a shown
 * connection that stops passing by a change is shown leaving (the changed event marked
 * `matched: false`), and its close is shown whether its last row passes or not.
 */
export function eventFilter(rowPasses: (c: Connection) => boolean, when: EventFilter['when'] = null): EventFilter {
  return { row: rowPasses, when };
}

export class EventsView {
  /** Oldest first. */
  events: LoggedEvent[] = [];
  private stream: FilterStream;

  constructor(private filter: EventFilter) {
    this.stream = filterStream({ match: filter.row });
  }

  rebuild(log: EventLog): LoggedEvent[] {
    this.stream = filterStream({ match: this.filter.row });
    this.events = this.pass(log.toArray());
    return this.events;
  }

  setFilter(f: EventFilter, log: EventLog): LoggedEvent[] {
    this.filter = f;
    return this.rebuild(log);
  }

  /** Adds newly logged events and drops those the log no longer holds. */
  append(added: readonly LoggedEvent[], log: EventLog): LoggedEvent[] {
    const first = log.firstSeq;
    let drop = 0;
    while (drop < this.events.length && this.events[drop].seq < first) drop++;
    const fresh = this.pass(added.filter((e) => e.seq >= first));
    if (drop === 0 && fresh.length === 0) return this.events;
    this.events = drop ? this.events.slice(drop).concat(fresh) : this.events.concat(fresh);
    return this.events;
  }

  /** The events of `events` (oldest first) the stream passes and `when` keeps; advances the stream. */
  private pass(events: readonly LoggedEvent[]): LoggedEvent[] {
    const shown = this.stream.events(events);
    const when = this.filter.when;
    return when ? shown.filter(when) : shown;
  }
}
