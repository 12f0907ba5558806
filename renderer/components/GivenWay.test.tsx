// @vitest-environment jsdom
// What "+N" tells the user to do about the columns that gave way: the Connections table's are all
// in the details pane (its Traffic section holds RTT and Retrans, which give way at 1024 px), so its
// "+N" points there; other tables' say only what brings the columns back.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';
import { SETTINGS_KEY } from '../store/settings';
import { DetailsPaneOpen, GivenWay, type DetailsPaneState } from './GivenWay';

// Narrow enough for the traffic columns to give way. jsdom has no ResizeObserver: this one reports
// the (fake) size once, when asked to observe, as a browser does after the first layout.
beforeAll(() => {
  fakeLayout(700, 600);
  globalThis.ResizeObserver = class {
    constructor(private readonly cb: ResizeObserverCallback) {}
    observe() {
      this.cb([], this as unknown as ResizeObserver);
    }
    unobserve() {}
    disconnect() {}
  };
});
afterEach(() => cleanup());

const COLS = [
  { key: 'rtt', label: 'RTT' },
  { key: 'retrans', label: 'Retrans' },
];

function titleWith(pane: DetailsPaneState, inDetails: boolean): string {
  render(
    <DetailsPaneOpen.Provider value={pane}>
      <GivenWay columns={COLS} inDetails={inDetails} />
    </DetailsPaneOpen.Provider>,
  );
  const title = screen.getByRole('button', { name: '2 columns hidden for width' }).getAttribute('title') ?? '';
  cleanup();
  return title;
}

describe('"+N" hidden for width', () => {
  it('points to the details pane where it shows the columns, and to closing it only when it is open', () => {
    const head = 'Too narrow for every column: RTT, Retrans hidden for width. ';
    expect(titleWith('open', true)).toBe(`${head}The details pane shows them for its row. Widen the window or close the pane to see them as columns.`);
    expect(titleWith('closed', true)).toBe(`${head}Widen the window to see them, or open a row's details (Enter): the pane shows them for that row.`);
    // A recording on screen has no pane: nothing to point to.
    expect(titleWith('none', true)).toBe(`${head}Widen the window to see them.`);
    expect(titleWith('open', false)).toBe(`${head}Widen the window or close the details pane to see them.`);
    expect(titleWith('closed', false)).toBe(`${head}Widen the window to see them.`);
  });

  it("the Connections table's says the pane shows them, before and after a row's pane opens", async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 50001, remotePort: 443, rttMs: 2, retransmits: 4 })];
    const storage = new MemStorage();
    storage.setItem(SETTINGS_KEY, JSON.stringify({ trafficColumns: true }));
    render(<App bridge={bridge} storage={storage} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    const grid = screen.getByRole('grid', { name: 'Connections' });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(2));
    const more = within(grid).getByRole('button', { name: /hidden for width/ });
    expect(more.getAttribute('title')).toMatch(/RTT.*Retrans.*hidden for width\. Widen the window to see them, or open a row's details \(Enter\): the pane shows them for that row\.$/);
    fireEvent.mouseDown(within(grid).getAllByRole('row')[1]);
    await screen.findByRole('region', { name: 'Details' });
    await waitFor(() => expect(within(grid).getByRole('button', { name: /hidden for width/ }).getAttribute('title')).toMatch(/The details pane shows them for its row\. Widen the window or close the pane to see them as columns\.$/));
  });
});
