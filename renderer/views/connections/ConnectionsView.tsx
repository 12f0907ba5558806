// The Connections view: the live grid with selection, keyboard, sorting and the row context menu.
import { useCallback, useEffect, useState, type Dispatch, type RefObject, type SetStateAction } from 'react';
import { ConnectionsTable } from '../../components/ConnectionsTable';
import { ContextMenu, type MenuItem } from '../../components/ContextMenu';
import { canCloseConnection, canEndProcess } from '../../components/DetailsPane';
import type { Column, ColumnKey, SortSpec } from '../../store/columns';
import type { Row } from '../../store/rows';
import { clickSelect, moveTo, selectAll, type Selection } from '../../store/selection';
import type { ConnectionStore } from '../../store/store';
import type { RowActions } from '../details/useRowActions';

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
}

/** The context menu's entries for one row. */
export function rowMenuItems(row: Row, actions: RowActions, onCopy: () => void): MenuItem[] {
  return [
    { label: 'Details', onSelect: () => actions.showDetails(row) },
    { label: 'Copy', onSelect: onCopy },
    { label: 'Close connection', onSelect: () => actions.ask('close', row), disabled: !canCloseConnection(row) },
    { label: 'End process', onSelect: () => actions.ask('end', row), disabled: !canEndProcess(row), danger: true },
  ];
}

export function ConnectionsView({ store, rows, columns, sort, onSort, selection, setSelection, gridRef, actions, onCopy, onVisibleRows, readOnly = false }: ConnectionsViewProps) {
  const [menu, setMenu] = useState<{ x: number; y: number; id: string } | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const menuRow = menu ? store.rows.get(menu.id) : undefined;
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
      />
      {menu && menuRow && <ContextMenu x={menu.x} y={menu.y} items={rowMenuItems(menuRow, actions, onCopy)} onClose={closeMenu} />}
    </>
  );
}
