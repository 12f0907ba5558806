// The live Connections grid: virtualized (only visible rows are in the DOM), sticky header,
// click-to-sort headers, keyboard navigation and multi-select. Cells render from the column model.
// A batch re-renders only the rows it replaced: rows are memoized on their Row object, so the
// other ~60 on screen keep their DOM untouched.
import { memo, useCallback, useEffect, useMemo, useRef, type KeyboardEvent, type MouseEvent } from 'react';
import { useRowWindow } from './rowWindow';
import type { Column, SortSpec, ColumnKey } from '../store/columns';
import { cellFits, formatDateTime, formatTime, shownRemoteAddress, shownRemotePort } from '../store/columns';
import { ownerLabel, ownerText, UNKNOWN_OWNER } from '../../shared/format';
import type { CountersScope } from '../../shared/ipc';
import { Unknown } from './Unknown';
import { noPidReason, noRemoteReason, noStateReason, trafficGap } from '../store/unknownReasons';
import { ColumnHeaders } from './ColumnHeaders';
import { useFittedColumns } from './fittedColumns';
import { connectionsGiveWay } from '../store/columnLayout';
import { useLabelRoom } from './labelRoom';
import type { Row } from '../store/rows';
import { cursorIndex, type Selection } from '../store/selection';
import { BaselineBadge, type DepartureOf } from './BaselineBadge';

export const ROW_HEIGHT = 22;
/** The sticky header row's height (styles.css .grid-row.head): body rows start below it. */
export const HEAD_HEIGHT = 26;
/** Rows rendered beyond the viewport on either side. */
const OVERSCAN = 12;

export interface ConnectionsTableProps {
  rows: Row[];
  columns: Column[];
  sort: SortSpec;
  onSort(key: ColumnKey): void;
  selection: Selection;
  onClickRow(id: string, mods: { shift: boolean; ctrl: boolean }): void;
  /** Keyboard move to a row index; `extend` = shift held. */
  onMove(index: number, extend: boolean): void;
  onSelectAll(): void;
  /** Enter / double-click: open the details of a row. */
  onActivate(id: string): void;
  onContextMenu(id: string, x: number, y: number): void;
  /** Rows currently on screen (for reverse-DNS lookups). */
  onVisibleRows?(rows: Row[]): void;
  /** A column's edge dragged (or moved by keyboard) to a width, px. */
  onResizeColumn?(key: ColumnKey, px: number): void;
  /** The column menu asked for on a header (right-click, Shift+F10 on its edge). */
  onColumnMenu?(key: ColumnKey, x: number, y: number): void;
  /** A header dragged (or Alt+Left / Alt+Right) to place `to` among the other drawn columns, `shown`. */
  onMoveColumn?(key: ColumnKey, to: number, shown: ColumnKey[]): void;
  /**
   * Widths the user set by dragging (the layout's), px: those columns keep them even below their
   * label's room (the label then ellipsizes); every other column is at least as wide as its header
   * needs sorted.
   */
  userWidths?: Partial<Record<ColumnKey, number>>;
  gridRef?: React.RefObject<HTMLDivElement | null>;
  /** Why traffic values are missing (EngineStatus.countersNote): traffic cells without a value say so. */
  countersNote?: string | null;
  /** Which connections the backend reads counters for (the store's countersScope): cells of one it does not read say why. */
  countersScope?: CountersScope | null;
  /** The baseline in use: rows departing from it carry a "not in baseline" badge (absent: none). */
  departure?: DepartureOf | null;
  /** What an empty table says: why no row shows (views/connections/emptyConnections.ts). */
  emptyText?: string;
}

function stateClass(state: string | null): string {
  return state ? `chip state-${state.toLowerCase()}` : 'chip state-none';
}

