// The Events view: the live event log, or a recording's events when one is open. Event rows have
// a cursor, the details pane (of the event's connection) and the same context menu as table rows.
import { useCallback, useEffect, useState } from 'react';
import { ContextMenu } from '../../components/ContextMenu';
import type { DepartureOf } from '../../components/BaselineBadge';
import { EventsTable, type EventEntry } from '../../components/EventsTable';
import type { LoggedEvent, Row } from '../../store/rows';
import type { ConnectionStore } from '../../store/store';
import { rowMenuItems } from '../connections/ConnectionsView';
import type { RowActions } from '../details/useRowActions';

/**
 * The row the details pane shows for an event: the live row while the connection is open, else
 * the connection as the event recorded it (times from the engine, a closed one marked closed).
 */
export function rowForEvent(e: LoggedEvent, store: ConnectionStore | null): Row {
  const live = store?.rows.get(e.connection.id);
  if (live) return live;
  const c = e.connection;
  return {
    id: c.id,
    seq: -1,
    c,
    firstSeen: c.firstSeenAt ?? e.time,
    preexisting: c.preexisting ?? false,
    lastChange: c.lastChangeAt ?? e.time,
    // Not in the live table (it closed and left): the tuple may belong to another socket by now.
    status: e.type === 'closed' || store !== null ? 'closed' : '',
    statusAt: 0,
  };
}

export interface EventListViewProps {
  /** Connection events and notices, oldest first. */
  events: readonly EventEntry[];
  /** The live store; null while a recording is shown (its rows are not live). */
  store: ConnectionStore | null;
  actions: RowActions;
  onCopy(): void;
  /** A recording's events: no details pane, no actions (its connections are not live). */
  readOnly?: boolean;
  /** The baseline in use, to flag events of connections not in it. */
  departure?: DepartureOf | null;
  /**
   * The predicate the Connections table's rows pass (null until it has one). An event can show while
   * its live connection does not (the filter reads the event's values, the table the present ones):
   * then the row menu turns Close / End off, as the details pane does.
   */
  shown?: ((r: Row) => boolean) | null;
  /** What the list says when it shows nothing (emptyEvents.ts eventsEmptyText). */
  emptyText?: string;
}

/** The connection event under `seq`; a notice has no connection (no details, no menu). */
function eventAt(events: readonly EventEntry[], seq: number): LoggedEvent | undefined {
  const e = events.find((x) => x.seq === seq);
  return e && e.type !== 'notice' ? e : undefined;
}

export function EventListView({ events, store, actions, onCopy, readOnly = false, departure = null, shown = null, emptyText }: EventListViewProps) {
  const [cursor, setCursor] = useState<number | null>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; seq: number } | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const find = useCallback((seq: number) => eventAt(events, seq), [events]);
  const { showDetails, detailsRow } = actions;
  const paneOpen = detailsRow !== null;
  // Like the Connections view, an open details pane follows the cursor.
  useEffect(() => {
    const e = cursor === null || !paneOpen ? undefined : find(cursor);
    if (e) showDetails(rowForEvent(e, store));
  }, [cursor, paneOpen, find, showDetails, store]);
  const menuEvent = menu ? find(menu.seq) : undefined;
  // The menu acts only on an event the view shows: one the filter hides meanwhile closes it.
  useEffect(() => {
    if (menu && !menuEvent) setMenu(null);
  }, [menu, menuEvent]);
  return (
    <>
      <EventsTable
        events={events}
        cursor={cursor}
        onCursor={setCursor}
        onActivate={(seq) => {
          const e = readOnly ? undefined : find(seq);
          if (e) showDetails(rowForEvent(e, store));
        }}
        onContextMenu={(seq, x, y) => !readOnly && find(seq) && setMenu({ x, y, seq })}
        departure={departure}
        emptyText={emptyText}
      />
      {menu && menuEvent && <EventMenu row={rowForEvent(menuEvent, store)} store={store} x={menu.x} y={menu.y} actions={actions} onCopy={onCopy} shown={shown} onClose={closeMenu} />}
    </>
  );
}

function EventMenu({ row, store, x, y, actions, onCopy, shown, onClose }: { row: Row; store: ConnectionStore | null; x: number; y: number; actions: RowActions; onCopy: () => void; shown: ((r: Row) => boolean) | null; onClose: () => void }) {
  // Gone from the live table, or hidden from it by the filter: Close / End reach neither.
  const hidden = (store !== null && !store.rows.has(row.id)) || (shown !== null && !shown(row));
  return <ContextMenu x={x} y={y} items={rowMenuItems(row, actions, onCopy, hidden)} onClose={onClose} returnFocus={() => document.querySelector<HTMLElement>('[role="grid"][aria-label="Events"]')} />;
}
