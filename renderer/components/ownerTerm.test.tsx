// @vitest-environment jsdom
// A socket without a known owner reads "(unknown)" in every tab that names owners — Connections,
// Events, Ports, Processes — as on the command line (shared/format UNKNOWN_OWNER).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn, diff, status } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

const st = status({ portRanges: { tcp: { low: 50000, high: 50009 }, udp: { low: 50000, high: 50009 }, origin: 'test range' } });
const ORPHAN = conn({ localPort: 50001, remoteAddress: '10.0.0.1', remotePort: 443, pid: null, process: null });

describe('an owner the app cannot name', () => {
  it('reads (unknown) in Connections, Events, Ports and Processes', async () => {
    const bridge = new FakeBridge();
    bridge.st = st;
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('0'));
    act(() => bridge.emit(diff(1500, [{ type: 'opened', connection: ORPHAN }], st)));
    const conns = screen.getByRole('grid', { name: 'Connections' });
    await waitFor(() => expect(within(conns).getAllByRole('row')).toHaveLength(2));
    expect(within(conns).getAllByRole('row')[1].querySelector('.proc')!.textContent).toBe('(unknown)');

    fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
    const events = await screen.findByRole('grid', { name: /Events/ });
    await waitFor(() => expect(within(events).getAllByRole('row')).toHaveLength(2));
    expect(within(events).getAllByRole('row')[1].querySelector('.proc')!.textContent).toBe('(unknown)');

    fireEvent.click(screen.getByRole('tab', { name: 'Ports' }));
    await waitFor(() => expect(screen.getByText('(unknown) 1')).toBeTruthy());

    fireEvent.click(screen.getByRole('tab', { name: /^Processes/ }));
    await waitFor(() => expect(screen.getAllByText('(unknown)').length).toBeGreaterThan(0));
  });
});
