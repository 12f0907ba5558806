import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../shared/csp';
import { isAppUrl, isSafeExternalUrl } from '../../main/electron/app-url';
import { createAppProtocolHandler, isInside, mimeType, resolveAppPath } from '../../main/electron/protocol';

describe('resolveAppPath', () => {
  it('maps the root and plain files', () => {
    expect(resolveAppPath('app://netmon/')).toEqual({ ok: true, relative: 'index.html' });
    expect(resolveAppPath('app://netmon')).toEqual({ ok: true, relative: 'index.html' });
    expect(resolveAppPath('app://netmon/assets/index-abc.js?x=1#h')).toEqual({ ok: true, relative: 'assets/index-abc.js' });
    expect(resolveAppPath('app://netmon/a%20b.css')).toEqual({ ok: true, relative: 'a b.css' });
  });

  it('refuses other origins and schemes', () => {
    for (const url of ['app://evil/index.html', 'https://netmon/index.html', 'file:///etc/passwd', 'app://netmon:81/x', 'not a url']) {
      const r = resolveAppPath(url);
      expect(r.ok, url).toBe(false);
    }
  });

  it('refuses traversal in every spelling', () => {
    for (const url of [
      'app://netmon/assets/..%2f..%2fsecret',
      'app://netmon/..%5c..%5cwindows%5cwin.ini',
      'app://netmon/a\\..\\..\\b',
      'app://netmon/C:/Windows/win.ini',
      'app://netmon/x%00.html',
      'app://netmon/%E0%A4%A',
    ]) {
      const r = resolveAppPath(url);
      expect(r.ok, url).toBe(false);
    }
    // Dot-dot segments, plain or percent-encoded, are removed by URL parsing and cannot climb above the root.
    expect(resolveAppPath('app://netmon/../../etc/passwd')).toEqual({ ok: true, relative: 'etc/passwd' });
    expect(resolveAppPath('app://netmon/%2e%2e/%2e%2e/etc/passwd')).toEqual({ ok: true, relative: 'etc/passwd' });
  });
});

describe('helpers', () => {
  it('isInside', () => {
    expect(isInside('/a/b', '/a/b')).toBe(true);
    expect(isInside('/a/b', '/a/b/c/d')).toBe(true);
    expect(isInside('/a/b', '/a/bc')).toBe(false);
    expect(isInside('/a/b', '/a')).toBe(false);
  });
  it('mimeType', () => {
    expect(mimeType('x/index.html')).toBe('text/html; charset=utf-8');
    expect(mimeType('a.JS')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('a.bin')).toBe('application/octet-stream');
  });
  it('isAppUrl / isSafeExternalUrl', () => {
    expect(isAppUrl('app://netmon/index.html')).toBe(true);
    expect(isAppUrl('app://netmon.evil/index.html')).toBe(false);
    expect(isAppUrl('app://user@netmon/')).toBe(false);
    expect(isAppUrl('https://netmon/')).toBe(false);
    expect(isSafeExternalUrl('https://example.org/x')).toBe(true);
    expect(isSafeExternalUrl('http://example.org/x')).toBe(false);
    expect(isSafeExternalUrl('file:///c:/windows')).toBe(false);
    expect(isSafeExternalUrl('ms-msdt:foo')).toBe(false);
  });
});

describe('createAppProtocolHandler', () => {
  let dir: string;
  let root: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'netmon-proto-'));
    root = path.join(dir, 'renderer');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>netmon</title>');
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(path.join(dir, 'secret.txt'), 'top secret');
    symlinkSync(path.join(dir, 'secret.txt'), path.join(root, 'link.txt'));
  });

  const get = (url: string, method = 'GET') => createAppProtocolHandler(root)(new Request(url, { method }));

  it('serves index.html with the CSP and a content type', async () => {
    const res = await get('app://netmon/');
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<title>netmon</title>');
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets, 404s missing files, still with the CSP', async () => {
    const js = await get('app://netmon/assets/app.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const missing = await get('app://netmon/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('refuses traversal, symlinks out of the root and other methods', async () => {
    const trav = await get('app://netmon/%2e%2e/secret.txt');
    expect(trav.status).toBe(404);
    const enc = await get('app://netmon/assets/..%2f..%2fsecret.txt');
    expect(enc.status).toBe(403);
    expect(await enc.text()).not.toContain('top secret');
    expect(await trav.text()).not.toContain('top secret');
    const link = await get('app://netmon/link.txt');
    expect(link.status).toBe(403);
    expect((await get('app://netmon/index.html', 'POST')).status).toBe(405);
    const other = await get('app://other/index.html');
    expect(other.status).toBe(403);
  });

  it('answers 500 when the renderer was never built', async () => {
    const res = await createAppProtocolHandler(path.join(dir, 'missing'))(new Request('app://netmon/'));
    expect(res.status).toBe(500);
  });
});
