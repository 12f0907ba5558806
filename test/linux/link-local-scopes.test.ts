// IPv6 scope ids against the real kernel. In a network namespace the test creates (unshare -n),
// link-local-probe.ts puts the same fe80::1 on two veth interfaces a0 and a1 (fe80::2 on both
// peer ends, in a second namespace) and opens TCP connections both ways, a TIME-WAIT, listeners
// and UDP sockets (link-local, and link-scope multicast ff02::) over them. What the kernel says
// (`ss` prints the socket's interface, idiag_if, as `%ifname`; `ip -j link` gives its index)
// must be what netmon's Linux source, snapshot and ports say: the interface index as scope id on
// every address that needs a zone, none elsewhere, and the same peer on two interfaces kept as two.
// The procfs backend cannot see interfaces: it must give no scope at all.
// Needs root, unshare (util-linux), ip and ss (iproute2: installed with apt-get when missing).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, type BuiltCli } from '../cli/helpers';
import type { Probe, Report, SourceRow } from './fixtures/link-local-probe';
import { ensureSs, ipWords, type SsRow as HelperSsRow } from './helpers';

const dir = mkdtempSync(join(tmpdir(), 'netmon-scope-'));
let cli: BuiltCli | undefined;
let report: Report;
/** Interface name → index in the probe's namespace. */
const ifindex = new Map<string, number>();
const idx = (name: string): number => {
  const i = ifindex.get(name);
  if (i === undefined) throw new Error(`no interface ${name} in the namespace: ${JSON.stringify(report.links)}`);
  return i;
};

/**
 * Whether an IPv6 address needs a zone to name one endpoint: link-local unicast (fe80::/10) and
 * interface- or link-scope multicast (ffX1::/16, ffX2::/16), RFC 4007 §6 (the kernel's
 * __ipv6_addr_needs_scope_id). Written from the text, apart from the decoder's word arithmetic.
 */
const needsZone = (a: string | null): boolean => a !== null && /^(fe[89ab][0-9a-f]|ff[0-9a-f][12]):/i.test(a);

beforeAll(async () => {
  if (process.getuid?.() !== 0) throw new Error('this test needs root: it creates network namespaces and veth interfaces');
  if (spawnSync('sh', ['-c', 'command -v unshare']).status !== 0) throw new Error('unshare (util-linux) is needed to create the network namespaces');
  ensureSs(); // iproute2: ss and ip
  const bundle = (name: string) => {
    const out = join(dir, `${name}.cjs`);
    buildSync({ entryPoints: [resolve(__dirname, `fixtures/${name}.ts`)], bundle: true, platform: 'node', external: ['koffi'], outfile: out, logLevel: 'warning' });
    return out;
  };
  const probe = bundle('link-local-probe');
  const peer = bundle('link-local-peer');
  cli = await buildCli();
  const r = spawnSync('unshare', ['-n', process.execPath, probe, peer, cli.path], {
    encoding: 'utf8',
    timeout: 30_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, NODE_PATH: resolve(__dirname, '../../node_modules'), TZ: 'UTC' },
  });
  const last = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (!last.startsWith('{')) throw new Error(`the probe printed no report (${r.status ?? r.signal ?? r.error?.message}): ${r.stderr}`);
  report = JSON.parse(last) as Report;
  if (report.error) throw new Error(`the probe failed: ${report.error}\n${r.stderr}`);
  for (const l of report.links) ifindex.set(l.ifname, l.ifindex);
}, 60_000);

afterAll(() => {
  cli?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

/** One `ss -tanHe` / `ss -uanHe` line (helpers.ts's SsRow, with the interface in place of owners): `[fe80::1]%a0:22` → a0, null where none. */
interface SsRow extends Omit<HelperSsRow, 'users'> {
  ifname: string | null;
}

function ssRows(proto: 'tcp' | 'udp', text: string): SsRow[] {
  const ep = (s: string, line: string): [number[], string | null, number] => {
    const m = /^(.*?)(?:%([^:\]]+))?:(\d+|\*)$/.exec(s);
    if (!m) throw new Error(`unparsed ss endpoint ${s} in: ${line}`);
    return [ipWords(m[1]), m[2] ?? null, m[3] === '*' ? 0 : Number(m[3])];
  };
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) => {
      const f = line.trim().split(/\s+/);
      const [laddr, ifname, lport] = ep(f[3], line);
      const [raddr, , rport] = ep(f[4], line);
      return { proto, state: f[0], laddr, lport, raddr, rport, ifname, inode: Number(/\bino:(\d+)/.exec(line)?.[1] ?? 0) };
    });
}

