// The Connections view: the live grid with selection, keyboard, sorting and the row context menu.
import { useCallback, useEffect, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';
import { ConnectionsTable } from '../../components/ConnectionsTable';
import type { DepartureOf } from '../../components/BaselineBadge';
import { ContextMenu, type MenuItem } from '../../components/ContextMenu';
import { canCloseConnection, canEndProcess } from '../../components/DetailsPane';
import type { Column, ColumnKey, SortSpec } from '../../store/columns';
import type { Row } from '../../store/rows';
import { DEFAULT_LAYOUT, moveColumn, setColumnWidth, toggleHidden, type ColumnLayout } from '../../store/columnLayout';
import { clickSelect, moveTo, selectAll, type Selection } from '../../store/selection';
import type { ConnectionStore } from '../../store/store';
import type { RowActions } from '../details/useRowActions';
import { moveColumnTo } from './columnDrag';

export interface ConnectionsViewProps {
  store: ConnectionStore;
  rows: Row[];
  columns: Column[];
  sort: SortSpec;
  onSort(key: ColumnKey): void;
  selection: Selection;
  setSelection: Dispatch<SetStateAction<Selection>>;
  gridRef: RefObject<HTMLDivElement | null>;
  actions: RowActions;
  onCopy(): void;
  onVisibleRows(rows: Row[]): void;
  /** A recording's table: no details pane, no actions (its rows are not live). */
  readOnly?: boolean;
  /** Every column that could be shown (before the layout hides some), for the column menu. */
  available?: Column[];
  layout?: ColumnLayout;
  onLayout?(layout: ColumnLayout): void;
  /** The baseline in use, to flag rows not in it. */
  departure?: DepartureOf | null;
  /** What the table says when it shows no row (emptyConnections.ts connectionsEmptyText). */
  emptyText?: string;
}

/**
 * The column menu opened on header `key`: hide / show each available column, move `key` left or
 * right among the shown ones, and back to the default arrangement.
 */
export function columnMenuItems(key: ColumnKey, shown: readonly Column[], available: readonly Column[], layout: ColumnLayout, onLayout: (l: ColumnLayout) => void): MenuItem[] {
  const shownKeys = shown.map((c) => c.key);
  const at = shownKeys.indexOf(key);
  const label = shown[at]?.label ?? key;
  return [
    { label: `Move ${label} left`, onSelect: () => onLayout(moveColumn(layout, shownKeys, key, -1)), disabled: at <= 0 },
    { label: `Move ${label} right`, onSelect: () => onLayout(moveColumn(layout, shownKeys, key, 1)), disabled: at < 0 || at >= shownKeys.length - 1 },
    ...available.map((c) => {
      const visible = shownKeys.includes(c.key);
      return { label: `${visible ? 'Hide' : 'Show'} ${c.label}`, onSelect: () => onLayout(toggleHidden(layout, c.key)), disabled: visible && shownKeys.length === 1 };
    }),
    { label: 'Reset columns', onSelect: () => onLayout(DEFAULT_LAYOUT) },
  ];
}

/**
 * The context menu's entries for one row. `hidden`: the row is not in the Connections table (its
 * filter hides it): Close connection and End process are off, as in the details pane (one rule:
 * an action reaches only a connection the table shows).
 */
export function rowMenuItems(row: Row, actions: RowActions, onCopy: () => void, hidden = false): MenuItem[] {
  return [
    { label: 'Details', onSelect: () => actions.showDetails(row) },
    { label: 'Copy', onSelect: onCopy },
    { label: 'Close connection', onSelect: () => actions.ask('close', row), disabled: hidden || !canCloseConnection(row) },
    { label: 'End process', onSelect: () => actions.ask('end', row), disabled: hidden || !canEndProcess(row), danger: true },
  ];
}

export function ConnectionsView({ store, rows, columns, sort, onSort, selection, setSelection, gridRef, actions, onCopy, onVisibleRows, readOnly = false, available, layout, onLayout, departure = null, emptyText }: ConnectionsViewProps) {
  const [menu, setMenu] = useState<{ x: number; y: number; id: string } | null>(null);
  const [colMenu, setColMenu] = useState<{ x: number; y: number; key: ColumnKey } | null>(null);
  const closeColMenu = useCallback(() => setColMenu(null), []);
  const arrangeable = available !== undefined && layout !== undefined && onLayout !== undefined;
  const closeMenu = useCallback(() => setMenu(null), []);
  // The row menu acts only on a row the table shows: one the filter hides meanwhile closes it.
  const menuShown = menu !== null && rows.some((r) => r.id === menu.id);
  const menuRow = menuShown ? store.rows.get(menu.id) : undefined;
  useEffect(() => {
    if (menu && !menuShown) setMenu(null);
  }, [menu, menuShown]);
  // An open details pane follows the cursor (keyboard, click, right-click): its Close / End
  // buttons act on the row it shows, which is always the row under the cursor.
  const { showDetailsOf, detailsRow } = actions;
  const paneOpen = detailsRow !== null;
  useEffect(() => {
    if (paneOpen && selection.cursor !== null) showDetailsOf(selection.cursor);
  }, [paneOpen, selection.cursor, showDetailsOf]);
  return (
    <>
      <ConnectionsTable
        rows={rows}
        countersNote={store.status?.countersNote ?? null}
        countersScope={store.countersScope}
        columns={columns}
        sort={sort}
        onSort={onSort}
        selection={selection}
        gridRef={gridRef}
        onClickRow={(id, mods) => {
          setSelection((s) => clickSelect(s, rows, id, mods));
          if (!mods.shift && !mods.ctrl && !readOnly) actions.showDetailsOf(id);
        }}
        onMove={(i, extend) => setSelection((s) => moveTo(s, rows, i, extend))}
        onSelectAll={() => setSelection((s) => selectAll(rows, s))}
        onActivate={readOnly ? () => undefined : actions.showDetailsOf}
        onContextMenu={(id, x, y) => {
          // The menu acts on the row clicked: it becomes the cursor (a multi-selection stays).
          setSelection((s) => (s.ids.has(id) ? { ...s, cursor: id } : clickSelect(s, rows, id, {})));
          if (!readOnly) setMenu({ x, y, id });
        }}
        onVisibleRows={onVisibleRows}
        onResizeColumn={arrangeable ? (key, px) => onLayout(setColumnWidth(layout, key, px)) : undefined}
        onColumnMenu={arrangeable ? (key, x, y) => setColMenu({ x, y, key }) : undefined}
        onMoveColumn={arrangeable ? (key, to, shown) => onLayout(moveColumnTo(layout, shown, key, to)) : undefined}
        userWidths={layout?.widths}
        departure={departure}
        emptyText={emptyText}
      />
      {colMenu && arrangeable && (
        <ContextMenu x={colMenu.x} y={colMenu.y} label="Columns" items={columnMenuItems(colMenu.key, columns, available, layout, onLayout)} onClose={closeColMenu} returnFocus={() => gridRef.current} />
      )}
      {menu && menuRow && <ContextMenu x={menu.x} y={menu.y} items={rowMenuItems(menuRow, actions, onCopy)} onClose={closeMenu} returnFocus={() => gridRef.current} />}
    </>
  );
}
