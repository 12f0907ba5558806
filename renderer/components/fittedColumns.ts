// Fitting a grid's columns to its width, one rule for every table (Connections, Events): when the
// columns' least widths do not fit, columns give way whole, least needed first (fitColumns), and
// the header's last track keeps room for the "+N" button (GivenWay) that names them. What still
// does not fit scrolls sideways, header and body together: no column is ever cut off at the edge.
import { useEffect, useMemo, useState, type CSSProperties, type RefObject } from 'react';
import { minTrackPx } from '../store/columns';
import { fitColumns, type GiveWayStep } from '../store/columnLayout';

/** Room the header's "N hidden for width" button takes at the row's end, px. */
export const GIVEN_WAY_PX = 56;

/** A column as fitting sees it: a key, a label for "+N", a CSS grid track (px or minmax(px, …)). */
export interface FitColumn {
  key: string;
  label: string;
  width: string;
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
 * The columns of `all` that fit the inner width of `scrollRef`'s element, dropping them in
 * `giveWay` order (keys, or keys that go together) but never `sortKey` (the column the rows are sorted by), and the grid
 * style that draws them. Before the width is measured (and in jsdom) every column is drawn.
 */
export function useFittedColumns<C extends FitColumn>(scrollRef: RefObject<HTMLElement | null>, all: readonly C[], giveWay?: readonly GiveWayStep[], sortKey?: string): FittedColumns<C> {
  const inner = useInnerWidth(scrollRef);
  return useMemo(() => {
    const least = (c: C) => minTrackPx(c.width);
    let columns = fitColumns(all, inner, least, giveWay, sortKey);
    // When some give way, the header's last track says so: keep room for it.
    const given = columns.length < all.length;
    if (given) columns = fitColumns(all, inner - GIVEN_WAY_PX, least, giveWay, sortKey);
    const givenWay = all.filter((c) => !columns.includes(c));
    const lastPx = givenWay.length > 0 ? GIVEN_WAY_PX : 0;
    // The last track takes what the columns do not need. Rows are as wide as the pane, and never
    // narrower than the columns' least widths: flexible columns shrink first (a details pane open
    // beside the table), then header and body scroll sideways together.
    const template = `${columns.map((c) => c.width).join(' ')} minmax(${lastPx}px, 1fr)`;
    const minWidth = columns.reduce((sum, c) => sum + least(c), lastPx);
    return { columns, givenWay, style: { '--cols': template, '--min-w': `${minWidth}px` } as CSSProperties };
  }, [all, inner, giveWay, sortKey]);
}
