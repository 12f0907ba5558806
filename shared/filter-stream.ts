// What a filtered event stream tells about each connection, one rule for every such stream
// (`watch --filter`, `replay --filter`, the agent's exporters, the app's Events view):
//
//   - a connection is *reported* once an event of it is passed (opened, changed, matched);
//   - a reported connection that stops matching gets one `changed` event marked `matched: false`
//     (text UNMATCHED): by a change of its own (the event itself is marked) or, with counters,
//     by its traffic (a new event);
//   - a reported connection's close is passed whether its last row matches or not, so no
//     connection is left looking alive;
//   - a connection the stream never saw begin (a recording started after it opened, the Events
//     view's ring having dropped its open) is judged by its event alone (eventMatches).
import type { Connection, ConnectionEvent } from './connection';
import { eventMatches, type ConnectionMatcher } from './filter';

export interface FilterStream {
  /**
   * The table at the start: its matching rows count as reported (--initial prints them; without
   * it they are the starting point), every row as seen. Forgets what came before.
   */
  start(rows: readonly Connection[]): void;
  /**
   * The events to pass, in order, for `events` (one poll's, oldest first): as given, except that
   * a changed event taking a reported connection out of the filter is a copy marked
   * `matched: false`.
   */
  events<E extends ConnectionEvent>(events: readonly E[]): E[];
  /**
   * For rows whose traffic moved without an event (a counters update at `time`, epoch ms): an
   * `opened` event marked `matched: true` for a row that matches and was never reported, a
   * `changed` one marked `matched: true` for a reported row matching again, a `changed` one
   * marked `matched: false` for a reported row that stopped matching. Rows must be alive
   * (closed ones were passed to `events` first).
   */
  moved(rows: Iterable<Connection>, time: number): ConnectionEvent[];
}

/** A FilterStream over `filter`. Memory: a few ids per open connection; closed ones are forgotten. */
export function filterStream(filter: ConnectionMatcher): FilterStream {
  /** Open connections whose start the stream saw (the first table, an opened event). */
  const seen = new Set<string>();
  /** Connections reported: their close is passed. */
  const told = new Set<string>();
  /** Of those, the ones whose last reported row matched. */
  const inside = new Set<string>();

  const report = (id: string): void => {
    told.add(id);
    inside.add(id);
  };

  const one = <E extends ConnectionEvent>(e: E): E | null => {
    const id = e.connection.id;
    if (e.type === 'closed') {
      const pass = told.has(id) || (!seen.has(id) && filter.match(e.connection));
      seen.delete(id);
      told.delete(id);
      inside.delete(id);
      return pass ? e : null;
    }
    const matches = filter.match(e.connection);
    if (e.type === 'opened') {
      seen.add(id);
      if (!matches) return null;
      report(id);
      return e;
    }
    if (matches) {
      report(id);
      return e;
    }
    if (inside.has(id)) {
      inside.delete(id);
      return { ...e, matched: false };
    }
    // Never seen begin: the event alone decides, as it did before the stream existed.
    if (!seen.has(id) && eventMatches(filter, e)) {
      told.add(id);
      return e;
    }
    return null;
  };

  return {
    start(rows) {
      seen.clear();
      told.clear();
      inside.clear();
      for (const c of rows) {
        seen.add(c.id);
        if (filter.match(c)) report(c.id);
      }
    },
    events<E extends ConnectionEvent>(events: readonly E[]): E[] {
      const out: E[] = [];
      for (const e of events) {
        const shown = one(e);
        if (shown) out.push(shown);
      }
      return out;
    },
    moved(rows, time) {
      const out: ConnectionEvent[] = [];
      for (const c of rows) {
        const matches = filter.match(c);
        if (matches === inside.has(c.id)) continue;
        seen.add(c.id);
        if (matches) {
          out.push(told.has(c.id) ? { type: 'changed', matched: true, time, connection: { ...c } } : { type: 'opened', matched: true, time, connection: { ...c } });
          report(c.id);
        } else {
          inside.delete(c.id);
          out.push({ type: 'changed', matched: false, time, connection: { ...c } });
        }
      }
      return out;
    },
  };
}
