// Hardening applied to every WebContents and to the session: no navigation away from the app, no
// new windows, no <webview>, every permission denied, no network requests from the UI.
// Written against the few Electron methods it touches so tests can hand in fakes.
import { isAppUrl, isSafeExternalUrl } from './app-url';

export interface PreventableEvent {
  preventDefault(): void;
}

/**
 * Electron ≥ 25 passes the navigation's details as the event object itself (`details.url`); the
 * second `url` argument is deprecated. Read the details, fall back to the old argument.
 */
export interface NavigationEvent extends PreventableEvent {
  url?: unknown;
}

/** The URL a will-navigate / will-frame-navigate / will-redirect event is about ('' when neither form has one). */
export function navigationUrl(event: NavigationEvent, legacyUrl: unknown): string {
  if (typeof event.url === 'string') return event.url;
  return typeof legacyUrl === 'string' ? legacyUrl : '';
}

export interface HardenableContents {
  on(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect', listener: (event: NavigationEvent, url?: unknown) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: PreventableEvent) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

export interface HardenOptions {
  /** Hands a vetted https link to the OS browser (shell.openExternal); omitted: links are just refused. */
  openExternal?: (url: string) => void;
  /** Told about every refusal (logged by main). */
  onBlocked?: (what: string, url: string) => void;
}

/** Navigation is allowed only within our own origin; the UI is a single page, so this never fires in practice. */
export function isAllowedNavigation(url: string): boolean {
  return isAppUrl(url);
}

export function hardenWebContents(contents: HardenableContents, options: HardenOptions = {}): void {
  const blocked = options.onBlocked ?? (() => undefined);
  const guard = (what: string) => (event: NavigationEvent, legacyUrl?: unknown) => {
    const url = navigationUrl(event, legacyUrl);
    if (!isAllowedNavigation(url)) {
      event.preventDefault();
      blocked(what, url);
    }
  };
  contents.on('will-navigate', guard('navigation'));
  contents.on('will-frame-navigate', guard('frame navigation'));
  contents.on('will-redirect', guard('redirect'));
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    blocked('webview', '');
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (options.openExternal && isSafeExternalUrl(url)) options.openExternal(url);
    else blocked('new window', url);
    return { action: 'deny' };
  });
}

export interface HardenableSession {
  setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void): void;
  setPermissionCheckHandler(handler: (...args: unknown[]) => boolean): void;
  setDevicePermissionHandler?(handler: (...args: unknown[]) => boolean): void;
  webRequest: {
    onBeforeRequest(
      filter: { urls: string[] },
      listener: (details: { url: string }, callback: (response: { cancel: boolean }) => void) => void,
    ): void;
  };
}

/** Requests the UI may make: its own files, inline data images, and the dev tools' own pages. */
export function isAllowedRequestUrl(url: string): boolean {
  if (isAppUrl(url)) return true;
  return url.startsWith('data:') || url.startsWith('devtools://');
}

export function hardenSession(session: HardenableSession, options: HardenOptions = {}): void {
  const blocked = options.onBlocked ?? (() => undefined);
  session.setPermissionRequestHandler((_contents, permission, callback) => {
    blocked(`permission ${permission}`, '');
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler?.(() => false);
  // The UI never talks to the network: everything it needs comes over IPC or from app://.
  session.webRequest.onBeforeRequest({ urls: ['<all_urls>'] }, (details, callback) => {
    const cancel = !isAllowedRequestUrl(details.url);
    if (cancel) blocked('request', details.url);
    callback({ cancel });
  });
}
