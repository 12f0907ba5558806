// @vitest-environment jsdom
// The port-exhaustion warning is also written into the Events view: once when an address crosses
// the threshold, once when it falls back below, and not hidden by connection filters (issue 12 §2).
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../App';
import { FakeBridge, conn, diff, status } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';
import { formatDateTime } from '../../store/columns';
import { MAX_FROZEN_BATCHES } from '../../app/useLiveData';
import { PortUsageTracker, type PortUsageSample } from '../../../shared/port-usage';

beforeAll(() => fakeLayout());
afterEach(() => {
  cleanup();
  localStorage.clear();
});

// A 10-port dynamic range: three client sockets hold 30% of it.
const st = status({ portRanges: { tcp: { low: 50000, high: 50009 }, udp: { low: 50000, high: 50009 }, origin: 'test range' } });
const clients = [0, 1, 2].map((i) => conn({ localPort: 50000 + i, remoteAddress: '10.0.0.1', remotePort: 443, process: 'curl', pid: 20 }));

function setup() {
  const bridge = new FakeBridge();
  bridge.snapshot = clients;
  bridge.st = st;
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
  return bridge;
}

const notices = () => within(screen.getByRole('grid', { name: 'Events' })).queryAllByRole('row').filter((r) => r.getAttribute('data-type') === 'notice');

async function setThreshold(text: string) {
  fireEvent.click(screen.getByRole('tab', { name: 'Ports' }));
  fireEvent.change(screen.getByRole('textbox', { name: 'Warning threshold, percent' }), { target: { value: text } });
  fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
}

describe('port-exhaustion notices in the Events view', () => {
  it('writes a notice when the threshold is lowered below usage, and an all-clear when raised again', async () => {
    const bridge = setup();
    await waitFor(() => expect(within(screen.getByRole('grid', { name: 'Connections' })).getAllByRole('row').length).toBe(4));
    fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
    expect(notices()).toHaveLength(0);

    await setThreshold('25');
    await waitFor(() => expect(notices()).toHaveLength(1));
    const [warn] = notices();
    expect(warn.getAttribute('data-level')).toBe('warning');
    expect(warn.textContent).toContain('TCP 127.0.0.1: 3 of 10 ephemeral ports in use (30% ≥ 25%; 0 TIME-WAIT, 0 CLOSE-WAIT)');

    // Still over on the next polls: no second notice.
    const more = conn({ localPort: 50003, remoteAddress: '10.0.0.1', remotePort: 443, process: 'curl', pid: 20 });
    act(() => bridge.emit(diff(5000, [{ type: 'opened', connection: more }], st)));
    await setThreshold('30');
    expect(notices()).toHaveLength(1);

    // A connection filter that matches no connection leaves the notice in view.
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: 'pid:999' } });
    await waitFor(() => expect(within(screen.getByRole('grid', { name: 'Events' })).queryAllByRole('row').filter((r) => r.getAttribute('data-type') === 'opened')).toHaveLength(0));
    expect(notices()).toHaveLength(1);

    await setThreshold('80');
    await waitFor(() => expect(notices()).toHaveLength(2));
    // Newest first: the all-clear is on top.
    const [clear] = notices();
    expect(clear.getAttribute('data-level')).toBe('cleared');
    expect(clear.textContent).toContain('TCP 127.0.0.1: back below 80%, 4 of 10 ephemeral ports in use (40%)');
  });
});

