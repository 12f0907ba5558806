// The Events grid: opened / closed / changed, newest first, virtualized like the Connections grid,
// and fitted to its width by the same rule (fittedColumns.ts): columns that do not fit give way
// whole, named by "+N" at the header's end, never cut off at the edge.
import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { LabelMeasure, useLabelRoom, type LeastText } from './labelRoom';
import { useRowWindow } from './rowWindow';
import { useFittedColumns } from './fittedColumns';
import { GivenWay } from './GivenWay';
import type { LoggedEvent } from '../store/rows';
import { formatDateTime, formatTime } from '../store/columns';
import { NARROW_PROCESS, type GiveWayStep } from '../store/columnLayout';
import { eventTypeWord, formatEndpoint, hasRemoteSide, OWNER_TERMS, ownerLabel, protoLabel, remoteEndpoint, UNKNOWN_OWNER } from '../../shared/format';
import { Unknown } from './Unknown';
import { TCP_STATES } from '../../shared/connection';
import { HEAD_HEIGHT, ROW_HEIGHT } from './ConnectionsTable';
import { BaselineBadge, type DepartureOf } from './BaselineBadge';
import type { NoticeEntry } from '../views/ports/portNotices';

/** One entry of the Events grid: a connection's event, or a notice (port exhaustion). */
export type EventEntry = LoggedEvent | NoticeEntry;


/** A value, or the unknown mark. */
const known = (v: string | number | null): ReactNode => (v === null ? <Unknown /> : v);

function stateText(e: LoggedEvent): ReactNode {
  if (e.type === 'changed' && e.previousState !== undefined && e.previousState !== e.connection.state) {
    return (
      <>
        {known(e.previousState)} → {known(e.connection.state)}
      </>
    );
  }
  return known(e.connection.state);
}

/**
 * Every state change the State column can name, `SYN-RECEIVED → ESTABLISHED` and the rest: polls
 * can skip states, so any pair. Its cells are at least as wide as the widest (labelRoom LeastText).
 */
const STATE_CHANGES: readonly string[] = TCP_STATES.flatMap((a) => TCP_STATES.filter((b) => b !== a).map((b) => `${a} → ${b}`));

function pidText(e: LoggedEvent): ReactNode {
  if (e.type === 'changed' && e.previousPid !== undefined && e.previousPid !== e.connection.pid) {
    return (
      <>
        {known(e.previousPid)} → {known(e.connection.pid)}
      </>
    );
  }
  return known(e.connection.pid);
}

type EventColumnKey = 'time' | 'event' | 'process' | 'pid' | 'proto' | 'local' | 'remote' | 'state';

interface EventColumn {
  key: EventColumnKey;
  label: string;
  /** CSS grid track: flexible ones grow only to what their longest text needs, as in Connections. */
  width: string;
  /** Extra classes of the column's cells. */
  className?: string;
  /** Text its cells must show whole at any width (labelRoom.tsx): Process's owner terms. */
  least?: LeastText;
  cell(e: LoggedEvent, why: ReturnType<DepartureOf>): ReactNode;
}

const EVENT_COLUMNS: readonly EventColumn[] = [
  { key: 'time', label: 'Time', width: '92px', className: 'num', cell: (e) => <span title={formatDateTime(e.time)}>{formatTime(e.time)}</span> },
  {
    key: 'event',
    label: 'Event',
    width: '118px',
    cell: (e, why) => (
      <>
        {why && <BaselineBadge why={why} />}
        <span className={`evtype evtype-${e.type}`}>{eventTypeWord(e).toLowerCase()}</span>
      </>
    ),
  },
  { key: 'process', label: 'Process', width: 'minmax(120px, 280px)', least: { texts: OWNER_TERMS, textClass: 'proc' }, cell: (e) => <span className="proc">{ownerLabel(e.connection) ?? <span className="dim">{UNKNOWN_OWNER}</span>}</span> },
  { key: 'pid', label: 'PID', width: '110px', className: 'num dim', cell: pidText },
  { key: 'proto', label: 'Proto', width: '60px', cell: (e) => protoLabel(e.connection).toUpperCase() },
  { key: 'local', label: 'Local', width: 'minmax(150px, 340px)', className: 'mono', cell: ({ connection: c }) => formatEndpoint(c.localAddress, c.localPort, c.localScopeId) },
  {
    key: 'remote',
    label: 'Remote',
    width: 'minmax(150px, 420px)',
    className: 'mono',
    cell: ({ connection: c }) => (
      <>
        {hasRemoteSide(c) ? remoteEndpoint(c) : <Unknown />}
        {c.remoteHost ? <span className="dim"> {c.remoteHost}</span> : null}
      </>
    ),
  },
  { key: 'state', label: 'State', width: 'minmax(120px, 240px)', least: { texts: STATE_CHANGES }, cell: stateText },
];

/**
 * Columns that give way first when the grid is narrower than the columns' least widths (a details
 * pane open at 1024 px): PID and Proto, then the local endpoint (the details pane shows it), then
 * State and Process give up the room their longest terms asked for (ellipsized then, whole in the
 * title), then the time; Event, Process, Remote and State never do (the grid then scrolls sideways).
 */
const EVENT_GIVE_WAY: readonly GiveWayStep[] = ['pid', 'proto', 'local', { narrow: 'state' } satisfies { narrow: EventColumnKey }, NARROW_PROCESS, 'time'];

