// @vitest-environment jsdom
// With a recording open, the status bar kept showing the live counts ("59 open … last poll") beside
// the recording's "0 events shown" (found by a new admin). Its counts are now the recording's, named
// as such, and the live part is set apart under "live:".
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../App';
import { formatTime } from '../../store/columns';
import { FakeBridge, conn } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

describe('status bar while a recording is on screen', () => {
  it('counts the recording at its moment, names it, and sets the live part apart', async () => {
    const bridge = new FakeBridge();
    bridge.snapshot = [443, 22, 8080, 9090].map((p) => conn({ localPort: p, process: 'nginx', pid: 20 }));
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('4'));
    expect(screen.queryByTestId('sb-viewing')).toBeNull();
    expect(screen.queryByTestId('sb-live-label')).toBeNull();

    const at = (s: number) => `2024-01-01T00:00:0${s}.000Z`;
    const line = (type: string, port: number, s: number, state = 'ESTABLISHED') =>
      JSON.stringify({ type, time: at(s), connection: { protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: port, remoteAddress: '127.0.0.1', remotePort: 1, state, pid: 1, process: 'rec' } });
    const file = new File([[line('opened', 7001, 1), line('opened', 7002, 2, 'TIME-WAIT'), line('closed', 7001, 3)].join('\n')], 'night.ndjson');
    fireEvent.change(screen.getByTestId('recording-file'), { target: { files: [file] } });
    await screen.findByTestId('recording-banner');
    // At the recording's end one connection is open, in TIME-WAIT: not the 4 live ones.
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('1'));
    expect(screen.getByTestId('sb-viewing').textContent).toBe(`recording night.ndjson at ${formatTime(Date.parse(at(3)))}:`);
    expect(screen.getByTestId('count-state-TIME-WAIT').textContent).toBe('TIME-WAIT 1');
    expect(screen.queryByTestId('count-state-ESTABLISHED')).toBeNull();
    // The engine's poll is still said, under "live:", after the recording's part.
    const bar = screen.getByTestId('statusbar');
    const live = screen.getByTestId('sb-live-label');
    expect(live.textContent).toBe('live:');
    expect(live.compareDocumentPosition(screen.getByTestId('last-poll')) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(screen.getByTestId('count-total').compareDocumentPosition(live) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(bar.className).toContain('viewing');
    // The Ports tab has no recorded counterpart: it says it is live.
    fireEvent.click(screen.getByRole('tab', { name: 'Ports' }));
    expect(screen.getByTestId('ports-live').textContent).toBe('Live: this machine now, not the recording night.ndjson (a recording holds no port usage).');

    fireEvent.click(screen.getByRole('button', { name: 'Back to live' }));
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('4'));
    expect(screen.queryByTestId('sb-viewing')).toBeNull();
    expect(screen.queryByTestId('sb-live-label')).toBeNull();
    expect(screen.queryByTestId('ports-live')).toBeNull();
  });
});
