import { describe, expect, it } from 'vitest';
import { applyLayout, connectionsGiveWay, DEFAULT_LAYOUT, fitColumns, GIVE_WAY, shownSort, MAX_COLUMN_PX, MIN_COLUMN_PX, moveColumn, sanitizeLayout, setColumnWidth, toggleHidden } from './columnLayout';
import { columnsFor } from './columns';
import { DEFAULT_SETTINGS, loadSettings, saveSettings, SETTINGS_KEY } from './settings';

const available = columnsFor(false, false, 'linux-netlink'); // no Host, no Created
const keys = (l = DEFAULT_LAYOUT) => applyLayout(available, l).map((c) => c.key);

describe('column layout', () => {
  it('draws the default columns unchanged', () => {
    expect(keys()).toEqual(['process', 'pid', 'proto', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state', 'firstSeen', 'lastChange']);
    expect(applyLayout(available, DEFAULT_LAYOUT)[0]?.width).toBe(available[0]?.width);
  });
  it('hides and shows a column', () => {
    const hidden = toggleHidden(DEFAULT_LAYOUT, 'pid');
    expect(keys(hidden)).not.toContain('pid');
    expect(keys(toggleHidden(hidden, 'pid'))).toEqual(keys());
  });
  it('never hides every column', () => {
    const all = available.reduce((l, c) => toggleHidden(l, c.key), DEFAULT_LAYOUT);
    expect(keys(all)).toEqual(['process']);
  });
  it('moves a column among the shown ones, stepping over hidden ones', () => {
    const l = toggleHidden(DEFAULT_LAYOUT, 'localPort');
    const shown = keys(l);
    const moved = moveColumn(l, shown, 'remoteAddress', -1); // over the hidden Local Port to before Local Address
    expect(keys(moved).slice(2, 5)).toEqual(['proto', 'remoteAddress', 'localAddress']);
    expect(keys(toggleHidden(moved, 'localPort'))).toContain('localPort');
    expect(keys(moveColumn(moved, keys(moved), 'remoteAddress', 1))).toEqual(shown);
    expect(moveColumn(DEFAULT_LAYOUT, keys(), 'process', -1)).toBe(DEFAULT_LAYOUT); // nothing to its left
    expect(keys(moveColumn(DEFAULT_LAYOUT, keys(), 'lastChange', -1)).slice(-2)).toEqual(['lastChange', 'firstSeen']);
  });
  it('sets widths as fixed tracks, clamped', () => {
    const l = setColumnWidth(DEFAULT_LAYOUT, 'remoteAddress', 250.4);
    expect(applyLayout(available, l).find((c) => c.key === 'remoteAddress')?.width).toBe('250px');
    expect(setColumnWidth(l, 'pid', 1).widths.pid).toBe(MIN_COLUMN_PX);
    expect(setColumnWidth(l, 'pid', 1e9).widths.pid).toBe(MAX_COLUMN_PX);
    expect(setColumnWidth(l, 'pid', Number.NaN)).toBe(l);
  });
  it('keeps columns the saved order does not name (a newer version’s columns) in their default place', () => {
    const l = sanitizeLayout({ order: ['state', 'process'] });
    expect(keys(l)).toEqual(['state', 'process', 'pid', 'proto', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'firstSeen', 'lastChange']);
  });
  it('sanitizes broken saved state to what is valid, never throwing', () => {
    for (const bad of [null, 3, 'x', [], { order: 'process' }, { hidden: {} }, { widths: [] }]) expect(sanitizeLayout(bad)).toEqual(DEFAULT_LAYOUT);
    expect(sanitizeLayout({ order: ['nope', 'pid', 'pid', 7, '__proto__'], hidden: ['state', 'bogus'], widths: { pid: 90, state: 'wide', nope: 3, host: Infinity, proto: -5 } })).toEqual({
      order: ['pid'],
      hidden: ['state'],
      widths: { pid: 90, proto: MIN_COLUMN_PX },
    });
  });
});

describe('column layout in settings', () => {
  const mem = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
  };
  it('round-trips through storage', () => {
    const st = mem();
    const columns = { order: ['state' as const], hidden: ['pid' as const], widths: { process: 300 } };
    saveSettings({ ...DEFAULT_SETTINGS, columns }, st);
    expect(loadSettings(st).columns).toEqual(columns);
  });
  it('falls back to the default layout on broken column state and keeps the other settings', () => {
    const st = mem();
    st.setItem(SETTINGS_KEY, JSON.stringify({ filter: 'port:443', columns: 'garbage' }));
    expect(loadSettings(st).columns).toEqual(DEFAULT_LAYOUT);
    expect(loadSettings(st).filter).toBe('port:443');
    st.setItem(SETTINGS_KEY, JSON.stringify({ columns: { order: null, hidden: [1, 2], widths: { pid: '9' } } }));
    expect(loadSettings(st).columns).toEqual(DEFAULT_LAYOUT);
  });
});

describe('columns giving way in a narrow table', () => {
  const min = (c: { width: string }) => Number(/(\d+)px/.exec(c.width)?.[1] ?? 0);
  const all = columnsFor(false, false, 'linux-netlink');
  const total = all.reduce((n, c) => n + min(c), 0);
  it('keeps every column when they fit, or before the width is known', () => {
    expect(fitColumns(all, total, min).map((c) => c.key)).toEqual(all.map((c) => c.key));
    expect(fitColumns(all, 0, min)).toHaveLength(all.length);
  });
  it('drops times and protocol, then PID, then the ports, and keeps Process, addresses and State (a details pane at 1024 px)', () => {
    expect(fitColumns(all, 664, min, GIVE_WAY).map((c) => c.key)).toEqual(['process', 'pid', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state']);
    expect(fitColumns(all, 580, min, GIVE_WAY).map((c) => c.key)).toEqual(['process', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state']);
    expect(fitColumns(all, 300, min, GIVE_WAY).map((c) => c.key)).toEqual(['process', 'localAddress', 'remoteAddress', 'state']);
  });
  it("gives up Process's owner-term room before the ports (and before Limited by and the traffic pairs), never dropping Process", () => {
    // Process raised to its longest owner term (205 px), its header's least 110 px (labelRoom roomyColumns).
    const wide = (cols: typeof all) => cols.map((c) => (c.key === 'process' ? { ...c, width: 'minmax(205px, 1fr)', narrowWidth: 'minmax(110px, 1fr)' } : c));
    const plain = wide(all);
    const need = (cols: readonly { width: string }[]) => cols.reduce((n, c) => n + min(c), 0);
    const core = ['process', 'localAddress', 'localPort', 'remoteAddress', 'remotePort', 'state'];
    const coreNarrow = need(plain.filter((c) => core.includes(c.key))) - 95;
    // Room for the core columns with Process narrow, not wide: Process narrows, the ports stay.
    const fitted = fitColumns(plain, coreNarrow, min, GIVE_WAY);
    expect(fitted.map((c) => c.key)).toEqual(core);
    expect(fitted.find((c) => c.key === 'process')?.width).toBe('minmax(110px, 1fr)');
    // Room for them wide: Process keeps its terms' room.
    expect(fitColumns(plain, coreNarrow + 95, min, GIVE_WAY).find((c) => c.key === 'process')?.width).toBe('minmax(205px, 1fr)');
    // With the traffic columns: RTT and Retrans go before Process narrows; Process narrows before Limited by and the pairs go
    // (room for every traffic column but RTT and Retrans, with Process narrow).
    const traffic = wide(columnsFor(false, true, 'linux-netlink'));
    const order = connectionsGiveWay(traffic);
    const withRates = [...core.filter((k) => k !== 'localAddress'), 'sent', 'received', 'sendRate', 'receiveRate', 'limitedBy'];
    const room = need(traffic.filter((c) => withRates.includes(c.key))) - 95;
    const keys = fitColumns(traffic, room, min, order);
    expect(keys.map((c) => c.key).sort()).toEqual([...withRates].sort());
    expect(keys.find((c) => c.key === 'process')?.width).toBe('minmax(110px, 1fr)');
  });
  it('keeps the column the table is sorted by: the others give way in its stead (sorted by Send/s at 1920 px, then the window narrowed)', () => {
    const traffic = columnsFor(false, true, 'linux-netlink');
    const order = connectionsGiveWay(traffic);
    const keys = fitColumns(traffic, 560, min, order, 'sendRate').map((c) => c.key);
    expect(keys.reduce((n, k) => n + min(traffic.find((c) => c.key === k)!), 0)).toBeLessThanOrEqual(560);
    // Send/s kept, Recv/s with it: the pair gives way only together; the ports give way instead.
    expect(keys).toEqual(['process', 'remoteAddress', 'state', 'sendRate', 'receiveRate']);
    expect(fitColumns(traffic, 560, min, order).map((c) => c.key)).toEqual(['process', 'localPort', 'remoteAddress', 'remotePort', 'state']);
    // A sort column that would not give way anyway changes nothing.
    expect(fitColumns(traffic, 664, min, order, 'process')).toEqual(fitColumns(traffic, 664, min, order));
  });
});

describe('traffic columns turned on in a narrow table (issue 11: at 1024 px the ports gave way and the rows read alike)', () => {
  const min = (c: { width: string }) => Number(/(\d+)px/.exec(c.width)?.[1] ?? 0);
  // Least widths as the app draws them: each track raised to its header's room, measured in
  // Chromium on Linux (12 px DejaVu Sans Mono, 6 px cell padding, no sort mark: labelRoom.tsx).
  const LABEL_ROOM: Record<string, number> = { process: 64, pid: 35, proto: 50, localAddress: 107, localPort: 86, remoteAddress: 115, remotePort: 93, state: 50, created: 71, firstSeen: 86, lastChange: 93, host: 42, sent: 42, received: 71, sendRate: 57, receiveRate: 57, rtt: 35, retrans: 64, limitedBy: 86 };
  const least = (c: { key: string; width: string }) => Math.max(min(c), LABEL_ROOM[c.key] ?? 0);
  const keysAt = (source: string, px: number, resolve = false) => {
    const cols = columnsFor(resolve, true, source);
    return fitColumns(cols, px, least, connectionsGiveWay(cols)).map((c) => c.key);
  };
  // 1024 px less the "+N" button: the whole window, and beside the details pane (264 px).
  const WHOLE = 1024 - 56;
  const BESIDE_PANE = 1024 - 264 - 56;
  it('at 1024 px: the ports, Sent, Received, Send/s, Recv/s and Limited by; beside the details pane the ports, Send/s and Recv/s', () => {
    for (const source of ['windows', 'linux-netlink', 'demo']) {
      expect(keysAt(source, WHOLE), source).toEqual(['process', 'localPort', 'remoteAddress', 'remotePort', 'state', 'sent', 'received', 'sendRate', 'receiveRate', 'limitedBy']);
      expect(keysAt(source, BESIDE_PANE), source).toEqual(['process', 'localPort', 'remoteAddress', 'remotePort', 'state', 'sendRate', 'receiveRate']);
      // Resolve names on too: Host gives way first of the asked-for columns, the rest stays.
      expect(keysAt(source, WHOLE, true), source).toEqual(keysAt(source, WHOLE));
    }
  });
  it('gives way the ports last of all, and the paired columns only together, at every width', () => {
    const cols = columnsFor(true, true, 'windows');
    const total = cols.reduce((n, c) => n + least(c), 0);
    const stay = ['process', 'remoteAddress', 'state'];
    for (let px = 100; px <= total; px += 7) {
      for (const keep of [undefined, 'sent', 'receiveRate', 'process']) {
        const keys = fitColumns(cols, px, least, connectionsGiveWay(cols), keep).map((c) => c.key);
        expect(keys.includes('sent'), `${px} px, sorted by ${keep}`).toBe(keys.includes('received'));
        expect(keys.includes('sendRate'), `${px} px, sorted by ${keep}`).toBe(keys.includes('receiveRate'));
        expect(keys.includes('localPort'), `${px} px, sorted by ${keep}`).toBe(keys.includes('remotePort'));
        for (const k of stay) expect(keys).toContain(k);
        if (keep) expect(keys).toContain(keep);
        // Without the ports only what never gives way is left (and the sort column with its pair).
        if (!keys.includes('localPort') && keep === undefined) expect(keys, `${px} px`).toEqual(stay);
      }
    }
  });
  it('gives way the times, protocol, Host, Local Address and PID before any traffic column', () => {
    const cols = columnsFor(true, true, 'windows');
    const first = ['lastChange', 'firstSeen', 'created', 'proto', 'host', 'localAddress', 'pid'];
    const total = cols.reduce((n, c) => n + least(c), 0);
    for (let px = 100; px <= total; px += 7) {
      const keys = fitColumns(cols, px, least, connectionsGiveWay(cols)).map((c) => c.key);
      if (keys.some((k) => first.includes(k))) expect(keys, `${px} px`).toEqual(expect.arrayContaining(['localPort', 'rtt', 'retrans', 'limitedBy', 'sent', 'sendRate']));
    }
  });
  it('leaves Local Address only to the traffic columns: without them the addresses never give way', () => {
    const plain = columnsFor(false, false, 'windows');
    expect(fitColumns(plain, 300, least, connectionsGiveWay(plain)).map((c) => c.key)).toEqual(['process', 'localAddress', 'remoteAddress', 'state']);
    expect(keysAt('windows', WHOLE)).not.toContain('localAddress');
  });
});

describe('the sort the rows follow', () => {
  const byProcess = { key: 'process', dir: 'asc' } as const;
  const bySend = { key: 'sendRate', dir: 'desc' } as const;
  it("is the chosen one while its column is drawn, else the default, else the first column's (never a column no header shows)", () => {
    const traffic = applyLayout(columnsFor(false, true, 'linux-netlink'), DEFAULT_LAYOUT);
    expect(shownSort(bySend, traffic, byProcess)).toBe(bySend);
    // Traffic columns off: Send/s is not drawn.
    expect(shownSort(bySend, applyLayout(columnsFor(false, false, 'linux-netlink'), DEFAULT_LAYOUT), byProcess)).toBe(byProcess);
    // Hidden from the header menu.
    expect(shownSort(bySend, applyLayout(columnsFor(false, true, 'linux-netlink'), toggleHidden(DEFAULT_LAYOUT, 'sendRate')), byProcess)).toBe(byProcess);
    // Process hidden too: the first column drawn, ascending.
    const noProcess = applyLayout(columnsFor(false, false, 'linux-netlink'), toggleHidden(DEFAULT_LAYOUT, 'process'));
    expect(shownSort(bySend, noProcess, byProcess)).toEqual({ key: noProcess[0].key, dir: 'asc' });
  });
});