describe('port usage comes from the engine, not from the window walking its rows', () => {
  it('the Ports view says a filter set for the other views does not apply to it, and drops the line when cleared', async () => {
    setup();
    fireEvent.click(screen.getByRole('tab', { name: 'Ports' }));
    expect(screen.queryByTestId('ports-unfiltered')).toBeNull();
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: 'port:443' } });
    await waitFor(() => expect(screen.getByTestId('ports-unfiltered').textContent).toBe('Every socket of the machine: the filter port:443 does not apply here (a port is exhausted for all its users).'));
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: '' } });
    await waitFor(() => expect(screen.queryByTestId('ports-unfiltered')).toBeNull());
  });

  it('the Ports view shows the usage the engine sends, whatever rows the window holds', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = clients; // 3 rows at 127.0.0.1: a walk of the table would say 3 ports
    bridge.st = st;
    const engine = new PortUsageTracker();
    const nine = Array.from({ length: 9 }, (_, i) => conn({ localPort: 50000 + i, remoteAddress: '10.0.0.1', remotePort: 443 }));
    engine.apply({ time: 1000, full: true, connections: nine, events: [], status: st });
    bridge.getPortUsage = async () => engine.data();
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    fireEvent.click(screen.getByRole('tab', { name: 'Ports' }));
    const row = () => screen.getByRole('table', { name: 'Ephemeral ports per local address' }).querySelector('tr[data-address="tcp 127.0.0.1"]');
    await waitFor(() => expect(row()?.querySelector('[data-testid="ports-in-use"]')?.textContent).toBe('9'));
    expect(row()?.className).toBe('warn'); // 90% ≥ 80%
    // The next batch's sample replaces it: 7 ports, below the threshold.
    const seven = engine.apply({ time: 2000, full: false, events: [7, 8].map((i) => ({ type: 'closed' as const, time: 2000, connection: nine[i] })), status: st })!;
    act(() => bridge.emit({ ...diff(2000, [], st), ports: seven }));
    await waitFor(() => expect(row()?.querySelector('[data-testid="ports-in-use"]')?.textContent).toBe('7'));
    expect(row()?.className).toBe('');
    // A malformed sample is dropped; the batch's events still apply.
    const extra = conn({ localPort: 50005, remoteAddress: '10.0.0.9', remotePort: 80 });
    const bad = { ...seven, time: 3000, addresses: [{ ...seven.addresses[0], portsInUse: -1 }] };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    act(() => bridge.emit({ ...diff(3000, [{ type: 'opened', connection: extra }], st), ports: bad as PortUsageSample }));
    await waitFor(() => expect(screen.getByRole('tab', { name: /^Connections/ }).textContent).toContain('4'));
    expect(row()?.querySelector('[data-testid="ports-in-use"]')?.textContent).toBe('7');
    expect(warn).toHaveBeenCalledWith('netmon: dropped a malformed port usage sample');
    warn.mockRestore();
  });

  it('a window opened late shows the notices of one open from the start, at the polls that crossed', async () => {
    localStorage.setItem('netmon.ports.thresholdPercent', '35');
    const bridge = new FakeBridge();
    bridge.snapshot = clients; // 30%
    bridge.st = st;
    const app = () => <App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />;
    const early = render(app());
    await waitFor(() => expect(bridge.callsOf('getPortUsage')).toHaveLength(1));
    const more = [3, 4].map((i) => conn({ localPort: 50000 + i, remoteAddress: '10.0.0.1', remotePort: 443, process: 'curl', pid: 20 }));
    act(() => bridge.emit(diff(5000, [{ type: 'opened', connection: more[0] }], st))); // 40%: over 35%
    act(() => bridge.emit(diff(6000, [{ type: 'opened', connection: more[1] }], st))); // 50%: still over
    act(() => bridge.emit(diff(7000, more.map((connection) => ({ type: 'closed' as const, connection })), st))); // 30%: back below
    const late = render(app());
    const noticeRows = (root: HTMLElement) => {
      fireEvent.click(within(root).getByRole('tab', { name: /^Events/ }));
      return within(within(root).getByRole('grid', { name: 'Events' }))
        .queryAllByRole('row')
        .filter((r) => r.getAttribute('data-type') === 'notice')
        .map((r) => [r.getAttribute('data-level'), r.querySelector('[role="gridcell"]')?.getAttribute('title'), r.textContent]);
    };
    await waitFor(() => expect(noticeRows(late.container)).toHaveLength(2));
    const want = [
      ['cleared', formatDateTime(7000), expect.stringContaining('TCP 127.0.0.1: back below 35%, 3 of 10 ephemeral ports in use (30%)')],
      ['warning', formatDateTime(5000), expect.stringContaining('TCP 127.0.0.1: 4 of 10 ephemeral ports in use (40% ≥ 35%')],
    ];
    expect(noticeRows(late.container)).toEqual(want);
    // Batches are decoded and applied in tasks after the one that received them.
    await waitFor(() => expect(noticeRows(early.container)).toEqual(want));
  });
});

describe('port usage after missed batches', () => {
  it('a freeze that outgrew its queue fetches the engine’s port usage again: the crossing it skipped is still written, at its poll', async () => {
    localStorage.setItem('netmon.ports.thresholdPercent', '35');
    const bridge = setup(); // 3 clients: 30%
    await waitFor(() => expect(bridge.callsOf('getPortUsage')).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Freeze view' }));
    const more = conn({ localPort: 50003, remoteAddress: '10.0.0.1', remotePort: 443, process: 'curl', pid: 20 });
    act(() => {
      bridge.emit(diff(5000, [{ type: 'opened', connection: more }], st)); // 40%: over 35%
      for (let i = 1; i <= MAX_FROZEN_BATCHES + 5; i++) bridge.emit(diff(5000 + i * 100, [], st)); // more than a freeze keeps
    });
    fireEvent.click(screen.getByRole('button', { name: 'Unfreeze view' }));
    await waitFor(() => expect(bridge.callsOf('getPortUsage')).toHaveLength(2));
    fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
    await waitFor(() => expect(notices()).toHaveLength(1));
    expect(notices()[0].querySelector('[role="gridcell"]')?.getAttribute('title')).toBe(formatDateTime(5000));
    expect(notices()[0].textContent).toContain('TCP 127.0.0.1: 4 of 10 ephemeral ports in use (40% ≥ 35%');
  });
});
