// @vitest-environment jsdom
// F6 / Shift+F6 from every view, not only Connections: from the view's tab the regions come in
// screen order (timeline, the view's table, filter box, …) and the focus is never dropped to the page.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn } from '../test/fixtures';
import type { Connection } from '../../shared/connection';
import { fakeLayout, MemStorage } from '../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

const f6 = (shift = false) => fireEvent.keyDown(document.activeElement ?? document.body, { key: 'F6', shiftKey: shift });
/** The region holding the focus, or what holds it when it is in none. */
const where = (): string => {
  const a = document.activeElement;
  if (!a || a === document.body) return 'body';
  return a.closest('[data-region]')?.getAttribute('data-region') ?? `outside: ${a.tagName}`;
};

/** The app over a few connections (or `snapshot`), showing view `tab`, the focus on its tab. */
async function showTab(tab: string, snapshot?: Connection[]): Promise<void> {
  const bridge = new FakeBridge();
  bridge.snapshot = snapshot ?? [
    conn({ localPort: 443, remoteAddress: '10.0.0.9', remotePort: 51000, process: 'nginx', pid: 20 }),
    conn({ localPort: 22, remoteAddress: '10.0.0.10', remotePort: 52000, process: 'sshd', pid: 30 }),
    // A port of the dynamic range (Linux's and Windows' alike): a row of the Ports table.
    conn({ localPort: 50123, remoteAddress: '10.0.0.11', remotePort: 443, process: 'curl', pid: 40 }),
    conn({ localAddress: '127.0.0.2', localPort: 50124, remoteAddress: '10.0.0.11', remotePort: 443, process: 'curl', pid: 40 }),
  ];
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
  await waitFor(() => expect(screen.getAllByRole('row').length).toBeGreaterThan(2));
  const t = screen.getByRole('tab', { name: new RegExp(tab) });
  fireEvent.click(t);
  t.focus();
}

describe('F6 from every view', () => {
  it.each(['Connections', 'Events', 'Processes', 'Ports'])('%s: F6 and Shift+F6 go round timeline, table and filter box, never to the page', async (tab) => {
    await showTab(tab);
    const forward: string[] = [];
    for (let i = 0; i < 4; i++) {
      f6();
      forward.push(where());
    }
    expect(forward).toEqual(['timeline', 'table', 'filter', 'timeline']);
    // In the table region, the focus is in the view shown.
    f6();
    expect(document.activeElement?.closest('[role="tabpanel"]')?.id).toBe(`panel-${tab.toLowerCase()}`);
    const back: string[] = [];
    for (let i = 0; i < 3; i++) {
      f6(true);
      back.push(where());
    }
    expect(back).toEqual(['timeline', 'filter', 'table']);
  });

  it('Processes: F6 enters the table at its first process row, not a column header', async () => {
    await showTab('Processes');
    f6();
    f6();
    const a = document.activeElement as HTMLElement;
    expect(a.getAttribute('role')).toBe('row');
    expect(a.closest('[role="rowgroup"]')?.className).toBe('proc-body');
    expect(a.querySelector('[role="gridcell"]')?.textContent).toMatch(/^(nginx|sshd)$/);
  });

  it('Ports: F6 enters the table at its first address row, not the threshold box; ↓ ↑ move along the rows', async () => {
    await showTab('Ports');
    f6();
    f6();
    const a = document.activeElement as HTMLElement;
    expect(a.tagName).toBe('TR');
    expect(a.closest('tbody')).not.toBeNull();
    const rows = [...document.querySelectorAll<HTMLElement>('.ports-table tbody tr')];
    expect(rows).toHaveLength(2);
    expect(a).toBe(rows[0]);
    expect(a.querySelector('td')?.textContent).toMatch(/^TCP 127\.0\.0\.[12]$/);
    // One Tab stop for the rows; arrows go on from the first.
    expect(rows.map((r) => r.tabIndex)).toEqual([0, -1]);
    fireEvent.keyDown(a, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(rows[1]);
    expect(rows.map((r) => r.tabIndex)).toEqual([-1, 0]);
    fireEvent.keyDown(rows[1], { key: 'ArrowUp' });
    expect(document.activeElement).toBe(rows[0]);
  });

  it('Ports with no port of the dynamic range in use: F6 lands on the table\'s one row saying so, not the threshold box', async () => {
    await showTab('Ports', [conn({ localPort: 443, remoteAddress: '10.0.0.9', remotePort: 51000, process: 'nginx', pid: 20 }), conn({ localPort: 22, remoteAddress: '10.0.0.10', remotePort: 52000, process: 'sshd', pid: 30 })]);
    f6();
    f6();
    const a = document.activeElement as HTMLElement;
    expect(a.tagName).toBe('TR');
    expect(a.textContent).toBe('No socket holds a port of the dynamic range.');
  });
});
