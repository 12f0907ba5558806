// Every filter example the documents show (the filter help that `--help` and the app's `?` print,
// the README, docs/agent.md) parses, and means what its text says, over one fixed set of rows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connectionKey, type Connection } from './connection';
import { parseFilter } from './filter';
import { FILTER_HELP } from './filter-help';

type Row = Omit<Connection, 'id'> & { name: string };
const row = ({ name, ...rest }: Row): Connection & { name: string } => ({ id: connectionKey(rest), name, ...rest });
const NO_TRAFFIC = { bytesSent: null, bytesReceived: null, sendRate: null, receiveRate: null, rttMs: null, retransmits: null, limitedBy: null };

const ROWS = [
  row({ name: 'https', protocol: 'tcp', family: 4, localAddress: '10.0.0.5', localPort: 50522, remoteAddress: '203.0.113.7', remotePort: 443, state: 'ESTABLISHED', pid: 4120, process: 'curl', remoteHost: 'api.github.com', bytesSent: 20 * 2 ** 20, bytesReceived: 1000, sendRate: 2 * 2 ** 20, receiveRate: 0, rttMs: 30, retransmits: 0, limitedBy: null }),
  row({ name: 'slow', protocol: 'tcp', family: 4, localAddress: '10.0.0.5', localPort: 50600, remoteAddress: '198.51.100.2', remotePort: 80, state: 'ESTABLISHED', pid: 4121, process: 'nginx', bytesSent: 100, bytesReceived: 100, sendRate: 10, receiveRate: 10, rttMs: 250, retransmits: 4, limitedBy: 'network' }),
  row({ name: 'loop', protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 50700, remoteAddress: '127.0.0.1', remotePort: 8080, state: 'ESTABLISHED', pid: 4122, process: 'node', ...NO_TRAFFIC }),
  row({ name: 'tw', protocol: 'tcp', family: 4, localAddress: '10.0.0.5', localPort: 50800, remoteAddress: '203.0.113.7', remotePort: 443, state: 'TIME-WAIT', pid: 0, process: null, bytesSent: 10, bytesReceived: 10, sendRate: 0, receiveRate: 0, rttMs: 500, retransmits: 1, limitedBy: null }),
  row({ name: 'listen80', protocol: 'tcp', family: 4, localAddress: '0.0.0.0', localPort: 80, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 900, process: 'caddy', ...NO_TRAFFIC }),
  row({ name: 'listen8080', protocol: 'tcp', family: 4, localAddress: '127.0.0.1', localPort: 8080, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN', pid: 901, process: 'node', ...NO_TRAFFIC }),
  row({ name: 'listen6', protocol: 'tcp', family: 6, localAddress: '::', localPort: 443, remoteAddress: '::', remotePort: 0, state: 'LISTEN', pid: 902, process: 'nginx', ...NO_TRAFFIC }),
  row({ name: 'ssh6', protocol: 'tcp', family: 6, localAddress: 'fe80::1', localScopeId: 2, localPort: 22, remoteAddress: 'fe80::2', remoteScopeId: 2, remotePort: 50123, state: 'ESTABLISHED', pid: 903, process: 'sshd', ...NO_TRAFFIC }),
  row({ name: 'dns', protocol: 'udp', family: 4, localAddress: '0.0.0.0', localPort: 53, remoteAddress: null, remotePort: null, state: null, pid: 300, process: 'dnsmasq' }),
  row({ name: 'mdns6', protocol: 'udp', family: 6, localAddress: '::1', localPort: 5353, remoteAddress: null, remotePort: null, state: null, pid: 301, process: 'avahi-daemon' }),
];

function matching(expr: string): string[] {
  const r = parseFilter(expr);
  if (!r.ok) throw new Error(`"${expr}" does not parse: ${r.error.message}`);
  return ROWS.filter((c) => r.filter.match(c)).map((c) => c.name);
}

/** The filter help's "Examples:" block, split where its columns are (two blanks or more). */
function helpExamples(): string[] {
  const block = FILTER_HELP.slice(FILTER_HELP.indexOf('Examples:') + 'Examples:'.length);
  return block.split('\n').flatMap((l) => l.trim().split(/\s{2,}/)).filter(Boolean);
}

const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
const agentDoc = readFileSync(join(__dirname, '..', 'docs', 'agent.md'), 'utf8');

/** `--filter 'EXPR'` / `--filter EXPR` and the agent config's "filter": "EXPR" in a document. */
function documentedFilters(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/--filter (?:'([^']+)'|([^\s`'"]+))/g)) out.push(m[1] ?? m[2]);
  for (const m of text.matchAll(/"filter": "([^"]+)"/g)) out.push(m[1]);
  // `--filter EXPR` in a usage line is a placeholder, not an example.
  return out.filter((e) => e !== 'EXPR');
}

describe('the filter examples the documents show', () => {
  // What each example means, as the text around it says.
  const meanings: Record<string, string[]> = {
    // help
    'state:estab -addr:127.0.0.0/8': ['https', 'slow', 'ssh6'],
    'port:80,443 | proc:nginx': ['https', 'slow', 'tw', 'listen80', 'listen6'],
    '-state:listen family:6': ['ssh6', 'mdns6'],
    'state:listen -port:0-1023': ['listen8080'],
    '10.0.0.0/8 rate>1MiB': ['https'],
    '(rtt>100ms | retrans>0) -state:time-wait': ['slow'],
    'proto:udp | port:22 family:4': ['dns', 'mdns6'],
    'proto:udp | (port:22 family:4)': ['dns', 'mdns6'],
    // README
    'state:listen': ['listen80', 'listen8080', 'listen6'],
    'port:443 -state:time-wait': ['https', 'listen6'],
    'rate>1MiB | retrans>0': ['https', 'slow', 'tw'],
    'state:estab': ['https', 'slow', 'loop', 'ssh6'],
    'port:8000-8100 proc:node': ['loop', 'listen8080'],
    'addr:fe80::/10': ['ssh6'],
    'host:github': ['https'],
    'proto:udp': ['dns', 'mdns6'],
    'port:80,443': ['https', 'slow', 'tw', 'listen80', 'listen6'],
    '(proc:nginx | proc:caddy) -state:time-wait': ['slow', 'listen80', 'listen6'],
    'rate>1M': ['https'],
    'sent>=10MiB': ['https'],
    'addr:203.0.113.7': ['https', 'tw'],
    'rtt>100ms': ['slow', 'tw'],
    'retrans>0': ['slow', 'tw'],
    'limited:rwin': [],
    'limited:cwnd': ['slow'],
    '[fe80::1%2]:22': ['ssh6'],
    '[fe80::1%3]:22': [],
    // agent: loopback left out (a listener on 127.0.0.1 too; one on 0.0.0.0 or :: is not loopback)
    '-addr:127.0.0.0/8': ['https', 'slow', 'tw', 'listen80', 'listen6', 'ssh6', 'dns', 'mdns6'],
    '-addr:127.0.0.0/8 -addr:::1': ['https', 'slow', 'tw', 'listen80', 'listen6', 'ssh6', 'dns'],
    // the help's words: a listener's and a UDP socket's remote side is *:*
    '*:*': ['listen80', 'listen8080', 'listen6', 'dns', 'mdns6'],
    'addr:*:*': ['listen80', 'listen8080', 'listen6', 'dns', 'mdns6'],
    '127.0.0.1:8080→*:*': ['listen8080'],
    '-rate>1M': ['slow', 'loop', 'tw', 'listen80', 'listen8080', 'listen6', 'ssh6', 'dns', 'mdns6'],
    'state:none': ['dns', 'mdns6'],
  };

  it('the help, README and docs/agent.md show examples (this test reads them all)', () => {
    expect(helpExamples().length).toBeGreaterThanOrEqual(6);
    expect(documentedFilters(readme).length).toBeGreaterThanOrEqual(5);
    expect(documentedFilters(agentDoc).length).toBeGreaterThanOrEqual(2);
  });

  it.each([...new Set([...helpExamples(), ...documentedFilters(readme), ...documentedFilters(agentDoc)])])('%s parses and means what the text says', (expr) => {
    expect(Object.keys(meanings), `no stated meaning for the documented example "${expr}"`).toContain(expr);
    expect(matching(expr)).toEqual(meanings[expr]);
  });

  it.each(Object.entries(meanings))('%s', (expr, names) => {
    expect(matching(expr)).toEqual(names);
  });
});

describe('a free word reads a listener’s remote side as shown (*:*), not the OS’s 0.0.0.0:0 placeholder', () => {
  it('0.0.0.0 finds what is bound to every address, not a loopback listener', () => {
    expect(matching('0.0.0.0')).toEqual(['listen80', 'dns']);
    expect(matching('-0.0.0.0 state:listen')).toEqual(['listen8080', 'listen6']);
  });
});
