// @vitest-environment jsdom
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from './App';
import type { RecordingStatus } from '../shared/ipc';
import { FakeBridge, conn, diff, status } from './test/fixtures';
import { fakeLayout, MemStorage } from './test/dom';
import { SETTINGS_KEY } from './store/settings';
import { ConnectionStore } from './store/store';
import { formatTime } from './store/columns';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

function setup(opts: { storage?: MemStorage; conns?: ReturnType<typeof conn>[]; recording?: RecordingStatus } = {}) {
  const bridge = new FakeBridge();
  if (opts.recording) bridge.rec = opts.recording;
  bridge.snapshot = opts.conns ?? [
    conn({ localPort: 443, remoteAddress: '10.0.0.9', remotePort: 51000, process: 'nginx', pid: 20 }),
    conn({ localPort: 22, remoteAddress: '10.0.0.10', remotePort: 52000, process: 'sshd', pid: 30 }),
    conn({ localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', process: 'java', pid: 40 }),
  ];
  const storage = opts.storage ?? new MemStorage();
  const downloads: { name: string; mime: string; text: string }[] = [];
  const copied: string[] = [];
  const utils = render(
    <App
      bridge={bridge}
      storage={storage}
      filterDebounceMs={0}
      download={(name, mime, text) => downloads.push({ name, mime, text })}
      copy={async (t) => {
        copied.push(t);
      }}
    />,
  );
  return { bridge, storage, downloads, copied, ...utils };
}

const grid = () => screen.getByRole('grid', { name: 'Connections' });
const bodyRows = () => within(grid()).getAllByRole('row').filter((r) => r.hasAttribute('data-id'));
const ports = () => bodyRows().map((r) => within(r).getAllByRole('gridcell')[4].textContent);

describe('App', () => {
  it('shows the snapshot, then applies batches with highlight status', async () => {
    const { bridge } = setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    expect(screen.getByTestId('count-total').textContent).toBe('3');
    expect(screen.queryByTestId('count-closing')).toBeNull();
    const fresh = conn({ localPort: 9999, process: 'curl', pid: 77 });
    act(() => bridge.emit(diff(2000, [{ type: 'opened', connection: fresh }])));
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    const row = bodyRows().find((r) => r.getAttribute('data-id') === fresh.id);
    expect(row?.getAttribute('data-status')).toBe('new');
    act(() => bridge.emit(diff(3000, [{ type: 'closed', connection: fresh }])));
    await waitFor(() => expect(bodyRows().find((r) => r.getAttribute('data-id') === fresh.id)?.getAttribute('data-status')).toBe('closed'));
    // total counts open connections; the lingering closed row is shown and said to be closing
    expect(screen.getByTestId('count-total').textContent).toBe('3');
    expect(screen.getByTestId('count-shown').textContent).toBe('4');
    expect(screen.getByTestId('count-closing').textContent).toBe('1');
    expect(screen.getByTestId('statusbar').textContent).toMatch(/3 open.*4 rows shown \(1 closing\)/);
    expect(screen.getByTestId('last-poll').textContent).toMatch(/1\.5 ms/);
  });

  it('sorts by a header click, numerically, toggling the direction', async () => {
    setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    const header = screen.getByRole('columnheader', { name: /Local Port/ });
    fireEvent.click(header);
    expect(header.getAttribute('aria-sort')).toBe('ascending');
    expect(ports()).toEqual(['22', '443', '8080']);
    fireEvent.click(header);
    expect(header.getAttribute('aria-sort')).toBe('descending');
    expect(ports()).toEqual(['8080', '443', '22']);
  });

  it('a bad filter shows a positioned error and keeps the last good filter', async () => {
    setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    const input = screen.getByRole('textbox', { name: 'Filter' });
    const app = document.querySelector('.app') as HTMLElement;
    await waitFor(() => expect(app.getAttribute('data-table-filter')).toBe(''));
    fireEvent.change(input, { target: { value: 'proc:sshd' } });
    // The marker end-to-end tests wait on names the filter the rows are computed under.
    await waitFor(() => expect(app.getAttribute('data-table-filter')).toBe('proc:sshd'));
    expect(bodyRows()).toHaveLength(1);
    expect(screen.getByTestId('count-shown').textContent).toBe('1');
    fireEvent.change(input, { target: { value: 'port:99999999' } });
    const alert = await screen.findByTestId('filter-error');
    expect(alert.getAttribute('role')).toBe('alert');
    expect(alert.textContent?.length).toBeGreaterThan(10);
    // It names the expression still in force, not just "the last good one".
    expect(alert.textContent).toContain('not applied: still filtering by proc:sshd');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(bodyRows()).toHaveLength(1); // still the last good filter
    expect(app.getAttribute('data-table-filter')).toBe('proc:sshd');
    expect(within(bodyRows()[0]).getAllByRole('gridcell')[0].textContent).toBe('sshd');
    fireEvent.change(input, { target: { value: '' } });
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    expect(screen.queryByTestId('filter-error')).toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('false');
  });

  it('quick toggles hide rows; settings persist and are restored; the interval is the engine\'s, never the page\'s', async () => {
    const storage = new MemStorage();
    const first = setup({ storage });
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Hide LISTEN' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    fireEvent.change(screen.getByRole('combobox', { name: 'Interval' }), { target: { value: '2000' } });
    await waitFor(() => expect(first.bridge.callsOf('setInterval')).toContainEqual([2000]));
    await waitFor(() => expect((screen.getByRole('combobox', { name: 'Interval' }) as HTMLSelectElement).value).toBe('2000'));
    const saved = JSON.parse(storage.getItem(SETTINGS_KEY) ?? '{}') as Record<string, unknown>;
    expect(saved).toMatchObject({ toggles: { hideListen: true } });
    expect(saved).not.toHaveProperty('intervalMs');
    first.unmount();

    // Another viewer: the engine (e.g. `serve --interval 250`) says 250 ms; the page shows that
    // and pushes nothing of its own.
    const bridge = new FakeBridge();
    bridge.st = status({ intervalMs: 250 });
    bridge.snapshot = [conn({ localPort: 22, process: 'sshd' })];
    render(<App bridge={bridge} storage={storage} filterDebounceMs={0} />);
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect((screen.getByRole('checkbox', { name: 'Hide LISTEN' }) as HTMLInputElement).checked).toBe(true);
    expect((screen.getByRole('combobox', { name: 'Interval' }) as HTMLSelectElement).value).toBe('250');
    expect(screen.getByRole('option', { name: '250 ms' })).toBeTruthy();
    expect(bridge.callsOf('setInterval')).toEqual([]);
  });

  it('a saved filter shows a chip saying how many rows it hides; Clear removes it', async () => {
    const storage = new MemStorage();
    storage.setItem(SETTINGS_KEY, JSON.stringify({ filter: 'proc:sshd' }));
    setup({ storage });
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(screen.getByTestId('filter-chip').textContent).toMatch(/^filter active — 2 hidden/);
    fireEvent.click(within(screen.getByTestId('filter-chip')).getByRole('button', { name: 'Clear' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    expect(screen.queryByTestId('filter-chip')).toBeNull();
  });

  it('the highlight duration is a setting the store follows', async () => {
    const storage = new MemStorage();
    const store = new ConnectionStore();
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 1 })];
    render(<App bridge={bridge} storage={storage} store={store} filterDebounceMs={0} />);
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    expect(store.highlightMs).toBe(5000);
    fireEvent.change(screen.getByRole('combobox', { name: 'Highlight' }), { target: { value: '30000' } });
    await waitFor(() => expect(store.highlightMs).toBe(30_000));
    expect(JSON.parse(storage.getItem(SETTINGS_KEY) ?? '{}')).toMatchObject({ highlightMs: 30_000 });
  });

  it('a pause or interval change pushed by the engine shows at once', async () => {
    const { bridge } = setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    act(() => bridge.emit(diff(2000, [], status({ paused: true, intervalMs: 5000 }))));
    await screen.findByRole('button', { name: 'Resume polling' });
    expect(screen.getByTestId('poll-paused').textContent).toBe('polling paused');
    expect((screen.getByRole('combobox', { name: 'Interval' }) as HTMLSelectElement).value).toBe('5000');
  });

  it('Pause polling asks the engine; Space and Freeze view freeze this window only, then apply what waited', async () => {
    const { bridge } = setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    fireEvent.click(screen.getByRole('button', { name: 'Pause polling' }));
    await screen.findByRole('button', { name: 'Resume polling' });
    expect(bridge.callsOf('setPaused')).toEqual([[true]]);
    fireEvent.click(screen.getByRole('button', { name: 'Resume polling' }));
    await screen.findByRole('button', { name: 'Pause polling' });
    expect(bridge.callsOf('setPaused')).toEqual([[true], [false]]);

    fireEvent.keyDown(grid(), { key: ' ' });
    await screen.findByRole('button', { name: 'Unfreeze view' });
    expect(bridge.callsOf('setPaused')).toHaveLength(2); // the engine keeps polling
    act(() => bridge.emit(diff(2000, [{ type: 'opened', connection: conn({ localPort: 9000 }) }])));
    expect(bodyRows()).toHaveLength(3);
    expect(screen.getByTestId('frozen').textContent).toMatch(/1 updates waiting/);
    fireEvent.click(screen.getByRole('button', { name: 'Unfreeze view' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(4));
    expect(screen.queryByTestId('frozen')).toBeNull();

    fireEvent.keyDown(document.body, { key: 'f', ctrlKey: true });
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Filter' }));
    // Space typed into the filter is text, not a freeze
    fireEvent.keyDown(document.activeElement as Element, { key: ' ' });
    expect(screen.getByRole('button', { name: 'Freeze view' })).toBeTruthy();
  });

  it('a late viewer shows the engine\'s first-seen times and its event history, inventing none', async () => {
    const bridge = new FakeBridge();
    const old = { ...conn({ localPort: 443, process: 'nginx' }), firstSeenAt: 500, lastChangeAt: 700, preexisting: true };
    const young = { ...conn({ localPort: 8443, process: 'nginx' }), firstSeenAt: 900, lastChangeAt: 900, preexisting: false };
    bridge.snapshot = [old, young];
    bridge.history = {
      since: 500,
      capacity: 100,
      dropped: 0,
      events: [
        { type: 'opened', time: 900, connection: young },
        { type: 'opened', time: 1500, connection: conn({ localPort: 1 }) }, // after the snapshot: comes as a batch
      ],
    };
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} />);
    await waitFor(() => expect(bodyRows()).toHaveLength(2));
    expect(bridge.callsOf('getHistory')).toEqual([[10_000]]);
    const row = (port: number) => bodyRows().find((r) => r.getAttribute('data-id') === (port === 443 ? old.id : young.id))!;
    const cells = (port: number) => within(row(port)).getAllByRole('gridcell').map((c) => c.innerHTML);
    const firstSeen = formatTime(500);
    expect(cells(443).join(' ')).toContain(firstSeen);
    expect(cells(443).join(' ')).toMatch(/Already open when netmon started/);
    expect(cells(8443).join(' ')).not.toMatch(/Already open when netmon started/);
    fireEvent.click(screen.getByRole('tab', { name: /Events/ }));
    const events = screen.getByRole('grid', { name: 'Events' });
    const evRows = within(events).getAllByRole('row').filter((r) => r.getAttribute('aria-rowindex') !== '1');
    expect(evRows).toHaveLength(1);
    expect(evRows[0].textContent).toContain('8443');
  });

  it('exports the current view and copies selected rows', async () => {
    const { downloads, copied } = setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: 'proc:nginx' } });
    await waitFor(() => expect(bodyRows()).toHaveLength(1));
    fireEvent.click(screen.getByRole('button', { name: 'Export CSV' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export JSON' }));
    expect(downloads[0].name).toMatch(/^netmon-connections-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.csv$/);
    expect(downloads[0].text.trim().split('\r\n')).toHaveLength(2);
    expect(downloads[0].text).toContain('nginx');
    expect(JSON.parse(downloads[1].text)).toHaveLength(1);
    fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: '' } });
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    fireEvent.mouseDown(bodyRows()[0]);
    fireEvent.mouseDown(bodyRows()[2], { shiftKey: true });
    fireEvent.keyDown(grid(), { key: 'c', ctrlKey: true });
    await waitFor(() => expect(copied).toHaveLength(1));
    const lines = copied[0].trim().split('\n');
    expect(lines[0].split('\t').slice(0, 3)).toEqual(['Process', 'PID', 'Proto']);
    expect(lines).toHaveLength(4);
  });

  it('keyboard: arrows move the selection, Enter opens details', async () => {
    setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    grid().focus();
    fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    expect(bodyRows().map((r) => r.getAttribute('aria-selected'))).toEqual(['false', 'true', 'false']);
    fireEvent.keyDown(grid(), { key: 'End', shiftKey: true });
    expect(bodyRows().map((r) => r.getAttribute('aria-selected'))).toEqual(['false', 'true', 'true']);
    fireEvent.keyDown(grid(), { key: 'Home' });
    expect(bodyRows().map((r) => r.getAttribute('aria-selected'))).toEqual(['true', 'false', 'false']);
    expect(screen.queryByRole('region', { name: 'Details' })).toBeNull();
    fireEvent.keyDown(grid(), { key: 'Enter' });
    const pane = await screen.findByRole('region', { name: 'Details' });
    expect(within(pane).getByText('java')).toBeTruthy(); // sorted by process: java first
  });

  it('the details pane follows the cursor (keys, right-click); its End acts on the row shown; Shift+F10 and Escape', async () => {
    const { bridge } = setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    grid().focus();
    fireEvent.keyDown(grid(), { key: 'Home' });
    fireEvent.keyDown(grid(), { key: 'Enter' });
    const pane = await screen.findByRole('region', { name: 'Details' });
    expect(within(pane).getByText('java')).toBeTruthy();
    fireEvent.keyDown(grid(), { key: 'ArrowDown' });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Details' })).getByText('nginx')).toBeTruthy());
    // Right-click the third row: the pane shows it, and End process ends its PID (30, sshd).
    fireEvent.contextMenu(bodyRows()[2], { clientX: 10, clientY: 10 });
    await waitFor(() => expect(within(screen.getByRole('region', { name: 'Details' })).getByText('sshd')).toBeTruthy());
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    expect(screen.queryByRole('menu')).toBeNull();
    expect(screen.getByRole('region', { name: 'Details' })).toBeTruthy(); // one Escape closes one thing
    fireEvent.click(within(screen.getByRole('region', { name: 'Details' })).getByRole('button', { name: 'End process' }));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog.textContent).toMatch(/End sshd \(PID 30\)/);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Confirm' }));
    await waitFor(() => expect(bridge.callsOf('endProcess')).toEqual([[{ pid: 30, startTime: null }]]));
    // Shift+F10 opens the menu for the cursor row; Escape closes it, then the pane.
    grid().focus();
    fireEvent.keyDown(grid(), { key: 'F10', shiftKey: true });
    expect(screen.getByRole('menu')).toBeTruthy();
    fireEvent.keyDown(screen.getByRole('menu'), { key: 'Escape' });
    fireEvent.keyDown(grid(), { key: 'Escape' });
    await waitFor(() => expect(screen.queryByRole('region', { name: 'Details' })).toBeNull());
  });

  it('event rows have the details pane and the context menu', async () => {
    const { bridge } = setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    const gone = conn({ localPort: 7000, process: 'curl', pid: 77 });
    act(() => bridge.emit(diff(2000, [{ type: 'opened', connection: gone }])));
    act(() => bridge.emit(diff(3000, [{ type: 'closed', connection: gone }])));
    fireEvent.click(screen.getByRole('tab', { name: /Events/ }));
    const events = screen.getByRole('grid', { name: 'Events' });
    const rowsOf = () => within(events).getAllByRole('row').filter((r) => r.hasAttribute('data-seq'));
    await waitFor(() => expect(rowsOf()).toHaveLength(2));
    fireEvent.mouseDown(rowsOf()[0]); // newest first: the close
    fireEvent.keyDown(events, { key: 'Enter' });
    const pane = await screen.findByRole('region', { name: 'Details' });
    expect(within(pane).getByText('curl')).toBeTruthy();
    expect((within(pane).getByRole('button', { name: 'Close connection' }) as HTMLButtonElement).disabled).toBe(true); // already closed
    fireEvent.keyDown(events, { key: 'F10', shiftKey: true });
    const menu = screen.getByRole('menu');
    expect(within(menu).getAllByRole('menuitem').map((m) => m.textContent)).toEqual(['Details', 'Copy', 'Close connection', 'End process']);
  });

  it('shows a poll error in the status bar', async () => {
    const { bridge } = setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    expect(screen.queryByTestId('poll-error')).toBeNull();
    act(() => bridge.emit(diff(5000, [], status({ lastError: 'GetTcpTable2 failed: access denied' }))));
    expect((await screen.findByTestId('poll-error')).textContent).toContain('access denied');
  });

  it('opens a recording read-only and goes back to live', async () => {
    setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    const line = (type: string, port: number) =>
      JSON.stringify({ type, time: '2024-01-01T00:00:00.000Z', connection: { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: port, remoteAddress: '127.0.0.1', remotePort: 1, state: 'ESTABLISHED', pid: 1, process: 'rec' } });
    const file = new File([[line('opened', 1), 'junk', line('closed', 1), ''].join('\n')], 'capture.ndjson');
    fireEvent.change(screen.getByTestId('recording-file'), { target: { files: [file] } });
    const banner = await screen.findByTestId('recording-banner');
    expect(banner.textContent).toContain('capture.ndjson');
    expect(banner.textContent).toContain('capture.ndjson: read 2 events from 3 lines; skipped 1 record (line 2: not JSON)');
    const events = screen.getByRole('grid', { name: 'Events' });
    await waitFor(() =>
      expect(within(events).getAllByRole('row').filter((r) => r.hasAttribute('data-type')).map((r) => r.getAttribute('data-type'))).toEqual(['closed', 'opened']),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Back to live' }));
    await waitFor(() => expect(screen.queryByTestId('recording-banner')).toBeNull());
  });

  it('with a recording on screen, Mark baseline says it takes this machine now, and does', async () => {
    const { downloads } = setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    expect(screen.queryByTestId('baseline-live-note')).toBeNull();
    const line = JSON.stringify({ type: 'opened', time: '2024-01-01T00:00:00.000Z', connection: { protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 7001, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 1, process: 'recorded' } });
    fireEvent.change(screen.getByTestId('recording-file'), { target: { files: [new File([line], 'night.ndjson')] } });
    await screen.findByTestId('recording-banner');
    const mark = screen.getByRole('button', { name: 'Mark baseline' });
    expect(screen.getByTestId('baseline-live-note').textContent).toBe('Live, not the recording');
    expect(screen.getByTestId('baseline-live-note').getAttribute('title')).toBe('Mark baseline takes this machine now, not the recording night.ndjson');
    expect(mark.getAttribute('aria-describedby')).toBe('baseline-live-note');
    fireEvent.click(mark);
    fireEvent.click(screen.getByRole('button', { name: 'Save baseline' }));
    // The live listener (java on 8080), not the recording's.
    const saved = downloads.at(-1)?.text ?? '';
    expect(saved).toContain('"java"');
    expect(saved).not.toContain('recorded');
    fireEvent.click(screen.getByRole('button', { name: 'Back to live' }));
    await waitFor(() => expect(screen.queryByTestId('baseline-live-note')).toBeNull());
  });

  it('with a recording open, the Connections table is the recording at the slider\'s moment, never live rows', async () => {
    setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    const at = (s: number) => `2024-01-01T00:00:0${s}.000Z`;
    const line = (type: string, port: number, s: number) =>
      JSON.stringify({ type, time: at(s), connection: { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: port, remoteAddress: '127.0.0.1', remotePort: 1, state: 'ESTABLISHED', pid: 1, process: 'rec' } });
    const file = new File([[line('opened', 7001, 1), line('opened', 7002, 2), line('closed', 7001, 3)].join('\n')], 'r.ndjson');
    fireEvent.change(screen.getByTestId('recording-file'), { target: { files: [file] } });
    await screen.findByTestId('recording-banner');
    fireEvent.click(screen.getByRole('tab', { name: /Connections/ }));
    // At the end of the recording: only 7002 is open; none of the live rows (443, 22, 8080).
    await waitFor(() => expect(ports()).toEqual(['7002']));
    const slider = screen.getByRole('slider', { name: 'Table at' });
    fireEvent.change(slider, { target: { value: String(Date.parse(at(2))) } });
    await waitFor(() => expect([...ports()].sort()).toEqual(['7001', '7002']));
    fireEvent.change(slider, { target: { value: String(Date.parse(at(1))) } });
    await waitFor(() => expect(ports()).toEqual(['7001']));
    fireEvent.click(screen.getByRole('button', { name: 'Back to live' }));
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
  });

  it('a file that is not a recording says what is wrong and how much was read, and stays live (no empty recording view)', async () => {
    setup();
    await waitFor(() => expect(bodyRows()).toHaveLength(3));
    const snapshot = JSON.stringify({ protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 1, remoteAddress: null, remotePort: null, state: 'LISTEN', pid: 1, process: 'x' });
    fireEvent.change(screen.getByTestId('recording-file'), { target: { files: [new File([snapshot + '\n'], 'table.ndjson')] } });
    await waitFor(() =>
      expect(document.querySelector('.toast.error')?.textContent).toBe(
        'Could not open table.ndjson: table.ndjson is not a netmon recording: line 1: this is a connection (as `netmon snapshot --json` prints), not an event (as `netmon watch --json` records) (1 line read, no events)',
      ),
    );
    expect(screen.queryByTestId('recording-banner')).toBeNull();
  });

  it('Record toggles recording through the bridge', async () => {
    const { bridge } = setup();
    const btn = screen.getByRole('button', { name: 'Record' });
    fireEvent.click(btn);
    await waitFor(() => expect(btn.getAttribute('aria-pressed')).toBe('true'));
    fireEvent.click(btn);
    await waitFor(() => expect(btn.getAttribute('aria-pressed')).toBe('false'));
    expect(bridge.callsOf('setRecording')).toEqual([[true], [false]]);
  });

  it('shows the recording the engine side writes on load and on every change, whichever window started it', async () => {
    const file = '/root/netmon-recordings/netmon-events-2026-12-01T02-00-00-000Z.ndjson';
    const { bridge } = setup({ recording: { active: true, path: file, format: 'ndjson', error: null } });
    const btn = screen.getByRole('button', { name: 'Record' });
    // Started by a tab since closed: this one shows it, with the file, without a click.
    await waitFor(() => expect(btn.getAttribute('aria-pressed')).toBe('true'));
    expect(screen.getByTestId('sb-recording').textContent).toBe('● recording netmon-events-2026-12-01T02-00-00-000Z.ndjson');
    // Stopped from another window: this one follows.
    act(() => bridge.pushRecording({ active: false, path: null, format: 'ndjson', error: null }));
    expect(btn.getAttribute('aria-pressed')).toBe('false');
    expect(screen.queryByTestId('sb-recording')).toBeNull();
    // Started elsewhere again, then this window's Record raced it: refused with the file named, no toggle.
    bridge.rec = { active: true, path: file, format: 'ndjson', error: null };
    fireEvent.click(btn);
    await waitFor(() => expect(document.querySelector('.toast.error')?.textContent).toBe(`Recording not started: already recording to ${file} (stop it first to start a new file)`));
    await waitFor(() => expect(btn.getAttribute('aria-pressed')).toBe('true'));
    expect(bridge.callsOf('setRecording')).toEqual([[true]]);
    // Ended by the engine side (disk full): every window says why.
    const why = `recording stopped: cannot write recording ${file}: no space left on device (ENOSPC)`;
    act(() => bridge.pushRecording({ active: false, path: null, format: 'ndjson', error: why }));
    expect(btn.getAttribute('aria-pressed')).toBe('false');
    await waitFor(() => expect(document.querySelector('.toast.error')?.textContent).toBe(why));
  });

  it('resolves visible remote addresses when "Resolve names" is on and shows a Host column', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const { bridge } = setup();
      bridge.names = { '10.0.0.9': 'web-9.example.net' };
      await waitFor(() => expect(bodyRows()).toHaveLength(3));
      expect(screen.queryByRole('columnheader', { name: /Host/ })).toBeNull();
      fireEvent.click(screen.getByRole('checkbox', { name: 'Resolve names' }));
      await act(async () => {
        await vi.advanceTimersByTimeAsync(400);
      });
      expect(screen.getByRole('columnheader', { name: /Host/ })).toBeTruthy();
      await waitFor(() => expect(screen.getByText('web-9.example.net')).toBeTruthy());
      const asked = bridge.callsOf('resolveAddresses').flatMap((a) => a[0] as string[]);
      expect(asked).toContain('10.0.0.9');
      expect(asked).not.toContain('0.0.0.0');
      // host: in the filter finds it
      fireEvent.change(screen.getByRole('textbox', { name: 'Filter' }), { target: { value: 'host:web-9' } });
      await waitFor(() => expect(bodyRows()).toHaveLength(1));
    } finally {
      vi.useRealTimers();
    }
  });
});