function Cell({ col, row, countersNote, countersScope }: { col: Column; row: Row; countersNote: string | null; countersScope: CountersScope | null }) {
  const c = row.c;
  if (col.field !== undefined) {
    // A missing value says why: "—" when it cannot be known (UDP, listeners, no backend, nothing
    // sent), blank when it is not in yet.
    const gap = trafficGap(c, col.field, countersNote, countersScope);
    if (gap !== null) return gap.dash ? <Unknown title={gap.title} /> : <span title={gap.title} />;
  }
  switch (col.key) {
    case 'process':
      return (
        <span className="proc" title={c.processPath ?? ownerText(c)}>
          {ownerLabel(c) ?? <span className="dim">{UNKNOWN_OWNER}</span>}
        </span>
      );
    case 'pid':
      return c.pid === null ? <Unknown title={noPidReason(c) ?? undefined} /> : <span className="dim">{c.pid}</span>;
    case 'proto':
      return <span className={`proto proto-${c.protocol}`}>{col.text(row)}</span>;
    case 'remoteAddress':
    case 'remotePort': {
      // A listener's "0.0.0.0" / "::" and port 0 are the OS's wildcard, not a peer: "—" with why.
      const v = col.key === 'remoteAddress' ? shownRemoteAddress(c) : shownRemotePort(c);
      return v === null ? <Unknown title={noRemoteReason(c) ?? undefined} /> : <>{v}</>;
    }
    case 'state':
      return c.state === null ? <Unknown title={noStateReason(c) ?? undefined} /> : <span className={stateClass(c.state)}>{c.state}</span>;
    case 'created':
      return c.createdAt != null ? (
        <span title={formatDateTime(c.createdAt)}>{formatTime(c.createdAt)}</span>
      ) : (
        <span className="approx" title={`Not reported by the OS: first seen by netmon ${row.preexisting ? '(already open when netmon started) ' : ''}at ${formatDateTime(row.firstSeen)}`}>
          ≤{formatTime(row.firstSeen)}
        </span>
      );
    case 'firstSeen':
      return row.preexisting ? (
        <span className="dim" title={`Already open when netmon started (${formatDateTime(row.firstSeen)})`}>
          {formatTime(row.firstSeen)}
        </span>
      ) : (
        <span title={formatDateTime(row.firstSeen)}>{formatTime(row.firstSeen)}</span>
      );
    case 'lastChange':
      return <span title={formatDateTime(row.lastChange)}>{formatTime(row.lastChange)}</span>;
    default:
      return <>{col.text(row)}</>;
  }
}

/** What a row does on input: one object for the table's life, reading the latest props. */
interface RowHandlers {
  down(id: string, e: MouseEvent): void;
  activate(id: string): void;
  menu(id: string, e: MouseEvent): void;
}

interface RowProps {
  row: Row;
  /** row.rev, passed apart: a row whose traffic was written in place is the same object (see Row.rev). */
  rev: number | undefined;
  index: number;
  columns: readonly Column[];
  selected: boolean;
  cursor: boolean;
  /** Why the row departs from the baseline (null: it does not, or no baseline). */
  why: ReturnType<DepartureOf>;
  /** Why traffic values are missing on every row (EngineStatus.countersNote), or null. */
  countersNote: string | null;
  /** Which connections the backend reads (the store's countersScope, one object while its facts stand), or null. */
  countersScope: CountersScope | null;
  on: RowHandlers;
}

/**
 * One body row. Its cells are memoized on the Row object, its rev and columns: when a batch inserts rows
 * above it, only the row element's place and stripe change, not its cells.
 */
const ConnectionRow = memo(function ConnectionRow({ row, rev, index, columns, selected, cursor, why, countersNote, countersScope, on }: RowProps) {
  const cls = `grid-row${index % 2 ? ' odd' : ''}${selected ? ' selected' : ''}${cursor ? ' cursor' : ''}${why ? ' not-in-baseline' : ''}`;
  return (
    <div
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      data-id={row.id}
      data-status={row.status}
      className={cls}
      style={{ top: index * ROW_HEIGHT }}
      onMouseDown={(e: MouseEvent) => on.down(row.id, e)}
      onDoubleClick={() => on.activate(row.id)}
      onContextMenu={(e) => on.menu(row.id, e)}
    >
      <RowCells row={row} rev={rev} columns={columns} why={why} countersNote={countersNote} countersScope={countersScope} />
    </div>
  );
});

const RowCells = memo(function RowCells({ row, columns, why, countersNote, countersScope }: Pick<RowProps, 'row' | 'rev' | 'columns' | 'why' | 'countersNote' | 'countersScope'>) {
  // The first cell also holds the baseline badge, which Column.fits does not count: it keeps its clip.
  return columns.map((c, i) => (
    <div key={c.key} role="gridcell" className={`cell${c.numeric ? ' num' : ''}${!(i === 0 && why) && cellFits(c, row) ? ' fits' : ''} col-${c.key}`}>
      {i === 0 && why && <BaselineBadge why={why} />}
      <Cell col={c} row={row} countersNote={countersNote} countersScope={countersScope} />
    </div>
  ));
});

/** rows[first..last] (inclusive). */
function visibleRows(rows: readonly Row[], first: number, last: number): readonly Row[] {
  return last >= first ? rows.slice(first, last + 1) : [];
}

