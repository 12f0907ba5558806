// Fuzzing the filter language (issue 7 §4): random and adversarial expressions never throw out of
// parseFilter or match, and each parses and matches within a time bound. Seeded, so a failure
// names an input that reproduces.
import { describe, expect, it } from 'vitest';
import { prng } from '../main/model/random';
import { connectionKey, type Connection } from './connection';
import { MAX_FILTER_DEPTH, MAX_FILTER_LENGTH, parseFilter } from './filter';

// Generous for a shared, loaded machine (a parse at the length limit takes well under 1 ms); the
// super-linear parser took 12 s on 200k colons, and the regex matcher threw on long words.
const BOUND_MS = 500;

function row(over: Partial<Connection>): Connection {
  const c: Omit<Connection, 'id'> = {
    protocol: 'tcp', family: 6, localAddress: 'fe80::1', localPort: 22, localScopeId: 2, remoteAddress: '2001:db8::9', remotePort: 50000,
    state: 'ESTABLISHED', pid: 42, process: 'Ünïcødé — app', processPath: 'C:\\Program Files\\x\\app.exe', remoteHost: 'h.example',
    bytesSent: 10, sendRate: 5, receiveRate: null, rttMs: 1.5, retransmits: 0, limitedBy: 'sender', ...over,
  };
  return { id: connectionKey(c), ...c };
}
const ROWS = [
  row({}),
  row({ protocol: 'udp', family: 4, localAddress: '0.0.0.0', localPort: 53, localScopeId: undefined, remoteAddress: null, remotePort: null, state: null, pid: null, process: null, processPath: null, remoteHost: null }),
  row({ family: 4, localAddress: '127.0.0.1', localScopeId: undefined, remoteAddress: '0.0.0.0', remotePort: 0, state: 'LISTEN' }),
];

// Pieces that exercise every branch of the lexer and parser, glued at random.
const PIECES = [
  ' ', ' ', '(', ')', '|', '-', ':', ',', '"', '\\', '/', '%', '[', ']', '*', '>', '<', '=', '>=', '.', '0', '1', '9', '65535', '99999',
  'port:', 'rport:', 'addr:', 'raddr:', 'state:', 'proc:', 'host:', 'rate>', 'sent>=', 'rtt<', 'retrans=', 'limited:', 'family:', 'proto:',
  'fe80::', '::1', '10.0.0.0/', '/10', '::ffff:', 'ms', 'MiB', 'k', 'estab', 'listen', 'cwnd', 'tcp6', '*:*', 'x', 'é', '\u{1F600}',
  '\u0000', '\u0007', '\u202E', '\uFFFF', '\uD800', '\t', '\n', 'abc', 'dead:', 'beef',
];

function randomExpr(next: () => number): string {
  const n = Math.floor(next() * 40);
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)];
  return s;
}

const ADVERSARIAL: [string, string][] = [
  ['a free word of 32,783 characters', 'x'.repeat(32_783)],
  ['a word at the length limit', 'y'.repeat(MAX_FILTER_LENGTH)],
  ['200k colons', ':'.repeat(200_000)],
  ['colons up to the limit', ':'.repeat(MAX_FILTER_LENGTH)],
  ['key then colons', `addr:${':'.repeat(MAX_FILTER_LENGTH - 5)}`],
  ['letters and colons', 'ab:'.repeat(MAX_FILTER_LENGTH / 3)],
  ['hex groups and colons', 'dead:beef:'.repeat(MAX_FILTER_LENGTH / 10)],
  ['deep parentheses', '('.repeat(MAX_FILTER_LENGTH)],
  ['closing parentheses', ')'.repeat(MAX_FILTER_LENGTH)],
  ['deep at the limit', `${'('.repeat(MAX_FILTER_DEPTH)}x${')'.repeat(MAX_FILTER_DEPTH)}`],
  ['minus chain', `${'-'.repeat(MAX_FILTER_LENGTH - 1)}x`],
  ['pipes', '|'.repeat(MAX_FILTER_LENGTH)],
  ['many alternatives', 'a|'.repeat(MAX_FILTER_LENGTH / 2 - 1) + 'a'],
  ['many spaced alternatives', 'ab | '.repeat(200) + 'ab'],
  ['a long list', `port:${'1,'.repeat(250)}2`],
  ['a list of pipes', `state:${'estab|'.repeat(250)}listen`],
  ['unterminated quote', `proc:"${'q'.repeat(MAX_FILTER_LENGTH - 7)}`],
  ['many quotes', '"'.repeat(MAX_FILTER_LENGTH)],
  ['escaped quotes', `"${'\\"'.repeat(MAX_FILTER_LENGTH / 2 - 1)}"`],
  ['long quoted word', `"${'é'.repeat(MAX_FILTER_LENGTH - 2)}"`],
  ['emoji', '\u{1F600}'.repeat(MAX_FILTER_LENGTH / 2)],
  ['lone surrogates', '\uD800'.repeat(MAX_FILTER_LENGTH)],
  ['control characters', Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('').repeat(100)],
  ['long CIDR prefix', `10.0.0.0/${'9'.repeat(MAX_FILTER_LENGTH - 10)}`],
  ['long IPv6 scope', `fe80::1%${'9'.repeat(MAX_FILTER_LENGTH - 10)}`],
  ['long number', `rate>${'9'.repeat(MAX_FILTER_LENGTH - 5)}`],
  ['long fraction', `rtt>0.${'1'.repeat(MAX_FILTER_LENGTH - 7)}ms`],
  ['long port', `port:${'9'.repeat(MAX_FILTER_LENGTH - 5)}`],
  ['regex characters', '.*+?^${}()|[]\\'.repeat(200)],
  ['many short terms', 'a '.repeat(255) + 'a'],
];

function check(expr: string): void {
  const t0 = performance.now();
  const r = parseFilter(expr);
  const input = JSON.stringify(expr.slice(0, 120));
  if (r.ok) {
    for (const c of ROWS) expect(typeof r.filter.match(c), input).toBe('boolean');
  } else {
    const { message, start, end } = r.error;
    expect(message, input).not.toBe('');
    expect(message, input).not.toMatch(/^cannot read this filter/); // a parser fault, not a user error
    expect(0 <= start && start <= end && end <= expr.length, `${input}: span ${start}-${end}`).toBe(true);
  }
  const ms = performance.now() - t0;
  if (ms > BOUND_MS) throw new Error(`${ms.toFixed(0)} ms for ${JSON.stringify(expr.slice(0, 80))}… (${expr.length} chars)`);
}

describe('filter fuzz', () => {
  it.each(ADVERSARIAL)('%s', (_name, expr) => check(expr));

  it('3,000 random expressions', () => {
    const next = prng(0x5eed);
    for (let i = 0; i < 3000; i++) check(randomExpr(next));
  });

  it('random expressions mutated from valid ones', () => {
    const next = prng(7);
    const valid = ['(port:80,443 | proc:nginx) -state:time-wait', 'rate>1MiB/s rtt<=100ms', 'addr:[fe80::1%2]:22 | 10.0.0.0/8', 'limited:rwin|cwnd -"a b"'];
    for (let i = 0; i < 2000; i++) {
      const base = valid[i % valid.length];
      const at = Math.floor(next() * base.length);
      const cut = Math.floor(next() * 3);
      check(base.slice(0, at) + PIECES[Math.floor(next() * PIECES.length)] + base.slice(at + cut));
    }
  });
});
