// React bindings for the store: views that follow change sets instead of recomputing everything.
import { useEffect, useRef, useState, useSyncExternalStore } from 'react';
import type { ConnectionStore } from './store/store';
import type { Row, LoggedEvent } from './store/rows';
import { SortedView, type RowComparator, type RowPredicate } from './store/view';
import { EventsView, type EventPredicate } from './store/eventsView';
import type { EventLog } from './store/eventLog';

/** Re-renders on every store update (status, counts). */
export function useStoreVersion(store: ConnectionStore): number {
  return useSyncExternalStore(
    (cb) => store.subscribe(cb),
    () => store.version,
  );
}

/** The filtered, sorted rows; only changed rows are re-placed per batch. `predicate`: the one the
 *  rows were computed under (they follow a new predicate one render later, in an effect). */
export function useSortedRows(store: ConnectionStore, predicate: RowPredicate, compare: RowComparator): { rows: Row[]; predicate: RowPredicate | null } {
  const view = useRef<SortedView | null>(null);
  const [state, setState] = useState<{ rows: Row[]; predicate: RowPredicate | null }>({ rows: [], predicate: null });
  useEffect(() => {
    const v = (view.current ??= new SortedView(predicate, compare));
    setState({ rows: v.setSpec(predicate, compare, store.rows.values()), predicate });
    return store.subscribe((changes) => {
      const next = v.apply(changes, store.rows);
      setState({ rows: next, predicate });
    });
  }, [store, predicate, compare]);
  return state;
}

/** The filtered events of a log (live, or a loaded recording). */
export function useEvents(store: ConnectionStore | null, log: EventLog, predicate: EventPredicate): LoggedEvent[] {
  const [events, setEvents] = useState<LoggedEvent[]>([]);
  useEffect(() => {
    const v = new EventsView(predicate);
    setEvents(v.rebuild(log));
    if (!store) return undefined;
    return store.subscribe((changes) => {
      if (changes.reset) setEvents(v.rebuild(log));
      else if (changes.events.length > 0) setEvents(v.append(changes.events, log));
    });
  }, [store, log, predicate]);
  return events;
}

/** Debounced copy of a value. */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    if (ms <= 0) {
      setV(value);
      return undefined;
    }
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
