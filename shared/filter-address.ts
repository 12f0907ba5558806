// IP address and CIDR parsing for the filter language. Every address is widened to 16 bytes
// (IPv4 as IPv4-mapped IPv6, ::ffff:a.b.c.d) so one comparison serves both families and an
// IPv4 term also finds the same host on a dual-stack socket.

export type Address16 = Uint8Array;

export interface Cidr {
  bytes: Address16;
  /** Prefix length in bits over the 16-byte form. */
  bits: number;
}

export function parseIPv4(s: string): Address16 | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  for (let i = 0; i < 4; i++) {
    const p = parts[i];
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    out[12 + i] = n;
  }
  return out;
}

/** RFC 4291 text forms, including `::` compression and a trailing dotted quad; a `%zone` is ignored. */
export function parseIPv6(input: string): Address16 | null {
  let s = input;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (!s.includes(':')) return null;
  const groups: number[] = [];
  let tail: Address16 | null = null;
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    tail = parseIPv4(s.slice(lastColon + 1));
    if (!tail) return null;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (h: string): number[] | null => {
    if (h === '') return [];
    const out: number[] = [];
    for (const g of h.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = parseGroups(halves[0]);
  const rest = halves.length === 2 ? parseGroups(halves[1]) : [];
  if (!head || !rest) return null;
  if (halves.length === 2) {
    if (head.length + rest.length > 7) return null;
    groups.push(...head, ...new Array<number>(8 - head.length - rest.length).fill(0), ...rest);
  } else {
    if (head.length !== 8) return null;
    groups.push(...head);
  }
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i] >> 8;
    out[2 * i + 1] = groups[i] & 0xff;
  }
  if (tail) out.set(tail.subarray(12), 12);
  return out;
}

/** Either family; accepts `[v6]` brackets as users paste them from endpoint text. */
export function parseAddress(s: string): Address16 | null {
  const t = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  return t.includes(':') ? parseIPv6(t) : parseIPv4(t);
}

export function isIPv4Text(s: string): boolean {
  return !s.includes(':');
}

export type CidrResult = { ok: true; cidr: Cidr } | { ok: false; part: 'address' | 'prefix'; message: string };

/** Parses `a.b.c.d/n` (n ≤ 32) or `v6/n` (n ≤ 128). */
export function parseCidr(s: string): CidrResult {
  const slash = s.indexOf('/');
  const addrText = s.slice(0, slash);
  const prefixText = s.slice(slash + 1);
  const v4 = isIPv4Text(addrText);
  const bytes = parseAddress(addrText);
  if (!bytes) return { ok: false, part: 'address', message: `"${addrText}" is not an IPv${v4 ? 4 : 6} address` };
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
    return { ok: false, part: 'prefix', message: `bad CIDR prefix "/${prefixText}": expected 0–${max} for IPv${v4 ? 4 : 6}` };
  }
  const bits = Number(prefixText) + (v4 ? 96 : 0);
  return { ok: true, cidr: { bytes, bits } };
}

export function cidrContains(c: Cidr, a: Address16): boolean {
  const full = c.bits >> 3;
  for (let i = 0; i < full; i++) if (a[i] !== c.bytes[i]) return false;
  const rem = c.bits & 7;
  if (rem === 0) return true;
  const mask = (0xff << (8 - rem)) & 0xff;
  return (a[full] & mask) === (c.bytes[full] & mask);
}

