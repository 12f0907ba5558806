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
  type Cidr,
  type Endpoint,
  type ScopedAddress,
} from './filter-address';
import { FilterSyntaxError, type FilterError } from './filter-error';
import type { CompareOp, TermToken, ValueItem } from './filter-lexer';
import { numericPredicate, parseQuantity, type NumericKey } from './filter-numeric';
import { checkKeyOperator, checkWordOperator } from './filter-operators';
import { hasRemoteSide, localEndpoint, ownerLabel, ownerlessState, ownerText, protoLabel, remoteEndpoint } from './format';

export type Predicate = (c: Connection) => boolean;

/** What the compiler needs to know about where the filter runs. */
export interface TermContext {
  /** False where remote names are never resolved (CLI, app setting off): `host:` then warns. */
  namesResolved: boolean;
  /** Warnings found while compiling (the expression still applies). */
  warnings: FilterError[];
  /** Canonical keys of the terms compiled so far (aliases resolved: `received:` adds `recv`). */
  keys?: Set<string>;
}

type Key =
  | 'port' | 'lport' | 'rport' | 'addr' | 'laddr' | 'raddr' | 'state' | 'pid' | 'proc' | 'owner' | 'family' | 'protocol' | 'host'
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
  owner: 'owner',
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

/** Keys over the traffic fields, which a poll's counter updates write without an event. */
/** Keys of traffic fields (counters, rates, RTT, limitedBy: values that move every poll). */
export const TRAFFIC_KEYS: ReadonlySet<string> = new Set<Key>(['rate', 'sendrate', 'recvrate', 'sent', 'recv', 'rtt', 'retrans', 'limited']);

/** Compiles one term (key term or free word); throws FilterSyntaxError over the offending text. */
export function compileTerm(t: TermToken, ctx: TermContext): Predicate {
  if (!t.key) {
    checkWordOperator(t.items[0], (name) => KEY_ALIASES[name] !== undefined);
    return compileWord(t.items[0]);
  }
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
  // Only for keys that compare: a text value may begin with < or ! (`proc:<defunct>`).
  if (COMPARABLE.has(key)) checkKeyOperator(t);
  if (key === 'host' && !ctx.namesResolved) {
    ctx.warnings.push({
      message: 'host: matches reverse-DNS names, and names are not resolved here (turn on name resolution in the app): it matches nothing',
      start: t.start,
      end: t.end,
    });
  }
  (ctx.keys ??= new Set()).add(key);
  for (const item of t.items) {
    if (item.text !== '') continue;
    const list = t.items.length > 1;
    throw new FilterSyntaxError(
      list ? `empty item in the list of "${t.key.name}"` : `empty value after "${t.key.name}${op}"`,
      list ? item.start : t.start,
      list ? item.end : t.end,
    );
  }
  return compileList(key, op, t.items, t.key.name);
}

/** A whole list (`port:80,443`): matches when any item does; numbers and addresses are tested in one pass. */
function compileList(key: Key, op: CompareOp, items: readonly ValueItem[], name: string): Predicate {
  switch (key) {
    case 'port': {
      const inSet = numberSet(items, op, 65535, 'port');
      return (c) => inSet(c.localPort) || (hasRemoteSide(c) && inSet(c.remotePort!));
    }
    case 'lport': {
      const inSet = numberSet(items, op, 65535, 'port');
      return (c) => inSet(c.localPort);
    }
    case 'rport': {
      const inSet = numberSet(items, op, 65535, 'port');
      return (c) => hasRemoteSide(c) && inSet(c.remotePort!);
    }
    case 'pid': {
      const inSet = numberSet(items, op, 0xffffffff, 'pid');
      return (c) => c.pid !== null && inSet(c.pid);
    }
    case 'addr': {
      const m = addressList(items);
      return (c) => m.local(c) || m.remote(c);
    }
    case 'laddr':
      return addressList(items).local;
    case 'raddr':
      return addressList(items).remote;
    case 'state': {
      const states = new Set(items.map((item) => resolveState(item)));
      return (c) => states.has(c.state);
    }
    default: {
      const preds = items.map((item) => compileItem(key, op, item, name));
      if (preds.length === 1) return preds[0];
      return (c) => {
        for (const p of preds) if (p(c)) return true;
        return false;
      };
    }
  }
}

