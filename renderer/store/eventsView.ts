// The filtered list behind the Events table: appended to as events arrive, trimmed as the ring
// buffer drops old ones, rebuilt only when the filter changes.
import type { Connection } from '../../shared/connection';
import { eventMatches } from '../../shared/filter';
import type { EventLog } from './eventLog';
import type { LoggedEvent } from './rows';

export type EventPredicate = (e: LoggedEvent) => boolean;

/**
 * The Events view's test from the Connections view's row test (filter + quick toggles), by the
 * same rule as `netmon watch` (shared/filter.ts eventMatches): a changed event is shown when the
 * row before or after passes, a closed event when its last row does.
 */
export function eventPredicate(rowPasses: (c: Connection) => boolean): EventPredicate {
  const matcher = { match: rowPasses };
  return (e) => eventMatches(matcher, e);
}

export class EventsView {
  /** Oldest first. */
  events: LoggedEvent[] = [];

  constructor(private predicate: EventPredicate) {}

  rebuild(log: EventLog): LoggedEvent[] {
    this.events = log.toArray().filter(this.predicate);
    return this.events;
  }

  setPredicate(p: EventPredicate, log: EventLog): LoggedEvent[] {
    this.predicate = p;
    return this.rebuild(log);
  }

  /** Adds newly logged events and drops those the log no longer holds. */
  append(added: readonly LoggedEvent[], log: EventLog): LoggedEvent[] {
    const first = log.firstSeq;
    let drop = 0;
    while (drop < this.events.length && this.events[drop].seq < first) drop++;
    const fresh = added.filter((e) => e.seq >= first && this.predicate(e));
    if (drop === 0 && fresh.length === 0) return this.events;
    this.events = drop ? this.events.slice(drop).concat(fresh) : this.events.concat(fresh);
    return this.events;
  }
}
