// @vitest-environment jsdom
// The status bar's "N … shown" counts what the view on screen shows, in its words: Connections
// rows, Events events, Processes processes, Ports addresses. Processes once read "26 rows shown"
// beside 10 process rows (the Connections count under the filter).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn, status } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

// A 10-port dynamic range: the client sockets below hold ports of it on two local addresses.
const st = status({ portRanges: { tcp: { low: 50000, high: 50009 }, udp: { low: 50000, high: 50009 }, origin: 'test range' } });
// Six connections of three processes: curl holds four (two local addresses), sshd one, java a listener.
const CONNS = [
  conn({ localPort: 50000, remoteAddress: '10.0.0.1', remotePort: 443, process: 'curl', pid: 20 }),
  conn({ localPort: 50001, remoteAddress: '10.0.0.1', remotePort: 443, process: 'curl', pid: 20 }),
  conn({ localPort: 50002, remoteAddress: '10.0.0.2', remotePort: 443, process: 'curl', pid: 20 }),
  conn({ localAddress: '10.0.0.5', localPort: 50003, remoteAddress: '10.0.0.2', remotePort: 443, process: 'curl', pid: 20 }),
  conn({ localPort: 22, remoteAddress: '10.0.0.9', remotePort: 52000, process: 'sshd', pid: 30 }),
  conn({ localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', process: 'java', pid: 40 }),
];

function setup() {
  const bridge = new FakeBridge();
  bridge.snapshot = CONNS;
  bridge.st = st;
  // Two events in the log, before the snapshot (1000): the Events view shows them (and no notice at 40%).
  bridge.history = { since: 1000, capacity: 100, dropped: 0, events: CONNS.slice(0, 2).map((connection, i) => ({ type: 'opened', time: 900 + i, connection })) };
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
  return bridge;
}

/** The status bar's "N … shown", as it reads. */
const shownItem = () => screen.getByTestId('count-shown').parentElement!;
const shownText = () => shownItem().textContent;
const tab = (name: RegExp) => fireEvent.click(screen.getByRole('tab', { name }));
/** Body rows of a grid (the header row left out). */
const gridRows = (name: string) => within(screen.getByRole('grid', { name })).getAllByRole('row').slice(1);

describe('the status bar counts what the view shows', () => {
  it('Connections rows, Processes processes, Ports addresses, Events events', async () => {
    setup();
    await waitFor(() => expect(gridRows('Connections')).toHaveLength(6));
    expect(shownText()).toBe('6 rows shown');

    tab(/^Processes/);
    await waitFor(() => expect(gridRows('Processes')).toHaveLength(3));
    expect(shownText()).toBe('3 processes shown');

    tab(/^Ports/);
    const ports = within(screen.getByRole('table', { name: 'Ephemeral ports per local address' })).getAllByRole('row').slice(1);
    expect(ports).toHaveLength(2);
    expect(shownText()).toBe('2 addresses shown');

    tab(/^Events/);
    await waitFor(() => expect(within(screen.getByRole('grid', { name: 'Events' })).queryAllByRole('row').filter((r) => r.hasAttribute('data-type'))).toHaveLength(2));
    expect(shownText()).toBe('2 events shown');
  });

  it('under a filter: Processes counts its process rows, not the connections the filter lets through', async () => {
    setup();
    await waitFor(() => expect(gridRows('Connections')).toHaveLength(6));
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: 'pid:20' } });
    await waitFor(() => expect(shownText()).toBe('4 rows shown'));
    tab(/^Processes/);
    await waitFor(() => expect(gridRows('Processes')).toHaveLength(1));
    expect(shownText()).toBe('1 process shown');
    expect(shownItem().getAttribute('title')).toMatch(/^Processes in the view/);
  });
});
