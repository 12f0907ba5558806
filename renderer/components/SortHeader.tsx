// One sortable column header cell: click (or Enter when focused) to sort, aria-sort and the
// ▲/▼ mark when it is the sort column; optionally a resize handle on its right edge (drag; Ctrl+Left /
// Ctrl+Right on the cell, or the arrow keys on the handle itself), a context menu (right-click, or
// Shift+F10 / the menu key on the cell or its handle) and moving it one place with Alt+Left /
// Alt+Right (dragging it is ColumnHeaders' job). The handle is no Tab stop of its own: a header row
// is one Tab stop (ColumnHeaders), not two per column on the way to the details pane.
import { useRef, type KeyboardEvent, type PointerEvent } from 'react';

export interface SortHeaderProps {
  label: string;
  numeric?: boolean;
  /** The current direction when this column is the sort column, else null. */
  dir: 'asc' | 'desc' | null;
  onSort(): void;
  /** Called with the new width (px) while the edge is dragged or moved by keyboard. */
  onResize?(px: number): void;
  /** Opens the column menu at a point (client px). */
  onMenu?(x: number, y: number): void;
  /** Moves the column one place left (-1) or right (+1): Alt+Left / Alt+Right on the focused cell. */
  onMoveBy?(dir: -1 | 1): void;
  /** The column's key, on the cell as data-key (the header row finds dragged cells by it). */
  columnKey?: string;
  /** The cell's tab stop: -1 when a header row roves its focus (ColumnHeaders); default 0. */
  tabIndex?: 0 | -1;
}

/** Keyboard resize step, px (Shift: five steps). */
const STEP_PX = 10;

export function SortHeader({ label, numeric, dir, onSort, onResize, onMenu, onMoveBy, columnKey, tabIndex = 0 }: SortHeaderProps) {
  const cellRef = useRef<HTMLDivElement | null>(null);
  const drag = useRef<{ x: number; w: number } | null>(null);
  const width = () => cellRef.current?.getBoundingClientRect().width ?? 0;
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    e.stopPropagation();
    drag.current = { x: e.clientX, w: width() };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current) onResize?.(drag.current.w + e.clientX - drag.current.x);
  };
  const endDrag = () => {
    drag.current = null;
  };
  /** Widens (ArrowRight) or narrows (ArrowLeft) by a step, five with Shift. */
  const resizeByKey = (e: KeyboardEvent<HTMLDivElement>) => onResize?.(width() + (e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? STEP_PX * 5 : STEP_PX));
  const onHandleKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') resizeByKey(e);
    else if ((e.key === 'F10' && e.shiftKey) || e.key === 'ContextMenu') {
      const r = e.currentTarget.getBoundingClientRect();
      onMenu?.(r.left, r.bottom);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const onCellKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget) return; // the resize handle has its own keys
    // Enter sorts; Space stays the window's freeze key, as everywhere in the table.
    if (e.key === 'Enter') onSort();
    else if (e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight') && onMoveBy) onMoveBy(e.key === 'ArrowLeft' ? -1 : 1);
    else if ((e.ctrlKey || e.metaKey) && (e.key === 'ArrowLeft' || e.key === 'ArrowRight') && onResize) resizeByKey(e);
    else if (((e.key === 'F10' && e.shiftKey) || e.key === 'ContextMenu') && onMenu) {
      const r = e.currentTarget.getBoundingClientRect();
      onMenu(r.left, r.bottom);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  };
  const hint = onMoveBy ? `Sort by ${label}; drag to move the column (Alt+Left / Alt+Right when focused)${onResize ? '; Ctrl+Left / Ctrl+Right resize it' : ''}` : `Sort by ${label}`;
  return (
    <div
      ref={cellRef}
      role="columnheader"
      data-key={columnKey}
      tabIndex={tabIndex}
      onKeyDown={onCellKey}
      aria-keyshortcuts={[onMoveBy && 'Alt+ArrowLeft Alt+ArrowRight', onResize && 'Control+ArrowLeft Control+ArrowRight'].filter(Boolean).join(' ') || undefined}
      aria-sort={dir === null ? undefined : dir === 'asc' ? 'ascending' : 'descending'}
      className={`cell${numeric ? ' num' : ''}${dir !== null ? ' sorted' : ''}`}
      onClick={onSort}
      onContextMenu={
        onMenu
          ? (e) => {
              e.preventDefault();
              onMenu(e.clientX, e.clientY);
            }
          : undefined
      }
      title={hint}
    >
      <span className="col-label">{label}</span>
      <span className="sort-mark" aria-hidden="true">
        {dir === null ? '' : dir === 'asc' ? '▲' : '▼'}
      </span>
      {onResize && (
        <div
          className="col-resize"
          role="separator"
          aria-orientation="vertical"
          aria-label={`Resize ${label}`}
          title={`Drag to resize ${label}; Ctrl+Left / Ctrl+Right on the header; Shift+F10 for the column menu`}
          tabIndex={-1}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
          onClick={(e) => e.stopPropagation()}
          onKeyDown={onHandleKey}
        />
      )}
    </div>
  );
}
