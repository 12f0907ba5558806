// @vitest-environment jsdom
// The Connections table said "No connections match." whenever it was empty, also before the first
// poll and at a recording's moment with none open, when no filter hid anything. One function says why.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../App';
import { formatTime } from '../../store/columns';
import { FakeBridge, conn } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';
import { connectionsEmptyText } from './emptyConnections';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

describe('connectionsEmptyText', () => {
  it('says why the table is empty', () => {
    expect(connectionsEmptyText({ held: 0, hiddenBy: null, recording: null, polled: false })).toBe('No connections yet: waiting for the first poll.');
    expect(connectionsEmptyText({ held: 0, hiddenBy: 'the filter', recording: null, polled: true })).toBe('No connections are open.');
    // Browser mode before the first table: what the tab waits for, not a poll.
    expect(connectionsEmptyText({ held: 0, hiddenBy: null, recording: null, polled: false, link: 'busy' })).toBe('No connections yet: too many netmon tabs are open; this one gets in when another closes.');
    expect(connectionsEmptyText({ held: 0, hiddenBy: null, recording: null, polled: false, link: 'closed' })).toBe('No connections yet: not connected to netmon, retrying…');
    expect(connectionsEmptyText({ held: 0, hiddenBy: null, recording: null, polled: false, link: 'connecting' })).toBe('No connections yet: waiting for the first poll.');
    expect(connectionsEmptyText({ held: 3, hiddenBy: 'the filter', recording: null, polled: true })).toBe('None of the 3 connections match the filter.');
    expect(connectionsEmptyText({ held: 1, hiddenBy: 'the quick toggles', recording: null, polled: true })).toBe('The one connection does not match the quick toggles.');
    const at = Date.UTC(2026, 11, 1, 0, 59, 11);
    expect(connectionsEmptyText({ held: 0, hiddenBy: null, recording: { name: 'n.ndjson', at }, polled: true })).toBe(`No connection of the recording is open at ${formatTime(at)}.`);
    expect(connectionsEmptyText({ held: 0, hiddenBy: null, recording: { name: 'n.ndjson', at: null }, polled: true })).toBe('The recording n.ndjson holds no connection.');
  });
});

describe('the Connections table and filter chip in the app', () => {
  it('a filter matching none says so with the count; with a recording open, counts are the recording’s', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [443, 22, 8080].map((p) => conn({ localPort: p, process: 'nginx', pid: 20 }));
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('3'));
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: 'port:9' } });
    await waitFor(() => expect(screen.getByTestId('connections-empty').textContent).toBe('None of the 3 connections match the filter.'));
    expect(screen.getByTestId('filter-chip').textContent).toContain('3 hidden');

    const line = (type: string, port: number, s: number) =>
      JSON.stringify({ type, time: `2024-01-01T00:00:0${s}.000Z`, connection: { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: port, remoteAddress: '127.0.0.1', remotePort: 1, state: 'ESTABLISHED', pid: 1, process: 'rec' } });
    fireEvent.change(screen.getByTestId('recording-file'), { target: { files: [new File([[line('opened', 7001, 1), line('closed', 7001, 2)].join('\n')], 'r.ndjson')] } });
    await screen.findByTestId('recording-banner');
    fireEvent.click(screen.getByRole('tab', { name: /^Connections/ }));
    // The recording's last moment has no connection open: not the filter's doing, not 3 live rows hidden.
    await waitFor(() => expect(screen.getByTestId('connections-empty').textContent).toBe(`No connection of the recording is open at ${formatTime(Date.parse('2024-01-01T00:00:02.000Z'))}.`));
    expect(screen.getByTestId('filter-chip').textContent).toContain('0 hidden');
  });
});
