// Terms of the filter language → predicates over a Connection. Pure: no regular expression is
// built from the user's text (free words and text values are plain substring tests on case-folded
// text), so matching costs at most the length of the texts compared.
//
// A listener or an unconnected UDP socket has no remote side: remote ports and addresses never
// match on it (its remote port is stored as 0, so `port:0` would otherwise find every listener).
import { TCP_STATES, type Connection, type LimitedBy, type TcpState } from './connection';
import {
  cidrContains,
  parseAddressInto,
  parseCidr,
  parseEndpoint,
  parseScopedAddress,
  sameAddress,
  type Address16,
} from './filter-address';
import { FilterSyntaxError, type FilterError } from './filter-error';
import type { TermToken, ValueItem } from './filter-lexer';
import { compare, numericPredicate, parseQuantity, type NumericKey } from './filter-numeric';
import { formatEndpoint, protoLabel } from './format';

export type Predicate = (c: Connection) => boolean;

/** What the compiler needs to know about where the filter runs. */
export interface TermContext {
  /** False where remote names are never resolved (CLI, app setting off): `host:` then warns. */
  namesResolved: boolean;
  /** Warnings found while compiling (the expression still applies). */
  warnings: FilterError[];
}

type Key =
  | 'port' | 'lport' | 'rport' | 'addr' | 'laddr' | 'raddr' | 'state' | 'pid' | 'proc' | 'family' | 'protocol' | 'host'
  | NumericKey | 'limited';

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
  rate: 'rate',
  sendrate: 'sendrate',
  recvrate: 'recvrate',
  sent: 'sent',
  recv: 'recv',
  received: 'recv',
  rtt: 'rtt',
  retrans: 'retrans',
  retransmits: 'retrans',
  limited: 'limited',
};

/** Every key the language accepts, aliases included, for help texts and error messages. */
export const FILTER_KEYS: readonly string[] = Object.keys(KEY_ALIASES);

const COMPARABLE = new Set<Key>(['port', 'lport', 'rport', 'pid', 'rate', 'sendrate', 'recvrate', 'sent', 'recv', 'rtt', 'retrans']);

/** Compiles one term (key term or free word); throws FilterSyntaxError over the offending text. */
export function compileTerm(t: TermToken, ctx: TermContext): Predicate {
  if (!t.key) return compileWord(t.items[0]);
  const key = KEY_ALIASES[t.key.name];
  const op = t.op ?? ':';
  if (!key) {
    throw new FilterSyntaxError(
      `unknown key "${t.key.name}${op}" — valid keys: ${FILTER_KEYS.join(', ')} (quote the term to search for it as text)`,
      t.key.start,
      t.key.end,
    );
  }
  if (op !== ':' && !COMPARABLE.has(key)) {
    throw new FilterSyntaxError(`"${t.key.name}" takes no "${op}" comparison: write ${t.key.name}:VALUE`, t.key.end, t.key.end + op.length);
  }
  if (key === 'host' && !ctx.namesResolved) {
    ctx.warnings.push({
      message: 'host: matches reverse-DNS names, and names are not resolved here (turn on name resolution in the app): it matches nothing',
      start: t.start,
      end: t.end,
    });
  }
  const preds = t.items.map((item) => {
    if (item.text === '') {
      const list = t.items.length > 1;
      throw new FilterSyntaxError(
        list ? `empty item in the list of "${t.key!.name}"` : `empty value after "${t.key!.name}${op}"`,
        list ? item.start : t.start,
        list ? item.end : t.end,
      );
    }
    return compileItem(key, op, item, t.key!.name);
  });
  return preds.length === 1 ? preds[0] : (c) => preds.some((p) => p(c));
}

