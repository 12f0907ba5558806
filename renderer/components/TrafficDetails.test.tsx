// @vitest-environment jsdom
// The details pane's Traffic section: the shown connection's values as the table's traffic cells
// print them (the same text, the same "—" / blank and reason), live as polls write them, and one
// line of why where a socket has none (a new admin at 1024 px could read RTT and Retrans nowhere).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn, diffWithCounters, status } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';
import { SETTINGS_KEY } from '../store/settings';
import { NOT_YET, NOTHING_SENT, countersMissing, noCountersReason, unreadReason } from '../store/unknownReasons';
import type { CountersScope } from '../../shared/ipc';
import type { Connection } from '../../shared/connection';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

const TRAFFIC = ['Sent', 'Received', 'Send/s', 'Recv/s', 'RTT', 'Retrans', 'Limited by'] as const;

/** The App over `conns`, Traffic columns on (wide enough in jsdom for every column), the pane of the first row open. */
async function openPane(conns: Connection[], countersNote: string | null = null, countersScope: CountersScope | null = null) {
  const bridge = new FakeBridge();
  bridge.snapshot = conns;
  bridge.st = status({ source: 'linux-netlink', countersNote, countersScope });
  const storage = new MemStorage();
  storage.setItem(SETTINGS_KEY, JSON.stringify({ trafficColumns: true }));
  render(<App bridge={bridge} storage={storage} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
  const grid = screen.getByRole('grid', { name: 'Connections' });
  await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(conns.length + 1));
  const pane = await selectRow(conns[0].id);
  return { bridge, grid, pane };
}

async function selectRow(id: string): Promise<HTMLElement> {
  const grid = screen.getByRole('grid', { name: 'Connections' });
  fireEvent.mouseDown(within(grid).getAllByRole('row').find((r) => r.getAttribute('data-id') === id)!);
  return screen.findByRole('region', { name: 'Details' });
}

const section = (pane: HTMLElement) => within(pane).getByRole('region', { name: 'Traffic' });

/** The Traffic section's value under `label`. */
function value(pane: HTMLElement, label: string): HTMLElement {
  const dt = within(section(pane)).getByText(label, { selector: 'dt' });
  return dt.nextElementSibling as HTMLElement;
}

/** A table cell of row `id` in the column headed `label`. */
function cell(grid: HTMLElement, id: string, label: string): HTMLElement {
  const heads = within(grid).getAllByRole('columnheader').map((h) => h.textContent?.replace(/[▲▼]/gu, '').trim());
  const row = within(grid).getAllByRole('row').find((r) => r.getAttribute('data-id') === id)!;
  return within(row).getAllByRole('gridcell')[heads.indexOf(label)];
}

/** A value's text and the reason it carries (the title of its mark), as read in the table or the pane. */
function shown(el: HTMLElement): { mark: string; title: string | null } {
  const titled = el.querySelector('[title]');
  const mark = el.querySelector('.unknown')?.textContent ?? (titled ? (titled.textContent ?? '') : (el.textContent ?? ''));
  return { mark, title: titled?.getAttribute('title') ?? null };
}

const MOVING = conn({ localPort: 50001, remotePort: 443, bytesSent: 1536, bytesReceived: 2_000_000, packetsSent: 12, packetsReceived: 1, sendRate: 2048, receiveRate: 0, rttMs: 0.5, rttVarMs: 0.125, retransmits: 3, limitedBy: 'network' });

