import { describe, expect, it, vi } from 'vitest';
import {
  hardenSession,
  hardenWebContents,
  isAllowedRequestUrl,
  type HardenableContents,
  type HardenableSession,
  type PreventableEvent,
} from '../../main/electron/security';
import { windowOptions } from '../../main/electron/window';

type Listener = (event: PreventableEvent & { url?: unknown }, url?: unknown) => void;

function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: ((d: { url: string }) => { action: 'deny' }) | null = null;
  const contents: HardenableContents = {
    on(event: string, listener: Listener) {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler(h) {
      openHandler = h;
    },
  };
  const fire = (name: string, url: string) => {
    const event = { preventDefault: vi.fn() };
    const l = listeners.get(name);
    if (!l) throw new Error(`no listener for ${name}`);
    l(event, url);
    return event.preventDefault.mock.calls.length > 0;
  };
  /** Electron ≥ 25: the event object carries the details; the second argument is deprecated (maybe absent). */
  const fireDetails = (name: string, url: unknown, legacy?: unknown) => {
    const event = { url, isMainFrame: true, preventDefault: vi.fn() };
    listeners.get(name)!(event, legacy);
    return event.preventDefault.mock.calls.length > 0;
  };
  return { contents, fire, fireDetails, open: (url: string) => openHandler!({ url }) };
}

describe('hardenWebContents', () => {
  it('blocks navigation and redirects away from app://netmon', () => {
    const f = fakeContents();
    const blocked = vi.fn();
    hardenWebContents(f.contents, { onBlocked: blocked });
    expect(f.fire('will-navigate', 'https://example.org/')).toBe(true);
    expect(f.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(f.fire('will-frame-navigate', 'https://example.org/')).toBe(true);
    expect(f.fire('will-redirect', 'http://127.0.0.1:8080/')).toBe(true);
    expect(f.fire('will-navigate', 'app://netmon/index.html')).toBe(false);
    expect(f.fire('will-attach-webview', '')).toBe(true);
    expect(blocked).toHaveBeenCalledWith('navigation', 'https://example.org/');
  });

  it('reads details.url first (the deprecated url argument only as a fallback) and fails closed', () => {
    const f = fakeContents();
    const blocked = vi.fn();
    hardenWebContents(f.contents, { onBlocked: blocked });
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      // The details say where the frame goes, whatever the old argument claims.
      expect(f.fireDetails(name, 'https://example.org/', 'app://netmon/index.html')).toBe(true);
      expect(f.fireDetails(name, 'https://example.org/')).toBe(true);
      expect(f.fireDetails(name, 'app://netmon/index.html')).toBe(false);
      expect(f.fireDetails(name, undefined, 'app://netmon/index.html')).toBe(false);
      expect(f.fireDetails(name, undefined, undefined)).toBe(true);
      expect(f.fireDetails(name, 42, 'https://example.org/')).toBe(true);
    }
    expect(blocked).toHaveBeenCalledWith('redirect', 'https://example.org/');
  });

  it('denies every new window; only https links go to the OS browser, and only when allowed', () => {
    const f = fakeContents();
    const openExternal = vi.fn();
    hardenWebContents(f.contents, { openExternal });
    expect(f.open('https://example.org/help')).toEqual({ action: 'deny' });
    expect(f.open('file:///c:/windows/system32/calc.exe')).toEqual({ action: 'deny' });
    expect(f.open('app://netmon/index.html')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.org/help']]);

    const g = fakeContents();
    hardenWebContents(g.contents);
    expect(g.open('https://example.org/')).toEqual({ action: 'deny' });
  });
});

describe('hardenSession', () => {
  function fakeSession() {
    const s = {
      request: null as null | ((c: unknown, p: string, cb: (g: boolean) => void) => void),
      check: null as null | ((...a: unknown[]) => boolean),
      device: null as null | ((...a: unknown[]) => boolean),
      before: null as null | ((d: { url: string }, cb: (r: { cancel: boolean }) => void) => void),
      filter: null as null | { urls: string[] },
    };
    const session: HardenableSession = {
      setPermissionRequestHandler: (h) => void (s.request = h),
      setPermissionCheckHandler: (h) => void (s.check = h),
      setDevicePermissionHandler: (h) => void (s.device = h),
      webRequest: { onBeforeRequest: (f, l) => void ((s.filter = f), (s.before = l)) },
    };
    return { s, session };
  }

  it('denies every permission request and check', () => {
    const { s, session } = fakeSession();
    hardenSession(session);
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const cb = vi.fn();
      s.request!(null, p, cb);
      expect(cb).toHaveBeenCalledWith(false);
    }
    expect(s.check!(null, 'media', 'app://netmon', {})).toBe(false);
    expect(s.device!({})).toBe(false);
  });

  it('cancels every network request of the UI', () => {
    const { s, session } = fakeSession();
    hardenSession(session);
    expect(s.filter).toEqual({ urls: ['<all_urls>'] });
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      s.before!({ url }, (r) => (cancel = r.cancel));
      return cancel;
    };
    expect(decide('https://example.org/x.js')).toBe(true);
    expect(decide('ws://127.0.0.1:1234/')).toBe(true);
    expect(decide('app://netmon/assets/a.js')).toBe(false);
    expect(isAllowedRequestUrl('data:image/png;base64,AA==')).toBe(true);
    expect(isAllowedRequestUrl('file:///etc/passwd')).toBe(false);
  });
});

describe('windowOptions', () => {
  it('keeps the renderer isolated and sandboxed', () => {
    const o = windowOptions('/app/dist/preload/index.cjs', '/app/build/icon.png');
    expect(o.webPreferences).toMatchObject({
      preload: '/app/dist/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
    expect(o.icon).toBe('/app/build/icon.png');
    expect(windowOptions('/p').icon).toBeUndefined();
  });
});