function compileItem(key: Key, op: CompareOp, item: ValueItem, name: string): Predicate {
  const v = item.text;
  const at = (msg: string): FilterSyntaxError => new FilterSyntaxError(msg, item.start, item.end);
  switch (key) {
    case 'proc': {
      const needle = fold(v);
      return (c) => includesFolded(c.process, needle) || includesFolded(c.processPath, needle);
    }
    case 'owner': {
      const w = OWNER_WORDS[v.toLowerCase()];
      if (!w) throw at(`bad owner "${v}": expected none (no process owns the socket) or unknown (netmon cannot name its owner); proc: matches a process name`);
      return w === 'none' ? (c) => ownerlessState(c) !== null : (c) => ownerLabel(c) === null;
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
    case 'rate':
    case 'sendrate':
    case 'recvrate':
    case 'sent':
    case 'recv':
    case 'rtt':
    case 'retrans':
      return numericPredicate(key, op, parseQuantity(item, key));
    default:
      throw at(`"${name}" cannot be compiled item by item`); // lists of the other keys go through compileList
  }
}

/**
 * owner:none — no process owns the socket (ownerlessState: shown as `FIN-WAIT-2 (no owner)`);
 * owner:unknown — netmon cannot name the owner (shown as UNKNOWN_OWNER, `(unknown)`).
 */
const OWNER_WORDS: Record<string, 'none' | 'unknown'> = { none: 'none', unknown: 'unknown' };
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

/**
 * Ports or pids: each item `80`, `8000-8100`, or with a comparison (`port>1023`) becomes a range
 * of whole numbers in 0..max; the test is a bitmap lookup for long port lists, else a scan of
 * the ranges. Throws over the offending item for a bad number, a reversed range, or one over max.
 */
function numberSet(items: readonly ValueItem[], op: CompareOp, max: number, what: string): (n: number) => boolean {
  const lo: number[] = [];
  const hi: number[] = [];
  for (const item of items) {
    const v = item.text;
    const at = (msg: string): FilterSyntaxError => new FilterSyntaxError(msg, item.start, item.end);
    const m = /^(\d{1,10})(?:-(\d{1,10}))?$/.exec(v);
    if (!m || (m[2] !== undefined && op !== ':')) {
      throw at(`bad ${what} "${v}": expected a number${op === ':' ? ' or a range like 8000-8100' : ''}`);
    }
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (const n of [a, b]) if (n > max) throw at(`bad ${what} ${n}: must be 0–${max}`);
    if (b < a) throw at(`reversed ${what} range ${a}-${b}: write ${b}-${a}`);
    const [l, h] = op === '>' ? [a + 1, max] : op === '>=' ? [a, max] : op === '<' ? [0, a - 1] : op === '<=' ? [0, a] : [a, b];
    lo.push(l);
    hi.push(h);
  }
  if (max <= 65535 && lo.length > 4) {
    const bits = new Uint8Array(max + 1);
    for (let i = 0; i < lo.length; i++) bits.fill(1, lo[i], hi[i] + 1);
    return (n) => bits[n] === 1;
  }
  if (lo.length === 1) {
    const [l, h] = [lo[0], hi[0]];
    return (n) => n >= l && n <= h;
  }
  return (n) => {
    for (let i = 0; i < lo.length; i++) if (n >= lo[i] && n <= hi[i]) return true;
    return false;
  };
}

// ---------------------------------------------------------------------------------------------
// Addresses

interface SideMatcher {
  local: Predicate;
  remote: Predicate;
}

/** One addr/laddr/raddr value, classified once at compile time. */
type AddressItem =
  | { kind: 'none' }
  | { kind: 'cidr'; cidr: Cidr }
  | { kind: 'endpoint'; ep: Endpoint }
  | { kind: 'exact'; addr: ScopedAddress }
  | { kind: 'text'; needle: string };

/**
 * An addr/laddr/raddr value: `*:*` (no remote side), a CIDR, printed endpoint text
 * (`1.2.3.4:80`, `[fe80::1%2]:22`: compared with each side as printed), an address with an
 * optional `%scope` (exact; IPv4 also finds its ::ffff: form; a scope must be equal), or else a
 * substring of the address text. Throws over the bad part of a malformed CIDR.
 */
function classifyAddress(item: ValueItem): AddressItem {
  const v = item.text;
  if (item.quoted) return { kind: 'text', needle: v.toLowerCase() };
  if (v === '*:*' || v === '*') return { kind: 'none' };
  if (v.includes('/')) {
    const r = parseCidr(v);
    if (!r.ok) {
      const slash = item.start + v.indexOf('/');
      if (r.part === 'prefix') throw new FilterSyntaxError(r.message, slash, item.end);
      throw new FilterSyntaxError(r.message, item.start, slash);
    }
    return { kind: 'cidr', cidr: r.cidr };
  }
  const ep = parseEndpoint(v);
  if (ep) return { kind: 'endpoint', ep };
  const addr = parseScopedAddress(v);
  if (addr) return { kind: 'exact', addr };
  return { kind: 'text', needle: v.toLowerCase() };
}

// One scratch buffer for every matcher: matching is synchronous and never re-entrant.
const scratch: Address16 = new Uint8Array(16);

/** Tests one side of a row (a real address: see hasRemoteSide) against every item, parsing its address at most once. */
function sideTest(items: readonly AddressItem[]): (addr: string, scope: number, port: number | null) => boolean {
  return (addr, scope, port) => {
    let parsed = 0; // 0 not yet, 1 ok, -1 not an address
    const bytes = (): boolean => {
      if (parsed === 0) parsed = parseAddressInto(addr, scratch) ? 1 : -1;
      return parsed === 1;
    };
    for (const it of items) {
      switch (it.kind) {
        case 'endpoint':
          if (port === it.ep.port && (it.ep.scope === null || it.ep.scope === scope) && bytes() && sameAddress(it.ep.bytes, scratch)) return true;
          break;
        case 'cidr':
          if (bytes() && cidrContains(it.cidr, scratch)) return true;
          break;
        case 'exact':
          if ((it.addr.scope === null || it.addr.scope === scope) && bytes() && sameAddress(it.addr.bytes, scratch)) return true;
          break;
        case 'text':
          if (addr.includes(it.needle)) return true;
          break;
        case 'none':
          break;
      }
    }
    return false;
  };
}

function addressList(values: readonly ValueItem[]): SideMatcher {
  const items = values.map(classifyAddress);
  const noRemote = items.some((it) => it.kind === 'none');
  const test = sideTest(items);
  return {
    local: (c) => test(c.localAddress, c.localScopeId ?? 0, c.localPort),
    // A UDP endpoint or a listener has no remote side (hasRemoteSide): only `*:*` matches it.
    remote: (c) => (hasRemoteSide(c) ? test(c.remoteAddress!, c.remoteScopeId ?? 0, c.remotePort) : noRemote),
  };
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

function resolveState(item: ValueItem): TcpState | null {
  const v = item.text;
  const at = (msg: string): FilterSyntaxError => new FilterSyntaxError(msg, item.start, item.end);
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

/** Whether the row's endpoints as printed hold `needle`; a `→` in it spans both, as `netmon watch` prints them. */
function endpointsInclude(c: Connection, needle: string): boolean {
  const local = localEndpoint(c);
  const remote = remoteEndpoint(c);
  return needle.includes('→') ? `${local}→${remote}`.includes(needle) : local.includes(needle) || remote.includes(needle);
}

/**
 * A free word: a bare CIDR (`10.0.0.0/8`) is an `addr:` term; anything else is a case-insensitive
 * substring of any field as netmon prints it — endpoints (`1.2.3.4:80`, `[fe80::1%2]:22`, `*:*`),
 * ports, pid, state (separators ignored), owner (process name, `TIME-WAIT (no owner)` or `(unknown)`) and
 * path, protocol (`tcp6`), host name.
 */
function compileWord(item: ValueItem): Predicate {
  if (!item.quoted && item.text.includes('/') && parseCidr(item.text).ok) {
    const m = addressList([item]);
    return (c) => m.local(c) || m.remote(c);
  }
  const needle = item.text.toLowerCase();
  const squashed = squash(item.text);
  // Fields that cannot contain the word are not looked at: only digits can be in a port, pid or
  // scope id, and only a word with : [ ] % * or → can span more than an address.
  const numeric = /^\d+$/.test(needle);
  const spansEndpoint = /[:[\]%*→]/.test(needle);
  return (c) => {
    // A listener's remote side is shown as `*:*` (hasRemoteSide): its 0.0.0.0:0 placeholder is no
    // field a person reads, so `0.0.0.0` finds sockets bound to every address, not one on 127.0.0.1.
    const remote = hasRemoteSide(c);
    return (
      // Addresses are canonical lowercase text already.
      c.localAddress.includes(needle) ||
      (remote && c.remoteAddress!.includes(needle)) ||
      (numeric &&
        (String(c.localPort).includes(needle) ||
          (remote && c.remotePort !== null && String(c.remotePort).includes(needle)) ||
          (c.pid !== null && String(c.pid).includes(needle)) ||
          (c.localScopeId !== undefined && String(c.localScopeId).includes(needle)) ||
          (remote && c.remoteScopeId !== undefined && String(c.remoteScopeId).includes(needle)))) ||
      (spansEndpoint && endpointsInclude(c, needle)) ||
      (c.state !== null && squashed !== '' && SQUASHED_STATE.get(c.state)!.includes(squashed)) ||
      includesFolded(ownerText(c), needle) ||
      includesFolded(c.processPath, needle) ||
      protoLabel(c).includes(needle) ||
      includesFolded(c.remoteHost, needle)
    );
  };
}

// Lookup tables without a prototype: a word such as `constructor` or `__proto__` is not a key,
// family, protocol or limit, and must be refused like any other unknown word.
for (const table of [KEY_ALIASES, OWNER_WORDS, FAMILY_WORDS, PROTOCOL_WORDS, LIMITED_WORDS]) Object.setPrototypeOf(table, null);
