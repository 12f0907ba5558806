// The filter language shared by the CLI (--filter) and the UI's filter box.
//
//   expr   := term (whitespace term)*          all terms must match (AND)
//   term   := ['-'] (key ':' value | word)     '-' negates the term
//   value  := text | "quoted text"             \" and \\ escape inside quotes
//
// Matching is case-insensitive. Free words match any field as a substring. Keys:
//   port lport rport   number or range a-b (port: local or remote)
//   addr laddr raddr   CIDR (10.0.0.0/8, fe80::/10), exact address when the value parses as
//                      one (IPv4 also finds its IPv4-mapped IPv6 form), else address substring
//   state              TCP state: separators and case ignored (time_wait, TIME-WAIT, timewait),
//                      ss / netstat spellings (estab, syn-recv, listening), or an unambiguous
//                      prefix (estab, timew); `none` matches UDP endpoints (no state)
//   pid                number or range
//   proc / process     process name or path substring
//   family             4, 6, ipv4, ipv6
//   protocol / proto   tcp, udp (tcp4, tcp6, udp4, udp6 also fix the family)
//   host               reverse-DNS name substring
//
// A token is a key:value term only when the text before its first colon is letters only and the
// whole token is not itself an IPv6 address (`dead::beef`); quote a token to search it as text.
import { TCP_STATES, type Connection, type TcpState } from './connection';
import {
  cidrContains,
  parseAddress,
  parseAddressInto,
  parseCidr,
  sameAddress,
  type Address16,
  type Cidr,
} from './filter-address';

export interface FilterError {
  message: string;
  /** Character offsets into the expression: [start, end) of the offending text. */
  start: number;
  end: number;
}

export interface CompiledFilter {
  match(c: Connection): boolean;
  /** The expression as given. */
  source: string;
}

export type FilterResult = { ok: true; filter: CompiledFilter } | { ok: false; error: FilterError };

/** Canonical keys and their aliases. */
const KEY_ALIASES: Record<string, Key> = {
  port: 'port',
  lport: 'lport',
  rport: 'rport',
  addr: 'addr',
  laddr: 'laddr',
  raddr: 'raddr',
  state: 'state',
  pid: 'pid',
  proc: 'proc',
  process: 'proc',
  family: 'family',
  protocol: 'protocol',
  proto: 'protocol',
  host: 'host',
};
type Key = 'port' | 'lport' | 'rport' | 'addr' | 'laddr' | 'raddr' | 'state' | 'pid' | 'proc' | 'family' | 'protocol' | 'host';

/** Every key the language accepts, aliases included, for help texts and error messages. */
export const FILTER_KEYS: readonly string[] = Object.keys(KEY_ALIASES);

type Predicate = (c: Connection) => boolean;

interface Token {
  start: number;
  end: number;
  negated: boolean;
  key: { name: string; start: number; end: number } | null;
  value: string;
  valueStart: number;
  valueEnd: number;
  /** True when any part of the value was quoted (quoted tokens are never keys or addresses). */
  quoted: boolean;
}

class ParseError extends Error {
  constructor(
    message: string,
    readonly start: number,
    readonly end: number,
  ) {
    super(message);
  }
}

export function parseFilter(expr: string): FilterResult {
  try {
    const preds = tokenize(expr).map(compileToken);
    const match: Predicate =
      preds.length === 0 ? () => true : preds.length === 1 ? preds[0] : (c) => preds.every((p) => p(c));
    return { ok: true, filter: { match, source: expr } };
  } catch (e) {
    if (e instanceof ParseError) return { ok: false, error: { message: e.message, start: e.start, end: e.end } };
    throw e;
  }
}

// ---------------------------------------------------------------------------------------------
// Tokenizer

const isSpace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r';

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    if (isSpace(expr[i])) {
      i++;
      continue;
    }
    const start = i;
    let negated = false;
    if (expr[i] === '-') {
      negated = true;
      i++;
      if (i >= expr.length || isSpace(expr[i])) throw new ParseError('"-" must be followed by a term to negate', start, i);
    }
    const bodyStart = i;
    let text = '';
    let quoted = false;
    let key: Token['key'] = null;
    let valueStart = bodyStart;
    while (i < expr.length && !isSpace(expr[i])) {
      const ch = expr[i];
      if (ch === '"') {
        const q = i;
        quoted = true;
        i++;
        for (;;) {
          if (i >= expr.length) throw new ParseError('unterminated quote: add a closing "', q, expr.length);
          const c = expr[i];
          if (c === '"') {
            i++;
            break;
          }
          if (c === '\\' && i + 1 < expr.length && (expr[i + 1] === '"' || expr[i + 1] === '\\')) {
            text += expr[i + 1];
            i += 2;
            continue;
          }
          text += c;
          i++;
        }
        continue;
      }
      if (ch === ':' && key === null && !quoted && /^[a-z]+$/i.test(text)) {
        key = { name: text.toLowerCase(), start: bodyStart, end: i };
        text = '';
        valueStart = i + 1;
        i++;
        continue;
      }
      text += ch;
      i++;
    }
    const end = i;
    if (key && looksLikeIPv6(expr.slice(bodyStart, end))) {
      // `dead::beef` or `fe80::/10` typed bare: an address, not an unknown key `dead`.
      text = expr.slice(bodyStart, end);
      key = null;
      valueStart = bodyStart;
    }
    tokens.push({ start, end, negated, key, value: text, valueStart, valueEnd: end, quoted });
  }
  return tokens;
}

