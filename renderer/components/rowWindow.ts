// Virtualization for grids of fixed-height rows: which rows to put in the DOM for a scroll position,
// and where to scroll to bring a row into view. Every row is ROW_HEIGHT tall, so the window is
// arithmetic, O(1) per render: a general virtualizer that keeps a measurement object per row
// rebuilt them all (50,000 objects) whenever the row count or its key function changed, i.e. on
// every batch.
import { useCallback, useLayoutEffect, useState, type RefObject } from 'react';

/** Rows `first..last` (inclusive; last < first when there are none) to render. */
export interface RowRange {
  first: number;
  last: number;
}

/**
 * The rows a viewport shows, plus `overscan` rows either side. `scrollTop` and `viewport` are the
 * scroll container's (px), `rowHeight` px per row; the rows start `offset` px into the container
 * (below a sticky header).
 */
export function rowWindow(scrollTop: number, viewport: number, count: number, rowHeight: number, overscan: number, offset = 0): RowRange {
  if (count <= 0 || rowHeight <= 0) return { first: 0, last: -1 };
  const top = Math.max(0, scrollTop - offset);
  const first = Math.max(0, Math.floor(top / rowHeight) - overscan);
  const last = Math.min(count - 1, Math.ceil((top + Math.max(0, viewport)) / rowHeight) + overscan);
  return { first: Math.min(first, count - 1), last };
}

/**
 * The scroll position that brings row `index` fully into view with the least movement (null when it
 * already is): rows start `offset` px into the container, under a sticky header of that height.
 */
export function scrollTopFor(index: number, scrollTop: number, viewport: number, rowHeight: number, offset = 0): number | null {
  const top = offset + index * rowHeight;
  if (top < scrollTop + offset) return index * rowHeight;
  if (top + rowHeight > scrollTop + viewport) return Math.max(0, top + rowHeight - viewport);
  return null;
}

export interface RowWindow extends RowRange {
  /** Scrolls the container so row `index` is in view (keyboard moves). */
  scrollToIndex(index: number): void;
}

/**
 * The window of a scroll container (`ref`) over `count` rows; re-renders only when the range of
 * rows to render changes, not on every scrolled pixel.
 */
export function useRowWindow(ref: RefObject<HTMLElement | null>, count: number, rowHeight: number, overscan: number, offset = 0): RowWindow {
  const [view, setView] = useState({ top: 0, height: 0 });
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return undefined;
    const read = () =>
      setView((v) => {
        const top = el.scrollTop;
        const height = el.clientHeight;
        // Same rows either way: keep the state (no render).
        if (height === v.height && Math.floor(top / rowHeight) === Math.floor(v.top / rowHeight)) return v;
        return { top, height };
      });
    read();
    el.addEventListener('scroll', read, { passive: true });
    const ro = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(read);
    ro?.observe(el);
    return () => {
      el.removeEventListener('scroll', read);
      ro?.disconnect();
    };
  }, [ref, rowHeight]);
  const range = rowWindow(view.top, view.height, count, rowHeight, overscan, offset);
  const scrollToIndex = useCallback(
    (index: number) => {
      const el = ref.current;
      if (!el) return;
      const to = scrollTopFor(index, el.scrollTop, el.clientHeight, rowHeight, offset);
      if (to !== null) el.scrollTop = to;
    },
    [ref, rowHeight, offset],
  );
  return { ...range, scrollToIndex };
}
