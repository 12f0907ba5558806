import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from './connection';
import { FILTER_KEYS, parseFilter } from './filter';

type Fixture = Omit<Connection, 'id'> & { name: string };

function conn(f: Fixture): Connection & { name: string } {
  const { name, ...rest } = f;
  return { id: connectionKey(rest), name, ...rest };
}

// A fixed set: every term in the table below is checked against all of these.
const CONNS = [
  conn({ name: 'web', protocol: 'tcp', family: 4, localAddress: '10.1.2.3', localPort: 443, remoteAddress: '203.0.113.9', remotePort: 51000, state: 'ESTABLISHED', pid: 1200, process: 'nginx', processPath: '/usr/sbin/nginx', remoteHost: 'client.example.net' }),
  conn({ name: 'listen', protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 77, process: 'My App.exe', processPath: 'C:\\Program Files\\My App\\My App.exe' }),
  conn({ name: 'tw', protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 40000, remoteAddress: '127.0.0.1', remotePort: 8080, state: 'TIME-WAIT', pid: 0, process: 'System Idle Process' }),
  conn({ name: 'v6', protocol: 'tcp', family: 6, localAddress: '::1', localPort: 5432, remoteAddress: '::1', remotePort: 60000, state: 'CLOSE-WAIT', pid: 555, process: 'postgres' }),
  conn({ name: 'll', protocol: 'tcp', family: 6, localAddress: 'fe80::1', localPort: 22, localScopeId: 3, remoteAddress: 'fe80::abcd', remotePort: 50123, remoteScopeId: 3, state: 'ESTABLISHED', pid: 900, process: 'sshd' }),
  conn({ name: 'mapped', protocol: 'tcp', family: 6, localAddress: '::ffff:10.9.8.7', localPort: 3000, remoteAddress: '::ffff:192.168.1.20', remotePort: 8100, state: 'SYN-RECEIVED', pid: null, process: null }),
  conn({ name: 'dns', protocol: 'udp', family: 4, localAddress: '0.0.0.0', localPort: 53, remoteAddress: null, remotePort: null, state: null, pid: 300, process: 'dnsmasq' }),
  conn({ name: 'udp6', protocol: 'udp', family: 6, localAddress: '::', localPort: 5353, remoteAddress: null, remotePort: null, state: null, pid: 301, process: 'avahi-daemon' }),
];

function matching(expr: string): string[] {
  const r = parseFilter(expr);
  if (!r.ok) throw new Error(`expected "${expr}" to parse, got ${r.error.message}`);
  return CONNS.filter((c) => r.filter.match(c)).map((c) => c.name);
}

const ALL = CONNS.map((c) => c.name);