export function sameAddress(a: Address16, b: Address16): boolean {
  for (let i = 0; i < 16; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Allocation-free parse of canonical connection addresses (the hot path of addr: terms over tens
 * of thousands of rows): fills `out` and returns true, or returns false for text that is not an
 * address. Accepts the same forms as parseAddress except brackets.
 */
export function parseAddressInto(s: string, out: Address16): boolean {
  out.fill(0);
  let colon = false;
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) === 58) {
      colon = true;
      break;
    }
  }
  if (!colon) {
    out[10] = 0xff;
    out[11] = 0xff;
    return parseV4Into(s, 0, s.length, out, 12);
  }
  let end = s.indexOf('%');
  if (end < 0) end = s.length;
  // Groups before and after '::' are collected as 16-bit values, then placed.
  const groups = scratchGroups;
  let n = 0;
  let gap = -1;
  let i = 0;
  if (end >= 2 && s.charCodeAt(0) === 58 && s.charCodeAt(1) === 58) {
    gap = 0;
    i = 2;
    if (i === end) return true; // "::"
  } else if (s.charCodeAt(0) === 58) return false;
  for (;;) {
    // A trailing dotted quad takes the last two groups.
    let j = i;
    let dot = false;
    while (j < end && s.charCodeAt(j) !== 58) {
      if (s.charCodeAt(j) === 46) dot = true;
      j++;
    }
    if (dot) {
      if (j !== end || n > 6) return false;
      if (!parseV4Into(s, i, end, v4Scratch, 0)) return false;
      groups[n++] = (v4Scratch[0] << 8) | v4Scratch[1];
      groups[n++] = (v4Scratch[2] << 8) | v4Scratch[3];
      break;
    }
    const len = j - i;
    if (len < 1 || len > 4 || n >= 8) return false;
    let v = 0;
    for (let k = i; k < j; k++) {
      const h = hexValue(s.charCodeAt(k));
      if (h < 0) return false;
      v = (v << 4) | h;
    }
    groups[n++] = v;
    if (j === end) break;
    // j is at ':'; '::' marks the gap.
    if (j + 1 < end && s.charCodeAt(j + 1) === 58) {
      if (gap >= 0) return false;
      gap = n;
      i = j + 2;
      if (i === end) break;
    } else {
      i = j + 1;
      if (i === end) return false;
    }
  }
  if (gap < 0 ? n !== 8 : n > 7) return false;
  const tailStart = gap < 0 ? n : 8 - (n - gap);
  for (let g = 0; g < n; g++) {
    const pos = gap < 0 || g < gap ? g : tailStart + (g - gap);
    out[2 * pos] = groups[g] >> 8;
    out[2 * pos + 1] = groups[g] & 0xff;
  }
  return true;
}

const scratchGroups = new Array<number>(8).fill(0);
const v4Scratch = new Uint8Array(4);

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

function parseV4Into(s: string, from: number, to: number, out: Uint8Array, at: number): boolean {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = from; i <= to; i++) {
    const c = i === to ? 46 : s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || value > 255 || part > 3) return false;
      out[at + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 48 && c <= 57 && digits < 3) {
      value = value * 10 + (c - 48);
      digits++;
    } else return false;
  }
  return part === 4;
}

/** An address with the IPv6 scope (zone) it was written with; scope null when none was given. */
export interface ScopedAddress {
  bytes: Address16;
  scope: number | null;
}

/**
 * `fe80::1%2`, `[fe80::1%2]`, `::1`, `10.0.0.1` → bytes and scope. The zone must be a decimal
 * scope id, as netmon prints it (a named zone such as `%eth0` is not an address netmon prints):
 * null then, and for anything that is not an address.
 */
export function parseScopedAddress(s: string): ScopedAddress | null {
  const t = s.startsWith('[') && s.endsWith(']') ? s.slice(1, -1) : s;
  const pct = t.indexOf('%');
  if (pct < 0) {
    const bytes = parseAddress(t);
    return bytes ? { bytes, scope: null } : null;
  }
  const zone = t.slice(pct + 1);
  if (!/^\d{1,10}$/.test(zone) || !t.includes(':')) return null;
  const bytes = parseIPv6(t.slice(0, pct));
  return bytes ? { bytes, scope: Number(zone) } : null;
}

/** An endpoint as netmon prints it (shared/format.ts formatEndpoint): `1.2.3.4:80`, `[::1]:22`, `[fe80::1%2]:22`. */
export interface Endpoint extends ScopedAddress {
  port: number;
}

/** Parses printed endpoint text; null when `s` is not one (an unbracketed IPv6 address is not). */
export function parseEndpoint(s: string): Endpoint | null {
  const colon = s.lastIndexOf(':');
  if (colon < 0) return null;
  const host = s.slice(0, colon);
  const portText = s.slice(colon + 1);
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) return null;
  if (host.startsWith('[') ? !host.endsWith(']') : host.includes(':')) return null;
  const a = parseScopedAddress(host);
  return a ? { ...a, port: Number(portText) } : null;
}
