// @vitest-environment jsdom
// New connections not in the baseline are flagged in the Connections table and the Events view as
// soon as a baseline is marked, whether or not "Only not in baseline" is on (issue 12 §3).
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../../App';
import { FakeBridge, conn, diff } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

const oldListener = conn({ localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', process: 'java', pid: 40 });
const oldClient = conn({ localPort: 51000, remoteAddress: '10.0.0.9', remotePort: 443, process: 'curl', pid: 20 });
const newListener = conn({ localPort: 9999, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', process: 'nc', pid: 77 });
const newClient = conn({ localPort: 51001, remoteAddress: '10.0.0.66', remotePort: 4444, process: 'curl', pid: 20 });

function setup() {
  const bridge = new FakeBridge();
  bridge.snapshot = [oldListener, oldClient];
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
  return bridge;
}

const rowOf = (id: string) => within(screen.getByRole('grid', { name: 'Connections' })).getAllByRole('row').find((r) => r.getAttribute('data-id') === id);
const flagged = (el: HTMLElement | undefined) => (el ? within(el).queryAllByRole('img', { name: 'not in baseline' }).length : -1);

describe('baseline flags', () => {
  it('flags rows and events of new connections not in the baseline, toggle on or off', async () => {
    const bridge = setup();
    await waitFor(() => expect(rowOf(oldListener.id)).toBeDefined());
    // No baseline yet: nothing is flagged.
    act(() => bridge.emit(diff(1500, [{ type: 'opened', connection: newClient }])));
    await waitFor(() => expect(rowOf(newClient.id)).toBeDefined());
    expect(flagged(rowOf(newClient.id))).toBe(0);

    fireEvent.click(screen.getByRole('button', { name: 'Mark baseline' }));
    act(() => bridge.emit(diff(2000, [{ type: 'opened', connection: newListener }])));
    await waitFor(() => expect(flagged(rowOf(newListener.id))).toBe(1));
    expect(rowOf(newListener.id)?.className).toContain('not-in-baseline');
    expect(within(rowOf(newListener.id)!).getByRole('img', { name: 'not in baseline' }).getAttribute('title')).toBe('Not in baseline: new listener');
    // What was there when it was marked is not flagged (newClient was open at marking time).
    expect(flagged(rowOf(oldListener.id))).toBe(0);
    expect(flagged(rowOf(oldClient.id))).toBe(0);
    expect(flagged(rowOf(newClient.id))).toBe(0);
    expect((screen.getByLabelText('Only not in baseline') as HTMLInputElement).checked).toBe(false);

    fireEvent.click(screen.getByRole('tab', { name: /^Events/ }));
    const events = screen.getByRole('grid', { name: 'Events' });
    const evRows = within(events).getAllByRole('row').filter((r) => r.hasAttribute('data-seq'));
    const opened = evRows.filter((r) => r.textContent?.includes(':9999'));
    expect(opened).toHaveLength(1);
    expect(flagged(opened[0])).toBe(1);
    const before = evRows.filter((r) => r.textContent?.includes(':51001'));
    expect(before).toHaveLength(1);
    expect(flagged(before[0])).toBe(0);

    // With the toggle on the same rows are flagged and only they are shown.
    fireEvent.click(screen.getByRole('tab', { name: /^Connections/ }));
    fireEvent.click(screen.getByLabelText('Only not in baseline'));
    await waitFor(() => expect(rowOf(oldListener.id)).toBeUndefined());
    expect(flagged(rowOf(newListener.id))).toBe(1);
  });
});
