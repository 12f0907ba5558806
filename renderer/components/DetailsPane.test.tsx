// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn } from '../test/fixtures';
import { fakeLayout, MemStorage } from '../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

function setup() {
  const bridge = new FakeBridge();
  const c = conn({ localPort: 443, remoteAddress: '10.1.2.3', remotePort: 50123, process: 'svchost.exe', pid: 1234, processStartTime: Date.UTC(2024, 0, 1) });
  bridge.snapshot = [c];
  bridge.details.set(1234, { pid: 1234, name: 'svchost.exe', path: 'C:\\Windows\\System32\\svchost.exe', commandLine: 'svchost.exe -k netsvcs', user: 'NT AUTHORITY\\SYSTEM', startTime: Date.UTC(2024, 0, 1), services: ['Dnscache', 'LanmanWorkstation'] });
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
  return { bridge, c };
}

async function openDetails() {
  const grid = screen.getByRole('grid', { name: 'Connections' });
  await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(2));
  fireEvent.mouseDown(within(grid).getAllByRole('row')[1]);
  return screen.findByRole('region', { name: 'Details' });
}

describe('DetailsPane', () => {
  it('marks unknown values with the one glyph the tables use (—), never an en dash', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ protocol: 'udp', localPort: 5353, remoteAddress: null, remotePort: null, state: null, pid: null, process: null })];
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    const pane = await openDetails();
    const grid = screen.getByRole('grid', { name: 'Connections' });
    expect(within(pane).getByRole('heading', { level: 2 }).textContent).toBe('(unknown) PID —');
    expect(within(pane).getByText('PID', { selector: 'dt' }).nextElementSibling?.textContent).toBe('—');
    // The table's unknown cells (State, Remote) and the pane's: the same glyph, no en dash anywhere.
    expect(within(grid).getAllByText('—').length).toBeGreaterThanOrEqual(2);
    expect(pane.textContent).not.toContain('–');
    expect(grid.textContent).not.toContain('–');
  });

  it('a socket no process owns (PID 0, e.g. a Linux orphan in FIN-WAIT-2) says so and looks up no process', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 50001, remotePort: 8080, state: 'FIN-WAIT-2', pid: 0, process: null })];
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    const pane = await openDetails();
    expect(within(pane).getByRole('heading', { level: 2 }).textContent).toBe('FIN-WAIT-2 (no owner) PID 0');
    expect(within(pane).getByText(/^No process owns this socket/).textContent).toBe('No process owns this socket in FIN-WAIT-2: its process has closed it, or none has accepted it yet.');
    expect(within(pane).queryByText(/has exited or cannot be inspected/)).toBeNull();
    expect(within(pane).getByRole('button', { name: 'End process' }).hasAttribute('disabled')).toBe(true);
    expect(bridge.callsOf('getProcessDetails')).toEqual([]);
  });

  it('shows process details fetched once per pid', async () => {
    const { bridge } = setup();
    const pane = await openDetails();
    await waitFor(() => expect(within(pane).getByText('svchost.exe -k netsvcs')).toBeTruthy());
    expect(within(pane).getByText('Dnscache, LanmanWorkstation')).toBeTruthy();
    expect(within(pane).getByText('NT AUTHORITY\\SYSTEM')).toBeTruthy();
    fireEvent.click(within(pane).getByRole('button', { name: 'Close details' }));
    await openDetails();
    expect(bridge.callsOf('getProcessDetails')).toEqual([[1234]]);
  });

  it('close connection: confirm, failure with reason, restart as administrator', async () => {
    const { bridge, c } = setup();
    bridge.closeResult = { ok: false, reason: 'Access is denied. (SetTcpEntry 5)', needsAdmin: true };
    const pane = await openDetails();
    fireEvent.click(within(pane).getByRole('button', { name: 'Close connection' }));
    const dialog = screen.getByRole('alertdialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(bridge.callsOf('closeConnection')).toHaveLength(0);

    fireEvent.click(within(pane).getByRole('button', { name: 'Close connection' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Confirm' }));
    const result = await screen.findByTestId('action-result');
    expect(result.textContent).toContain('Access is denied. (SetTcpEntry 5)');
    expect(bridge.callsOf('closeConnection')).toEqual([[{ family: 4, localAddress: c.localAddress, localPort: 443, remoteAddress: '10.1.2.3', remotePort: 50123 }]]);

    bridge.restartResult = { ok: false, reason: 'elevation was cancelled' };
    fireEvent.click(within(result).getByRole('button', { name: 'Restart as administrator' }));
    await waitFor(() => expect(screen.getByTestId('action-result').textContent).toContain('elevation was cancelled'));
    expect(bridge.callsOf('restartAsAdmin')).toHaveLength(1);
  });

  it('end process from the context menu, with confirmation', async () => {
    const { bridge } = setup();
    const grid = screen.getByRole('grid', { name: 'Connections' });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(2));
    fireEvent.contextMenu(within(grid).getAllByRole('row')[1], { clientX: 50, clientY: 60 });
    const menu = screen.getByRole('menu');
    expect(within(menu).getAllByRole('menuitem').map((m) => m.textContent)).toEqual(['Details', 'Copy', 'Close connection', 'End process']);
    fireEvent.click(within(menu).getByRole('menuitem', { name: 'End process' }));
    fireEvent.click(within(screen.getByRole('alertdialog')).getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(screen.getByTestId('action-result').textContent).toContain('End process: done.'));
    // The row's owner start time travels with the PID, so a reused PID is refused (issue 7 §5).
    expect(bridge.callsOf('endProcess')).toEqual([[{ pid: 1234, startTime: Date.UTC(2024, 0, 1) }]]);
  });

  it('a row the filter or a quick toggle hides: the pane says so and its actions are off until it shows again', async () => {
    const { bridge } = setup();
    const pane = await openDetails();
    const note = () => within(pane).queryByTestId('details-hidden');
    const button = (name: string) => within(pane).getByRole('button', { name }) as HTMLButtonElement;
    expect(note()).toBeNull();
    expect(button('Close connection').disabled).toBe(false);
    const filter = screen.getByRole('textbox', { name: 'Filter' });
    fireEvent.change(filter, { target: { value: '-port:443' } });
    await waitFor(() => expect(note()?.textContent).toBe('Hidden by the filter: this connection is not in the table. Close connection and End process are off until it shows again.'));
    expect(within(pane).getByText(/10\.1\.2\.3:50123/)).toBeTruthy();
    expect(button('Close connection').disabled).toBe(true);
    expect(button('End process').disabled).toBe(true);
    fireEvent.click(button('Close connection'));
    fireEvent.click(button('End process'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    fireEvent.change(filter, { target: { value: '' } });
    await waitFor(() => expect(note()).toBeNull());
    expect(button('End process').disabled).toBe(false);
    // The quick toggles hide rows the same way.
    fireEvent.click(screen.getByRole('checkbox', { name: 'TCP' }));
    await waitFor(() => expect(note()).not.toBeNull());
    expect(button('Close connection').disabled).toBe(true);
    fireEvent.click(screen.getByRole('checkbox', { name: 'TCP' }));
    await waitFor(() => expect(note()).toBeNull());
    expect(bridge.callsOf('closeConnection')).toHaveLength(0);
    expect(bridge.callsOf('endProcess')).toHaveLength(0);
  });
});
