// The renderer's one way to reach the engine: the Electron preload's bridge when present,
// otherwise the local web server's WebSocket on the page's own origin (browser mode).
import type { NetmonBridge } from '../../shared/ipc';
import { WS_PATH, wsProtocols } from '../../shared/ws-protocol';
import { createWsBridge, type WsBridge } from './ws';

export { createWsBridge, type WsBridge, type ConnectionState } from './ws';

/** sessionStorage key of the run's token (sessionStorage is per origin, so per port, and per tab). */
export const TOKEN_STORAGE_KEY = 'netmon.token';

/** The WebSocket URL for a page location: `/ws` on the page's own origin, no secret in it. */
export function wsUrlFor(location: { protocol: string; host: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}`;
}

/**
 * Moves `?token=` from the address into sessionStorage and out of the address bar (and so out of
 * history, bookmarks and screenshots), then returns the stored token: a reload of the tab keeps
 * working without it in the URL. Null when neither holds one.
 */
export function takeToken(
  location: { href: string },
  storage: Pick<Storage, 'getItem' | 'setItem'>,
  history: Pick<History, 'replaceState'>,
): string | null {
  const url = new URL(location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl !== null) {
    storage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    url.searchParams.delete('token');
    history.replaceState(null, '', `${url.pathname}${url.search}${url.hash}`);
  }
  return storage.getItem(TOKEN_STORAGE_KEY);
}

/** True when the server that served the page at `href` answers a HEAD of it (no token sent). */
export async function pageAnswers(href: string): Promise<boolean> {
  const url = new URL(href);
  url.search = '';
  url.hash = '';
  try {
    const res = await fetch(url, { method: 'HEAD', cache: 'no-store', credentials: 'omit' });
    return res.ok;
  } catch {
    return false;
  }
}

let cached: NetmonBridge | null = null;

export function getTransport(): NetmonBridge {
  if (cached) return cached;
  if (typeof window !== 'undefined' && window.netmon) {
    cached = window.netmon;
  } else {
    const token = takeToken(window.location, window.sessionStorage, window.history);
    // Without a token no handshake is tried; a refused one is told from a server that is down by
    // whether the server still serves this page (static files need no token).
    const ws: WsBridge = createWsBridge({
      url: wsUrlFor(window.location),
      protocols: token === null ? null : wsProtocols(token),
      serverAnswers: () => pageAnswers(window.location.href),
    });
    cached = ws;
  }
  return cached;
}

/** True when running in a plain browser against `netmon serve` (no desktop-only features). */
export function isBrowserMode(): boolean {
  return typeof window !== 'undefined' && !window.netmon;
}
