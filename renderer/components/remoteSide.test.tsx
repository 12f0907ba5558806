// @vitest-environment jsdom
// A listener, like a UDP socket, has no remote side wherever a person reads it: the Connections
// cells, the Events tab and the details header show it as they show UDP's, and the filter's `*:*`
// finds both (shared/format hasRemoteSide).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn, diff, status } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

const LISTEN4 = conn({ localAddress: '0.0.0.0', localPort: 47001, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 1, process: 'a' });
const LISTEN6 = conn({ family: 6, localAddress: '::', localPort: 47001, remoteAddress: '::', remotePort: 0, state: 'LISTEN', pid: 1, process: 'a' });
const CLIENT = conn({ localAddress: '127.0.0.1', localPort: 47002, remoteAddress: '127.0.0.1', remotePort: 47001, pid: 2, process: 'b' });
const UDP = conn({ protocol: 'udp', localAddress: '127.0.0.1', localPort: 47003, remoteAddress: null, remotePort: null, state: null, pid: 3, process: 'c' });

function start(): FakeBridge {
  const bridge = new FakeBridge();
  bridge.snapshot = [LISTEN4, LISTEN6, CLIENT, UDP];
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
  return bridge;
}

/** The text of column `label` in each body row of `grid`, keyed by the row's Local text. */
function column(grid: HTMLElement, label: string): Record<string, string> {
  const heads = within(grid).getAllByRole('columnheader').map((h) => h.textContent ?? '');
  const at = heads.findIndex((h) => h.startsWith(label));
  const local = heads.findIndex((h) => h.startsWith('Local'));
  expect(at, `column ${label} in ${heads.join('|')}`).toBeGreaterThanOrEqual(0);
  const rows = within(grid).getAllByRole('row').slice(1);
  return Object.fromEntries(rows.map((r) => within(r).getAllByRole('gridcell')).map((cells) => [cells[local].textContent, cells[at].textContent]));
}

describe('the remote side of a listener in the app', () => {
  it('Events tab: a listener\'s Remote reads as a UDP socket\'s, a connection shows its peer', async () => {
    const bridge = new FakeBridge();
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('0'));
    act(() => bridge.emit(diff(1500, [LISTEN4, LISTEN6, CLIENT, UDP].map((connection) => ({ type: 'opened' as const, connection })))));
    fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
    const grid = await screen.findByRole('grid', { name: /Events/ });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(5));
    expect(column(grid, 'Remote')).toEqual({
      '0.0.0.0:47001': '—',
      '[::]:47001': '—',
      '127.0.0.1:47002': '127.0.0.1:47001',
      '127.0.0.1:47003': '—',
    });
  });

  it('details header: LOCAL → *:* for a listener and for UDP', async () => {
    start();
    const grid = screen.getByRole('grid', { name: 'Connections' });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(5));
    const headerOf = async (local: string): Promise<string> => {
      const row = within(grid).getAllByRole('row').find((r) => r.textContent!.includes(local))!;
      fireEvent.mouseDown(row);
      const pane = await screen.findByRole('region', { name: 'Details' });
      return pane.querySelector('.details-conn > div')!.textContent!;
    };
    expect(await headerOf('47002')).toMatch(/127\.0\.0\.1:47002 → 127\.0\.0\.1:47001$/);
    expect(await headerOf('47003')).toMatch(/127\.0\.0\.1:47003 → \*:\*$/);
    const listenerRow = within(grid).getAllByRole('row').find((r) => r.textContent!.includes('0.0.0.0'))!;
    fireEvent.mouseDown(listenerRow);
    await waitFor(() => expect(screen.getByRole('region', { name: 'Details' }).querySelector('.details-conn > div')!.textContent).toMatch(/0\.0\.0\.0:47001 → \*:\*$/));
  });

  it('the filter *:* shows listeners and UDP, as its help says', async () => {
    start();
    const grid = screen.getByRole('grid', { name: 'Connections' });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(5));
    fireEvent.change(screen.getByLabelText('Filter'), { target: { value: 'addr:*:* port:47001-47003' } });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(4));
    expect(within(grid).queryByText('47002')).toBeNull();
  });

  it('Ports tab: an IPv6 destination reads [address]:port, as everywhere else', async () => {
    const bridge = new FakeBridge();
    bridge.st = status({ portRanges: { tcp: { low: 50000, high: 50009 }, udp: { low: 50000, high: 50009 }, origin: 'test range' } });
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('0'));
    const v6 = conn({ family: 6, localAddress: '2001:db8::1', localPort: 50001, remoteAddress: '2001:db8::9', remotePort: 443, pid: 7, process: 'curl' });
    act(() => bridge.emit(diff(1500, [{ type: 'opened', connection: v6 }], bridge.st)));
    fireEvent.click(screen.getByRole('tab', { name: 'Ports' }));
    await waitFor(() => expect(screen.getByText('[2001:db8::9]:443 1')).toBeTruthy());
    expect(screen.getByText('curl (7) 1')).toBeTruthy();
  });
});