function looksLikeIPv6(s: string): boolean {
  const slash = s.indexOf('/');
  return parseAddress(slash >= 0 ? s.slice(0, slash) : s) !== null;
}

// ---------------------------------------------------------------------------------------------
// Terms

function compileToken(t: Token): Predicate {
  const p = t.key ? compileKeyTerm(t, t.key) : compileWord(t);
  return t.negated ? (c) => !p(c) : p;
}

function compileKeyTerm(t: Token, k: NonNullable<Token['key']>): Predicate {
  const key = KEY_ALIASES[k.name];
  if (!key) {
    throw new ParseError(
      `unknown key "${k.name}:" — valid keys: ${FILTER_KEYS.join(', ')} (quote the term to search for it as text)`,
      k.start,
      k.end,
    );
  }
  if (t.value === '') throw new ParseError(`empty value after "${k.name}:"`, t.start, t.end);
  const v = t.value;
  const at = (msg: string): ParseError => new ParseError(msg, t.valueStart, t.valueEnd);
  switch (key) {
    case 'port': {
      const [lo, hi] = parseRange(v, 65535, 'port', at);
      const inR = (p: number | null): boolean => p !== null && p >= lo && p <= hi;
      return (c) => inR(c.localPort) || inR(c.remotePort);
    }
    case 'lport': {
      const [lo, hi] = parseRange(v, 65535, 'port', at);
      return (c) => c.localPort >= lo && c.localPort <= hi;
    }
    case 'rport': {
      const [lo, hi] = parseRange(v, 65535, 'port', at);
      return (c) => c.remotePort !== null && c.remotePort >= lo && c.remotePort <= hi;
    }
    case 'pid': {
      const [lo, hi] = parseRange(v, 0xffffffff, 'pid', at);
      return (c) => c.pid !== null && c.pid >= lo && c.pid <= hi;
    }
    case 'addr': {
      const m = addressMatcher(v, t);
      return (c) => m(c.localAddress) || m(c.remoteAddress);
    }
    case 'laddr': {
      const m = addressMatcher(v, t);
      return (c) => m(c.localAddress);
    }
    case 'raddr': {
      const m = addressMatcher(v, t);
      return (c) => m(c.remoteAddress);
    }
    case 'state': {
      const s = resolveState(v, at);
      return (c) => c.state === s;
    }
    case 'proc': {
      const re = literalRegExp(v);
      return (c) => (c.process != null && re.test(c.process)) || (c.processPath != null && re.test(c.processPath));
    }
    case 'host': {
      const re = literalRegExp(v);
      return (c) => c.remoteHost != null && re.test(c.remoteHost);
    }
    case 'family': {
      const f = FAMILY_WORDS[v.toLowerCase()];
      if (!f) throw at(`bad family "${v}": expected 4, 6, ipv4 or ipv6`);
      return (c) => c.family === f;
    }
    case 'protocol': {
      const p = PROTOCOL_WORDS[v.toLowerCase()];
      if (!p) throw at(`bad protocol "${v}": expected tcp or udp (or tcp4, tcp6, udp4, udp6)`);
      return (c) => c.protocol === p.protocol && (p.family === undefined || c.family === p.family);
    }
  }
}

/** Case-insensitive substring test without a lowercased copy of every row's text. */
function literalRegExp(v: string): RegExp {
  return new RegExp(v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'i');
}

const FAMILY_WORDS: Record<string, 4 | 6> = { '4': 4, '6': 6, ipv4: 4, ipv6: 6, v4: 4, v6: 6, inet: 4, inet6: 6 };
const PROTOCOL_WORDS: Record<string, { protocol: 'tcp' | 'udp'; family?: 4 | 6 }> = {
  tcp: { protocol: 'tcp' },
  udp: { protocol: 'udp' },
  tcp4: { protocol: 'tcp', family: 4 },
  tcp6: { protocol: 'tcp', family: 6 },
  udp4: { protocol: 'udp', family: 4 },
  udp6: { protocol: 'udp', family: 6 },
};