describe('parseFilter: expressions → matching connections', () => {
  const table: [string, string[]][] = [
    ['', ALL],
    ['   ', ALL],
    // free words
    ['nginx', ['web']],
    ['NGINX', ['web']],
    ['8080', ['listen', 'tw']],
    ['127.0.0.1:8080', ['tw']],
    ['[::1]:5432', ['v6']],
    ['udp', ['dns', 'udp6']],
    ['time_wait', ['tw']],
    ['wait', ['tw', 'v6']],
    ['example', ['web']],
    ['"my app"', ['listen']],
    ['program', ['listen']],
    ['dead::beef', []],
    ['fe80::1', ['ll']],
    // ports
    ['port:8080', ['listen', 'tw']],
    ['lport:8080', ['listen']],
    ['rport:8080', ['tw']],
    ['port:8000-8100', ['listen', 'tw', 'mapped']],
    ['port:53', ['dns']],
    ['rport:0', ['listen']],
    ['lport:0-1023', ['web', 'll', 'dns']],
    // addresses
    ['addr:10.0.0.0/8', ['web', 'mapped']],
    ['laddr:10.0.0.0/8', ['web', 'mapped']],
    ['raddr:192.168.0.0/16', ['mapped']],
    ['addr:127.0.0.1', ['tw']],
    ['addr:::1', ['v6']],
    ['addr:0:0:0:0:0:0:0:1', ['v6']],
    ['addr:[::1]', ['v6']],
    ['addr:::1/128', ['v6']],
    ['addr:fe80::/10', ['ll']],
    ['raddr:fe80::abcd', ['ll']],
    ['addr:203.0.113', ['web']],
    ['laddr:0.0.0.0', ['listen', 'dns']],
    ['addr:0.0.0.0/0', ['web', 'listen', 'tw', 'mapped', 'dns']],
    ['raddr:10.9.8.7', []],
    ['laddr:10.9.8.7', ['mapped']],
    // states
    ['state:established', ['web', 'll']],
    ['state:ESTAB', ['web', 'll']],
    ['state:TIME-WAIT', ['tw']],
    ['state:time_wait', ['tw']],
    ['state:timewait', ['tw']],
    ['state:timew', ['tw']],
    ['state:syn_recv', ['mapped']],
    ['state:listening', ['listen']],
    ['state:close_wait', ['v6']],
    ['state:none', ['dns', 'udp6']],
    // owner
    ['pid:77', ['listen']],
    ['pid:0', ['tw']],
    ['pid:300-301', ['dns', 'udp6']],
    ['proc:ssh', ['ll']],
    ['process:POSTGRES', ['v6']],
    ['proc:"my app"', ['listen']],
    ['proc:program', ['listen']],
    ['proc:sbin', ['web']],
    ['host:example.net', ['web']],
    // family / protocol
    ['family:4', ['web', 'listen', 'tw', 'dns']],
    ['family:ipv6', ['v6', 'll', 'mapped', 'udp6']],
    ['family:IPv4', ['web', 'listen', 'tw', 'dns']],
    ['protocol:udp', ['dns', 'udp6']],
    ['proto:TCP', ['web', 'listen', 'tw', 'v6', 'll', 'mapped']],
    ['proto:udp6', ['udp6']],
    // negation and AND
    ['-state:listen', ['web', 'tw', 'v6', 'll', 'mapped', 'dns', 'udp6']],
    ['proto:tcp -family:6 -state:listen', ['web', 'tw']],
    ['state:established port:22', ['ll']],
    ['-nginx -udp -127.0.0.1', ['listen', 'v6', 'll', 'mapped']],
    ['proto:tcp  state:estab   -addr:fe80::/10', ['web']],
    ['-proc:"my app" family:4 proto:tcp', ['web', 'tw']],
  ];
  it.each(table)('%j', (expr, expected) => {
    expect(matching(expr)).toEqual(expected);
  });

  it('regex characters in words are literal', () => {
    const c = conn({ ...CONNS[0], name: 'rx', process: 'C++ Build (x64).exe' });
    for (const expr of ['proc:c++', 'proc:"(x64)"', '(x64)', 'c++', 'proc:.exe']) {
      const r = parseFilter(expr);
      expect(r.ok && r.filter.match(c)).toBe(true);
    }
    for (const expr of ['proc:c.+', 'c.+', 'proc:x64.']) {
      const r = parseFilter(expr);
      expect(r.ok && r.filter.match(c)).toBe(false);
    }
  });

  it('keeps the source text', () => {
    const r = parseFilter('port:80  ');
    expect(r.ok && r.filter.source).toBe('port:80  ');
  });

  it('quoted values may contain escaped quotes and colons', () => {
    const c = conn({ ...CONNS[0], name: 'q', process: 'say "hi":now' });
    const r = parseFilter('proc:"say \\"hi\\":now"');
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.filter.match(c)).toBe(true);
      expect(r.filter.match(CONNS[0])).toBe(false);
    }
  });
});