const rowKey = (proto: string, laddr: number[], lport: number, raddr: number[], rport: number, inode: number) =>
  `${proto} ${laddr.join('.')}:${lport} ${raddr.join('.')}:${rport} ino ${inode}`;
const connKey = ({ c, inode }: SourceRow) => rowKey(c.protocol, ipWords(c.localAddress), c.localPort, ipWords(c.remoteAddress ?? '::'), c.remotePort ?? 0, inode);

const matches = (p: Probe) => (r: SourceRow) =>
  r.c.protocol === p.proto && r.c.localAddress === p.localAddress && r.c.localPort === p.localPort && r.c.remoteAddress === p.remoteAddress && r.c.remotePort === p.remotePort;
const ssMatches = (p: Probe) => (s: SsRow) =>
  s.proto === p.proto &&
  s.lport === p.localPort &&
  s.laddr.join('.') === ipWords(p.localAddress).join('.') &&
  s.rport === (p.remotePort ?? 0) &&
  s.raddr.join('.') === ipWords(p.remoteAddress ?? '::').join('.');

/** Each socket the probe opened: the interface the kernel bound it to (null: none), and the scope ids netmon must give its ends. */
const EXPECTED: Array<[name: string, kernelIf: string | null, local: string | null, remote: string | null]> = [
  ['c0', 'a0', 'a0', 'a0'], // connect to fe80::2%a0
  ['c1', 'a1', 'a1', 'a1'], // the same peer address through a1
  ['tw', 'a1', 'a1', 'a1'], // TIME-WAIT keeps its interface
  ['acceptedA0', 'a0', 'a0', 'a0'], // accepted on a wildcard listener: the interface the SYN came in on
  ['acceptedA1', 'a1', 'a1', 'a1'],
  ['acceptedGlobal', 'a0', null, 'a0'], // 2001:db8::1 ← fe80::2: only the link-local end has a zone
  ['listenScoped', 'a0', 'a0', null], // listening on fe80::1%a0
  ['listenAny', null, null, null],
  ['cGlobal', null, null, null],
  ['c4', null, null, null],
  ['u1', 'a1', 'a1', null], // UDP bound to fe80::1%a1
  ['u2', 'a0', 'a0', 'a0'], // UDP connected to fe80::2%a0
  ['m0', 'a0', 'a0', null], // UDP bound to ff02::fb%a0
  ['m1', 'a1', 'a1', null], // … and to ff02::fb%a1
  ['m2', 'a1', 'a1', 'a1'], // UDP connected to ff02::1%a1 (from fe80::1%a1)
];

