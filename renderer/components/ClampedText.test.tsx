// @vitest-environment jsdom
// A long command line is clamped with a way to see it whole; the pane's actions come before it.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { App } from '../App';
import { FakeBridge, conn } from '../test/fixtures';
import { MemStorage } from '../test/dom';
import { ClampedText } from './ClampedText';

afterEach(() => {
  cleanup();
  vi.restoreAllMocks();
});

/** jsdom has no layout: make every element report `scroll` px of content in `client` px of box. */
function layout(scroll: number, client: number) {
  vi.spyOn(HTMLElement.prototype, 'scrollHeight', 'get').mockReturnValue(scroll);
  vi.spyOn(HTMLElement.prototype, 'clientHeight', 'get').mockReturnValue(client);
}

describe('ClampedText', () => {
  it('offers Show all when the text overflows its lines, expands and clamps again', () => {
    layout(1300, 64);
    render(<ClampedText text={'x'.repeat(4096)} />);
    const text = screen.getByTestId('clamped-text');
    expect(text.className).toBe('clamp-text clamped');
    const more = screen.getByRole('button', { name: 'Show all (4,096 characters)' });
    expect(more.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(more);
    expect(text.className).toBe('clamp-text');
    const less = screen.getByRole('button', { name: 'Show less' });
    expect(less.getAttribute('aria-expanded')).toBe('true');
    fireEvent.click(less);
    expect(text.className).toBe('clamp-text clamped');
    expect(text.textContent).toHaveLength(4096); // clamped on screen, never cut in the document
  });

  it('offers nothing when the text fits', () => {
    layout(32, 64);
    render(<ClampedText text="svchost.exe -k netsvcs" />);
    expect(screen.queryByRole('button')).toBeNull();
  });
});

describe('the details pane with a long command line', () => {
  it('puts Close connection and End process before the long fields', async () => {
    layout(1300, 64);
    const bridge = new FakeBridge();
    bridge.snapshot = [conn({ localPort: 443, remoteAddress: '10.1.2.3', remotePort: 50123, process: 'chrome', pid: 1234 })];
    const long = `/opt/chrome/chrome --type=renderer ${'--enable-features=Something,'.repeat(150)}`;
    bridge.details.set(1234, { pid: 1234, name: 'chrome', path: '/opt/chrome/chrome', commandLine: long, user: 'admin', startTime: 0, services: [] });
    render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={() => undefined} copy={async () => undefined} />);
    const grid = screen.getByRole('grid', { name: 'Connections' });
    await waitFor(() => expect(within(grid).getAllByRole('row')).toHaveLength(2));
    fireEvent.mouseDown(within(grid).getAllByRole('row')[1]);
    const pane = await screen.findByRole('region', { name: 'Details' });
    const cmd = await within(pane).findByTestId('clamped-text');
    expect(cmd.textContent).toBe(long);
    for (const name of ['Close connection', 'End process']) {
      const button = within(pane).getByRole('button', { name });
      expect(button.compareDocumentPosition(cmd) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    }
    expect(within(pane).getByRole('button', { name: /^Show all/ })).toBeTruthy();
  });
});
