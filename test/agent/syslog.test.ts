// The syslog exporter against Debian's rsyslog, run unprivileged-style on a high loopback port
// and writing the raw messages to a file: every event of a scripted burst arrives as a valid
// RFC 5424 message, also when the receiver is stopped and started again in the middle.
import { mkdtempSync, readFileSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionEvent } from '../../shared/connection';
import { createSyslogExporter, type EventExporter } from '../../main/export/syslog-exporter';
import { buildAgent, freePort, requireTool, start, until, type BuiltAgent, type Started } from './helpers';
import { createServer, connect as tcpConnect, type Socket } from 'node:net';

// RFC 5424 §6 with the structured data netmon writes: one SD-ELEMENT of PARAM="VALUE" pairs.
const PARAM_VALUE = String.raw`(?:[^"\\\]]|\\["\\\]])*`;
const RFC5424 = new RegExp(
  String.raw`^<(\d{1,3})>1 (\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)) ([\x21-\x7e]{1,255}) ([\x21-\x7e]{1,48}) ([\x21-\x7e]{1,128}) ([\x21-\x7e]{1,32}) ` +
    String.raw`\[([^ =\]"]{1,32})((?: [^ =\]"]{1,32}="${PARAM_VALUE}")*)\] \uFEFF(.*)$`,
);

