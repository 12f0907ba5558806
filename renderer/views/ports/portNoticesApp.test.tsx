// @vitest-environment jsdom
// The port-exhaustion warning is also written into the Events view: once when an address crosses
// the threshold, once when it falls back below, and not hidden by connection filters (issue 12 §2).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../App';
import { FakeBridge, conn, diff, status } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';

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
