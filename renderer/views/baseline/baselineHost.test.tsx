// @vitest-environment jsdom
// A baseline saved from the app had "host": null while `netmon baseline save` writes the host name
// (found by a new admin). The engine reports its machine's name (EngineStatus.host); the app's
// baseline carries it.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App } from '../../App';
import { FakeBridge, conn, status } from '../../test/fixtures';
import { fakeLayout, MemStorage } from '../../test/dom';

beforeAll(() => fakeLayout());
afterEach(() => cleanup());

function saveBaseline(host: string | undefined): Promise<{ host: string | null; format: string }> {
  const bridge = new FakeBridge();
  bridge.st = status(host === undefined ? {} : { host });
  bridge.snapshot = [conn({ localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', process: 'java', pid: 40 })];
  const saved: string[] = [];
  render(<App bridge={bridge} storage={new MemStorage()} filterDebounceMs={0} download={(_n, _m, text) => saved.push(text)} copy={async () => undefined} />);
  return (async () => {
    await waitFor(() => expect(screen.getByTestId('count-total').textContent).toBe('1'));
    fireEvent.click(screen.getByRole('button', { name: 'Mark baseline' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save baseline' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    return JSON.parse(saved[0]) as { host: string | null; format: string };
  })();
}

describe('a baseline marked in the app', () => {
  it('carries the host the engine reports', async () => {
    const b = await saveBaseline('WS-ADMIN-07');
    expect(b.format).toBe('netmon-baseline');
    expect(b.host).toBe('WS-ADMIN-07');
  });
  it('says null only when the engine names no host (an older engine)', async () => {
    expect((await saveBaseline(undefined)).host).toBeNull();
  });
});
