// Fitting a grid's columns to its width, one rule for every table (Connections, Events): when the
// columns' least widths do not fit, columns give way whole, least needed first (fitColumns), and
// the header's last track keeps room for the "+N" button (GivenWay) that names them. What still
// does not fit scrolls sideways, header and body together: no column is ever cut off at the edge.
import { useEffect, useMemo, useState, type CSSProperties, type RefObject } from 'react';
import { minTrackPx } from '../store/columns';
import { fitColumns, type GiveWayStep } from '../store/columnLayout';
import type { MarkRoom } from './labelRoom';

/** Room the header's "N hidden for width" button takes at the row's end, px. */
export const GIVEN_WAY_PX = 56;

/** A column as fitting sees it: a key, a label for "+N", a CSS grid track (px or minmax(px, …)). */
export interface FitColumn {
  key: string;
  label: string;
  width: string;
  /** The track to go back to when a give-way order narrows this column (labelRoom roomyColumns). */
  narrowWidth?: string;
  /** Set on the copy a give-way order narrowed (columnLayout fitColumns). */
  narrowed?: boolean;
}

export interface FittedColumns<C extends FitColumn> {
  /** The columns drawn, in order (one array while the inputs stay: memoized rows compare it). */
  columns: C[];
  /** The columns left out for width, in layout order. */
  givenWay: C[];
  /** The grid's style: `--cols` (the tracks, then one that takes the rest) and `--min-w` (px). */
  style: CSSProperties;
}

/** The inner width of an element, px, kept current by a ResizeObserver (0 until measured). */
function useInnerWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

/**
 * The columns of `all` that fit `inner` px, dropping them in `giveWay` order (keys, or keys that
 * go together) but never `sortKey` (the column the rows are sorted by), and the grid style that
 * draws them. `mark` (labelRoom roomyColumns): the sort mark's room is reserved whichever column
 * is sorted and the sorted column is fitted without it, so clicking a header reorders the rows
 * without a column coming or going (unless the new sort column itself had given way). An `inner`
 * of 0 (not measured yet, jsdom) draws every column.
 */
export function fitTable<C extends FitColumn>(all: readonly C[], inner: number, giveWay?: readonly GiveWayStep[], sortKey?: string, mark: MarkRoom = NO_MARK): FittedColumns<C> {
  const least = (c: C) => minTrackPx(c.width);
  // The sorted column is fitted without the mark's room (reserved below whichever column is
  // sorted); narrowed, its track holds the mark over its header alone (narrowSortedPx).
  const fitLeast = (c: C) => least(c) - (c.key === sortKey ? (c.narrowed ? (mark.narrowSortedPx ?? 0) : mark.sortedPx) : 0);
  const room = inner > 0 ? Math.max(1, inner - mark.markPx) : inner;
  let columns = fitColumns(all, room, fitLeast, giveWay, sortKey);
  // When some give way, the header's last track says so: keep room for it.
  const given = columns.length < all.length;
  if (given) columns = fitColumns(all, room - GIVEN_WAY_PX, fitLeast, giveWay, sortKey);
  // By key: a column narrowed by a NarrowStep is a copy, still shown.
  const shownKeys = new Set(columns.map((c) => c.key));
  const givenWay = all.filter((c) => !shownKeys.has(c.key));
  const lastPx = givenWay.length > 0 ? GIVEN_WAY_PX : 0;
  // The last track takes what the columns do not need. Rows are as wide as the pane, and never
  // narrower than the columns' least widths: flexible columns shrink first (a details pane open
  // beside the table), then header and body scroll sideways together.
  const template = `${columns.map((c) => c.width).join(' ')} minmax(${lastPx}px, 1fr)`;
  const minWidth = columns.reduce((sum, c) => sum + least(c), lastPx);
  return { columns, givenWay, style: { '--cols': template, '--min-w': `${minWidth}px` } as CSSProperties };
}

const NO_MARK: MarkRoom = { markPx: 0, sortedPx: 0 };

/** fitTable over the inner width of `scrollRef`'s element, kept current as it resizes. */
export function useFittedColumns<C extends FitColumn>(scrollRef: RefObject<HTMLElement | null>, all: readonly C[], giveWay?: readonly GiveWayStep[], sortKey?: string, mark?: MarkRoom): FittedColumns<C> {
  const inner = useInnerWidth(scrollRef);
  const markPx = mark?.markPx ?? 0;
  const sortedPx = mark?.sortedPx ?? 0;
  const narrowSortedPx = mark?.narrowSortedPx ?? 0;
  return useMemo(() => fitTable(all, inner, giveWay, sortKey, { markPx, sortedPx, narrowSortedPx }), [all, inner, giveWay, sortKey, markPx, sortedPx, narrowSortedPx]);
}
