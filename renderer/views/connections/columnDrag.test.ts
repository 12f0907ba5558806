import { describe, expect, it } from 'vitest';
import { DEFAULT_LAYOUT, applyLayout, moveColumn, toggleHidden } from '../../store/columnLayout';
import { columnsFor, type ColumnKey } from '../../store/columns';
import { dropPosition, moveColumnTo } from './columnDrag';

const available = columnsFor(false);
const shownOf = (l = DEFAULT_LAYOUT) => applyLayout(available, l).map((c) => c.key);

describe('dragging a column header', () => {
  it('lands before the first other cell whose middle is right of the pointer', () => {
    const cells = [0, 100, 200, 300].map((left) => ({ left, right: left + 100 }));
    expect(dropPosition(cells, 1, 10)).toBe(0); // left of A's middle: first
    expect(dropPosition(cells, 1, 140)).toBe(1); // over itself: where it was
    expect(dropPosition(cells, 1, 260)).toBe(2); // past C's middle: after C
    expect(dropPosition(cells, 1, 999)).toBe(3); // past the end: last
  });

  it('moves a column to any place; the order is the one the menu writes, hidden columns keep their places', () => {
    const shown = shownOf();
    const state = moveColumnTo(DEFAULT_LAYOUT, shown, 'state', 0);
    expect(shownOf(state)).toEqual(['state', ...shown.filter((k) => k !== 'state')]);
    const last = moveColumnTo(DEFAULT_LAYOUT, shown, 'process', 99);
    expect(shownOf(last)).toEqual([...shown.filter((k) => k !== 'process'), 'process']);
    // One step either way is the menu's Move left / right.
    for (const key of shown) {
      const at = shown.indexOf(key);
      expect(shownOf(moveColumnTo(DEFAULT_LAYOUT, shown, key, at - 1))).toEqual(shownOf(at > 0 ? moveColumn(DEFAULT_LAYOUT, shown, key, -1) : DEFAULT_LAYOUT));
      expect(shownOf(moveColumnTo(DEFAULT_LAYOUT, shown, key, at + 1))).toEqual(shownOf(moveColumn(DEFAULT_LAYOUT, shown, key, 1)));
    }
    // PID hidden: moving State to the front and showing PID again puts PID back where it was.
    const noPid = toggleHidden(DEFAULT_LAYOUT, 'pid');
    const moved = moveColumnTo(noPid, shownOf(noPid), 'state', 0);
    expect(shownOf(toggleHidden(moved, 'pid')).slice(0, 3)).toEqual(['state', 'process', 'pid']);
  });

  it('leaves the layout as it is for a column not shown or dropped where it was', () => {
    const shown = shownOf();
    expect(moveColumnTo(DEFAULT_LAYOUT, shown, 'host' as ColumnKey, 0)).toBe(DEFAULT_LAYOUT);
    expect(moveColumnTo(DEFAULT_LAYOUT, shown, 'pid', shown.indexOf('pid'))).toBe(DEFAULT_LAYOUT);
  });
});
