// @vitest-environment jsdom
// getTransport: the preload bridge when Electron provides one, else the WebSocket client.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NetmonBridge } from '../../shared/ipc';

afterEach(() => {
  delete window.netmon;
  vi.resetModules();
});

describe('wsUrlFor', () => {
  it('targets /ws on the page origin, with no secret in the URL', async () => {
    const { wsUrlFor } = await import('../../renderer/transport');
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:4321' })).toBe('ws://127.0.0.1:4321/ws');
    expect(wsUrlFor({ protocol: 'http:', host: '[::1]:80' })).toBe('ws://[::1]:80/ws');
    expect(wsUrlFor({ protocol: 'https:', host: 'h:1' })).toBe('wss://h:1/ws');
  });
});

describe('takeToken (issue 7 §2)', () => {
  const memory = () => {
    const m = new Map<string, string>();
    return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), m };
  };
  it('moves ?token= into storage and out of the address, keeping the rest of it', async () => {
    const { takeToken, TOKEN_STORAGE_KEY } = await import('../../renderer/transport');
    const storage = memory();
    const replaced: string[] = [];
    const history = { replaceState: (_s: unknown, _t: string, url?: string | URL | null) => void replaced.push(String(url)) };
    expect(takeToken({ href: 'http://127.0.0.1:9/view?x=1&token=abc_DEF-1#h' }, storage, history)).toBe('abc_DEF-1');
    expect(replaced).toEqual(['/view?x=1#h']);
    expect(storage.m.get(TOKEN_STORAGE_KEY)).toBe('abc_DEF-1');
    // A reload: no token in the address any more, the stored one is used, the address untouched.
    expect(takeToken({ href: 'http://127.0.0.1:9/view?x=1#h' }, storage, history)).toBe('abc_DEF-1');
    expect(replaced).toHaveLength(1);
  });
  it('returns null when neither the address nor storage holds one', async () => {
    const { takeToken } = await import('../../renderer/transport');
    expect(takeToken({ href: 'http://127.0.0.1:9/' }, memory(), { replaceState: () => {} })).toBeNull();
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
  it('otherwise opens a WebSocket to the page origin, once, offering the token as a subprotocol', async () => {
    const opened: Array<[string, string[]]> = [];
    class FakeSocket {
      readyState = 0;
      onopen = null;
      onmessage = null;
      onclose = null;
      onerror = null;
      constructor(url: string, protocols: string[]) {
        opened.push([url, protocols]);
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
    expect(opened).toEqual([[`ws://${window.location.host}/ws`, ['netmon.v1', 'netmon.token.tok123']]]);
    expect(window.location.search).toBe('');
    vi.unstubAllGlobals();
  });
});
