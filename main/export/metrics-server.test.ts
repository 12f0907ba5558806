import net from 'node:net';
import type { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { rawExchange } from '../../test/server/raw';
import { startMetricsServer } from './metrics-server';

const TOKEN = 'scrape-token-0123456789';

describe('metrics endpoint', () => {
  it('cuts off a connection that pipelines scrapes without reading the answers; each would have been collected', async () => {
    // Before: all 200 pipelined scrapes were collected (a pass over every row each) and their
    // answers queued for a client that read none of them.
    let collected = 0;
    const registry = { contentType: 'text/plain; version=0.0.4', metrics: async () => (collected++, 'x'.repeat(100_000)) } as unknown as Registry;
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: TOKEN, registry });
    try {
      const scrape = `GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nAuthorization: Bearer ${TOKEN}\r\n\r\n`;
      const closed = await new Promise<boolean>((resolve) => {
        const s = net.connect(server.port, '127.0.0.1', () => {
          s.write(scrape.repeat(200));
          // Reads nothing for a while, then drains what it was sent (a paused socket sees no close).
          s.pause();
          setTimeout(() => s.resume(), 300);
        });
        s.on('close', () => resolve(true));
        s.on('error', () => {});
        setTimeout(() => (s.destroy(), resolve(false)), 800);
      });
      expect(closed).toBe(true);
      expect(collected).toBeLessThanOrEqual(8);
    } finally {
      await server.close();
    }
  });

  it('cuts a scrape whose headers never finish within the 5 s headers bound (Node checked it only every 30 s)', async () => {
    const registry = { contentType: 'text/plain', metrics: async () => 'x' } as unknown as Registry;
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0, token: TOKEN, registry });
    try {
      const r = await rawExchange(server.port, `GET /metrics HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`, { timeoutMs: 7500 });
      expect(r.closed).toBe(true);
      expect(r.status).toBe(408);
    } finally {
      await server.close();
    }
  }, 10_000);
});
