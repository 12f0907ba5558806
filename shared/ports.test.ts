import { describe, expect, it } from 'vitest';
import { conn } from '../renderer/test/fixtures';
import { checkPortRange, portTrendPerMinute, portUsageReport, trendPoint, type PortRange } from './ports';
import { remoteShareText } from './format';
import { formatPortsReport } from '../main/cli/ports';

const R: PortRange = { low: 49152, high: 49251 }; // 100 ports: percentages are counts
const ranges = { tcp: R, udp: R };

describe('portUsageReport', () => {
  it('counts distinct dynamic-range ports per local address, leaving listeners and accepted connections out', () => {
    const rows = [
      conn({ localPort: 80, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 }),
      // Accepted by the listener on 80: holds port 80, not an ephemeral port.
      conn({ localPort: 80, remotePort: 49200, localAddress: '10.0.0.5' }),
      // A listener inside the dynamic range, and a connection it accepted.
      conn({ localPort: 49160, state: 'LISTEN', remoteAddress: '0.0.0.0', remotePort: 0 }),
      conn({ localPort: 49160, remotePort: 40000 }),
      // Outbound from 10.0.0.5: 3 sockets on 2 ports (Linux may reuse a port towards another destination).
      conn({ localAddress: '10.0.0.5', localPort: 49152, remoteAddress: '203.0.113.7', remotePort: 443, pid: 7, process: 'curl' }),
      conn({ localAddress: '10.0.0.5', localPort: 49152, remoteAddress: '203.0.113.8', remotePort: 443, pid: 7, process: 'curl' }),
      conn({ localAddress: '10.0.0.5', localPort: 49153, remoteAddress: '203.0.113.7', remotePort: 443, state: 'TIME-WAIT', pid: 0, process: null }),
      // Outside the range: not ephemeral.
      conn({ localAddress: '10.0.0.5', localPort: 40000, remoteAddress: '203.0.113.7', remotePort: 443 }),
      conn({ localAddress: '10.0.0.5', localPort: 49251, remoteAddress: '203.0.113.9', remotePort: 80, state: 'CLOSE-WAIT', pid: 8, process: 'app' }),
      conn({ localAddress: '10.0.0.5', localPort: 49252, remoteAddress: '203.0.113.9', remotePort: 80 }),
    ];
    const r = portUsageReport(rows, { ranges });
    expect(r.addresses).toHaveLength(1);
    expect(r.addresses[0]).toMatchObject({
      protocol: 'tcp',
      localAddress: '10.0.0.5',
      portsInUse: 3,
      sockets: 4,
      rangeSize: 100,
      percent: 3,
      busiestDestinationPercent: 2,
      timeWait: 1,
      closeWait: 1,
      warning: false,
    });
    expect(r.addresses[0].topProcesses).toEqual([
      { process: 'curl', pid: 7, sockets: 2 },
      { process: null, pid: null, ownerless: 'TIME-WAIT', sockets: 1 }, // PID 0 names no process: grouped as ownerlessState says
      { process: 'app', pid: 8, sockets: 1 },
    ]);
    expect(r.addresses[0].topRemotes[0]).toEqual({ remoteAddress: '203.0.113.7', remoteScopeId: null, remotePort: 443, sockets: 2 });
    expect(r.warnings).toEqual([]);
  });

  it('keeps a link-local destination on two interfaces apart (fe80::1%2 and fe80::1%3), and the unscoped one apart from both', () => {
    const to = (n: number, from: number, remoteAddress: string, remoteScopeId?: number) =>
      Array.from({ length: n }, (_, i) => conn({ family: 6, localAddress: '2001:db8::5', localPort: from + i, remoteAddress, remoteScopeId, remotePort: 443 }));
    const rows = [...to(40, 49152, 'fe80::1', 2), ...to(30, 49192, 'fe80::1', 3), ...to(20, 49222, 'fe80::1')];
    const r = portUsageReport(rows, { ranges, thresholdPercent: 40 });
    const [a] = r.addresses;
    expect(a.topRemotes).toEqual([
      { remoteAddress: 'fe80::1', remoteScopeId: 2, remotePort: 443, sockets: 40 },
      { remoteAddress: 'fe80::1', remoteScopeId: 3, remotePort: 443, sockets: 30 },
      { remoteAddress: 'fe80::1', remoteScopeId: null, remotePort: 443, sockets: 20 },
    ]);
    // The per-destination limit is judged per interface: 40 of 100, not 90.
    expect(a.busiestDestinationPercent).toBe(40);
    expect(a.topRemotes.map(remoteShareText)).toEqual(['[fe80::1%2]:443 40', '[fe80::1%3]:443 30', '[fe80::1]:443 20']);
    expect(r.warnings).toEqual(['TCP 2001:db8::5: 90 of 100 ephemeral ports in use (90% ≥ 40%; 0 TIME-WAIT, 0 CLOSE-WAIT)']);
    // The same 45 ports towards the peer on each interface (Linux reuses a port per destination): 45% each, not 90%.
    expect(portUsageReport([...to(45, 49152, 'fe80::1', 2), ...to(45, 49152, 'fe80::1', 3)], { ranges }).addresses[0].busiestDestinationPercent).toBe(45);
    // A destination warning names the interface (90 sockets on 10 ports, as the per-destination test below builds them).
    const crowded = Array.from({ length: 90 }, (_, i) => conn({ family: 6, localAddress: '2001:db8::5', localPort: 49152 + (i % 10), remoteAddress: 'fe80::1', remoteScopeId: 2, remotePort: 443, pid: 1 + i }));
    expect(portUsageReport(crowded, { ranges }).warnings).toEqual(['TCP 2001:db8::5: 90 sockets to [fe80::1%2]:443 (90% of the 100-port range ≥ 80%)']);
    expect(formatPortsReport(r, 'test', null)).toContain('   destinations: [fe80::1%2]:443 40, [fe80::1%3]:443 30, [fe80::1]:443 20\n');
    // ports --json: the scope in its own field, as localScopeId and the connection JSON have it.
    expect(JSON.parse(JSON.stringify(r)).addresses[0].topRemotes[1]).toEqual({ remoteAddress: 'fe80::1', remoteScopeId: 3, remotePort: 443, sockets: 30 });
  });

  it('keeps a link-local local address on two interfaces apart too', () => {
    const from = (n: number, localScopeId: number, start: number) =>
      Array.from({ length: n }, (_, i) => conn({ family: 6, localAddress: 'fe80::5', localScopeId, localPort: start + i, remoteAddress: 'fe80::1', remoteScopeId: localScopeId, remotePort: 22 }));
    const r = portUsageReport([...from(3, 2, 49152), ...from(2, 3, 49152)], { ranges });
    expect(r.addresses.map((a) => [a.localAddress, a.localScopeId, a.portsInUse, a.topRemotes.map(remoteShareText)])).toEqual([
      ['fe80::5', 2, 3, ['[fe80::1%2]:22 3']],
      ['fe80::5', 3, 2, ['[fe80::1%3]:22 2']],
    ]);
  });

  it('warns at the threshold (80% by default) and not one port below it', () => {
    const mk = (n: number) => Array.from({ length: n }, (_, i) => conn({ localPort: 49152 + i, remoteAddress: `198.51.100.${1 + (i % 200)}`, remotePort: 443 }));
    expect(portUsageReport(mk(79), { ranges }).addresses[0].warning).toBe(false);
    const at = portUsageReport(mk(80), { ranges });
    expect(at.addresses[0]).toMatchObject({ percent: 80, warning: true });
    expect(at.warnings).toEqual(['TCP 127.0.0.1: 80 of 100 ephemeral ports in use (80% ≥ 80%; 0 TIME-WAIT, 0 CLOSE-WAIT)']);
    expect(portUsageReport(mk(50), { ranges, thresholdPercent: 50 }).addresses[0].warning).toBe(true);
  });

  it('warns on the per-destination limit too (many sockets to one destination sharing ports)', () => {
    const rows = Array.from({ length: 90 }, (_, i) => conn({ localPort: 49152 + (i % 10), remoteAddress: '203.0.113.7', remotePort: 443, remoteScopeId: undefined, localAddress: '10.0.0.5', pid: 1 + i }));
    // 90 sockets but only 10 distinct ports: as many 4-tuples to one destination as the range allows 90%.
    const r = portUsageReport(rows, { ranges });
    expect(r.addresses[0]).toMatchObject({ portsInUse: 10, sockets: 90, percent: 10, busiestDestinationPercent: 90, warning: true });
    expect(r.warnings[0]).toBe('TCP 10.0.0.5: 90 sockets to 203.0.113.7:443 (90% of the 100-port range ≥ 80%)');
  });

  it('names an IPv6 destination as every output prints an endpoint ([2001:db8::9]:443, not 2001:db8::9:443)', () => {
    const rows = Array.from({ length: 90 }, (_, i) => conn({ family: 6, localPort: 49152 + (i % 10), remoteAddress: '2001:db8::9', remotePort: 443, localAddress: '2001:db8::5', pid: 1 + i }));
    expect(portUsageReport(rows, { ranges }).warnings).toEqual(['TCP 2001:db8::5: 90 sockets to [2001:db8::9]:443 (90% of the 100-port range ≥ 80%)']);
  });

  it('keeps UDP and IPv6 scopes apart and uses each protocol its own range', () => {
    const rows = [
      conn({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 50000 }),
      conn({ protocol: 'udp', localAddress: '0.0.0.0', localPort: 49152 }),
      conn({ family: 6, localAddress: 'fe80::1', localScopeId: 2, localPort: 49152, remoteAddress: 'fe80::2', remotePort: 22 }),
      conn({ family: 6, localAddress: 'fe80::1', localScopeId: 3, localPort: 49152, remoteAddress: 'fe80::2', remotePort: 22 }),
    ];
    const r = portUsageReport(rows, { ranges: { tcp: R, udp: { low: 50000, high: 50009 } } });
    const keys = r.addresses.map((a) => `${a.protocol} ${a.localAddress}%${a.localScopeId} ${a.portsInUse}/${a.rangeSize}`).sort();
    expect(keys).toEqual(['tcp fe80::1%2 1/100', 'tcp fe80::1%3 1/100', 'udp 0.0.0.0%null 1/10']);
  });

  it('trend: ports in use per minute between the first and last sample', () => {
    const a = portUsageReport([conn({ localPort: 49152, remotePort: 1 })], { ranges });
    const b = portUsageReport([conn({ localPort: 49152, remotePort: 1 }), conn({ localPort: 49153, remotePort: 1 }), conn({ localPort: 49154, remotePort: 1 })], { ranges });
    expect(portTrendPerMinute([trendPoint(0, a), trendPoint(30_000, b)])).toEqual({ 'tcp 127.0.0.1': 4 });
    expect(portTrendPerMinute([trendPoint(0, a)])).toEqual({ 'tcp 127.0.0.1': 0 });
  });

  it('refuses ranges that are not ranges of ports', () => {
    expect(() => checkPortRange({ low: 60000, high: 50000 })).toThrow(/60000-50000 is not a range of ports/);
    expect(() => checkPortRange({ low: 0, high: 10 })).toThrow(RangeError);
    expect(() => checkPortRange({ low: 1, high: 65536 })).toThrow(RangeError);
    expect(checkPortRange({ low: 32768, high: 60999 })).toEqual({ low: 32768, high: 60999 });
  });
});
