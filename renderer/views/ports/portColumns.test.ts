// The Ports table at 1024 px with the details pane open scrolled sideways and cut "Top processes"
// mid-text (found by a new admin): it now gives way whole columns by the rule Connections and Events
// follow (fitTable), least needed first, and what it keeps fits its width.
import { describe, expect, it } from 'vitest';
import { fitTable } from '../../components/fittedColumns';
import { minTrackPx } from '../../store/columns';
import { fixedColumnPx, PORT_COLUMNS, PORT_GIVE_WAY } from './portColumns';

const keys = (inner: number) => fitTable(PORT_COLUMNS, inner, PORT_GIVE_WAY).columns.map((c) => c.key);

describe('Ports columns give way whole', () => {
  it('every column at 1024 px without the pane; whole columns dropped, least needed first, with it', () => {
    // 1024 px: the view's padding and a scrollbar leave ~985 px.
    expect(keys(985)).toEqual(PORT_COLUMNS.map((c) => c.key));
    // The details pane open (264 px): ~720 px.
    expect(keys(720)).toEqual(['address', 'inUse', 'ofRange', 'timeWait', 'processes']);
    expect(keys(400)).toEqual(['address', 'ofRange']);
  });
  it('what is kept fits: its least widths, and the "+N" button when some gave way, within the width', () => {
    // Address and its share of the range never give way (with "+N": 374 px); below that the view scrolls.
    for (let inner = 374; inner <= 2000; inner += 7) {
      const { columns, givenWay } = fitTable(PORT_COLUMNS, inner, PORT_GIVE_WAY);
      const least = columns.reduce((n, c) => n + minTrackPx(c.width), 0) + (givenWay.length > 0 ? 56 : 0);
      expect(least, `${inner} px`).toBeLessThanOrEqual(inner);
      expect(columns.length + givenWay.length).toBe(PORT_COLUMNS.length);
    }
  });
  it('fixed columns have a <col> width; flexible ones share the rest', () => {
    expect(fixedColumnPx(PORT_COLUMNS[0])).toBe(150);
    expect(fixedColumnPx(PORT_COLUMNS.find((c) => c.key === 'processes')!)).toBeUndefined();
  });
});
