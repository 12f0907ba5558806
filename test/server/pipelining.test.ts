// Static files to clients that do not read: a connection may not queue responses without bound
// (HTTP/1.1 pipelining; no browser pipelines), and every response of one file shares its bytes.
// Neither needs the token: any local user can reach the static files.
import { utimesSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer } from '../../main/server/server';
import { createStaticFiles } from '../../main/server/static';
import type { RunningServer } from '../../main/server/types';
import { fakeEngine, fakeStaticDir, get, TEST_TOKEN } from './helpers';
import { rawExchange } from './raw';

let srv: RunningServer | null = null;
afterEach(async () => {
  await srv?.close();
  srv = null;
});

describe('static files to clients that do not read', () => {
  it('cuts off a connection that pipelines requests without reading the responses, and goes on serving', async () => {
    // Before: every pipelined request read the file anew and queued its response: 50 connections
    // of 2,000 requests for the 1.8 MB source map grew `netmon serve` past 8 GB within 10 s.
    const dir = fakeStaticDir();
    writeFileSync(path.join(dir.root, 'assets', 'big.js'), Buffer.alloc(1 << 20, 0x61));
    srv = await startServer({ engine: fakeEngine(), staticDir: dir.root, token: TEST_TOKEN });
    const request = `GET /assets/big.js HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`;
    const reply = await rawExchange(srv.port, request.repeat(200), { readAfterMs: 500, timeoutMs: 1500 });
    expect(reply.closed).toBe(true);
    // At most the few responses it was allowed to have in progress reached it.
    expect(reply.data.length).toBeLessThan(9 * (1 << 20) + 9 * 1024);
    const ok = await get(srv.port, '/assets/big.js');
    expect([ok.status, ok.body.length]).toEqual([200, 1 << 20]);
    // A client that sends its next request after reading the last is served for as long as it likes,
    // on one connection.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const reused: boolean[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await new Promise<{ status: number; length: number }>((resolve, reject) => {
        const req = http.get({ host: '127.0.0.1', port: srv!.port, path: '/assets/big.js', agent, headers: { host: `127.0.0.1:${srv!.port}` } }, (res) => {
          let length = 0;
          res.on('data', (c: Buffer) => (length += c.length));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, length }));
        });
        req.on('error', reject);
        reused.push(req.reusedSocket);
      });
      expect(r).toEqual({ status: 200, length: 1 << 20 });
    }
    agent.destroy();
    expect(reused.filter(Boolean)).toHaveLength(19);
  });

  it('reads a file once and shares its bytes while it is unchanged; a changed file is read again', async () => {
    const dir = fakeStaticDir();
    const file = path.join(dir.root, 'assets', 'app.js');
    const files = createStaticFiles();
    const first = await files.read(file);
    expect(first?.toString()).toBe('console.log("app");');
    expect(await files.read(file)).toBe(first);
    writeFileSync(file, 'console.log("rebuilt");');
    utimesSync(file, new Date(), new Date(Date.now() + 5000));
    expect((await files.read(file))?.toString()).toBe('console.log("rebuilt");');
    expect(await files.read(path.join(dir.root, 'missing.js'))).toBeNull();
    expect(await files.read(path.join(dir.root, 'assets'))).toBeNull();
  });
});
