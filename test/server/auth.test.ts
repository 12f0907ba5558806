import { describe, expect, it } from 'vitest';
import {
  authorize,
  hostAllowed,
  isLoopbackHost,
  newToken,
  originAllowed,
  splitHostHeader,
  tokenFromProtocols,
  tokensEqual,
} from '../../main/server/auth';
import { resolveStaticPath, mimeType } from '../../main/server/static';
import path from 'node:path';

describe('token', () => {
  it('is 32 URL-safe characters from 24 random bytes, fresh each time', () => {
    const a = newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(newToken()).not.toBe(a);
  });
  it('compares equal only for the same string', () => {
    expect(tokensEqual('abc', 'abc')).toBe(true);
    expect(tokensEqual('abc', 'abd')).toBe(false);
    expect(tokensEqual('abc', 'abcd')).toBe(false);
    expect(tokensEqual('', 'abc')).toBe(false);
  });
});

describe('authorize', () => {
  const T = 'secret-secret-secret';
  it('accepts the token offered on the handshake, refuses none with 401 and a wrong one with 403', () => {
    expect(authorize(T, T)).toEqual({ ok: true });
    expect(authorize(null, T)).toMatchObject({ ok: false, status: 401 });
    expect(authorize('nope', T)).toMatchObject({ ok: false, status: 403 });
    expect(authorize('', T)).toMatchObject({ ok: false, status: 403 });
  });
  it('finds the token entry of a Sec-WebSocket-Protocol header', () => {
    expect(tokenFromProtocols(`netmon.v1, netmon.token.${T}`)).toBe(T);
    expect(tokenFromProtocols(`netmon.token.${T},netmon.v1`)).toBe(T);
    expect(tokenFromProtocols('netmon.v1')).toBeNull();
    expect(tokenFromProtocols(undefined)).toBeNull();
    expect(tokenFromProtocols('netmon.token.')).toBe('');
  });
});

describe('Host / Origin', () => {
  const policy = { boundHost: '127.0.0.1', port: 4000, allowRemote: false };
  it('knows loopback names', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', 'app.localhost']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '10.0.0.1', 'evil.example', '128.0.0.1', '::']) expect(isLoopbackHost(h)).toBe(false);
  });
  it('splits host headers', () => {
    expect(splitHostHeader('[::1]:80')).toEqual({ name: '::1', port: 80 });
    expect(splitHostHeader('Localhost')).toEqual({ name: 'localhost', port: null });
    expect(splitHostHeader('a:b:c')).toBeNull();
  });
  it('accepts loopback names on our port, refuses rebinding names and other ports', () => {
    expect(hostAllowed('127.0.0.1:4000', policy)).toBe(true);
    expect(hostAllowed('localhost:4000', policy)).toBe(true);
    expect(hostAllowed('[::1]:4000', policy)).toBe(true);
    expect(hostAllowed('evil.example:4000', policy)).toBe(false);
    expect(hostAllowed('127.0.0.1:4001', policy)).toBe(false);
    expect(hostAllowed(undefined, policy)).toBe(false);
  });
  it('accepts only same-host http origins (or none)', () => {
    expect(originAllowed(undefined, policy)).toBe(true);
    expect(originAllowed('http://127.0.0.1:4000', policy)).toBe(true);
    expect(originAllowed('http://evil.example:4000', policy)).toBe(false);
    expect(originAllowed('http://127.0.0.1:5000', policy)).toBe(false);
    expect(originAllowed('null', policy)).toBe(false);
    expect(originAllowed('file://', policy)).toBe(false);
  });
  it('with allowRemote accepts any name but still checks the port', () => {
    const remote = { ...policy, boundHost: '0.0.0.0', allowRemote: true };
    expect(hostAllowed('server.lan:4000', remote)).toBe(true);
    expect(hostAllowed('server.lan:4001', remote)).toBe(false);
  });
});

describe('static paths', () => {
  const root = path.resolve('/srv/ui');
  it('maps / to index.html and files under the root', () => {
    expect(resolveStaticPath(root, '/')).toEqual({ ok: true, file: path.join(root, 'index.html') });
    expect(resolveStaticPath(root, '/assets/a.js')).toEqual({ ok: true, file: path.join(root, 'assets', 'a.js') });
  });
  it('refuses traversal in every spelling', () => {
    for (const p of ['/../secret', '/assets/../../secret', '/%2e%2e/secret', '/..%2fsecret', '/%2e%2e%2f%2e%2e%2fetc/passwd']) {
      expect(resolveStaticPath(root, p).ok, p).toBe(false);
    }
    expect(resolveStaticPath(root, '/a%00.js')).toEqual({ ok: false, status: 400 });
    expect(resolveStaticPath(root, '/..\\secret')).toEqual({ ok: false, status: 400 });
    expect(resolveStaticPath(root, '/%E0%A4%A')).toEqual({ ok: false, status: 400 });
  });
  it('names MIME types', () => {
    expect(mimeType('a.js')).toBe('text/javascript; charset=utf-8');
    expect(mimeType('a.CSS')).toBe('text/css; charset=utf-8');
    expect(mimeType('index.html')).toBe('text/html; charset=utf-8');
    expect(mimeType('x.bin')).toBe('application/octet-stream');
  });
});
