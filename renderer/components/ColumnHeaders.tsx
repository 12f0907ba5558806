// The Connections header row: one SortHeader per column; a header dragged sideways moves its column
// (a marker shows where it will land; a drag never sorts), Alt+Left / Alt+Right moves the focused
// one; and, when the table is too narrow for every column, the small "+3" button (GivenWay) at the
// row's end that lists the columns that gave way. The row is one Tab stop (WAI-ARIA roving
// tabindex): Left / Right, Home / End move among its headers and "+N", so Tab from the grid reaches
// the details pane at once. It also measures the room each header needs sorted (labelRoom.tsx), so
// no label is clipped by its sort mark.
import { useEffect, useRef, useState, type PointerEvent } from 'react';
import type { Column, ColumnKey, SortSpec } from '../store/columns';
import { SortHeader } from './SortHeader';
import { dropPosition } from '../views/connections/columnDrag';
import { GivenWay } from './GivenWay';
import { LabelMeasure, type LabelRoom } from './labelRoom';
import { rovingFocus } from './roving';

export interface ColumnHeadersProps {
  /** The columns drawn, in order. */
  columns: Column[];
  /** Columns of the layout left out because the table is too narrow for them (fitColumns). */
  givenWay: Column[];
  sort: SortSpec;
  onSort(key: ColumnKey): void;
  onResize?(key: ColumnKey, px: number): void;
  onMenu?(key: ColumnKey, x: number, y: number): void;
  /** Moves `key` to place `to` among the other drawn columns (0 = first); `shown` is the order drawn. */
  onMove?(key: ColumnKey, to: number, shown: ColumnKey[]): void;
  /** Called with the width each column's header needs when sorted, measured in the header's font. */
  onLabelRoom?(room: LabelRoom): void;
}

/** The header row's roving items: its header cells, then "+N". */
const HEADER_ITEMS = ':scope > [role="columnheader"][data-key], :scope > .cols-given-way > button';
/** ColumnHeaders' key for the "+N" button as the row's tab stop. */
const GIVEN_WAY_STOP = '+';

/** Pointer travel before a press on a header becomes a drag, px (below it, it is a click: sort). */
const DRAG_SLOP_PX = 5;

interface Drag {
  key: ColumnKey;
  from: number;
  x0: number;
  pointerId: number;
  moving: boolean;
}

export function ColumnHeaders({ columns, givenWay, sort, onSort, onResize, onMenu, onMove, onLabelRoom }: ColumnHeadersProps) {
  const rowRef = useRef<HTMLDivElement | null>(null);
  const drag = useRef<Drag | null>(null);
  const swallowClick = useRef(false);
  const refocus = useRef<ColumnKey | null>(null);
  const [marker, setMarker] = useState<{ key: ColumnKey; to: number; x: number } | null>(null);
  const [said, setSaid] = useState('');
  const keys = columns.map((c) => c.key);
  // The row's one Tab stop: the item focused last while it is still drawn, else the sort column.
  const [stop, setStop] = useState<string | null>(null);
  const tabStop = stop !== null && (keys.includes(stop as ColumnKey) || (stop === GIVEN_WAY_STOP && givenWay.length > 0)) ? stop : keys.includes(sort.key) ? sort.key : keys[0];

  // A moved header keeps the keyboard focus (React may move its node, which drops focus).
  useEffect(() => {
    const k = refocus.current;
    refocus.current = null;
    if (k) rowRef.current?.querySelector<HTMLElement>(`[role="columnheader"][data-key="${k}"]`)?.focus();
  });

  const cells = () => [...(rowRef.current?.querySelectorAll<HTMLElement>('[role="columnheader"][data-key]') ?? [])].map((el) => el.getBoundingClientRect());

  const move = (key: ColumnKey, to: number) => {
    if (!onMove) return;
    const label = columns.find((c) => c.key === key)?.label ?? key;
    onMove(key, to, keys);
    setSaid(`${label} moved to position ${Math.max(1, Math.min(keys.length, to + 1))} of ${keys.length}`);
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!onMove || e.button !== 0) return;
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[role="columnheader"][data-key]');
    const key = cell?.dataset.key as ColumnKey | undefined;
    if (!cell || !key || !keys.includes(key)) return;
    drag.current = { key, from: keys.indexOf(key), x0: e.clientX, pointerId: e.pointerId, moving: false };
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    const d = drag.current;
    if (!d || e.pointerId !== d.pointerId) return;
    if (!d.moving) {
      if (Math.abs(e.clientX - d.x0) < DRAG_SLOP_PX) return;
      d.moving = true;
      e.currentTarget.setPointerCapture?.(e.pointerId);
    }
    const rects = cells();
    const to = dropPosition(rects, d.from, e.clientX);
    // The marker sits on the edge the column will land at: before the to-th other cell, or after the last.
    const others = rects.filter((_, i) => i !== d.from);
    const rowLeft = rowRef.current?.getBoundingClientRect().left ?? 0;
    const edge = to < others.length ? others[to].left : (others[others.length - 1]?.right ?? rects[d.from].right);
    setMarker({ key: d.key, to, x: edge - rowLeft });
  };
  const endDrag = (e: PointerEvent<HTMLDivElement>, commit: boolean) => {
    const d = drag.current;
    if (!d || e.pointerId !== d.pointerId) return;
    drag.current = null;
    setMarker(null);
    if (!d.moving) return;
    swallowClick.current = true; // the click that ends a drag is not a sort
    if (commit) move(d.key, dropPosition(cells(), d.from, e.clientX));
  };

  return (
    <div
      ref={rowRef}
      className={`grid-row head${marker ? ' dragging' : ''}`}
      role="row"
      aria-rowindex={1}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={(e) => endDrag(e, true)}
      onPointerCancel={(e) => endDrag(e, false)}
      onKeyDown={(e) => rovingFocus(e, HEADER_ITEMS)}
      onFocus={(e) => {
        const t = e.target as HTMLElement;
        setStop(t.closest('.cols-given-way') ? GIVEN_WAY_STOP : (t.closest<HTMLElement>('[role="columnheader"][data-key]')?.dataset.key ?? null));
      }}
      onClickCapture={(e) => {
        if (!swallowClick.current) return;
        swallowClick.current = false;
        e.stopPropagation();
      }}
    >
      {columns.map((c) => (
        <SortHeader
          key={c.key}
          columnKey={c.key}
          label={c.label}
          numeric={c.numeric}
          dir={sort.key === c.key ? sort.dir : null}
          tabIndex={tabStop === c.key ? 0 : -1}
          onSort={() => onSort(c.key)}
          onResize={onResize && ((px) => onResize(c.key, px))}
          onMenu={onMenu && ((x, y) => onMenu(c.key, x, y))}
          onMoveBy={
            onMove &&
            ((dir) => {
              const at = keys.indexOf(c.key);
              if (at + dir < 0 || at + dir >= keys.length) return;
              refocus.current = c.key;
              move(c.key, at + dir);
            })
          }
        />
      ))}
      {marker && <div className="col-drop-marker" aria-hidden="true" style={{ left: marker.x }} />}
      {/* The Connections columns: the details pane shows each of them for its row (its Traffic section the traffic ones). */}
      <GivenWay columns={givenWay} tabIndex={tabStop === GIVEN_WAY_STOP ? 0 : -1} inDetails />
      {onLabelRoom && <LabelMeasure columns={[...columns, ...givenWay]} onRoom={onLabelRoom} />}
      <span className="sr-only" role="status" aria-live="polite">
        {said}
      </span>
    </div>
  );
}