export interface EventsTableProps {
  events: readonly EventEntry[];
  label?: string;
  /** `seq` of the event under the cursor (null: none). */
  cursor?: number | null;
  /** Click or keyboard move onto an event. */
  onCursor?(seq: number): void;
  /** Enter / double-click: the details of the event's connection. */
  onActivate?(seq: number): void;
  /** Right-click, the menu key or Shift+F10 on an event. */
  onContextMenu?(seq: number, x: number, y: number): void;
  /** The baseline in use: events of connections departing from it carry a "not in baseline" badge. */
  departure?: DepartureOf | null;
  /** What an empty list says: why nothing shows (views/events/emptyEvents.ts). */
  emptyText?: string;
}

export function EventsTable({ events, label = 'Events', cursor = null, onCursor, onActivate, onContextMenu, departure = null, emptyText = 'No events yet.' }: EventsTableProps) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const n = events.length;
  // Rows are shown newest first: display index i holds events[n - 1 - i].
  const at = cursor === null ? -1 : events.findIndex((e) => e.seq === cursor);
  const shownAt = at < 0 ? -1 : n - 1 - at;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys on the header's "+N" are its own (see ConnectionsTable).
    if (n === 0 || e.target !== e.currentTarget) return;
    let to: number;
    if (e.key === 'ArrowDown') to = shownAt + 1;
    else if (e.key === 'ArrowUp') to = shownAt < 0 ? 0 : shownAt - 1;
    else if (e.key === 'Home') to = 0;
    else if (e.key === 'End') to = n - 1;
    else if (e.key === 'Enter' && cursor !== null) {
      onActivate?.(cursor);
      e.preventDefault();
      return;
    } else if ((e.key === 'ContextMenu' || (e.key === 'F10' && e.shiftKey)) && cursor !== null) {
      const r = scrollRef.current?.getBoundingClientRect();
      onContextMenu?.(cursor, (r?.left ?? 0) + 40, (r?.top ?? 0) + 40);
      e.preventDefault();
      return;
    } else return;
    e.preventDefault();
    const i = Math.min(n - 1, Math.max(0, to));
    onCursor?.(events[n - 1 - i].seq);
    win.scrollToIndex(i);
  };
  const win = useRowWindow(scrollRef, n, ROW_HEIGHT, 12, HEAD_HEIGHT);
  const shown: number[] = [];
  for (let i = win.first; i <= win.last; i++) shown.push(i);
  // Each column at least as wide as its header and Process as netmon's longest owner term (labelRoom.tsx).
  const { columns: roomy, onRoom } = useLabelRoom(EVENT_COLUMNS);
  const { columns, givenWay, style } = useFittedColumns(scrollRef, roomy, EVENT_GIVE_WAY);
  // A notice draws its time (when Time is drawn) and type, then its text to the row's end.
  const timeShown = columns.some((c) => c.key === 'time');
  const noticeFrom = timeShown ? 3 : 2;
  return (
    <div className="grid events" role="grid" aria-label={label} aria-rowcount={n + 1} tabIndex={0} ref={scrollRef} style={style} onKeyDown={onKeyDown}>
      <div className="grid-head" role="rowgroup">
        <div className="grid-row head" role="row" aria-rowindex={1}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" className="cell">
              {c.label}
            </div>
          ))}
          <GivenWay columns={givenWay} />
          <LabelMeasure columns={EVENT_COLUMNS} onRoom={onRoom} />
        </div>
      </div>
      <div className="grid-body" role="rowgroup" style={{ height: n * ROW_HEIGHT }}>
        {shown.map((index) => {
          const vi = { index, start: index * ROW_HEIGHT };
          const e = events[n - 1 - vi.index];
          if (!e) return null;
          if (e.type === 'notice') {
            return (
              <div
                key={e.seq}
                role="row"
                aria-rowindex={vi.index + 2}
                data-type="notice"
                data-level={e.level}
                data-seq={e.seq}
                aria-selected={e.seq === cursor}
                className={`grid-row ev-notice ev-notice-${e.level}${vi.index % 2 ? ' odd' : ''}${e.seq === cursor ? ' selected cursor' : ''}`}
                style={{ transform: `translateY(${vi.start}px)` }}
                onMouseDown={() => onCursor?.(e.seq)}
              >
                {timeShown && (
                  <div role="gridcell" className="cell num" title={formatDateTime(e.time)}>
                    {formatTime(e.time)}
                  </div>
                )}
                <div role="gridcell" className="cell">
                  <span className={`evtype evtype-notice-${e.level}`}>{e.level === 'warning' ? 'ports ⚠' : 'ports ok'}</span>
                </div>
                <div role="gridcell" className="cell notice-text" title={e.text} style={{ gridColumn: `${noticeFrom} / -1` }}>
                  {e.text}
                </div>
              </div>
            );
          }
          const why = departure?.(e.connection) ?? null;
          return (
            <div
              key={e.seq}
              role="row"
              aria-rowindex={vi.index + 2}
              data-type={e.type}
              data-seq={e.seq}
              aria-selected={e.seq === cursor}
              className={`grid-row ev-${e.type}${vi.index % 2 ? ' odd' : ''}${e.seq === cursor ? ' selected cursor' : ''}${why ? ' not-in-baseline' : ''}`}
              style={{ transform: `translateY(${vi.start}px)` }}
              onMouseDown={() => onCursor?.(e.seq)}
              onDoubleClick={() => onActivate?.(e.seq)}
              onContextMenu={(ev) => {
                ev.preventDefault();
                onCursor?.(e.seq);
                onContextMenu?.(e.seq, ev.clientX, ev.clientY);
              }}
            >
              {columns.map((col) => (
                <div key={col.key} role="gridcell" className={col.className ? `cell ${col.className}` : 'cell'}>
                  {col.cell(e, why)}
                </div>
              ))}
            </div>
          );
        })}
      </div>
      {n === 0 && (
        <div className="empty" data-testid="events-empty">
          {emptyText}
        </div>
      )}
    </div>
  );
}
