import { describe, expect, it } from 'vitest';
import { leastRoomKey, MARK_ROOM, roomyColumns, sameRoom, widenTrack, type LabelRoom } from './labelRoom';
import { fitTable } from './fittedColumns';
import { minTrackPx } from '../store/columns';

describe('widenTrack', () => {
  it('raises a fixed track or a minmax() minimum to the room asked, rounded up, and never lowers one', () => {
    expect(widenTrack('84px', 98.2)).toBe('99px');
    expect(widenTrack('minmax(124px, 300px)', 128)).toBe('minmax(128px, 300px)');
    expect(minTrackPx(widenTrack('minmax(124px, 300px)', 131.5))).toBe(132);
    expect(widenTrack('112px', 60)).toBe('112px');
    expect(widenTrack('minmax(124px, 300px)', 124)).toBe('minmax(124px, 300px)');
  });

  it('leaves other tracks and unmeasured room (0, NaN) alone', () => {
    expect(widenTrack('1fr', 200)).toBe('1fr');
    expect(widenTrack('auto', 200)).toBe('auto');
    expect(widenTrack('84px', 0)).toBe('84px');
    expect(widenTrack('84px', Number.NaN)).toBe('84px');
  });
});

describe('sameRoom', () => {
  it('compares measurements key by key within half a pixel', () => {
    expect(sameRoom({}, {})).toBe(true);
    expect(sameRoom({ pid: 60 }, { pid: 60.4 })).toBe(true);
    expect(sameRoom({ pid: 60 }, { pid: 61 })).toBe(false);
    expect(sameRoom({ pid: 60 }, { proto: 60 })).toBe(false);
    expect(sameRoom({ pid: 60 }, { pid: 60, proto: 63 })).toBe(false);
  });
});

describe('fitTable with the sort mark (roomyColumns)', () => {
  // Least widths as Chromium measures the headers; a port's header needs its track and the mark more.
  const cols = [
    { key: 'process', label: 'Process', width: 'minmax(110px, 280px)' },
    { key: 'pid', label: 'PID', width: '70px' },
    { key: 'localPort', label: 'Local Port', width: '56px' },
    { key: 'state', label: 'State', width: '104px' },
  ];
  const room: LabelRoom = { process: 68, pid: 38, localPort: 84, state: 52, [MARK_ROOM]: 14 };
  const fit = (sortKey: string, inner: number) => {
    const r = roomyColumns(cols, room, undefined, sortKey);
    return fitTable(r.columns, inner, ['pid'], sortKey, r.mark);
  };
  it('draws the same columns whichever header is sorted, within the width', () => {
    for (const inner of [300, 366, 380, 390, 400, 440]) {
      const shown = ['process', 'localPort', 'state'].map((k) => fit(k, inner).columns.map((c) => c.key).join(','));
      expect(new Set(shown).size, `${inner} px: ${shown.join(' / ')}`).toBe(1);
    }
    // 110 + 70 + 84 + 104 = 368 unsorted, + 14 for the mark: PID stays from 382 px (+56 for "+N" below).
    expect(fit('localPort', 382).columns.map((c) => c.key)).toEqual(['process', 'pid', 'localPort', 'state']);
    expect(fit('process', 381).columns.map((c) => c.key)).toEqual(['process', 'localPort', 'state']);
    // The sorted port's track carries its mark; the drawn least widths never pass the width.
    const sorted = fit('localPort', 382);
    expect(sorted.columns.find((c) => c.key === 'localPort')?.width).toBe('98px');
    expect(parseInt(String((sorted.style as Record<string, string>)['--min-w']))).toBeLessThanOrEqual(382);
  });
});

describe('fitTable with a narrowed sorted column (a NarrowStep and the sort mark)', () => {
  // A Process header wide enough that its label and mark pass the column's base least width (120 +
  // 16 > 110), and owner terms of 200 px; the ports give way last, after Process narrows.
  const cols = [
    { key: 'proto', label: 'Proto', width: 'minmax(50px, 60px)' },
    { key: 'process', label: 'Process', width: 'minmax(110px, 280px)' },
    { key: 'pid', label: 'PID', width: 'minmax(60px, 80px)' },
    { key: 'localPort', label: 'Local Port', width: 'minmax(60px, 80px)' },
    { key: 'remotePort', label: 'Remote Port', width: 'minmax(60px, 80px)' },
    { key: 'state', label: 'State', width: 'minmax(120px, 200px)' },
  ];
  const room: LabelRoom = { process: 120, state: 60, pid: 40, localPort: 70, remotePort: 70, proto: 50, [MARK_ROOM]: 16, [leastRoomKey('process')]: 200 };
  const order = ['proto', 'pid', { narrow: 'process' }, ['localPort', 'remotePort']];
  const shown = (sortKey: string, inner: number) => {
    const r = roomyColumns(cols, room, undefined, sortKey);
    return fitTable(r.columns, inner, order, sortKey, r.mark).columns.map((c) => c.key).join(',');
  };
  it('draws the same columns whichever header is sorted, at every width (the mark counted once)', () => {
    const differ: string[] = [];
    for (let inner = 300; inner <= 800; inner++) {
      const by = ['state', 'process'].map((k) => shown(k, inner)); // (a column that gives way is kept while sorted by: by design)
      if (new Set(by).size !== 1) differ.push(`${inner} px: ${by.join(' / ')}`);
    }
    expect(differ).toEqual([]);
  });
});

describe('roomyColumns with text the cells must show whole (LeastText)', () => {
  const cols = [
    { key: 'process', label: 'Process', width: 'minmax(110px, 280px)' },
    { key: 'pid', label: 'PID', width: '70px' },
  ];
  it("raises a column to its widest owner term, the sort mark beside the label only, never a user's width", () => {
    const room: LabelRoom = { process: 68, pid: 38, [MARK_ROOM]: 14, [leastRoomKey('process')]: 205 };
    expect(roomyColumns(cols, room).columns[0].width).toBe('minmax(205px, 280px)');
    // Sorted: the header needs 68 + 14, the cells 205: the cells' room, and no extra for the mark.
    const sorted = roomyColumns(cols, room, undefined, 'process');
    expect(sorted.columns[0].width).toBe('minmax(205px, 280px)');
    expect(sorted.mark.sortedPx).toBe(0);
    expect(roomyColumns(cols, room, (k) => k === 'process').columns[0].width).toBe('minmax(110px, 280px)');
    // Measured before any label: still raised.
    expect(roomyColumns(cols, { [leastRoomKey('process')]: 177 }).columns[0].width).toBe('minmax(177px, 280px)');
  });
});

