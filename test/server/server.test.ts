// The local web server over real sockets: token, Host/Origin, static files, headers, binding.
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../main/server/server';
import type { RunningServer } from '../../main/server/types';
import { wsProtocols } from '../../shared/ws-protocol';
import { fakeEngine, fakeStaticDir, get, TEST_TOKEN } from './helpers';
import { upgradeStatus } from './raw';

let srv: RunningServer;
let secretName: string;

beforeAll(async () => {
  const dir = fakeStaticDir();
  secretName = dir.secretName;
  srv = await startServer({ engine: fakeEngine(), staticDir: dir.root, token: TEST_TOKEN });
});
afterAll(() => srv.close());

describe('binding', () => {
  it('prints a loopback URL with the token', () => {
    expect(srv.url).toBe(`http://127.0.0.1:${srv.port}/?token=${TEST_TOKEN}`);
    expect(srv.port).toBeGreaterThan(0);
  });
  it('refuses a non-loopback host without allowRemote, with a clear error', async () => {
    const engine = fakeEngine();
    await expect(startServer({ engine, staticDir: '.', host: '0.0.0.0' })).rejects.toThrow(/not a loopback address.*--allow-remote/);
    await expect(startServer({ engine, staticDir: '.', host: '192.0.2.1' })).rejects.toThrow(/loopback/);
  });
  it('checks the address a name resolves to and the address bound, not the name (issue 7 §5)', async () => {
    const engine = fakeEngine();
    const elsewhere = async () => '192.0.2.1';
    await expect(startServer({ engine, staticDir: '.', host: 'x.localhost', lookup: elsewhere })).rejects.toThrow(
      /^refusing to listen on x\.localhost \(192\.0\.2\.1\): not a loopback address.*--allow-remote/,
    );
    await expect(startServer({ engine, staticDir: '.', host: 'x.localhost', lookup: async () => '::ffff:10.0.0.1' })).rejects.toThrow(/not a loopback/);
    const s = await startServer({ engine, staticDir: fakeStaticDir().root, host: 'x.localhost', lookup: async () => '127.0.0.1' });
    try {
      expect((await get(s.port, '/', { host: `x.localhost:${s.port}` })).status).toBe(200);
    } finally {
      await s.close();
    }
  });
  it('a --host that does not resolve is said to be unresolvable, with the resolver code, not called non-loopback', async () => {
    const engine = fakeEngine();
    const notFound = async (h: string) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${h}`), { code: 'ENOTFOUND' });
    };
    for (const allowRemote of [false, true]) {
      await expect(startServer({ engine, staticDir: '.', host: 'nosuch.invalid', allowRemote, lookup: notFound })).rejects.toThrow(
        /^cannot listen on nosuch\.invalid: the name could not be resolved \(ENOTFOUND\)$/,
      );
    }
    const tryAgain = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN db.corp'), { code: 'EAI_AGAIN' });
    };
    await expect(startServer({ engine, staticDir: '.', host: 'db.corp', lookup: tryAgain })).rejects.toThrow('the name could not be resolved (EAI_AGAIN)');
    await expect(startServer({ engine, staticDir: '.', host: '', allowRemote: true })).rejects.toThrow(/^cannot listen on : the name could not be resolved \(an empty name is no host\)$/);
  });
  it('a name that resolves to loopback is served (the bound address decides, not the spelling)', async () => {
    const s = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, host: 'myhost', lookup: async () => '127.0.1.1' });
    try {
      expect(s.url).toMatch(/^http:\/\/myhost:\d+\//);
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.1.1', port: s.port, path: '/', headers: { host: `myhost:${s.port}` } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
      expect(status).toBe(200);
    } finally {
      await s.close();
    }
  });
  it('binds a wildcard address when allowRemote is given (token still required)', async () => {
    const s = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, host: '0.0.0.0', allowRemote: true });
    try {
      expect((await get(s.port, '/', { host: `server.lan:${s.port}` })).status).toBe(200);
      expect(await upgradeStatus(s.port, {})).toBe(401);
      expect(await upgradeStatus(s.port, { 'Sec-WebSocket-Protocol': wsProtocols(s.token).join(', ') })).toBe(101);
    } finally {
      await s.close();
    }
  });
  it('generates a fresh random token per run when none is given', async () => {
    const a = await startServer({ engine: fakeEngine(), staticDir: '.' });
    const b = await startServer({ engine: fakeEngine(), staticDir: '.' });
    try {
      expect(a.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
      expect(a.token).not.toBe(b.token);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });
  it('refuses a short token', async () => {
    await expect(startServer({ engine: fakeEngine(), staticDir: '.', token: 'short' })).rejects.toThrow(/token/);
  });
});

describe('static files need no token; nothing sets a cookie (issue 7 §2)', () => {
  it('serves the page and its assets with or without the token, and never sets a cookie', async () => {
    for (const p of ['/', `/?token=${TEST_TOKEN}`, '/?token=nope', '/assets/app.js']) {
      const r = await get(srv.port, p);
      expect(r.status, p).toBe(200);
      expect(r.headers['set-cookie'], p).toBeUndefined();
    }
    expect((await get(srv.port, '/')).body).toContain('<div id="root">');
    const js = await get(srv.port, '/assets/app.js');
    expect(js.body).toContain('console.log');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
  });
});

describe('headers and files', () => {
  it('sends CSP, nosniff, no-referrer and no-store', async () => {
    for (const p of ['/', '/assets/app.css', '/missing.js']) {
      const r = await get(srv.port, p);
      expect(r.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(r.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(r.headers['content-security-policy']).not.toMatch(/unsafe-eval/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(r.headers['cache-control']).toBe('no-store');
    }
    expect((await get(srv.port, '/')).headers['content-security-policy']).toMatch(/default-src/);
  });
  it('serves CSS with its MIME type and 404s a missing file', async () => {
    const css = await get(srv.port, '/assets/app.css');
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await get(srv.port, '/missing.js')).status).toBe(404);
  });
  it('refuses traversal out of the renderer directory', async () => {
    for (const p of [`/../${secretName}`, `/%2e%2e/${secretName}`, `/assets/..%2f..%2f${secretName}`, `/%2e%2e%5c${secretName}`]) {
      const r = await get(srv.port, p);
      expect([400, 403, 404], p).toContain(r.status);
      expect(r.body).not.toContain('TOP SECRET');
    }
  });
  it('refuses other methods', async () => {
    const r = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: srv.port, path: '/', method: 'POST', headers: { host: `127.0.0.1:${srv.port}` } },
        (res) => (res.resume(), resolve(res.statusCode ?? 0)),
      );
      req.on('error', reject);
      req.end();
    });
    expect(r).toBe(405);
  });
});

describe('DNS rebinding protection', () => {
  it('refuses a foreign Host even with the right token', async () => {
    const r = await get(srv.port, `/?token=${TEST_TOKEN}`, { host: `evil.example:${srv.port}` });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/Host/);
  });
  it('accepts localhost and [::1] names', async () => {
    expect((await get(srv.port, `/?token=${TEST_TOKEN}`, { host: `localhost:${srv.port}` })).status).toBe(200);
    expect((await get(srv.port, `/?token=${TEST_TOKEN}`, { host: `[::1]:${srv.port}` })).status).toBe(200);
  });
  it('refuses a cross-site Origin', async () => {
    const r = await get(srv.port, `/?token=${TEST_TOKEN}`, { origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    const ok = await get(srv.port, `/?token=${TEST_TOKEN}`, { origin: `http://127.0.0.1:${srv.port}` });
    expect(ok.status).toBe(200);
  });
});