describe('IPv6 scope ids against the real kernel (two veth interfaces with the same fe80::1)', () => {
  it('the kernel binds each socket on a zoned address to its interface (ss %ifname, ip -j link)', () => {
    expect(idx('a0')).not.toBe(idx('a1'));
    const ss = [...ssRows('tcp', report.ss.tcp), ...ssRows('udp', report.ss.udp)];
    const seen = EXPECTED.map(([name, kernelIf]) => {
      return [name, ss.filter(ssMatches(report.sockets[name])).filter((s) => s.ifname === kernelIf).length];
    });
    expect(seen).toEqual(EXPECTED.map(([name]) => [name, 1]));
  });

  it('netlink: each row has the interface index the kernel used as scope id, on zoned addresses only', () => {
    const rows = report.netlink.rows;
    expect(report.netlink.backend).toBe('netlink');
    const got = EXPECTED.map(([name, , local, remote]) => {
      const p = report.sockets[name];
      const want = [local === null ? undefined : idx(local), remote === null ? undefined : idx(remote)];
      return [name, rows.filter(matches(p)).filter((r) => r.c.localScopeId === want[0] && r.c.remoteScopeId === want[1]).length];
    });
    expect(got).toEqual(EXPECTED.map(([name]) => [name, 1]));
    expect(rows.find(matches(report.sockets.tw))?.c.state).toBe('TIME-WAIT');
  });

  it('netlink: every row is an ss row, with ss %ifname as the scope of each zoned end and none elsewhere', () => {
    const ss = new Map<string, SsRow>();
    for (const s of [...ssRows('tcp', report.ss.tcp), ...ssRows('udp', report.ss.udp)]) ss.set(rowKey(s.proto, s.laddr, s.lport, s.raddr, s.rport, s.inode), s);
    const rows = report.netlink.rows;
    expect(rows.length).toBe(ss.size);
    const wrong = rows.flatMap((r) => {
      const s = ss.get(connKey(r));
      if (!s) return [`${connKey(r)}: not in ss`];
      const k = s.ifname === null ? undefined : idx(s.ifname);
      const want = [needsZone(r.c.localAddress) ? k : undefined, needsZone(r.c.remoteAddress) ? k : undefined];
      const got = [r.c.localScopeId, r.c.remoteScopeId];
      return want[0] === got[0] && want[1] === got[1] ? [] : [`${connKey(r)}: scopes ${JSON.stringify(got)}, ss says ${s.ifname} → ${JSON.stringify(want)}`];
    });
    expect(wrong).toEqual([]);
  });

  it('the same fe80:: peer through two interfaces: two rows and two destinations in snapshot (JSON, CSV, text) and ports', () => {
    const [a0, a1] = [idx('a0'), idx('a1')];
    const { c0, c1, m0, m2 } = report.sockets;
    const snap = report.cli['snapshot --json --tables netlink']
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const toPeer = snap.filter((c) => c.remoteAddress === 'fe80::2' && c.remotePort === 5000 && c.state === 'ESTABLISHED');
    expect(toPeer.map((c) => [c.localAddress, c.localPort, c.localScopeId, c.remoteScopeId]).sort()).toEqual(
      [
        ['fe80::1', c0.localPort, a0, a0],
        ['fe80::1', c1.localPort, a1, a1],
      ].sort(),
    );
    const mdns = snap.filter((c) => c.localAddress === 'ff02::fb' && c.localPort === 5353);
    expect(mdns.map((c) => c.localScopeId).sort()).toEqual([a0, a1].sort());
    expect(snap.filter((c) => c.remoteAddress === 'ff02::1').map((c) => c.remoteScopeId)).toEqual([a1]);

    // A filter on a scoped address finds that interface's sockets only.
    const filtered = (args: string) =>
      report.cli[`snapshot --json --tables netlink --filter ${args}`]
        .split('\n')
        .filter((l) => l !== '')
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .map((c) => `${c.protocol} ${c.localAddress}%${c.localScopeId}:${c.localPort} ${c.remoteAddress}%${c.remoteScopeId}:${c.remotePort}`)
        .sort();
    const { u2, acceptedA0, acceptedGlobal } = report.sockets;
    expect(filtered('raddr:fe80::2%a0')).toEqual(
      [
        `tcp fe80::1%${a0}:${c0.localPort} fe80::2%${a0}:5000`,
        `tcp fe80::1%${a0}:6000 fe80::2%${a0}:${acceptedA0.remotePort}`,
        `tcp 2001:db8::1%null:6000 fe80::2%${a0}:${acceptedGlobal.remotePort}`,
        `udp fe80::1%${a0}:${u2.localPort} fe80::2%${a0}:5001`,
      ].sort(),
    );
    expect(filtered('laddr:ff02::fb%a1')).toEqual([`udp ff02::fb%${a1}:5353 null%null:null`]);

    const csv = report.cli['snapshot --csv --tables netlink'];
    expect(csv).toContain(`fe80::1%${a0},${c0.localPort},${a0},fe80::2%${a0},5000,${a0},ESTABLISHED`);
    expect(csv).toContain(`fe80::1%${a1},${c1.localPort},${a1},fe80::2%${a1},5000,${a1},ESTABLISHED`);

    const text = report.cli['snapshot --tables netlink'];
    const line = (local: string, remote: string) => text.split('\n').filter((l) => l.includes(local) && l.includes(remote)).length;
    expect(line(`[fe80::1%${a0}]:${c0.localPort} `, `[fe80::2%${a0}]:5000 `)).toBe(1);
    expect(line(`[fe80::1%${a1}]:${c1.localPort} `, `[fe80::2%${a1}]:5000 `)).toBe(1);
    expect(line(`[ff02::fb%${a0}]:${m0.localPort} `, '*:*')).toBe(1);
    expect(line(`[ff02::fb%${a1}]:${m0.localPort} `, '*:*')).toBe(1);
    expect(line(`[fe80::1%${a1}]:${m2.localPort} `, `[ff02::1%${a1}]:9999 `)).toBe(1);

    // Ports: fe80::1 is one address per interface, and so is each destination.
    const ports = JSON.parse(report.cli['ports --json --tables netlink']) as {
      addresses: Array<{ protocol: string; localAddress: string; localScopeId: number | null; sockets: number; topRemotes: Array<{ remoteAddress: string; remoteScopeId: number | null; remotePort: number; sockets: number }> }>;
    };
    const byAddress = ports.addresses
      .filter((a) => a.localAddress === 'fe80::1')
      .map((a) => [a.protocol, a.localScopeId, a.sockets, a.topRemotes.map((r) => [r.remoteAddress, r.remoteScopeId, r.remotePort, r.sockets])])
      .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(byAddress).toEqual(
      [
        ['tcp', a0, 1, [['fe80::2', a0, 5000, 1]]],
        ['tcp', a1, 2, [['fe80::2', a1, 5000, 2]]], // c1 and the TIME-WAIT
        ['udp', a0, 1, [['fe80::2', a0, 5001, 1]]],
        ['udp', a1, 1, [['ff02::1', a1, 9999, 1]]], // u1's port 7000 is not ephemeral
      ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    );
    const portsText = report.cli['ports --tables netlink'];
    expect(portsText).toContain(`tcp fe80::1%${a0}: `);
    expect(portsText).toContain(`tcp fe80::1%${a1}: `);
    expect(portsText).toMatch(new RegExp(`destinations: \\[fe80::2%${a0}\\]:5000 1\\b`));
    expect(portsText).toMatch(new RegExp(`destinations: \\[fe80::2%${a1}\\]:5000 2\\b`));
  });

  it('procfs: the same sockets, with no scope id anywhere (it cannot see interfaces)', () => {
    expect(report.procfs.backend).toBe('procfs');
    const plain = (rows: SourceRow[]) => rows.map((r) => `${connKey(r)} ${r.c.state}`).sort();
    expect(plain(report.procfs.rows)).toEqual(plain(report.netlink.rows));
    expect(report.procfs.rows.filter((r) => r.c.localScopeId !== undefined || r.c.remoteScopeId !== undefined)).toEqual([]);
    const snap = report.cli['snapshot --json --tables procfs']
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(snap.length).toBe(report.procfs.rows.length);
    expect(snap.filter((c) => c.localScopeId !== null || c.remoteScopeId !== null)).toEqual([]);
    // Both connections to the peer are still there, as two rows.
    expect(snap.filter((c) => c.remoteAddress === 'fe80::2' && c.remotePort === 5000 && c.state === 'ESTABLISHED').length).toBe(2);
    expect(report.cli['snapshot --tables procfs']).not.toContain('%');
    // Ports cannot tell the interfaces apart either: fe80::1 is one address, and claims no scope.
    const ports = JSON.parse(report.cli['ports --json --tables procfs']) as {
      addresses: Array<{ protocol: string; localAddress: string; localScopeId: number | null; sockets: number; topRemotes: Array<{ remoteScopeId: number | null }> }>;
    };
    expect(ports.addresses.filter((a) => a.localScopeId !== null || a.topRemotes.some((r) => r.remoteScopeId !== null))).toEqual([]);
    expect(ports.addresses.filter((a) => a.protocol === 'tcp' && a.localAddress === 'fe80::1').map((a) => a.sockets)).toEqual([3]);
  });
});
