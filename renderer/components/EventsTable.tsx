// The Events grid: opened / closed / changed, newest first, virtualized like the Connections grid.
import { useRef, type CSSProperties, type KeyboardEvent } from 'react';
import { useRowWindow } from './rowWindow';
import type { LoggedEvent } from '../store/rows';
import { formatDateTime, formatTime } from '../store/columns';
import { formatEndpoint, ownerLabel, protoLabel } from '../../shared/format';
import { HEAD_HEIGHT, ROW_HEIGHT } from './ConnectionsTable';
import { BaselineBadge, type DepartureOf } from './BaselineBadge';
import type { NoticeEntry } from '../views/ports/portNotices';

/** One entry of the Events grid: a connection's event, or a notice (port exhaustion). */
export type EventEntry = LoggedEvent | NoticeEntry;

const HEADERS = ['Time', 'Event', 'Process', 'PID', 'Proto', 'Local', 'Remote', 'State'];
const TEMPLATE = '92px 118px minmax(120px, 1.2fr) 110px 60px minmax(150px, 1.5fr) minmax(150px, 1.5fr) minmax(120px, 1.2fr)';

function stateText(e: LoggedEvent): string {
  const now = e.connection.state ?? '–';
  if (e.type === 'changed' && e.previousState !== undefined && e.previousState !== e.connection.state) {
    return `${e.previousState ?? '–'} → ${now}`;
  }
  return now;
}

function pidText(e: LoggedEvent): string {
  const now = e.connection.pid === null ? '–' : String(e.connection.pid);
  if (e.type === 'changed' && e.previousPid !== undefined && e.previousPid !== e.connection.pid) {
    return `${e.previousPid ?? '–'} → ${now}`;
  }
  return now;
}

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
}

export function EventsTable({ events, label = 'Events', cursor = null, onCursor, onActivate, onContextMenu, departure = null }: EventsTableProps) {
  const scrollRef = useRef<HTMLDivElement | null>(null);
  const n = events.length;
  // Rows are shown newest first: display index i holds events[n - 1 - i].
  const at = cursor === null ? -1 : events.findIndex((e) => e.seq === cursor);
  const shownAt = at < 0 ? -1 : n - 1 - at;
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (n === 0) return;
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
  const style = { '--cols': TEMPLATE } as CSSProperties;
  return (
    <div className="grid events" role="grid" aria-label={label} aria-rowcount={n + 1} tabIndex={0} ref={scrollRef} style={style} onKeyDown={onKeyDown}>
      <div className="grid-head" role="rowgroup">
        <div className="grid-row head" role="row" aria-rowindex={1}>
          {HEADERS.map((h) => (
            <div key={h} role="columnheader" className="cell">
              {h}
            </div>
          ))}
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
                <div role="gridcell" className="cell num" title={formatDateTime(e.time)}>
                  {formatTime(e.time)}
                </div>
                <div role="gridcell" className="cell">
                  <span className={`evtype evtype-notice-${e.level}`}>{e.level === 'warning' ? 'ports ⚠' : 'ports ok'}</span>
                </div>
                <div role="gridcell" className="cell notice-text" title={e.text}>
                  {e.text}
                </div>
              </div>
            );
          }
          const c = e.connection;
          const why = departure?.(c) ?? null;
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
              <div role="gridcell" className="cell num" title={formatDateTime(e.time)}>
                {formatTime(e.time)}
              </div>
              <div role="gridcell" className="cell">
                {why && <BaselineBadge why={why} />}
                <span className={`evtype evtype-${e.type}`}>{e.type}</span>
              </div>
              <div role="gridcell" className="cell">
                <span className="proc">{ownerLabel(c) ?? <span className="dim">unknown</span>}</span>
              </div>
              <div role="gridcell" className="cell num dim">
                {pidText(e)}
              </div>
              <div role="gridcell" className="cell">
                {protoLabel(c).toUpperCase()}
              </div>
              <div role="gridcell" className="cell mono">
                {formatEndpoint(c.localAddress, c.localPort, c.localScopeId)}
              </div>
              <div role="gridcell" className="cell mono">
                {c.remoteAddress === null ? <span className="dim">–</span> : formatEndpoint(c.remoteAddress, c.remotePort, c.remoteScopeId)}
                {c.remoteHost ? <span className="dim"> {c.remoteHost}</span> : null}
              </div>
              <div role="gridcell" className="cell">
                {stateText(e)}
              </div>
            </div>
          );
        })}
      </div>
      {n === 0 && <div className="empty">No events yet.</div>}
    </div>
  );
}
