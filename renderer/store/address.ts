// Address helpers for sorting and the loopback toggle. Sort keys compare numerically, so
// 10.0.0.9 < 10.0.0.10 and IPv6 groups sort by value, not by text.

const keyCache = new Map<string, string>();
const KEY_CACHE_MAX = 200_000;

/** A string whose lexical order is the address's numeric order; IPv4 before IPv6. */
export function addressSortKey(addr: string): string {
  let k = keyCache.get(addr);
  if (k !== undefined) return k;
  k = computeKey(addr);
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.clear();
  keyCache.set(addr, k);
  return k;
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

function ipv4Hex(a: string): string | null {
  const v = ipv4Value(a);
  return v < 0 ? null : hex(v, 8);
}

/**
 * A dotted-quad IPv4 address as its 32-bit value, accepting exactly what addressSortKey reads as
 * IPv4 (four parts of 1–3 digits, each at most 255, leading zeros allowed); -1 for anything else.
 */
export function ipv4Value(a: string): number {
  const len = a.length;
  if (len < 7 || len > 15) return -1;
  let v = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < len; i++) {
    const c = a.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || part > 255 || ++dots > 3) return -1;
      v = v * 256 + part;
      part = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57) {
      if (++digits > 3) return -1;
      part = part * 10 + (c - 48);
    } else {
      return -1;
    }
  }
  return dots === 3 && digits > 0 && part <= 255 ? v * 256 + part : -1;
}

/** Expands IPv6 text (with `::` and an optional dotted tail) to 32 hex digits; null if malformed. */
function ipv6Hex(a: string): string | null {
  const zone = a.indexOf('%');
  if (zone >= 0) a = a.slice(0, zone);
  let tail = '';
  const lastColon = a.lastIndexOf(':');
  if (a.includes('.', lastColon)) {
    const v4 = ipv4Hex(a.slice(lastColon + 1));
    if (v4 === null) return null;
    tail = v4;
    a = a.slice(0, lastColon + 1) + '0:0';
  }
  const halves = a.split('::');
  if (halves.length > 2) return null;
  const head = halves[0] ? halves[0].split(':') : [];
  const rest = halves.length === 2 && halves[1] ? halves[1].split(':') : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const groups = [...head, ...new Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let out = '';
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
    out += g.toLowerCase().padStart(4, '0');
  }
  return tail ? out.slice(0, 24) + tail : out;
}

function computeKey(addr: string): string {
  const v4 = ipv4Hex(addr);
  if (v4 !== null) return `4${v4}`;
  const v6 = ipv6Hex(addr);
  if (v6 !== null) return `6${v6}`;
  return `9${addr}`; // not an address: after all real ones, by text
}

/** Both ends on this host: 127/8, ::1, IPv4-mapped loopback; an absent or unspecified remote counts. */
export function isLoopback(local: string, remote: string | null): boolean {
  return isLoopbackAddress(local) && (remote === null || isLoopbackAddress(remote) || isUnspecified(remote));
}

export function isLoopbackAddress(a: string): boolean {
  return a.startsWith('127.') || a === '::1' || a.startsWith('::ffff:127.');
}

export function isUnspecified(a: string): boolean {
  return a === '0.0.0.0' || a === '::';
}