describe('parseFilter: errors say where and why', () => {
  function err(expr: string): { message: string; text: string; start: number; end: number } {
    const r = parseFilter(expr);
    if (r.ok) throw new Error(`expected "${expr}" to fail`);
    return { ...r.error, text: expr.slice(r.error.start, r.error.end) };
  }

  it('unknown key lists the valid keys', () => {
    const e = err('state:listen colour:red');
    expect(e.text).toBe('colour');
    expect(e.start).toBe(13);
    expect(e.message).toContain('unknown key "colour:"');
    for (const k of FILTER_KEYS) expect(e.message).toContain(k);
  });

  it('empty value', () => {
    const e = err('nginx port:');
    expect(e.text).toBe('port:');
    expect(e.message).toMatch(/empty value/);
    expect(err('proc:""').message).toMatch(/empty value/);
  });

  it('bad port numbers and ranges', () => {
    let e = err('port:70000');
    expect(e.text).toBe('70000');
    expect(e.message).toMatch(/70000.*0–65535/);
    e = err('lport:8100-8000');
    expect(e.text).toBe('8100-8000');
    expect(e.message).toMatch(/reversed/);
    e = err('rport:http');
    expect(e.message).toMatch(/bad port "http"/);
    e = err('port:80-70000');
    expect(e.message).toMatch(/70000/);
  });

  it('bad CIDR prefix points at the prefix', () => {
    let e = err('addr:10.0.0.0/33');
    expect(e.text).toBe('/33');
    expect(e.message).toMatch(/prefix.*0–32/);
    e = err('addr:fe80::/129');
    expect(e.text).toBe('/129');
    expect(e.message).toMatch(/0–128/);
    e = err('raddr:10.0.0.0/x');
    expect(e.text).toBe('/x');
  });

  it('bad CIDR address points at the address', () => {
    const e = err('addr:10.0.300.0/8');
    expect(e.text).toBe('10.0.300.0');
    expect(e.message).toMatch(/not an IPv4 address/);
  });

  it('unknown and ambiguous states', () => {
    let e = err('state:bogus');
    expect(e.text).toBe('bogus');
    expect(e.message).toMatch(/unknown state "bogus".*ESTABLISHED/);
    e = err('state:fin');
    expect(e.message).toMatch(/ambiguous.*FIN-WAIT-1, FIN-WAIT-2/);
  });

  it('unterminated quote spans from the quote to the end', () => {
    const e = err('port:80 proc:"my app');
    expect(e.start).toBe(13);
    expect(e.end).toBe('port:80 proc:"my app'.length);
    expect(e.message).toMatch(/unterminated quote/);
  });

  it('a lone minus', () => {
    const e = err('port:80 - nginx');
    expect(e.text).toBe('-');
    expect(e.message).toMatch(/negate/);
  });

  it('bad family, protocol, pid', () => {
    expect(err('family:5').message).toMatch(/bad family "5"/);
    expect(err('proto:icmp').message).toMatch(/bad protocol "icmp"/);
    expect(err('pid:abc').message).toMatch(/bad pid "abc"/);
  });

  it('the first error wins when there are several', () => {
    expect(err('a:1 port:99999').text).toBe('a');
  });
});

describe('parseAddressInto agrees with parseAddress', () => {
  it.each([
    '0.0.0.0', '127.0.0.1', '255.255.255.255', '::', '::1', '1::', 'fe80::1', 'fe80::1%3', '2001:db8:0:0:1:0:0:1',
    '1:2:3:4:5:6:7:8', '::ffff:10.1.2.3', '64:ff9b::192.0.2.33', '1:2:3:4:5:6:1.2.3.4', 'ABCD::EF01',
    // not addresses
    '', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '1:2:3:4:5:6:7:8:9', '1::2::3', ':1', '1:', '12345::', 'g::1',
    '::1.2.3', '1:2:3:4:5:6:7::8:9', 'foo', '01234.1.1.1',
  ])('%j', async (s) => {
    const { parseAddress, parseAddressInto } = await import('./filter-address');
    const out = new Uint8Array(16).fill(7);
    const ok = parseAddressInto(s, out);
    const ref = parseAddress(s);
    expect(ok).toBe(ref !== null);
    if (ref) expect([...out]).toEqual([...ref]);
  });
});