export function ConnectionsTable(props: ConnectionsTableProps) {
  const { rows, sort, selection, userWidths } = props;
  const scrollRef = useRef<HTMLDivElement | null>(null);
  // Each column at least as wide as its header (with the mark where sorted), unless the user sized it.
  const sized = useCallback((key: string) => userWidths?.[key as ColumnKey] !== undefined, [userWidths]);
  const { columns: roomy, mark, onRoom: onLabelRoom } = useLabelRoom(props.columns, sized, sort.key);
  // A narrow table (a details pane open on a small screen) drops its least needed columns first,
  // so Process, the addresses and State stay in view, and the traffic columns once asked for.
  const giveWay = useMemo(() => connectionsGiveWay(props.columns), [props.columns]);
  const { columns, givenWay, style: gridStyle } = useFittedColumns(scrollRef, roomy, giveWay, sort.key, mark);
  const win = useRowWindow(scrollRef, rows.length, ROW_HEIGHT, OVERSCAN, HEAD_HEIGHT);
  const cursor = cursorIndex(selection, rows);
  // Enter and the menu key act on the cursor's row only while the table shows it (a row the filter
  // hides is out of reach, whatever the selection still remembers).
  const cursorId = cursor >= 0 ? rows[cursor].id : null;
  // Handlers that stay the same object (so rows stay memoized) and call the latest props.
  const latest = useRef(props);
  latest.current = props;
  const on = useMemo<RowHandlers>(
    () => ({
      down(id, e) {
        if (e.button !== 0) return;
        if (e.shiftKey) e.preventDefault(); // no text selection on shift-click
        latest.current.onClickRow(id, { shift: e.shiftKey, ctrl: e.ctrlKey || e.metaKey });
      },
      activate: (id) => latest.current.onActivate(id),
      menu(id, e) {
        e.preventDefault();
        latest.current.onContextMenu(id, e.clientX, e.clientY);
      },
    }),
    [],
  );
  // Report what is on screen (debounced by the consumer) so names are looked up for visible rows only.
  const { first, last } = win;
  const { onVisibleRows } = props;
  useEffect(() => {
    if (onVisibleRows && last >= first) onVisibleRows(rows.slice(first, last + 1));
  }, [onVisibleRows, rows, first, last]);

  const pageSize = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / ROW_HEIGHT) - 2);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    // Keys on the header's own controls (sort cells, resize handles, "+N") are theirs: Enter on
    // "+N" opened the cursor row's details instead of the list.
    if (e.target !== e.currentTarget) return;
    const at = cursor < 0 ? -1 : cursor;
    let to: number;
    switch (e.key) {
      case 'ArrowDown':
        to = at + 1;
        break;
      case 'ArrowUp':
        to = at < 0 ? 0 : at - 1;
        break;
      case 'Home':
        to = 0;
        break;
      case 'End':
        to = rows.length - 1;
        break;
      case 'PageDown':
        to = at + pageSize;
        break;
      case 'PageUp':
        to = at - pageSize;
        break;
      case 'Enter':
        if (cursorId !== null) props.onActivate(cursorId);
        e.preventDefault();
        return;
      case 'a':
        if (e.ctrlKey || e.metaKey) {
          props.onSelectAll();
          e.preventDefault();
        }
        return;
      case 'F10': // Shift+F10: the context menu where the keyboard has no menu key
      case 'ContextMenu':
        if (e.key === 'F10' && !e.shiftKey) return;
        if (cursorId !== null) {
          const r = scrollRef.current?.getBoundingClientRect();
          props.onContextMenu(cursorId, (r?.left ?? 0) + 40, (r?.top ?? 0) + 40);
          e.preventDefault();
        }
        return;
      default:
        return;
    }
    e.preventDefault();
    if (rows.length === 0) return;
    const clamped = Math.min(rows.length - 1, Math.max(0, to));
    props.onMove(clamped, e.shiftKey);
    // Only keyboard moves scroll: a mouse user reading elsewhere is never yanked back.
    win.scrollToIndex(clamped);
  };

  return (
    <div
      className="grid"
      role="grid"
      aria-label="Connections"
      aria-rowcount={rows.length + 1}
      aria-multiselectable="true"
      tabIndex={0}
      ref={(el) => {
        scrollRef.current = el;
        if (props.gridRef) props.gridRef.current = el;
      }}
      style={gridStyle}
      onKeyDown={onKeyDown}
    >
      <div className="grid-head" role="rowgroup">
        <ColumnHeaders
          columns={columns}
          givenWay={givenWay}
          sort={sort}
          onSort={props.onSort}
          onResize={props.onResizeColumn}
          onMenu={props.onColumnMenu}
          onMove={props.onMoveColumn}
          onLabelRoom={onLabelRoom}
        />
      </div>
      <div className="grid-body" role="rowgroup" style={{ height: rows.length * ROW_HEIGHT }}>
        {visibleRows(rows, first, last).map((row, k) => (
          <ConnectionRow
            key={row.id}
            row={row}
            rev={row.rev}
            index={first + k}
            columns={columns}
            selected={selection.ids.has(row.id)}
            cursor={first + k === cursor}
            why={props.departure?.(row.c) ?? null}
            countersNote={props.countersNote ?? null}
            countersScope={props.countersScope ?? null}
            on={on}
          />
        ))}
      </div>
      {rows.length === 0 && (
        <div className="empty" data-testid="connections-empty">
          {props.emptyText ?? 'No connections match.'}
        </div>
      )}
    </div>
  );
}
