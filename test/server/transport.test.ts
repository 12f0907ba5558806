// @vitest-environment jsdom
// getTransport: the preload bridge when Electron provides one, else the WebSocket client.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NetmonBridge } from '../../shared/ipc';

afterEach(() => {
  delete window.netmon;
  vi.resetModules();
});

describe('wsUrlFor', () => {
  it('targets /ws on the page origin and carries the page token', async () => {
    const { wsUrlFor } = await import('../../renderer/transport');
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:4321', search: '?token=abc_DEF-1' })).toBe('ws://127.0.0.1:4321/ws?token=abc_DEF-1');
    expect(wsUrlFor({ protocol: 'http:', host: '[::1]:80', search: '' })).toBe('ws://[::1]:80/ws');
    expect(wsUrlFor({ protocol: 'https:', host: 'h:1', search: '?x=1&token=a%2Bb' })).toBe('wss://h:1/ws?token=a%2Bb');
  });
});

describe('getTransport', () => {
  it('returns the preload bridge when window.netmon exists', async () => {
    const bridge = { getStatus: vi.fn() } as unknown as NetmonBridge;
    window.netmon = bridge;
    const { getTransport, isBrowserMode } = await import('../../renderer/transport');
    expect(getTransport()).toBe(bridge);
    expect(isBrowserMode()).toBe(false);
  });
  it('otherwise opens a WebSocket to the page origin, once', async () => {
    const opened: string[] = [];
    class FakeSocket {
      readyState = 0;
      onopen = null;
      onmessage = null;
      onclose = null;
      onerror = null;
      constructor(url: string) {
        opened.push(url);
      }
      send() {}
      close() {}
    }
    vi.stubGlobal('WebSocket', FakeSocket);
    window.history.replaceState(null, '', '/?token=tok123');
    const { getTransport, isBrowserMode } = await import('../../renderer/transport');
    const t = getTransport();
    expect(getTransport()).toBe(t);
    expect(isBrowserMode()).toBe(true);
    expect(opened).toEqual([`ws://${window.location.host}/ws?token=tok123`]);
    vi.unstubAllGlobals();
  });
});
