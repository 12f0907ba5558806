// Syslog over TLS (RFC 5425): the exporter verifies the receiver against the configured CA and
// frames by octet count; a receiver whose certificate the CA did not sign gets nothing.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createSyslogExporter, type EventExporter } from '../../main/export/syslog-exporter';
import { until } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'netmon-tls-'));
const servers: tls.Server[] = [];
const exporters: EventExporter[] = [];
afterAll(async () => {
  for (const e of exporters) await e.close();
  for (const s of servers) s.close();
  rmSync(dir, { recursive: true, force: true });
});

function selfSigned(name: string): { key: string; cert: string } {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, `${name}.key`), '-out', join(dir, `${name}.pem`)], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl failed (install openssl): ${r.stderr}`);
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.pem`), 'utf8') };
}

async function receiver(cred: { key: string; cert: string }): Promise<{ port: number; data: () => string }> {
  let data = '';
  const s = tls.createServer(cred, (sock) => sock.on('data', (d: Buffer) => (data += d.toString('utf8'))).on('error', () => {}));
  s.on('tlsClientError', () => {});
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { port: (s.address() as AddressInfo).port, data: () => data };
}

const ev = { type: 'opened' as const, time: 0, connection: { id: 'x', protocol: 'tcp' as const, family: 4 as const, localAddress: '10.0.0.5', localPort: 50000, remoteAddress: '203.0.113.7', remotePort: 443, state: 'ESTABLISHED' as const, pid: 1, process: 'é' } };

describe('syslog over TLS', () => {
  it('sends octet-counted RFC 5424 frames to a receiver the CA vouches for, nothing to one it does not', async () => {
    const good = selfSigned('good');
    const bad = selfSigned('bad');
    const ok = await receiver(good);
    const rogue = await receiver(bad);
    const logs: string[] = [];
    const a = createSyslogExporter({ target: { protocol: 'tls', host: '127.0.0.1', port: ok.port }, caFile: join(dir, 'good.pem'), hostname: 'h' });
    const b = createSyslogExporter({ target: { protocol: 'tls', host: '127.0.0.1', port: rogue.port }, caFile: join(dir, 'good.pem'), hostname: 'h', log: (l) => logs.push(l) });
    exporters.push(a, b);
    a.enqueue([ev, ev]);
    b.enqueue([ev]);
    const text = await until(10_000, ok.data, () => (ok.data().split(' <').length >= 3 ? ok.data() : undefined));
    // MSG-LEN SP SYSLOG-MSG, twice; the length counts UTF-8 bytes.
    const frames: string[] = [];
    let rest = Buffer.from(text, 'utf8');
    while (rest.length > 0) {
      const sp = rest.indexOf(0x20);
      const len = Number(rest.subarray(0, sp).toString('ascii'));
      frames.push(rest.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      rest = rest.subarray(sp + 1 + len);
    }
    expect(frames).toHaveLength(2);
    expect(frames[0]).toMatch(/^<134>1 1970-01-01T00:00:00\.000Z h netmon \d+ opened \[netmon@32473 seq="1" .* process="é"\] \uFEFFopened tcp /);
    await until(10_000, () => logs.join('\n'), () => (logs.length > 0 ? true : undefined));
    expect(logs[0]).toMatch(/self[- ]signed|unable to verify|certificate/i);
    expect(rogue.data()).toBe('');
    expect(b.stats.sent()).toBe(0);
    expect(b.stats.depth()).toBe(1);
  }, 30_000);
});
