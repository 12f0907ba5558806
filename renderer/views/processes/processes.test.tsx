// @vitest-environment jsdom
// The Processes tab and the traffic columns, in the whole App over the fake bridge.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../App';
import { FakeBridge, conn, diff, status } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';
import type { ProcessRow } from '../../../shared/processes';
import { counterColumns } from '../../../shared/testing/counters';
import { groupsWithoutCounters, processCell, PROCESS_COLUMNS, sortProcesses } from './processColumns';
import { NOT_YET, trafficGap } from '../../store/unknownReasons';
import { rowComparator, TRAFFIC_COLUMNS } from '../../store/columns';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

function setup() {
  const bridge = new FakeBridge();
  bridge.snapshot = [
    conn({ localPort: 443, remoteAddress: '10.0.0.9', remotePort: 51000, process: 'nginx', pid: 20, bytesSent: 2048, bytesReceived: 1024, sendRate: null, receiveRate: null, rttMs: 12, retransmits: 1 }),
    conn({ localPort: 444, remoteAddress: '10.0.0.8', remotePort: 51001, process: 'nginx', pid: 20, bytesSent: 100, bytesReceived: 0, sendRate: null, receiveRate: null, rttMs: 80, retransmits: 2 }),
    conn({ localPort: 80, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', process: 'nginx', pid: 20 }),
    conn({ localPort: 22, remoteAddress: '10.0.0.10', remotePort: 52000, process: 'sshd', pid: 30, bytesSent: 10, bytesReceived: 10, sendRate: null, receiveRate: null, rttMs: 1, retransmits: 0 }),
  ];
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
  return { bridge };
}

const procGrid = () => screen.getByRole('grid', { name: 'Processes' });
const procRows = () => within(procGrid()).getAllByRole('row').slice(1);
const cells = (r: HTMLElement) => within(r).getAllByRole('gridcell').map((c) => c.textContent);

describe('Processes tab', () => {
  it('sums connections per process, follows live counters and filters Connections to a chosen process', async () => {
    const { bridge } = setup();
    await waitFor(() => expect(screen.getByRole('grid', { name: 'Connections' })).toBeTruthy());
    fireEvent.click(screen.getByRole('tab', { name: /Processes/ }));
    await waitFor(() => expect(procRows()).toHaveLength(2));
    // Default order: send rate, and no rate is known yet: ties by PID.
    expect(cells(procRows()[0])).toEqual(['nginx', '20', '2', 'EST 2', '1', '0', '', '', '3.10 KiB', '80 ms', '3']);
    const [a] = bridge.snapshot;
    const batch = diff(2000, []);
    batch.counters = counterColumns([[a.id, 50_000, 1024, 9, 9, 24_000, 512, 12, 1, 1, 'network']]);
    act(() => bridge.emit(batch));
    await waitFor(() => expect(cells(procRows()[0])[6]).toBe('23.4 KiB/s'));
    expect(cells(procRows()[0])[7]).toBe('512 B/s');
    fireEvent.click(within(procGrid()).getByRole('columnheader', { name: /Worst RTT/ }));
    expect(cells(procRows()[0])[0]).toBe('nginx');
    fireEvent.click(within(procGrid()).getByRole('columnheader', { name: /Worst RTT/ }));
    expect(cells(procRows()[0])[0]).toBe('sshd');
    fireEvent.click(procRows()[0]);
    await waitFor(() => expect(screen.getByRole('tab', { name: /Connections/ }).getAttribute('aria-selected')).toBe('true'));
    expect((screen.getByRole('textbox', { name: /filter/i }) as HTMLInputElement).value).toBe('pid:30');
    // Back to Processes (the way back from a process's connections): still in the order chosen.
    fireEvent.click(screen.getByRole('tab', { name: /Processes/ }));
    await waitFor(() => expect(within(procGrid()).getByRole('columnheader', { name: /Worst RTT/ }).getAttribute('aria-sort')).toBe('ascending'));
    expect(within(procGrid()).getByRole('columnheader', { name: /Send\/s/ }).getAttribute('aria-sort')).toBeNull();
  });

  it('shows the traffic columns with the toggle, blank for unknown rates', async () => {
    setup();
    await waitFor(() => expect(screen.getByRole('grid', { name: 'Connections' })).toBeTruthy());
    expect(screen.queryByRole('columnheader', { name: /Send\/s/ })).toBeNull();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Traffic columns' }));
    const head = await screen.findByRole('columnheader', { name: /Send\/s/ });
    expect(head).toBeTruthy();
    // The table follows the store a task after each update: wait for the row.
    const row = await waitFor(() => {
      const found = within(screen.getByRole('grid', { name: 'Connections' }))
        .getAllByRole('row')
        .find((r) => within(r).queryAllByRole('gridcell').some((c) => c.textContent === '443'));
      expect(found).toBeDefined();
      return found as HTMLElement;
    });
    const texts = within(row).getAllByRole('gridcell').map((c) => c.textContent);
    expect(texts.slice(-7)).toEqual(['2.00 KiB', '1.00 KiB', '', '', '12 ms', '1', '']);
    // A listener has no counters at all: "—" with the reason, not a blank that means "not known yet".
    const listen = within(screen.getByRole('grid', { name: 'Connections' }))
      .getAllByRole('row')
      .find((r) => within(r).queryAllByRole('gridcell').some((c) => c.textContent === 'LISTEN')) as HTMLElement;
    const listenCells = within(listen).getAllByRole('gridcell').slice(-7);
    expect(listenCells.map((c) => c.textContent)).toEqual(Array(7).fill('—'));
    expect(listenCells[0].querySelector('[title]')?.getAttribute('title')).toMatch(/listening socket moves no data/);
  });

  it('UDP and TIME-WAIT rows show "—" in every traffic column, with the reason', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [
      conn({ protocol: 'udp', state: null, localPort: 53, remoteAddress: null, remotePort: null, process: 'dns', pid: 5 }),
      conn({ localPort: 40000, remotePort: 443, state: 'TIME-WAIT', pid: 0, process: null }),
    ];
    const rows = await rowsWithTraffic(bridge, 2);
    for (const r of rows) {
      const traffic = within(r).getAllByRole('gridcell').slice(-7);
      expect(traffic.map((c) => c.textContent)).toEqual(Array(7).fill('—'));
    }
    const titles = rows.map((r) => within(r).getAllByRole('gridcell').slice(-1)[0].querySelector('[title]')?.getAttribute('title'));
    expect(titles.some((t) => /UDP sockets have no per-socket counters/.test(t ?? ''))).toBe(true);
    expect(titles.some((t) => /TIME-WAIT/.test(t ?? ''))).toBe(true);
  });

  it.each(['FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSING', 'LAST-ACK', 'SYN-RECEIVED'] as const)('the %s (no owner) group shows "—" with why in every traffic cell, as TIME-WAIT (no owner) does', async (state) => {
    const bridge = new FakeBridge();
    bridge.snapshot = [
      // Sockets no process owns (ownerlessState): Windows' PID 0 orphans, named or not; the Linux
      // source's sockets with no file (PID 0, no name: SYN-RECEIVED, for one), without counters.
      conn({ localPort: 40010, remotePort: 443, state, pid: 0, process: null }),
      conn({ localPort: 40011, remotePort: 443, state, pid: 0, process: 'System Idle Process' }),
      conn({ localPort: 40012, remotePort: 443, state: 'TIME-WAIT', pid: 0, process: null }),
    ];
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
    await waitFor(() => expect(screen.getByRole('grid', { name: 'Connections' })).toBeTruthy());
    fireEvent.click(screen.getByRole('tab', { name: /Processes/ }));
    await waitFor(() => expect(procRows().length).toBeGreaterThanOrEqual(2));
    for (const [name, reason] of [
      [`${state} (no owner)`, `No process owns a connection in ${state}, and the OS gave no traffic counters for it`],
      ['TIME-WAIT (no owner)', 'Closed: the OS keeps no counters for a connection in TIME-WAIT'],
    ]) {
      const group = procRows().find((r) => cells(r)[0] === name);
      expect(group, name).toBeDefined();
      const traffic = within(group!).getAllByRole('gridcell').slice(-5);
      expect(traffic.map((c) => c.textContent), name).toEqual(Array(5).fill('—'));
      expect(traffic.map((c) => c.querySelector('[title]')?.getAttribute('title')), name).toEqual(Array(5).fill(reason));
    }
  });

  // Rows no process owns (Windows' PID 0; the Linux source's PID 0 for a socket with no file;
  // TIME-WAIT without PID from older recordings) beside rows of the same states a process still holds.
  const mixed = () => [
    conn({ localPort: 40000, remotePort: 443, state: 'TIME-WAIT', pid: 0, process: null }),
    conn({ localPort: 40001, remotePort: 443, state: 'TIME-WAIT', pid: null, process: null }),
    conn({ localPort: 40002, remotePort: 443, state: 'TIME-WAIT', pid: 20, process: 'nginx' }),
    conn({ localPort: 40003, remotePort: 443, state: 'FIN-WAIT-2', pid: 0, process: null }),
    conn({ localPort: 40004, remotePort: 443, state: 'FIN-WAIT-2', pid: 0, process: 'System Idle Process' }),
    conn({ localPort: 40005, remotePort: 443, state: 'FIN-WAIT-2', pid: 20, process: 'nginx' }),
    conn({ localPort: 135, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 0, process: 'System Idle Process' }),
    conn({ localPort: 40006, remotePort: 443, state: 'ESTABLISHED', pid: null, process: null }), // another user's, without root
  ];

  it.each([
    ['TIME-WAIT (no owner)', 'state:time-wait owner:none', [40000, 40001]],
    ['FIN-WAIT-2 (no owner)', 'state:fin-wait-2 owner:none', [40003, 40004]],
    ['System Idle Process', 'pid:0 -owner:none', [135]],
    ['nginx', 'pid:20', [40002, 40005]],
    ['(unknown)', 'owner:unknown -pid:0-4294967295', [40006]],
  ])('choosing the %s group filters Connections to exactly its rows (%s)', async (name, filter, ports) => {
    const bridge = new FakeBridge();
    bridge.snapshot = mixed();
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
    await waitFor(() => expect(screen.getByRole('grid', { name: 'Connections' })).toBeTruthy());
    fireEvent.click(screen.getByRole('tab', { name: /Processes/ }));
    await waitFor(() => expect(procRows()).toHaveLength(5));
    const group = procRows().find((r) => cells(r)[0] === name)!;
    if (name.endsWith('(no owner)')) {
      // No PID: the unknown mark, as everywhere else, not a blank cell.
      expect(cells(group).slice(0, 3)).toEqual([name, '—', '2']);
      expect(within(group).getAllByRole('gridcell')[1].querySelector('[title]')?.getAttribute('title')).toBe(`No process owns a connection in ${name.replace(' (no owner)', '')}`);
    }
    fireEvent.click(group);
    await waitFor(() => expect(screen.getByRole('tab', { name: /Connections/ }).getAttribute('aria-selected')).toBe('true'));
    expect((screen.getByRole('textbox', { name: /filter/i }) as HTMLInputElement).value).toBe(filter);
    const localPorts = () =>
      within(screen.getByRole('grid', { name: 'Connections' }))
        .getAllByRole('row')
        .slice(1)
        // data-id is the connection id: `tcp4 127.0.0.1:40000 127.0.0.1:443`.
        .map((r) => Number(/^\S+ [\d.]+:(\d+) /.exec(r.getAttribute('data-id') ?? '')?.[1]))
        .sort((a, b) => a - b);
    await waitFor(() => expect(localPorts()).toEqual(ports));
  });

  it('cells show each counter update though the store writes the row in place', async () => {
    const { bridge } = setup();
    fireEvent.click(await screen.findByRole('checkbox', { name: 'Traffic columns' }));
    await screen.findByRole('columnheader', { name: /Send\/s/ });
    const [a] = bridge.snapshot;
    const traffic = () => {
      const row = within(screen.getByRole('grid', { name: 'Connections' }))
        .getAllByRole('row')
        .find((r) => r.getAttribute('data-id') === a.id);
      return row ? within(row).getAllByRole('gridcell').map((c) => c.textContent).slice(-7, -3) : [];
    };
    await waitFor(() => expect(traffic()).toEqual(['2.00 KiB', '1.00 KiB', '', '']));
    // The first update copies the snapshot's Connection, the second writes the row's own.
    for (const [time, sent, rate, want] of [[2000, 4096, 2048, ['4.00 KiB', '1.00 KiB', '2.00 KiB/s', '0 B/s']], [3000, 8192, 4096, ['8.00 KiB', '1.00 KiB', '4.00 KiB/s', '0 B/s']]] as const) {
      const batch = diff(time, []);
      batch.counters = counterColumns([[a.id, sent, 1024, 9, 9, rate, 0, 12, 1, 1, null]]);
      act(() => bridge.emit(batch));
      await waitFor(() => expect(traffic()).toEqual(want));
    }
  });
});

describe('traffic columns and process sorting', () => {
  it('sort traffic columns by the raw value, unknown last', () => {
    const sent = TRAFFIC_COLUMNS.find((c) => c.key === 'sent')!;
    const r = (bytesSent: number | null) => ({ c: { bytesSent } }) as never;
    expect(sent.compare(r(1536), r(2000))).toBeLessThan(0); // "1.50 KiB" < "1.95 KiB": numbers, not text
    expect(sent.compare(r(900), r(1024))).toBeLessThan(0); // "900 B" vs "1.00 KiB"
    expect(sent.compare(r(null), r(0))).toBeGreaterThan(0);
    expect(sent.sortKey(r(null))).toBeNull();
    // The table's order: unknown last in both directions (descending starts with the top senders).
    const row = (bytesSent: number | null, i: number) => ({ id: `r${i}`, seq: i, c: conn({ localPort: 1000 + i, bytesSent }), firstSeen: 0, preexisting: false, lastChange: 0, status: '' as const, statusAt: 0 });
    const rs = [row(null, 0), row(5, 1), row(null, 2), row(900, 3)];
    expect([...rs].sort(rowComparator({ key: 'sent', dir: 'desc' })).map((x) => x.c.bytesSent)).toEqual([900, 5, null, null]);
    expect([...rs].sort(rowComparator({ key: 'sent', dir: 'asc' })).map((x) => x.c.bytesSent)).toEqual([5, 900, null, null]);
  });

  it('sort processes by any column, unknown values last both ways', () => {
    const p = (pid: number, sendRate: number | null): ProcessRow => ({ key: String(pid), pid, name: `p${pid}`, byState: {}, connections: 0, listeners: 0, udp: 0, sendRate, receiveRate: null, bytesSent: null, bytesReceived: null, worstRttMs: null, retransmits: null });
    const rows = [p(1, null), p(2, 10), p(3, 1000)];
    expect(sortProcesses(rows, { key: 'sendRate', dir: 'desc' }).map((x) => x.pid)).toEqual([3, 2, 1]);
    expect(sortProcesses(rows, { key: 'sendRate', dir: 'asc' }).map((x) => x.pid)).toEqual([2, 3, 1]);
  });

  it('an unknown name, PID, count or By state shows the unknown mark with a reason, never a bare blank', () => {
    const nameless: ProcessRow = { key: '42', pid: 42, name: null, byState: {}, connections: 1, listeners: 0, udp: 0, sendRate: null, receiveRate: null, bytesSent: null, bytesReceived: null, worstRttMs: null, retransmits: null };
    const cell = (key: string, p: ProcessRow, never: string[] | null = null, note: string | null = null) => processCell(PROCESS_COLUMNS.find((c) => c.key === key)!, p, never, note);
    expect(cell('name', nameless).text).toBe('(unknown)');
    expect(cell('pid', nameless)).toEqual({ text: '42', unknown: false });
    expect(cell('connections', nameless)).toEqual({ text: '1', unknown: false });
    expect(cell('pid', { ...nameless, key: 'time-wait', pid: null, ownerless: 'TIME-WAIT' })).toEqual({ text: '—', unknown: true, title: 'No process owns a connection in TIME-WAIT' });
    expect(cell('pid', { ...nameless, key: '?', pid: null }).title).toMatch(/no owning process/);
    expect(cell('states', { ...nameless, connections: 0, listeners: 2 })).toEqual({ text: '—', unknown: true, title: 'No TCP connections: only listening or UDP sockets' });
    // Every traffic figure alike: "—" with why it cannot be known, or blank titled "not known yet".
    for (const key of ['sendRate', 'receiveRate', 'bytes', 'worstRtt', 'retransmits']) {
      expect(cell(key, nameless, ['UDP sockets have no per-socket counters on either OS'])).toEqual({ text: '—', unknown: true, title: 'UDP sockets have no per-socket counters on either OS' });
      expect(cell(key, nameless, null, 'needs administrator')).toEqual({ text: '—', unknown: true, title: 'Traffic counters: needs administrator' });
      expect(cell(key, nameless)).toEqual({ text: '', unknown: false, title: NOT_YET });
    }
  });

  it('groups whose connections can never have counters are named with their reasons, others not', () => {
    const never = groupsWithoutCounters([
      conn({ protocol: 'udp', state: null, localPort: 53, remoteAddress: null, remotePort: null, process: 'dns', pid: 5 }),
      conn({ localPort: 80, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', process: 'dns', pid: 5 }),
      conn({ localPort: 40000, remotePort: 443, state: 'TIME-WAIT', pid: 0, process: null }),
      conn({ localPort: 22, remotePort: 50000, process: 'sshd', pid: 30 }),
      conn({ localPort: 23, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', process: 'sshd', pid: 30 }),
    ]);
    expect([...never.keys()].sort()).toEqual(['5', 'time-wait']);
    expect(never.get('5')).toEqual(['UDP sockets have no per-socket counters on either OS', 'A listening socket moves no data itself (its accepted connections do)']);
    expect(never.get('time-wait')).toEqual(['Closed: the OS keeps no counters for a connection in TIME-WAIT']);
  });

  it("an orphans' group without counters says why as Connections does: the OS gave none, or the backend's note", () => {
    const orphans = [conn({ localPort: 40003, remotePort: 443, state: 'FIN-WAIT-2', pid: 0, process: null })];
    expect(groupsWithoutCounters(orphans).get('no-owner:FIN-WAIT-2')).toEqual([trafficGap(orphans[0], 'sendRate', null)?.title]);
    // No backend (Windows without administrator): the note, in both views.
    expect(groupsWithoutCounters(orphans, 'needs administrator').has('no-owner:FIN-WAIT-2')).toBe(false);
    expect(trafficGap(orphans[0], 'sendRate', 'needs administrator')?.title).toBe('Traffic counters: needs administrator');
  });
});

/** Renders the App over `bridge`, turns the Traffic columns on and returns the Connections rows, once there are `count`. */
async function rowsWithTraffic(bridge: FakeBridge, count: number): Promise<HTMLElement[]> {
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
  fireEvent.click(await screen.findByRole('checkbox', { name: 'Traffic columns' }));
  await screen.findByRole('columnheader', { name: /Send\/s/ });
  return waitFor(() => {
    const found = within(screen.getByRole('grid', { name: 'Connections' })).getAllByRole('row').slice(1);
    expect(found).toHaveLength(count);
    return found;
  });
}

/** rowsWithTraffic over a bridge with one connection: that connection's row. */
async function onlyRowWithTraffic(bridge: FakeBridge): Promise<HTMLElement> {
  return (await rowsWithTraffic(bridge, 1))[0];
}

describe('Processes rows without counters (issue 11: blank cells with no reason)', () => {
  it('the "(unknown)" and "TIME-WAIT (no owner)" rows show "—" with a reason in every traffic cell and By state', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [
      conn({ localPort: 40000, remotePort: 443, state: 'TIME-WAIT', pid: 0, process: null }),
      conn({ localPort: 135, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: null, process: null }),
      conn({ protocol: 'udp', state: null, localPort: 137, remoteAddress: null, remotePort: null, pid: null, process: null }),
    ];
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
    await waitFor(() => expect(screen.getByRole('grid', { name: 'Connections' })).toBeTruthy());
    fireEvent.click(screen.getByRole('tab', { name: /Processes/ }));
    await waitFor(() => expect(procRows()).toHaveLength(2));
    const head = within(procGrid()).getAllByRole('columnheader').map((h) => h.textContent ?? '');
    const at = (label: RegExp) => head.findIndex((h) => label.test(h));
    const byName = (name: string) => procRows().find((r) => cells(r)[0] === name)!;
    const expectations: [string, RegExp[]][] = [
      ['(unknown)', [/UDP sockets have no per-socket counters/, /listening socket moves no data/]],
      ['TIME-WAIT (no owner)', [/no counters for a connection in TIME-WAIT/]],
    ];
    for (const [name, whys] of expectations) {
      const tds = within(byName(name)).getAllByRole('gridcell');
      for (const label of [/^Send\/s/, /^Recv\/s/, /^Total bytes/, /^Worst RTT/, /^Retrans/]) {
        const td = tds[at(label)];
        expect(td.textContent, `${name} ${String(label)}`).toBe('—');
        for (const why of whys) expect(td.querySelector('[title]')?.getAttribute('title'), `${name} ${String(label)}`).toMatch(why);
      }
    }
    const states = within(byName('(unknown)')).getAllByRole('gridcell')[at(/^By state/)];
    expect(states.textContent).toBe('—');
    expect(states.querySelector('[title]')?.getAttribute('title')).toMatch(/No TCP connections/);
    const pid = within(byName('(unknown)')).getAllByRole('gridcell')[at(/^PID/)];
    expect(pid.querySelector('[title]')?.getAttribute('title')).toMatch(/no owning process/);
  });

  it('with the counters backend missing (needs administrator), established rows say so in both views', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 443, remoteAddress: '10.0.0.9', remotePort: 51000, process: 'nginx', pid: 20 })];
    bridge.st = status({ countersNote: 'needs administrator' });
    const row = await onlyRowWithTraffic(bridge);
    const traffic = within(row).getAllByRole('gridcell').slice(-7);
    expect(traffic.map((c) => c.textContent)).toEqual(Array(7).fill('—'));
    for (const td of traffic) expect(td.querySelector('[title]')?.getAttribute('title')).toBe('Traffic counters: needs administrator');
    fireEvent.click(screen.getByRole('tab', { name: /Processes/ }));
    await waitFor(() => expect(procRows()).toHaveLength(1));
    const send = within(procRows()[0]).getAllByRole('gridcell')[6];
    expect(send.textContent).toBe('—');
    expect(send.querySelector('[title]')?.getAttribute('title')).toBe('Traffic counters: needs administrator');
  });
});

