import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { createOtlpExporter, shownUrl } from './otlp';

const event: ConnectionEvent = {
  type: 'opened',
  time: Date.UTC(2026, 11, 1),
  connection: { id: 'c1', protocol: 'tcp', family: 4, localAddress: '10.0.0.5', localPort: 40000, remoteAddress: '203.0.113.7', remotePort: 443, state: 'ESTABLISHED', pid: 1, process: 'curl' },
} as ConnectionEvent;

/** A loopback receiver that refuses every export with 400 (not retried inside the OTLP exporter). */
async function refusingReceiver(): Promise<http.Server> {
  const s = http.createServer((req, res) => req.resume().on('end', () => res.writeHead(400, 'Bad Request').end()));
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return s;
}

describe('OTLP exporter logs', () => {
  it('name the endpoint without the credentials its URL may carry (user:password@, query parameters)', async () => {
    // Before: every retry line printed the configured URL whole, passwords and API keys included,
    // to the agent's stderr (a service's journal, readable by more people than its config).
    const receiver = await refusingReceiver();
    const { port } = receiver.address() as AddressInfo;
    const lines: string[] = [];
    const exporter = createOtlpExporter({ url: `http://agent:s3cret@127.0.0.1:${port}/v1/logs?api-key=k3y#frag`, log: (l) => lines.push(l), retryMinMs: 60_000 });
    try {
      exporter.enqueue([event]);
      await expect.poll(() => lines.length, { timeout: 1500 }).toBe(1);
      expect(lines[0]).toMatch(new RegExp(`^netmon agent: otlp http://127\\.0\\.0\\.1:${port}/v1/logs: Bad Request; retrying in 60000 ms \\(1 queued, 0 dropped\\)$`));
      expect(lines[0]).not.toMatch(/s3cret|k3y|agent@/);
    } finally {
      await exporter.close();
      receiver.closeAllConnections();
      await new Promise<void>((r) => receiver.close(() => r()));
    }
  });

  it('shownUrl keeps scheme, host, port and path only, and never throws', () => {
    expect(shownUrl('https://u:p@collector.example:4318/v1/logs?token=x')).toBe('https://collector.example:4318/v1/logs');
    expect(shownUrl('http://[::1]:4318/v1/logs')).toBe('http://[::1]:4318/v1/logs');
    expect(shownUrl('not a url')).toBe('(an unreadable URL)');
  });
});
