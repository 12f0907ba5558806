import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from './connection';
import { FILTER_KEYS, MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, MAX_FILTER_TERMS, parseFilter } from './filter';
import { FILTER_HELP } from './filter-help';
import { ACCEPTED_UNITS, UNIT_HELP } from './filter-numeric';

type Fixture = Omit<Connection, 'id'> & { name: string };

function conn(f: Fixture): Connection & { name: string } {
  const { name, ...rest } = f;
  return { id: connectionKey(rest), name, ...rest };
}

// A fixed set: every term in the table below is checked against all of these.
const CONNS = [
  conn({ name: 'web', protocol: 'tcp', family: 4, localAddress: '10.1.2.3', localPort: 443, remoteAddress: '203.0.113.9', remotePort: 51000, state: 'ESTABLISHED', pid: 1200, process: 'nginx', processPath: '/usr/sbin/nginx', remoteHost: 'client.example.net', bytesSent: 12_000_000, bytesReceived: 3000, sendRate: 1_500_000, receiveRate: 0, rttMs: 120, retransmits: 3, limitedBy: 'network' }),
  conn({ name: 'listen', protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 77, process: 'My App.exe', processPath: 'C:\\Program Files\\My App\\My App.exe' }),
  conn({ name: 'tw', protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 40000, remoteAddress: '127.0.0.1', remotePort: 8080, state: 'TIME-WAIT', pid: 0, process: 'System Idle Process', bytesSent: null, bytesReceived: null, sendRate: null, receiveRate: null, rttMs: null, retransmits: null, limitedBy: null }),
  conn({ name: 'v6', protocol: 'tcp', family: 6, localAddress: '::1', localPort: 5432, remoteAddress: '::1', remotePort: 60000, state: 'CLOSE-WAIT', pid: 555, process: 'postgres', bytesSent: 500, sendRate: 100, receiveRate: null, rttMs: 0.05, retransmits: 0, limitedBy: 'receiver' }),
  conn({ name: 'll', protocol: 'tcp', family: 6, localAddress: 'fe80::1', localPort: 22, localScopeId: 3, remoteAddress: 'fe80::abcd', remotePort: 50123, remoteScopeId: 3, state: 'ESTABLISHED', pid: 900, process: 'sshd', bytesSent: 10 * 1024 * 1024, bytesReceived: 1024, sendRate: 400_000, receiveRate: 700_000, rttMs: 99.5, retransmits: 0, limitedBy: 'sender' }),
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
    // a listener has no remote port (stored as 0): remote-port terms never match it
    ['rport:0', []],
    ['port:0', []],
    ['port:0-1023', ['web', 'll', 'dns']],
    ['state:listen -port:0-1023', ['listen']],
    ['raddr:0.0.0.0', []],
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
    // lists, OR, parentheses: AND binds tighter than |, - negates a group
    ['port:22,53', ['ll', 'dns']],
    ['port:22|53', ['ll', 'dns']],
    ['port:22 | port:53', ['ll', 'dns']],
    ['port:22|port:53', ['ll', 'dns']],
    ['proto:udp | port:22 family:4', ['dns', 'udp6']],
    ['(proto:udp | port:22) family:4', ['dns']],
    ['-(state:estab | proto:udp)', ['listen', 'tw', 'v6', 'mapped']],
    ['-(port:22,53) -proto:tcp', ['udp6']],
    ['((port:22))', ['ll']],
    ['state:estab,listen', ['web', 'listen', 'll']],
    ['state:listen|time-wait', ['listen', 'tw']],
    ['proc:nginx,sshd', ['web', 'll']],
    ['proc:"my app",nginx', ['web', 'listen']],
    ['addr:127.0.0.1,::1', ['tw', 'v6']],
    ['pid:77,300-301', ['listen', 'dns', 'udp6']],
    ['family:4,6 proto:udp,tcp6', ['v6', 'll', 'mapped', 'dns', 'udp6']],
    ['nginx | sshd', ['web', 'll']],
    ['(nginx)', ['web']],
    // a bare CIDR is addr:
    ['10.0.0.0/8', ['web', 'mapped']],
    ['-10.0.0.0/8 proto:tcp family:4', ['listen', 'tw']],
    ['fe80::/10', ['ll']],
    ['192.168.0.0/16', ['mapped']],
    // endpoint text as netmon prints it, pasted as a word or addr: value
    ['10.1.2.3:443', ['web']],
    ['addr:10.1.2.3:443', ['web']],
    ['addr:203.0.113.9:51000', ['web']],
    ['laddr:203.0.113.9:51000', []],
    ['raddr:203.0.113.9:51000', ['web']],
    ['addr:10.1.2.3:444', []],
    ['[fe80::1%3]:22', ['ll']],
    ['addr:[fe80::1%3]:22', ['ll']],
    ['addr:[fe80::1%4]:22', []],
    ['addr:[fe80::1]:22', ['ll']],
    ['fe80::1%3', ['ll']],
    ['fe80::1%4', []],
    ['addr:fe80::1%3', ['ll']],
    ['addr:fe80::1%2', []],
    ['addr:[fe80::abcd%3]', ['ll']],
    ['raddr:fe80::abcd%3', ['ll']],
    ['laddr:fe80::abcd%3', []],
    ['[::1]:60000', ['v6']],
    ['addr:[::1]:5432', ['v6']],
    ['::1', ['v6', 'll']], // a free word is a substring: fe80::1 holds it too
    // a listener, like a UDP endpoint, has no remote side: `*:*` is how netmon prints it
    ['*:*', ['listen', 'dns', 'udp6']],
    ['addr:*:*', ['listen', 'dns', 'udp6']],
    ['raddr:*:*', ['listen', 'dns', 'udp6']],
    ['laddr:*:*', []],
    ['0.0.0.0:8080', ['listen']],
    ['0.0.0.0:8080→*:*', ['listen']],
    ['0.0.0.0:0', []],
    ['raddr:0.0.0.0:0', []],
    ['raddr:0.0.0.0', []],
    ['addr:0.0.0.0:53', ['dns']],
    ['[::]:5353', ['udp6']],
    ['addr:[::]:5353', ['udp6']],
    ['tcp6', ['v6', 'll', 'mapped']],
    ['[::ffff:10.9.8.7]:3000', ['mapped']],
    ['10.1.2.3:443→203.0.113.9:51000', ['web']], // a whole `netmon watch` endpoint pair
    ['0.0.0.0:53→*:*', ['dns']],
    ['10.1.2.3:443→203.0.113.9:5100', ['web']],
    ['10.1.2.3:443→10.1.2.3:443', []],
    // numeric comparisons over the traffic fields; absent or null values never match
    ['rate>1M', ['web', 'll']],
    ['rate>1.2M', ['web']],
    ['rate>=1.1M', ['web', 'll']],
    ['rate:>1M', ['web', 'll']],
    ['rate>1MB/s', ['web', 'll']],
    ['rate>1MiB', ['web', 'll']],
    ['rate>1.2MiB', ['web']],
    ['rate<1k', ['v6']],
    ['-rate>1M', ['listen', 'tw', 'v6', 'mapped', 'dns', 'udp6']],
    ['sendrate>1M', ['web']],
    ['recvrate>=700k', ['ll']],
    ['recvrate<1', ['web']],
    ['sent>=10MiB', ['web', 'll']],
    ['sent>10MiB', ['web']],
    ['sent>10M', ['web', 'll']],
    ['sent<1KiB', ['v6']],
    ['recv=1KiB', ['ll']],
    ['recv:1024', ['ll']],
    ['received<=3k', ['web', 'll']],
    ['rtt>100ms', ['web']],
    ['rtt>0.1s', ['web']],
    ['rtt<100', ['v6', 'll']],
    ['rtt<100us', ['v6']],
    ['rtt>=99.5', ['web', 'll']],
    ['retrans>0', ['web']],
    ['retrans=0', ['v6', 'll']],
    ['retransmits:0', ['v6', 'll']],
    ['limited:cwnd', ['web']],
    ['limited:network', ['web']],
    ['limited:rwin|app', ['v6', 'll']],
    ['limited:rwin,cwnd', ['web', 'v6']],
    ['limited:sender', ['ll']],
    ['port>50000', ['web', 'v6', 'll']],
    ['lport<=22', ['ll']],
    ['rport>=60000', ['v6']],
    ['pid>=900', ['web', 'll']],
    ['rtt>100ms | retrans>0', ['web']],
    ['(rate>1M | retrans>0) -state:time-wait family:6', ['ll']],
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

  it('says whether it reads traffic fields (a view need not look again at rows whose counters moved)', () => {
    const reads = (e: string) => {
      const r = parseFilter(e);
      if (!r.ok) throw new Error(r.error.message);
      return r.filter.readsTraffic;
    };
    for (const e of ['rate>1M', 'sendrate>=1', 'recvrate<5', 'sent>10MiB', 'received>0', 'rtt>100ms', 'retrans>0', 'retransmits:0', 'limited:rwin', 'port:443 | -rtt<5ms', '(proc:a (pid:1 | rate>1))']) {
      expect([e, reads(e)]).toEqual([e, true]);
    }
    for (const e of ['', 'port:443', 'pid>100', 'proc:chrome -state:time-wait', 'rate', '"rate>1"', '10.0.0.0/8 family:6']) {
      expect([e, reads(e)]).toEqual([e, false]);
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

  it('unbalanced parentheses point at the lone one', () => {
    let e = err('port:80 (proto:tcp | state:listen');
    expect([e.start, e.text]).toEqual([8, '(']);
    expect(e.message).toMatch(/unbalanced "\(".*add a closing "\)"/);
    e = err('port:80) proto:tcp');
    expect([e.start, e.text]).toEqual([7, ')']);
    expect(e.message).toMatch(/unbalanced "\)"/);
    e = err('(port:80 (x)');
    expect([e.start, e.text]).toEqual([0, '(']);
    expect(err('port:80 ()').text).toBe('()');
    expect(err('port:80 ()').message).toMatch(/empty parentheses/);
  });

  it('empty alternatives point at the "|"', () => {
    let e = err('| port:80');
    expect([e.start, e.text]).toEqual([0, '|']);
    expect(e.message).toMatch(/nothing before "\|"/);
    e = err('port:80 |');
    expect([e.start, e.text]).toEqual([8, '|']);
    expect(e.message).toMatch(/nothing after "\|"/);
    e = err('port:80 | | x');
    expect([e.start, e.text]).toEqual([8, '|']);
    e = err('(port:80 |) x');
    expect([e.start, e.text]).toEqual([9, '|']);
    e = err('-| x');
    expect(e.message).toMatch(/negate/);
  });

  it('empty list items point at their place', () => {
    let e = err('port:80,');
    expect(e.start).toBe(8);
    expect(e.message).toMatch(/empty item in the list of "port"/);
    e = err('state:,listen');
    expect(e.start).toBe(6);
    e = err('port:80,x');
    expect([e.text, e.message]).toEqual(['x', 'bad port "x": expected a number or a range like 8000-8100']);
  });

  it('comparisons: bad numbers, units and operators say what is expected', () => {
    let e = err('rate>fast');
    expect(e.text).toBe('fast');
    expect(e.message).toMatch(/bad rate value "fast": expected bytes.*MiB/);
    e = err('rate>1X');
    expect(e.text).toBe('X');
    expect(e.message).toMatch(/unknown unit "X"/);
    e = err('rtt>5MiB');
    expect(e.message).toMatch(/"MiB" is a byte unit; rtt is smoothed round-trip time: expected .*ms/);
    e = err('sent>1M/s');
    expect(e.message).toMatch(/"\/s" only goes with rates/);
    e = err('state>1');
    expect(e.text).toBe('>');
    expect(e.message).toMatch(/"state" takes no ">" comparison/);
    e = err('port>80-90');
    expect(e.text).toBe('80-90');
    e = err('limited:slow');
    expect(e.text).toBe('slow');
    expect(e.message).toMatch(/rwin \(receiver\), cwnd \(network\) or app \(sender\)/);
    e = err('rate> 1M');
    expect([e.message, e.text]).toEqual(['comparison with spaces: write rate>1M', 'rate> 1M']);
    e = err('rate>');
    expect(e.message).toMatch(/empty value after "rate>"/);
    e = err('retrans>"1"');
    expect(e.message).toMatch(/bad retrans value/);
    e = err('rtts>100');
    expect(e.message).toMatch(/unknown key "rtts>"/);
  });

  it('a comparison written with spaces is an error showing it joined, never three words matching nothing (issue 11)', () => {
    const cases: [expr: string, message: string, pointedAt: string][] = [
      ['sent > 10MiB', 'comparison with spaces: write sent>10MiB', 'sent > 10MiB'],
      ['sent >10MiB', 'comparison with spaces: write sent>10MiB', 'sent >10MiB'],
      ['sent> 10MiB', 'comparison with spaces: write sent>10MiB', 'sent> 10MiB'],
      ['state:estab rate >=  1M', 'comparison with spaces: write rate>=1M', 'rate >=  1M'],
      ['rtt < 5ms', 'comparison with spaces: write rtt<5ms', 'rtt < 5ms'],
      ['retrans<= 3', 'comparison with spaces: write retrans<=3', 'retrans<= 3'],
      ['retrans = 0', 'comparison with spaces: write retrans=0', 'retrans = 0'],
      ['proc:nginx (sent >1M)', 'comparison with spaces: write sent>1M', 'sent >1M'],
    ];
    for (const [expr, message, pointedAt] of cases) {
      const e = err(expr);
      expect([expr, e.message, e.text]).toEqual([expr, message, pointedAt]);
    }
    // No key to join with: still an error, at the operator.
    const lone = err('> 5');
    expect(lone.message).toMatch(/comparison needs a key and a value, written without spaces/);
    expect(err('>').text).toBe('>');
    expect(err('(>) port:1').text).toBe('>');
    // Quoted text is text, and the written-together forms still parse.
    expect(matching('"a > b"')).toEqual([]);
    expect(matching('sent>10MiB')).toEqual(['web']);
    expect(matching('sent>=10MiB')).toEqual(['web', 'll']);
  });

  it('units: every accepted unit is listed in the errors and the help, and a segment count is whole (issue 11)', () => {
    for (const [kind, units] of Object.entries(ACCEPTED_UNITS)) {
      const listed = UNIT_HELP[kind as keyof typeof UNIT_HELP];
      for (const u of units.filter((x) => x !== '')) {
        expect([kind, u, new RegExp(`(^|[^a-zµ])${u}([^a-z]|$)`, 'i').test(listed)]).toEqual([kind, u, true]);
        expect([kind, u, new RegExp(`(^|[^a-zµ])${u}([^a-z]|$)`, 'i').test(FILTER_HELP)]).toEqual([kind, u, true]);
      }
    }
    // MB is decimal, as listed: 10MB = 10,000,000 bytes.
    expect(matching('sent>=10MB')).toEqual(['web', 'll']);
    expect(matching('sent>=10.5MB')).toEqual(['web']);
    expect(err('sent>=10XB').message).toMatch(/kB, MB, GB \(×1000\)/);
    for (const expr of ['retrans>0.5', 'retrans:1.5', 'retrans<=.5', 'retrans>1.0005k']) {
      const e = err(expr);
      expect([expr, e.message]).toEqual([expr, `bad retrans value "${e.text}": expected a whole number (k, M, G allowed: ×1000)`]);
    }
    expect(err('retrans:abc').message).toBe('bad retrans value "abc": expected a whole number (k, M, G allowed: ×1000)');
    expect(matching('retrans>=1.5k')).toEqual([]);
    expect(matching('retrans>2.0')).toEqual(['web']);
  });

  it('limits: length, terms and nesting give errors, not slow parses', () => {
    // issue 7 §4: a free word of 32,783 characters used to throw "Regular expression too large" at match time
    let e = err('x'.repeat(32_783));
    expect(e.message).toBe(`filter too long: 32783 characters, at most ${MAX_FILTER_LENGTH}`);
    expect([e.start, e.end]).toEqual([MAX_FILTER_LENGTH, 32_783]);
    e = err(':'.repeat(200_000));
    expect(e.message).toMatch(/filter too long/);
    e = err(Array.from({ length: MAX_FILTER_TERMS + 1 }, (_, i) => `p${i}`).join(' '));
    expect(e.message).toBe(`too many terms: at most ${MAX_FILTER_TERMS}`);
    expect(e.text).toBe(`p${MAX_FILTER_TERMS}`);
    e = err(`port:${Array.from({ length: MAX_FILTER_TERMS + 1 }, (_, i) => i).join(',')}`);
    expect(e.message).toMatch(/too many terms/);
    e = err(`${'('.repeat(MAX_FILTER_DEPTH + 1)}x${')'.repeat(MAX_FILTER_DEPTH + 1)}`);
    expect(e.message).toMatch(/nested too deeply/);
    expect(e.start).toBe(MAX_FILTER_DEPTH);
    expect(err(`${'-'.repeat(MAX_FILTER_DEPTH + 1)}x`).message).toMatch(/nested too deeply/);
    // just inside the limits: parses and matches
    expect(parseFilter(`${'('.repeat(MAX_FILTER_DEPTH)}nginx${')'.repeat(MAX_FILTER_DEPTH)}`).ok).toBe(true);
    expect(matching(`${'--'.repeat(MAX_FILTER_DEPTH / 2)}nginx`)).toEqual(['web']);
    expect(matching('x'.repeat(MAX_FILTER_LENGTH))).toEqual([]);
    expect(matching(`nginx${' '.repeat(MAX_FILTER_LENGTH - 5)}`)).toEqual(['web']);
  });
});

describe('parseFilter: warnings', () => {
  it('host: where names are not resolved warns, pointing at the term, and still applies', () => {
    const r = parseFilter('port:443 host:example', { namesResolved: false });
    if (!r.ok) throw new Error(r.error.message);
    expect(r.filter.warnings).toHaveLength(1);
    const w = r.filter.warnings[0];
    expect('port:443 host:example'.slice(w.start, w.end)).toBe('host:example');
    expect(w.message).toMatch(/not resolved.*matches nothing/);
    expect(CONNS.filter((c) => r.filter.match(c)).map((c) => c.name)).toEqual(['web']);
  });

  it('no warning where names are resolved, or without host:', () => {
    const a = parseFilter('host:example');
    const b = parseFilter('port:443 proc:host', { namesResolved: false });
    expect(a.ok && a.filter.warnings).toEqual([]);
    expect(b.ok && b.filter.warnings).toEqual([]);
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

describe('a listener has no remote side, as a UDP endpoint has none', () => {
  // The admin's example: a listener, a connection to it and a UDP socket on 47001-47003.
  const rows = [
    conn({ name: 'listen4', protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 47001, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 1, process: 'a' }),
    conn({ name: 'listen6', protocol: 'tcp', family: 6, localAddress: '::', localPort: 47001, remoteAddress: '::', remotePort: 0, state: 'LISTEN', pid: 1, process: 'a' }),
    conn({ name: 'client', protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 47002, remoteAddress: '127.0.0.1', remotePort: 47001, state: 'ESTABLISHED', pid: 2, process: 'b' }),
    conn({ name: 'udp', protocol: 'udp', family: 4, localAddress: '127.0.0.1', localPort: 47003, remoteAddress: null, remotePort: null, state: null, pid: 3, process: 'c' }),
  ];
  it.each([
    ['addr:*:* port:47001-47003', ['listen4', 'listen6', 'udp']],
    ['raddr:*:*', ['listen4', 'listen6', 'udp']],
    ['*:* port:47001-47003', ['listen4', 'listen6', 'udp']],
    ['-raddr:*:*', ['client']],
    ['rport:0', []],
    ['raddr:[::]:0', []],
    ['[::]:47001→*:*', ['listen6']],
  ])('%s', (expr, names) => {
    const r = parseFilter(expr);
    if (!r.ok) throw new Error(r.error.message);
    expect(rows.filter((c) => r.filter.match(c)).map((c) => c.name)).toEqual(names);
  });
});
