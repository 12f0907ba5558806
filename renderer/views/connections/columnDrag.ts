// Pure: where a header dragged across the Connections header lands, and the layout with it there.
// The order kept is the same ColumnLayout.order the Columns menu writes (renderer/store/columnLayout.ts).
import { orderedKeys, type ColumnLayout } from '../../store/columnLayout';
import type { ColumnKey } from '../../store/columns';

/**
 * The place a dragged column takes among the other shown columns (0 = first), from the pointer's x
 * and the header cells' horizontal extents (client px, in display order, the dragged one included):
 * it goes before the first other cell whose middle lies right of the pointer.
 * @param from index of the dragged cell in `cells`.
 */
export function dropPosition(cells: readonly { left: number; right: number }[], from: number, x: number): number {
  let to = 0;
  for (let i = 0; i < cells.length; i++) {
    if (i === from) continue;
    if (x > (cells[i].left + cells[i].right) / 2) to++;
  }
  return to;
}

/**
 * The layout with `key` at position `to` among the other `shown` columns (0 = first; clamped).
 * Columns not shown (hidden, given way for width, not available) keep their places in the order.
 * Unchanged when `key` is not shown or already there.
 */
export function moveColumnTo(layout: ColumnLayout, shown: readonly ColumnKey[], key: ColumnKey, to: number): ColumnLayout {
  const from = shown.indexOf(key);
  if (from < 0) return layout;
  const others = shown.filter((k) => k !== key);
  const at = Math.max(0, Math.min(others.length, Math.round(to)));
  if (at === from) return layout;
  const order = orderedKeys(layout).filter((k) => k !== key);
  if (at < others.length) order.splice(order.indexOf(others[at]), 0, key);
  else order.splice(order.indexOf(others[others.length - 1]) + 1, 0, key);
  return { ...layout, order };
}
