// @vitest-environment jsdom
// The Events view holds the newest events of the run only (EventLog's capacity): when the run has
// more than it holds (the engine's history left some out, or newer ones pushed old ones out), the
// status bar says how many are not there instead of looking like the whole run (found by a new user).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../App';
import { EventLog } from '../../store/eventLog';
import { ConnectionStore } from '../../store/store';
import { FakeBridge, conn, diff } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

describe('events the window does not hold', () => {
  it('the log counts what newer events push out, and what a loaded history left out', () => {
    const log = new EventLog(3);
    for (let i = 0; i < 5; i++) log.push({ type: 'opened', time: i, connection: conn({ localPort: 1000 + i }) });
    expect([log.length, log.dropped]).toEqual([3, 2]);
    log.clear();
    expect(log.dropped).toBe(0);
    const store = new ConnectionStore({ eventCapacity: 3 });
    store.loadHistory([1, 2, 3, 4].map((i) => ({ type: 'opened' as const, time: i, connection: conn({ localPort: 2000 + i }) })), 40);
    // 40 the engine left out, 1 more than this window holds.
    expect(store.log.dropped).toBe(41);
    store.loadHistory([], Number.NaN);
    expect(store.log.dropped).toBe(0);
  });

  it('the status bar on the Events tab says the view holds the newest only, with how many older are not kept', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 443, process: 'nginx', pid: 20 })];
    bridge.history = { since: 500, capacity: 180_000, dropped: 1234, events: [] };
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('1'));
    act(() => bridge.emit(diff(1500, [{ type: 'opened', connection: conn({ localPort: 444, process: 'nginx', pid: 20 }) }])));
    // Not on the Connections tab: it counts rows.
    expect(screen.queryByTestId('events-dropped')).toBeNull();
    fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
    const note = await screen.findByTestId('events-dropped');
    expect(note.textContent).toBe(' (newest only: 1,234 older not kept)');
    expect(note.getAttribute('title')).toMatch(/newest 10,000 events of the run.*Record keeps every event/);
  });

  it('says nothing while the window holds the whole run', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 443, process: 'nginx', pid: 20 })];
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('1'));
    fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
    await waitFor(() => expect(screen.getByTestId('count-shown')).toBeTruthy());
    expect(screen.queryByTestId('events-dropped')).toBeNull();
  });
});