function parseRange(v: string, max: number, what: string, at: (m: string) => ParseError): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(v);
  if (!m) throw at(`bad ${what} "${v}": expected a number or a range like 8000-8100`);
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  for (const n of [lo, hi]) if (n > max) throw at(`bad ${what} ${n}: must be 0–${max}`);
  if (hi < lo) throw at(`reversed ${what} range ${lo}-${hi}: write ${hi}-${lo}`);
  return [lo, hi];
}

// One scratch buffer for every matcher: matching is synchronous and never re-entrant.
const scratch: Address16 = new Uint8Array(16);

function addressMatcher(v: string, t: Token): (a: string | null) => boolean {
  if (!t.quoted && v.includes('/')) {
    const r = parseCidr(v);
    if (!r.ok) {
      const slash = t.valueStart + v.indexOf('/');
      if (r.part === 'prefix') throw new ParseError(r.message, slash, t.valueEnd);
      throw new ParseError(r.message, t.valueStart, slash);
    }
    const cidr: Cidr = r.cidr;
    return (a) => a !== null && parseAddressInto(a, scratch) && cidrContains(cidr, scratch);
  }
  const exact = t.quoted ? null : parseAddress(v);
  if (exact) return (a) => a !== null && parseAddressInto(a, scratch) && sameAddress(exact, scratch);
  const needle = v.toLowerCase();
  return (a) => includesCI(a, needle);
}

// ---------------------------------------------------------------------------------------------
// States

const squash = (s: string): string => s.toUpperCase().replace(/[-_\s]/g, '');

const STATE_BY_SQUASHED = new Map<string, TcpState | null>([
  ...TCP_STATES.map((s) => [squash(s), s] as [string, TcpState]),
  // ss, netstat and Linux kernel spellings.
  ['ESTAB', 'ESTABLISHED'],
  ['LISTENING', 'LISTEN'],
  ['SYNRECV', 'SYN-RECEIVED'],
  ['SYNRCVD', 'SYN-RECEIVED'],
  ['LASTACK', 'LAST-ACK'],
  ['CLOSE', 'CLOSED'],
  ['NONE', null],
]);

function resolveState(v: string, at: (m: string) => ParseError): TcpState | null {
  const q = squash(v);
  if (STATE_BY_SQUASHED.has(q)) return STATE_BY_SQUASHED.get(q)!;
  const candidates = TCP_STATES.filter((s) => squash(s).startsWith(q));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) throw at(`ambiguous state "${v}": could be ${candidates.join(', ')}`);
  throw at(`unknown state "${v}": expected one of ${TCP_STATES.join(', ')} or none`);
}

// ---------------------------------------------------------------------------------------------
// Free words

function includesCI(hay: string | null | undefined, needleLower: string): boolean {
  return hay != null && hay.toLowerCase().includes(needleLower);
}

const SQUASHED_STATE = new Map<string, string>(TCP_STATES.map((s) => [s, squash(s)]));

function compileWord(t: Token): Predicate {
  const needle = t.value.toLowerCase();
  const squashed = squash(t.value);
  // Fields that cannot contain the word are not looked at: digits-only words are the only ones a
  // port or pid can hold, and only a word with ':' '[' or ']' can span an endpoint's address and port.
  const numeric = /^\d+$/.test(needle);
  const spansEndpoint = /[:[\]]/.test(needle);
  // A case-insensitive regex tests mixed-case names without allocating a lowercased copy per row.
  const ci = literalRegExp(needle);
  const text = (s: string | null | undefined): boolean => s != null && ci.test(s);
  return (c) =>
    // Addresses are canonical lowercase text already.
    (c.localAddress.includes(needle) ||
      (c.remoteAddress !== null && c.remoteAddress.includes(needle)) ||
      (numeric &&
        (String(c.localPort).includes(needle) ||
          (c.remotePort !== null && String(c.remotePort).includes(needle)) ||
          (c.pid !== null && String(c.pid).includes(needle)))) ||
      (spansEndpoint &&
        (endpointText(c.localAddress, c.localPort).includes(needle) ||
          (c.remoteAddress !== null && endpointText(c.remoteAddress, c.remotePort).includes(needle)))) ||
      (c.state !== null && squashed !== '' && SQUASHED_STATE.get(c.state)!.includes(squashed)) ||
      text(c.process) ||
      text(c.processPath) ||
      c.protocol.includes(needle) ||
      text(c.remoteHost));
}

function endpointText(addr: string, port: number | null): string {
  const a = addr.includes(':') ? `[${addr.toLowerCase()}]` : addr;
  return `${a}:${port ?? 0}`;
}
