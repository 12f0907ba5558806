// A refused WebSocket upgrade (or CONNECT) is answered on the raw socket, outside Node's HTTP
// handling and its timeouts. The server must let go of that socket even when the client keeps its
// end open: otherwise any local user, without a token, pins one server descriptor per connection
// and keeps `netmon serve` from stopping (Ctrl-C waited for such a client to leave).
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '../../main/server/server';
import type { RunningServer } from '../../main/server/types';
import { fakeEngine, fakeStaticDir, TEST_TOKEN } from './helpers';
import { upgradeRequest } from './raw';

let srv: RunningServer;
beforeAll(async () => {
  srv = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, token: TEST_TOKEN });
});
afterAll(() => srv.close());

/**
 * Sends `request` on a half-open-capable connection, reads the answer, keeps its own end open,
 * and after `probeAfterMs` writes: a server that has let go answers with a reset.
 */
function refusedThenProbe(request: string, probeAfterMs: number): Promise<{ status: number | null; reset: boolean }> {
  return new Promise((resolve) => {
    const s = net.connect({ port: srv.port, host: '127.0.0.1', allowHalfOpen: true });
    let data = '';
    let reset = false;
    s.on('data', (d: Buffer) => (data += d.toString('latin1')));
    s.on('error', () => (reset = true));
    s.on('connect', () => s.write(request));
    // The first write draws the reset; the client's reading side has already ended with the
    // server's FIN, so it is the second write that fails on it (EPIPE / ECONNRESET).
    setTimeout(() => s.write('x'), probeAfterMs);
    setTimeout(() => s.write('x'), probeAfterMs + 100);
    setTimeout(() => {
      s.destroy();
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      resolve({ status: m ? Number(m[1]) : null, reset });
    }, probeAfterMs + 300);
  });
}

describe('refused raw sockets', () => {
  it('are closed by the server soon after the refusal, even when the client keeps its end open', async () => {
    // Before: the server only half-closed them (socket.end) and held each one for as long as the
    // client liked: 200 such connections held 200 descriptors of netmon serve for good.
    const results = await Promise.all([
      refusedThenProbe(upgradeRequest(srv.port, '/ws'), 1150),
      refusedThenProbe(upgradeRequest(srv.port, '/elsewhere'), 1150),
      refusedThenProbe(`CONNECT 127.0.0.1:${srv.port} HTTP/1.1\r\nHost: 127.0.0.1:${srv.port}\r\n\r\n`, 1150),
    ]);
    expect(results).toEqual([
      { status: 401, reset: true },
      { status: 404, reset: true },
      { status: 405, reset: true },
    ]);
  });
});

describe('stopping the server', () => {
  it('does not wait for a client that keeps a refused socket open', async () => {
    const other = await startServer({ engine: fakeEngine(), staticDir: fakeStaticDir().root, token: TEST_TOKEN });
    const s = net.connect({ port: other.port, host: '127.0.0.1', allowHalfOpen: true });
    s.on('error', () => {});
    const answered = new Promise<string>((r) => s.once('data', (d: Buffer) => r(d.toString('latin1'))));
    s.on('connect', () => s.write(upgradeRequest(other.port, '/ws')));
    expect(await answered).toMatch(/^HTTP\/1\.1 401 /);
    const t0 = Date.now();
    const stopped = await Promise.race([other.close().then(() => 'stopped'), new Promise((r) => setTimeout(() => r('still waiting'), 500))]);
    s.destroy();
    expect(stopped).toBe('stopped');
    expect(Date.now() - t0).toBeLessThan(500);
  });
});