/** Parses one line as RFC 5424; throws saying why not. */
function parse5424(line: string): { pri: number; msgId: string; params: Record<string, string>; msg: string } {
  const m = RFC5424.exec(line);
  if (!m) throw new Error(`not RFC 5424: ${JSON.stringify(line)}`);
  const params: Record<string, string> = {};
  for (const p of m[8].matchAll(new RegExp(String.raw` ([^ =\]"]+)="(${PARAM_VALUE})"`, 'g'))) params[p[1]] = p[2].replace(/\\(["\\\]])/g, '$1');
  return { pri: Number(m[1]), msgId: m[6], params, msg: m[9] };
}

let dir: string;
let rsyslog: Started | null = null;
let exporter: EventExporter | null = null;
let port: number;

function startRsyslog(): Started {
  const s = start('/usr/sbin/rsyslogd', ['-n', '-f', join(dir, 'rsyslog.conf'), '-i', join(dir, 'rsyslog.pid')]);
  return s;
}

beforeAll(async () => {
  requireTool('/usr/sbin/rsyslogd', 'rsyslog');
  dir = mkdtempSync(join(tmpdir(), 'netmon-syslog-'));
  port = await freePort();
  writeFileSync(
    join(dir, 'rsyslog.conf'),
    [
      `global(workDirectory="${dir}")`,
      'module(load="imtcp")',
      `input(type="imtcp" port="${port}" address="127.0.0.1")`,
      'template(name="raw" type="string" string="%rawmsg%\\n")',
      `action(type="omfile" file="${join(dir, 'out.log')}" template="raw")`,
      '',
    ].join('\n'),
  );
});

let built: BuiltAgent | null = null;
afterAll(async () => {
  built?.cleanup();
  await exporter?.close();
  await rsyslog?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const event = (i: number): ConnectionEvent => ({
  type: i % 3 === 0 ? 'opened' : i % 3 === 1 ? 'changed' : 'closed',
  time: Date.UTC(2026, 10, 30, 5, 0, 0, i),
  connection: {
    id: `c${i}`, protocol: 'tcp', family: i % 2 ? 6 : 4, localAddress: i % 2 ? 'fe80::1' : '10.0.0.5', localPort: 40000 + i,
    localScopeId: i % 2 ? 2 : undefined, remoteAddress: '203.0.113.7', remotePort: 443, state: 'ESTABLISHED', pid: 4120,
    process: 'my "app"] \\ é', processPath: null,
  },
  ...(i % 3 === 1 ? { previousState: 'SYN-SENT' as const } : {}),
});

function received(): string[] {
  const f = join(dir, 'out.log');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
}

async function listening(r: Started): Promise<void> {
  await until(10_000, r.output, async () => {
    const { connect } = await import('node:net');
    return new Promise<true | undefined>((res) => {
      const s = connect(port, '127.0.0.1', () => (s.destroy(), res(true)));
      s.on('error', () => res(undefined));
    });
  });
}

describe('syslog exporter → rsyslog', () => {
  it('delivers every event of a burst as RFC 5424, across a receiver restart', async () => {
    rsyslog = startRsyslog();
    await listening(rsyslog);
    exporter = createSyslogExporter({ target: { protocol: 'tcp', host: '127.0.0.1', port }, hostname: 'host-a', retryMinMs: 50, retryMaxMs: 200 });
    const N = 600;
    exporter.enqueue(Array.from({ length: 200 }, (_, i) => event(i + 1)));
    await until(10_000, () => `${received().length} lines`, () => (received().length >= 200 ? true : undefined));

    // The receiver goes away in the middle of the burst and comes back.
    expect(await rsyslog.stop()).toBe(0);
    exporter.enqueue(Array.from({ length: 200 }, (_, i) => event(i + 201)));
    await new Promise((r) => setTimeout(r, 500));
    exporter.enqueue(Array.from({ length: 200 }, (_, i) => event(i + 401)));
    expect(exporter.stats.depth()).toBeGreaterThan(0);
    rsyslog = startRsyslog();
    await listening(rsyslog);
    await exporter.flush(10_000);

    const seqs = await until(15_000, () => `${new Set(received().map((l) => parse5424(l).params.seq)).size} of ${N} distinct`, () => {
      const s = new Set(received().map((l) => Number(parse5424(l).params.seq)));
      return s.size === N ? s : undefined;
    });
    expect([...seqs].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i + 1));
    expect(exporter.stats.dropped()).toBe(0);

    const byseq = new Map(received().map((l) => [Number(parse5424(l).params.seq), parse5424(l)]));
    const m1 = byseq.get(1)!; // event(1): changed, IPv6 with scope
    expect(m1.pri).toBe(16 * 8 + 6);
    expect(m1.msgId).toBe('changed');
    expect(m1.params).toEqual({
      seq: '1', type: 'changed', protocol: 'tcp', family: 'ipv6', localAddress: 'fe80::1', localPort: '40001', localScopeId: '2',
      remoteAddress: '203.0.113.7', remotePort: '443', state: 'ESTABLISHED', previousState: 'SYN-SENT', pid: '4120', process: 'my "app"] \\ é',
    });
    expect(m1.msg).toBe('changed tcp [fe80::1%2]:40001 -> 203.0.113.7:443 SYN-SENT -> ESTABLISHED pid 4120 (my "app"] \\ é)');
    expect(byseq.get(2)!.params.family).toBe('ipv4');
    expect(received()[0]).toMatch(/^<134>1 2026-11-30T05:00:00\.001Z host-a netmon \d+ changed /);
  }, 90_000);

  it('netmon agent --syslog sends the opened events its filter selects, then stops with exit 0', async () => {
    rsyslog ??= startRsyslog();
    await listening(rsyslog);
    built = await buildAgent();
    const held: Socket[] = [];
    const server = createServer((s) => held.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const p = (server.address() as { port: number }).port;
    const before = received().length;
    const agent = start(process.execPath, [built.cli, 'agent', '--syslog', `tcp://127.0.0.1:${port}`, '--source', 'linux', '--interval', '200', '--filter', `port:${p}`]);
    try {
      await new Promise((r) => setTimeout(r, 1500)); // the agent's first (full) poll: the listener is no event
      const c = tcpConnect(p, '127.0.0.1');
      await new Promise<void>((r) => c.once('connect', () => r()));
      const mine = () => received().slice(before).map(parse5424);
      const opened = await until(15_000, agent.output, () => {
        const o = mine().filter((m) => m.msgId === 'opened');
        return o.length >= 2 ? o : undefined;
      });
      expect(opened.map((m) => [m.params.protocol, m.params.state, m.params.pid === String(process.pid), m.params.process]).sort()).toEqual([
        ['tcp', 'ESTABLISHED', true, 'node'],
        ['tcp', 'ESTABLISHED', true, 'node'],
      ]);
      expect(opened.map((m) => (m.params.localPort === String(p) ? 'server' : m.params.remotePort === String(p) ? 'client' : '?')).sort()).toEqual(['client', 'server']);
      expect(mine().some((m) => m.params.localPort !== String(p) && m.params.remotePort !== String(p))).toBe(false);
    } finally {
      expect(await agent.stop()).toBe(0);
      for (const s of held) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  }, 90_000);
});
