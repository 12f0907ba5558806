// Syslog over TLS (RFC 5425) into Debian's rsyslog with its OpenSSL driver (rsyslog-openssl):
// the test makes a CA and a server certificate for 127.0.0.1 with the openssl CLI. The agent
// verifies the receiver by default: with the CA given (--syslog-ca-file / syslog.caFile) every
// event arrives once; with the system's CAs, another CA, or a certificate for another name,
// nothing is sent and the events stay queued.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { createSyslogExporter, type EventExporter } from '../../main/export/syslog-exporter';
import { buildAgent, start, until, type BuiltAgent } from './helpers';
import { completeLines, parse5424, rsyslogReceiver, type Rsyslog } from './rsyslog';

const dir = mkdtempSync(join(tmpdir(), 'netmon-rsyslog-tls-'));
const exporters: EventExporter[] = [];
const servers: tls.Server[] = [];
let rsyslog: Rsyslog | null = null;
let built: BuiltAgent | null = null;
afterAll(async () => {
  built?.cleanup();
  for (const e of exporters) await e.close();
  for (const s of servers) s.close();
  await rsyslog?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function openssl(args: string[]): void {
  const r = spawnSync('openssl', args, { encoding: 'utf8', cwd: dir });
  if (r.error || r.status !== 0) throw new Error(`openssl ${args[0]} failed (install openssl): ${r.error?.message ?? r.stderr}`);
}

/** A CA: `${name}-ca.pem` / `${name}-ca.key`. */
function makeCa(name: string): string {
  openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=netmon test CA ${name}`,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout', `${name}-ca.key`, '-out', `${name}-ca.pem`]);
  return join(dir, `${name}-ca.pem`);
}

/** A server certificate signed by CA `ca` for subjectAltName `san`: `${name}.pem` / `${name}.key`. */
function makeServerCert(name: string, ca: string, san: string): { certFile: string; keyFile: string } {
  openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${san}\nextendedKeyUsage=serverAuth\n`);
  openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}-ca.pem`, '-CAkey', `${ca}-ca.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.pem`]);
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
}

const event = (i: number): ConnectionEvent => ({
  type: 'opened',
  time: Date.UTC(2026, 10, 30, 5, 0, 0, i),
  connection: { id: `c${i}`, protocol: 'tcp', family: 4, localAddress: '10.0.0.5', localPort: 40000 + i, remoteAddress: '203.0.113.7', remotePort: 443, state: 'ESTABLISHED', pid: 4120, process: 'é' },
});

let caFile: string;
let otherCaFile: string;
beforeAll(async () => {
  caFile = makeCa('test');
  otherCaFile = makeCa('other');
  const server = makeServerCert('rsyslog', 'test', 'IP:127.0.0.1');
  rsyslog = await rsyslogReceiver(dir, { caFile, ...server });
  await rsyslog.start();
}, 60_000);

const fromHost = (hostname: string) => (rsyslog?.received() ?? []).map(parse5424).filter((m) => m.hostname === hostname);

describe('syslog over TLS → rsyslog (ossl)', () => {
  it('with the CA that signed the receiver: every event of a burst arrives once, as RFC 5424', async () => {
    const port = rsyslog!.port;
    const e = createSyslogExporter({ target: { protocol: 'tls', host: '127.0.0.1', port }, caFile, hostname: 'tls-a' });
    exporters.push(e);
    e.enqueue(Array.from({ length: 300 }, (_, i) => event(i + 1)));
    await e.flush(10_000);
    const got = await until(15_000, () => `${fromHost('tls-a').length} of 300`, () => (fromHost('tls-a').length >= 300 ? fromHost('tls-a') : undefined));
    expect(got.map((m) => Number(m.params.seq))).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    expect(got[0]).toEqual({
      pri: 134, hostname: 'tls-a', msgId: 'opened', msg: 'opened tcp 10.0.0.5:40001 -> 203.0.113.7:443 ESTABLISHED pid 4120 (é)',
      params: { seq: '1', type: 'opened', protocol: 'tcp', family: 'ipv4', localAddress: '10.0.0.5', localPort: '40001', remoteAddress: '203.0.113.7', remotePort: '443', state: 'ESTABLISHED', pid: '4120', process: 'é' },
    });
    expect([e.stats.sent(), e.stats.dropped(), e.stats.depth()]).toEqual([300, 0, 0]);
  }, 60_000);

  it('verifies by default: the system CAs, another CA, or a certificate for another name get nothing', async () => {
    const port = rsyslog!.port;
    // A receiver whose certificate the right CA signed, but for another name than the one dialled.
    const misnamed = makeServerCert('misnamed', 'test', 'DNS:elsewhere.example');
    const s = tls.createServer({ cert: readFileSync(misnamed.certFile), key: readFileSync(misnamed.keyFile) }, (sock) => sock.destroy());
    s.on('tlsClientError', () => {});
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    const misnamedPort = (s.address() as { port: number }).port;

    const cases = [
      { name: 'system CAs', port, ca: undefined, why: /self[- ]signed|unable to (get local issuer|verify)/i },
      { name: 'another CA', port, ca: otherCaFile, why: /self[- ]signed|unable to (get local issuer|verify)/i },
      { name: 'another name', port: misnamedPort, ca: caFile, why: /does not match|altnames/i },
    ];
    for (const c of cases) {
      const logs: string[] = [];
      const e = createSyslogExporter({ target: { protocol: 'tls', host: '127.0.0.1', port: c.port }, caFile: c.ca, hostname: 'tls-bad', retryMinMs: 100, log: (l) => logs.push(l) });
      exporters.push(e);
      e.enqueue([event(1), event(2)]);
      await until(10_000, () => `${c.name}: ${logs.join('\n')}`, () => (logs.length > 0 ? true : undefined));
      expect(logs[0], c.name).toMatch(c.why);
      expect([e.stats.sent(), e.stats.depth()], c.name).toEqual([0, 2]);
      await e.close();
    }
    expect(fromHost('tls-bad')).toEqual([]);
  }, 60_000);

  it('netmon agent --syslog tls://… --syslog-ca-file sends the events its filter selects', async () => {
    built = await buildAgent();
    const held: Socket[] = [];
    const server = createServer((sock) => held.push(sock));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const p = (server.address() as { port: number }).port;
    const before = rsyslog!.received().length;
    const agent = start(process.execPath, [built.cli, 'agent', '--syslog', `tls://127.0.0.1:${rsyslog!.port}`, '--syslog-ca-file', caFile, '--source', 'linux', '--interval', '200', '--filter', `port:${p}`]);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the first (full) poll: the listener is no event
      const c = tcpConnect(p, '127.0.0.1');
      await new Promise<void>((r) => c.once('connect', () => r()));
      const opened = await until(15_000, agent.output, () => {
        const o = rsyslog!.received().slice(before).map(parse5424).filter((m) => m.msgId === 'opened');
        return o.length >= 2 ? o : undefined;
      });
      expect(opened.map((m) => (m.params.localPort === String(p) ? 'server' : m.params.remotePort === String(p) ? 'client' : '?')).sort()).toEqual(['client', 'server']);
      expect(opened.every((m) => m.params.pid === String(process.pid) && m.params.state === 'ESTABLISHED')).toBe(true);
      c.destroy();
    } finally {
      expect(await agent.stop()).toBe(0);
      for (const sock of held) sock.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
    expect(agent.output()).not.toMatch(/certificate|retrying/);
  }, 90_000);
});

describe('reading what rsyslog wrote', () => {
  it('takes only whole lines: the one rsyslog is still writing is left for the next read', () => {
    expect(completeLines('<134>1 a\n<134>1 b\n<134>1 c [netmon@32473 seq="7')).toEqual(['<134>1 a', '<134>1 b']);
    expect(completeLines('<134>1 a\n')).toEqual(['<134>1 a']);
    expect(completeLines('<134>1 partial')).toEqual([]);
    expect(completeLines('')).toEqual([]);
  });
});