function compileItem(key: Key, op: NonNullable<TermToken['op']>, item: ValueItem, name: string): Predicate {
  const v = item.text;
  const at = (msg: string): FilterSyntaxError => new FilterSyntaxError(msg, item.start, item.end);
  switch (key) {
    case 'port': {
      const inR = rangeTest(item, op, 65535, 'port');
      return (c) => inR(c.localPort) || (hasRemote(c) && inR(c.remotePort));
    }
    case 'lport': {
      const inR = rangeTest(item, op, 65535, 'port');
      return (c) => inR(c.localPort);
    }
    case 'rport': {
      const inR = rangeTest(item, op, 65535, 'port');
      return (c) => hasRemote(c) && inR(c.remotePort);
    }
    case 'pid': {
      const inR = rangeTest(item, op, 0xffffffff, 'pid');
      return (c) => c.pid !== null && inR(c.pid);
    }
    case 'addr': {
      const m = addressMatcher(item);
      return (c) => m.local(c) || m.remote(c);
    }
    case 'laddr':
      return addressMatcher(item).local;
    case 'raddr':
      return addressMatcher(item).remote;
    case 'state': {
      const s = resolveState(v, at);
      return (c) => c.state === s;
    }
    case 'proc': {
      const needle = fold(v);
      return (c) => includesFolded(c.process, needle) || includesFolded(c.processPath, needle);
    }
    case 'host': {
      const needle = fold(v);
      return (c) => includesFolded(c.remoteHost, needle);
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
    case 'limited': {
      const l = LIMITED_WORDS[v.toLowerCase()];
      if (!l) throw at(`bad ${name} "${v}": expected rwin (receiver), cwnd (network) or app (sender)`);
      return (c) => c.limitedBy === l;
    }
    default:
      return numericPredicate(key, op, parseQuantity(item, key));
  }
}

/** The remote side exists: not an unconnected UDP socket, not a listener (whose remote is stored as 0.0.0.0:0). */
export function hasRemote(c: Connection): boolean {
  return c.remoteAddress !== null && c.state !== 'LISTEN';
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
const LIMITED_WORDS: Record<string, LimitedBy> = {
  rwin: 'receiver',
  receiver: 'receiver',
  cwnd: 'network',
  network: 'network',
  app: 'sender',
  sender: 'sender',
};

/** `80`, `8000-8100`, or with a comparison (`port>1023`) → a test on a number in 0..max. */
function rangeTest(item: ValueItem, op: NonNullable<TermToken['op']>, max: number, what: string): (n: number | null) => boolean {
  const v = item.text;
  const at = (msg: string): FilterSyntaxError => new FilterSyntaxError(msg, item.start, item.end);
  const m = /^(\d{1,10})(?:-(\d{1,10}))?$/.exec(v);
  if (!m || (m[2] !== undefined && op !== ':')) {
    throw at(`bad ${what} "${v}": expected a number${op === ':' ? ' or a range like 8000-8100' : ''}`);
  }
  const lo = Number(m[1]);
  const hi = m[2] === undefined ? lo : Number(m[2]);
  for (const n of [lo, hi]) if (n > max) throw at(`bad ${what} ${n}: must be 0–${max}`);
  if (hi < lo) throw at(`reversed ${what} range ${lo}-${hi}: write ${hi}-${lo}`);
  if (op !== ':') {
    const test = compare(op, lo);
    return (n) => n !== null && test(n);
  }
  return (n) => n !== null && n >= lo && n <= hi;
}

// ---------------------------------------------------------------------------------------------
// Addresses

interface SideMatcher {
  local: Predicate;
  remote: Predicate;
}

// One scratch buffer for every matcher: matching is synchronous and never re-entrant.
const scratch: Address16 = new Uint8Array(16);

const scopeOf = (s: number | undefined): number => s ?? 0;

/**
 * An addr/laddr/raddr value: `*:*` (no remote side), a CIDR, printed endpoint text
 * (`1.2.3.4:80`, `[fe80::1%2]:22`: compared with each side as printed), an address with an
 * optional `%scope` (exact; IPv4 also finds its ::ffff: form; a scope must be equal), or else a
 * substring of the address text.
 */
function addressMatcher(item: ValueItem): SideMatcher {
  const v = item.text;
  if (!item.quoted && (v === '*:*' || v === '*')) {
    return { local: () => false, remote: (c) => c.remoteAddress === null };
  }
  if (!item.quoted && v.includes('/')) {
    const r = parseCidr(v);
    if (!r.ok) {
      const slash = item.start + v.indexOf('/');
      if (r.part === 'prefix') throw new FilterSyntaxError(r.message, slash, item.end);
      throw new FilterSyntaxError(r.message, item.start, slash);
    }
    const cidr = r.cidr;
    const inside = (a: string): boolean => parseAddressInto(a, scratch) && cidrContains(cidr, scratch);
    return { local: (c) => inside(c.localAddress), remote: (c) => hasRemote(c) && inside(c.remoteAddress!) };
  }
  const ep = item.quoted ? null : parseEndpoint(v);
  if (ep) {
    const at = (a: string, scope: number | undefined, port: number | null): boolean =>
      port === ep.port &&
      (ep.scope === null || ep.scope === scopeOf(scope)) &&
      parseAddressInto(a, scratch) &&
      sameAddress(ep.bytes, scratch);
    // Endpoint text is compared with the sides as printed, a listener's 0.0.0.0:0 included.
    return {
      local: (c) => at(c.localAddress, c.localScopeId, c.localPort),
      remote: (c) => c.remoteAddress !== null && at(c.remoteAddress, c.remoteScopeId, c.remotePort),
    };
  }
  const exact = item.quoted ? null : parseScopedAddress(v);
  if (exact) {
    const is = (a: string, scope: number | undefined): boolean =>
      (exact.scope === null || exact.scope === scopeOf(scope)) && parseAddressInto(a, scratch) && sameAddress(exact.bytes, scratch);
    return {
      local: (c) => is(c.localAddress, c.localScopeId),
      remote: (c) => hasRemote(c) && is(c.remoteAddress!, c.remoteScopeId),
    };
  }
  const needle = v.toLowerCase();
  return { local: (c) => c.localAddress.includes(needle), remote: (c) => hasRemote(c) && c.remoteAddress!.includes(needle) };
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

function resolveState(v: string, at: (m: string) => FilterSyntaxError): TcpState | null {
  const q = squash(v);
  if (STATE_BY_SQUASHED.has(q)) return STATE_BY_SQUASHED.get(q)!;
  const candidates = q === '' ? [] : TCP_STATES.filter((s) => squash(s).startsWith(q));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length > 1) throw at(`ambiguous state "${v}": could be ${candidates.join(', ')}`);
  throw at(`unknown state "${v}": expected one of ${TCP_STATES.join(', ')} or none`);
}

// ---------------------------------------------------------------------------------------------
// Free words

// Lowercased copies of row texts (process names, paths, host names repeat across rows), bounded.
const FOLD_CACHE_MAX = 8192;
const folded = new Map<string, string>();

function fold(s: string): string {
  let f = folded.get(s);
  if (f === undefined) {
    f = s.toLowerCase();
    if (folded.size >= FOLD_CACHE_MAX) folded.clear();
    folded.set(s, f);
  }
  return f;
}

function includesFolded(hay: string | null | undefined, needleFolded: string): boolean {
  return hay != null && fold(hay).includes(needleFolded);
}

const SQUASHED_STATE = new Map<string, string>(TCP_STATES.map((s) => [s, squash(s)]));

/**
 * A free word: a bare CIDR (`10.0.0.0/8`) is an `addr:` term; anything else is a case-insensitive
 * substring of any field as netmon prints it — endpoints (`1.2.3.4:80`, `[fe80::1%2]:22`, `*:*`),
 * ports, pid, state (separators ignored), process name and path, protocol (`tcp6`), host name.
 */
function compileWord(item: ValueItem): Predicate {
  if (!item.quoted && item.text.includes('/') && parseCidr(item.text).ok) {
    const m = addressMatcher(item);
    return (c) => m.local(c) || m.remote(c);
  }
  const needle = item.text.toLowerCase();
  const squashed = squash(item.text);
  // Fields that cannot contain the word are not looked at: only digits can be in a port, pid or
  // scope id, and only a word with : [ ] % or * can span more than an address.
  const numeric = /^\d+$/.test(needle);
  const spansEndpoint = /[:[\]%*]/.test(needle);
  return (c) =>
    // Addresses are canonical lowercase text already.
    c.localAddress.includes(needle) ||
    (c.remoteAddress !== null && c.remoteAddress.includes(needle)) ||
    (numeric &&
      (String(c.localPort).includes(needle) ||
        (c.remotePort !== null && String(c.remotePort).includes(needle)) ||
        (c.pid !== null && String(c.pid).includes(needle)))) ||
    (spansEndpoint &&
      (formatEndpoint(c.localAddress, c.localPort, c.localScopeId).includes(needle) ||
        formatEndpoint(c.remoteAddress, c.remotePort, c.remoteScopeId).includes(needle))) ||
    (c.state !== null && squashed !== '' && SQUASHED_STATE.get(c.state)!.includes(squashed)) ||
    includesFolded(c.process, needle) ||
    includesFolded(c.processPath, needle) ||
    protoLabel(c).includes(needle) ||
    includesFolded(c.remoteHost, needle);
}