describe('the details pane Traffic section', () => {
  it("shows the row's values in the table's units, with packets and the RTT variance", async () => {
    const { pane } = await openPane([MOVING]);
    const text = (label: string) => value(pane, label).textContent;
    expect(text('Sent')).toBe('1.50 KiB (12 packets)');
    expect(text('Received')).toBe('1.91 MiB (1 packet)');
    expect(text('Send/s')).toBe('2.00 KiB/s');
    expect(text('Recv/s')).toBe('0 B/s');
    expect(text('RTT')).toBe('0.5 ms ± 0.125 ms');
    expect(text('Retrans')).toBe('3');
    expect(text('Limited by')).toBe('network');
    expect(within(section(pane)).getAllByRole('term').map((t) => t.textContent)).toEqual([...TRAFFIC]);
  });

  it('follows the row as polls write its counters in place', async () => {
    const { bridge, pane } = await openPane([MOVING]);
    expect(value(pane, 'Retrans').textContent).toBe('3');
    act(() => bridge.emit(diffWithCounters(2000, [[MOVING.id, 5 * 1024 * 1024, 2_000_000, 4000, 1, 1024 * 1024, 0, 12, 3, 9, 'receiver']])));
    await waitFor(() => expect(value(pane, 'Retrans').textContent).toBe('9'));
    expect(value(pane, 'Sent').textContent).toBe('5.00 MiB (4,000 packets)');
    expect(value(pane, 'Send/s').textContent).toBe('1.00 MiB/s');
    expect(value(pane, 'RTT').textContent).toBe('12 ms ± 3 ms');
    expect(value(pane, 'Limited by').textContent).toBe('receiver');
  });

  it('a missing value is "—" or blank with the same reason as its table cell', async () => {
    // First poll: counters in, rates not yet. Idle: rates known, nothing sent, no limit.
    const first = conn({ localPort: 50002, remotePort: 443, bytesSent: 10, bytesReceived: 20, rttMs: 1, retransmits: 0, sendRate: null, receiveRate: null, limitedBy: null });
    const idle = conn({ localPort: 50003, remotePort: 443, bytesSent: 10, bytesReceived: 20, rttMs: 1, retransmits: 0, sendRate: 0, receiveRate: 0, limitedBy: null });
    const { grid, pane } = await openPane([first, idle]);
    expect(shown(value(pane, 'Send/s'))).toEqual({ mark: '', title: NOT_YET });
    expect(shown(value(pane, 'Limited by'))).toEqual({ mark: '', title: NOT_YET });
    for (const label of TRAFFIC) expect(shown(value(pane, label)), label).toEqual(shown(cell(grid, first.id, label)));

    const idlePane = await selectRow(idle.id);
    expect(shown(value(idlePane, 'Limited by'))).toEqual({ mark: '—', title: NOTHING_SENT });
    // The pane has room to print the reason the table keeps in the title.
    expect(value(idlePane, 'Limited by').textContent).toBe(`— ${NOTHING_SENT}`);
    for (const label of TRAFFIC) expect(shown(value(idlePane, label)), label).toEqual(shown(cell(grid, idle.id, label)));
  });

  it('UDP, LISTEN and TIME-WAIT: one line saying why there are no counters', async () => {
    const udp = conn({ protocol: 'udp', localPort: 5353 });
    const listen = conn({ localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN' });
    const timeWait = conn({ localPort: 50004, remotePort: 443, state: 'TIME-WAIT', pid: 0, process: null });
    await openPane([udp, listen, timeWait]);
    for (const c of [udp, listen, timeWait]) {
      const pane = await selectRow(c.id);
      expect(within(section(pane)).getByTestId('traffic-none').textContent, c.state ?? 'UDP').toBe(noCountersReason(c));
      expect(within(section(pane)).queryAllByRole('term')).toEqual([]);
    }
    expect(noCountersReason(udp)).toMatch(/^UDP/);
    expect(noCountersReason(listen)).toMatch(/listening/);
    expect(noCountersReason(timeWait)).toMatch(/TIME-WAIT/);
  });

  it("a source without counters: its note, once", async () => {
    const { pane } = await openPane([conn({ localPort: 50005, remotePort: 443 })], 'needs administrator');
    expect(within(section(pane)).getByTestId('traffic-none').textContent).toBe(countersMissing('needs administrator'));
    expect(within(section(pane)).getByTestId('traffic-none').textContent).toBe('Traffic counters: needs administrator');
  });

  it('a connection the backend does not read (its state, beyond the cap): the reason its table cells give, once', async () => {
    const scope: CountersScope = { states: ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK'], cap: 2000, beyondCap: 3 };
    const synSent = conn({ localPort: 50006, remotePort: 443, state: 'SYN-SENT' });
    const beyond = conn({ localPort: 50007, remotePort: 443 });
    const { grid } = await openPane([synSent, beyond], null, scope);
    for (const c of [synSent, beyond]) {
      const pane = await selectRow(c.id);
      const why = unreadReason(c, scope);
      expect(why, c.state ?? '').toMatch(/^Traffic counters: /);
      expect(within(section(pane)).getByTestId('traffic-none').textContent).toBe(why);
      for (const label of TRAFFIC) expect(shown(cell(grid, c.id, label)), label).toEqual({ mark: '—', title: why });
    }
  });
});