describe('Connections whose counters the backend does not read (Windows EStats: some states, a cap)', () => {
  const scope = { states: ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK'] as const, cap: 2000, beyondCap: 3 };
  const BEYOND = 'Traffic counters: netmon reads them for at most 2,000 connections a poll; this one is beyond that (3 are), until a read one closes';

  it('a CLOSE-WAIT row beyond the cap and a SYN-SENT row: "—" with why in every traffic cell, in both views; a read row keeps its values', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [
      conn({ localPort: 443, remoteAddress: '10.0.0.9', remotePort: 51000, state: 'CLOSE-WAIT', process: 'nginx', pid: 20 }),
      conn({ localPort: 50100, remoteAddress: '10.0.0.7', remotePort: 8443, state: 'SYN-SENT', process: 'curl', pid: 40 }),
      conn({ localPort: 22, remoteAddress: '10.0.0.10', remotePort: 52000, process: 'sshd', pid: 30, bytesSent: 10, bytesReceived: 10, sendRate: null, receiveRate: null, rttMs: 1, retransmits: 0 }),
    ];
    bridge.st = status({ countersScope: { ...scope, states: [...scope.states] } });
    const rows = await rowsWithTraffic(bridge, 3);
    const rowOf = (port: string) => rows.find((r) => within(r).getAllByRole('gridcell').some((td) => td.textContent === port))!;
    const whys: [string, string][] = [
      ['443', BEYOND],
      ['50100', 'Traffic counters: not read in SYN-SENT (netmon reads them in ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT, CLOSING, LAST-ACK)'],
    ];
    for (const [port, why] of whys) {
      const traffic = within(rowOf(port)).getAllByRole('gridcell').slice(-7);
      expect(traffic.map((c) => c.textContent), port).toEqual(Array(7).fill('—'));
      for (const td of traffic) expect(td.querySelector('[title]')?.getAttribute('title'), port).toBe(why);
    }
    const read = within(rowOf('22')).getAllByRole('gridcell').slice(-7);
    expect(read.filter((td) => td.textContent === '—')).toHaveLength(0);
    expect(read.some((td) => td.querySelector('[title]')?.getAttribute('title') === 'Not known yet: counters come with the next poll, rates need two polls')).toBe(true);
    fireEvent.click(screen.getByRole('tab', { name: /Processes/ }));
    await waitFor(() => expect(procRows()).toHaveLength(3));
    const nginx = procRows().find((r) => cells(r)[0] === 'nginx')!;
    const send = within(nginx).getAllByRole('gridcell')[6];
    expect(send.textContent).toBe('—');
    expect(send.querySelector('[title]')?.getAttribute('title')).toBe(BEYOND);
  });
});

describe('Connections: every "—" says why (issue 11: UDP rows showed "—" with no title)', () => {
  it('a UDP row titles its remote address, remote port, state and traffic cells', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ protocol: 'udp', state: null, localPort: 5353, remoteAddress: null, remotePort: null, process: 'mdns', pid: 7 })];
    const row = await onlyRowWithTraffic(bridge);
    const marks = within(row)
      .getAllByRole('gridcell')
      .filter((td) => td.textContent === '—');
    expect(marks.length).toBeGreaterThanOrEqual(10); // remote address, remote port, state, 7 traffic cells
    for (const td of marks) expect(td.querySelector('.unknown')?.getAttribute('title') ?? '', td.className).not.toBe('');
  });
});
