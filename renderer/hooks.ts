// React bindings for the store: views that follow change sets instead of recomputing everything.
import { startTransition, useEffect, useRef, useState } from 'react';
import type { ConnectionStore } from './store/store';
import type { Row, LoggedEvent } from './store/rows';
import { mergeChanges, SortedView, type RowComparator, type RowPredicate } from './store/view';
import type { ChangeSet } from './store/store';
import { EventsView, type EventFilter } from './store/eventsView';
import type { EventLog } from './store/eventLog';
import { nextTask } from './store/nextTask';

/**
 * Re-renders on every store update (status, counts). The render is a transition: React renders it
 * in slices between other work and an input (a key in the filter box, a click) goes first, where a
 * synchronous external-store update rendered the whole window in the batch's own task.
 */
export function useStoreVersion(store: ConnectionStore): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => {
    setVersion(store.version);
    return store.subscribe(() => startTransition(() => setVersion(store.version)));
  }, [store]);
  return version;
}

/** Rows of the Connections table and the spec they were computed under. */
export interface SortedRows {
  rows: Row[];
  /** The predicate and comparator the rows follow (a new spec reaches them one render later, in an effect). */
  predicate: RowPredicate | null;
  compare: RowComparator | null;
  /** Closed rows among `rows`, still lingering. */
  closing: number;
  /**
   * Bumped when rows were written in place (a poll's counters, see ChangeSet.inPlace): values
   * shown may have changed while `rows` stayed the same array (a roll-up over them must redo).
   */
  valuesRev: number;
}

/** The filtered, sorted rows; only changed rows are re-placed per batch. */
export function useSortedRows(store: ConnectionStore, predicate: RowPredicate, compare: RowComparator): SortedRows {
  const view = useRef<SortedView | null>(null);
  const [state, setState] = useState<SortedRows>({ rows: [], predicate: null, compare: null, closing: 0, valuesRev: 0 });
  useEffect(() => {
    const v = (view.current ??= new SortedView(predicate, compare));
    // Sorted here, once: an updater function may be called again by React.
    const rows = v.setSpec(predicate, compare, store.rows.values(), store.version);
    const closing = v.closing;
    setState((s) => ({ rows, predicate, compare, closing, valuesRev: s.valuesRev + 1 }));
    // The view follows the store in a task of its own, after the one that applied the batch (the
    // two together ran past a frame at 1,000 events/s); change sets that arrive meanwhile merge.
    let pending: ChangeSet | null = null;
    let live = true;
    const flush = () => {
      const changes = pending;
      pending = null;
      if (!live || !changes) return;
      const next = v.apply(changes, store.rows, store.version);
      const written = changes.inPlace !== undefined && changes.inPlace.size > 0;
      // Same array and nothing written in place: nothing in the table changed (a batch of rows it
      // filters out), so no re-render. A transition, like the store version (see
      // useStoreVersion): both render in one pass.
      const closing = v.closing;
      startTransition(() =>
        setState((s) => (s.rows === next && !written ? s : { rows: next, predicate, compare, closing, valuesRev: s.valuesRev + (written ? 1 : 0) })),
      );
    };
    const unsubscribe = store.subscribe((changes) => {
      if (pending === null) nextTask(flush);
      pending = pending === null ? changes : mergeChanges(pending, changes);
    });
    return () => {
      live = false;
      unsubscribe();
    };
  }, [store, predicate, compare]);
  return state;
}

/** The filtered events of a log (live, or a loaded recording). */
export function useEvents(store: ConnectionStore | null, log: EventLog, filter: EventFilter): LoggedEvent[] {
  const [events, setEvents] = useState<LoggedEvent[]>([]);
  useEffect(() => {
    const v = new EventsView(filter);
    setEvents(v.rebuild(log));
    if (!store) return undefined;
    // A batch being applied in slices has put its events in the log already: when the view was
    // rebuilt after it began, its change set's events are in the view (see ChangeSet.from).
    let builtAt = store.version;
    return store.subscribe((changes) => {
      if (changes.reset || (changes.from !== undefined && changes.from < builtAt)) {
        builtAt = store.version;
        setEvents(v.rebuild(log));
      } else if (changes.events.length > 0) setEvents(v.append(changes.events, log));
    });
  }, [store, log, filter]);
  return events;
}

/**
 * Debounced copy of a value: a change after a quiet spell of at least `ms` is taken at once (a
 * paste, or the first key after a pause, shows its result without waiting), changes that follow
 * within `ms` of the one before wait until they stop for `ms` (fast typing is not applied per key).
 */
export function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  const lastChange = useRef(-Infinity);
  useEffect(() => {
    const now = performance.now();
    const quiet = now - lastChange.current >= ms;
    lastChange.current = now;
    if (ms <= 0 || quiet) {
      setV(value);
      return undefined;
    }
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}
