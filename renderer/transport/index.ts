// The renderer's one way to reach the engine: the Electron preload's bridge when present,
// otherwise the local web server's WebSocket on the page's own origin (browser mode).
import type { NetmonBridge } from '../../shared/ipc';
import { WS_PATH } from '../../shared/ws-protocol';
import { createWsBridge, type WsBridge } from './ws';

export { createWsBridge, type WsBridge, type ConnectionState } from './ws';


/**
 * The WebSocket URL for a page location. The token is passed along when the page URL has one;
 * otherwise the HttpOnly cookie set on the first load authorizes the upgrade.
 */
export function wsUrlFor(location: { protocol: string; host: string; search: string }): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const token = new URLSearchParams(location.search).get('token');
  return `${scheme}//${location.host}${WS_PATH}${token ? `?token=${encodeURIComponent(token)}` : ''}`;
}

let cached: NetmonBridge | null = null;

export function getTransport(): NetmonBridge {
  if (cached) return cached;
  if (typeof window !== 'undefined' && window.netmon) {
    cached = window.netmon;
  } else {
    const ws: WsBridge = createWsBridge({ url: wsUrlFor(window.location) });
    cached = ws;
  }
  return cached;
}

/** True when running in a plain browser against `netmon serve` (no desktop-only features). */
export function isBrowserMode(): boolean {
  return typeof window !== 'undefined' && !window.netmon;
}
