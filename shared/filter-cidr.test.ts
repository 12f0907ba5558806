// CIDR terms on partial bytes (issue 15): a prefix that ends inside a byte must compare exactly
// its bits. Each case pairs an address inside the prefix with a near miss just outside it, the
// address a mask one bit too wide (or narrow) would wrongly take in (or leave out).
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from './connection';
import { parseFilter } from './filter';

function tcp(local: string, remote: string): Connection {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp',
    family: local.includes(':') ? 6 : 4,
    localAddress: local,
    localPort: 40000,
    remoteAddress: remote,
    remotePort: 443,
    state: 'ESTABLISHED',
    pid: 1,
    process: 'p',
  };
  return { id: connectionKey(c), ...c };
}

function matches(expr: string, c: Connection): boolean {
  const r = parseFilter(expr);
  if (!r.ok) throw new Error(`${expr}: ${r.error.message}`);
  return r.filter.match(c);
}

// [prefix, inside, near miss]
const CASES: [string, string, string][] = [
  ['fe80::/10', 'febf::1', 'fec0::1'],
  ['10.0.0.0/9', '10.127.255.255', '10.128.0.1'],
  ['10.128.0.0/9', '10.128.0.1', '10.127.255.255'],
  ['192.168.0.0/23', '192.168.1.9', '192.168.2.1'],
  ['172.16.0.0/12', '172.31.0.1', '172.32.0.1'],
  ['2001:db8::/33', '2001:db8:7fff::1', '2001:db8:8000::1'],
  ['10.0.0.1/31', '10.0.0.0', '10.0.0.2'],
  ['fe80::1/127', 'fe80::', 'fe80::2'],
];

describe('CIDR: near misses never match', () => {
  it.each(CASES)('%s takes %s and not %s', (cidr, inside, miss) => {
    const other = inside.includes(':') ? '2001:db8:ffff::9' : '198.51.100.7';
    // on the local side, the remote side, either side; and negated
    expect(matches(`laddr:${cidr}`, tcp(inside, other))).toBe(true);
    expect(matches(`laddr:${cidr}`, tcp(miss, other))).toBe(false);
    expect(matches(`raddr:${cidr}`, tcp(other, inside))).toBe(true);
    expect(matches(`raddr:${cidr}`, tcp(other, miss))).toBe(false);
    expect(matches(`raddr:${cidr}`, tcp(inside, miss))).toBe(false);
    expect(matches(`addr:${cidr}`, tcp(other, inside))).toBe(true);
    expect(matches(`addr:${cidr}`, tcp(miss, other))).toBe(false);
    expect(matches(`${cidr}`, tcp(miss, other))).toBe(false);
    expect(matches(`-addr:${cidr}`, tcp(miss, other))).toBe(true);
    expect(matches(`-addr:${cidr}`, tcp(inside, other))).toBe(false);
    expect(matches(`-laddr:${cidr}`, tcp(miss, other))).toBe(true);
    expect(matches(`-raddr:${cidr}`, tcp(other, miss))).toBe(true);
    expect(matches(`-raddr:${cidr}`, tcp(other, inside))).toBe(false);
  });

  it('an IPv4 prefix matches the IPv4-mapped IPv6 form by the same bits', () => {
    expect(matches('addr:10.0.0.0/9', tcp('::ffff:10.127.0.1', '::1'))).toBe(true);
    expect(matches('addr:10.0.0.0/9', tcp('::ffff:10.128.0.1', '::1'))).toBe(false);
  });
});
