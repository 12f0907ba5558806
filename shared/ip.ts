// Strict IP address text parsing for arguments that arrive from outside the main process
// (IPC, the local web server). Only the forms netmon itself prints are needed, but any valid
// address text is accepted; anything odd (zone ids, leading zeros, octal, whitespace, NULs,
// absurd lengths) is refused before it reaches the OS.

/** Longest valid IPv6 text: eight 4-digit groups, or six groups plus a dotted quad. */
const MAX_TEXT = 45;

/** `a.b.c.d` → 32-bit number (a in the top byte), or null. Leading zeros are refused (they read as octal elsewhere). */
export function parseIPv4Text(text: string): number | null {
  if (typeof text !== 'string' || text.length > 15 || text.length < 7) return null;
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let value = 0;
  for (const p of parts) {
    if (!/^(?:0|[1-9][0-9]{0,2})$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    value = value * 256 + n;
  }
  return value;
}

/** IPv6 text (RFC 4291 §2.2 forms, no zone id) → eight 16-bit groups, or null. */
export function parseIPv6Text(text: string): number[] | null {
  if (typeof text !== 'string' || text.length > MAX_TEXT || text.length < 2) return null;
  if (!/^[0-9A-Fa-f:.]+$/.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const groupsOf = (part: string, allowV4Tail: boolean): number[] | null => {
    if (part === '') return [];
    const items = part.split(':');
    const out: number[] = [];
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (allowV4Tail && i === items.length - 1 && it.includes('.')) {
        const v4 = parseIPv4Text(it);
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
      } else if (/^[0-9A-Fa-f]{1,4}$/.test(it)) {
        out.push(parseInt(it, 16));
      } else {
        return null; // empty group (":::" or a stray leading/trailing ":") or junk
      }
    }
    return out;
  };
  if (halves.length === 1) {
    const groups = groupsOf(halves[0], true);
    return groups && groups.length === 8 ? groups : null;
  }
  const head = groupsOf(halves[0], false);
  const tail = groupsOf(halves[1], true);
  if (!head || !tail) return null;
  const fill = 8 - head.length - tail.length;
  if (fill < 1) return null; // "::" must stand for at least one zero group
  return [...head, ...new Array<number>(fill).fill(0), ...tail];
}

/** 4 or 6 for valid address text, null otherwise. */
export function ipFamily(text: unknown): 4 | 6 | null {
  if (typeof text !== 'string') return null;
  if (parseIPv4Text(text) !== null) return 4;
  if (parseIPv6Text(text) !== null) return 6;
  return null;
}

/** What an address is for reverse lookups: unspecified (nothing to name), loopback, or ordinary. */
export type AddressKind = 'unspecified' | 'loopback' | 'ordinary';

/** Classifies valid address text; null when the text is not an address. IPv4-mapped IPv6 counts as its IPv4 address. */
export function addressKind(text: string): AddressKind | null {
  const v4 = parseIPv4Text(text) ?? mappedIPv4(text);
  if (v4 !== null) {
    if (v4 === 0) return 'unspecified';
    if (Math.floor(v4 / 0x1000000) === 127) return 'loopback';
    return 'ordinary';
  }
  const g = parseIPv6Text(text);
  if (!g) return null;
  const zeroHead = g.slice(0, 7).every((x) => x === 0);
  if (zeroHead && g[7] === 0) return 'unspecified';
  if (zeroHead && g[7] === 1) return 'loopback';
  return 'ordinary';
}

/** `::ffff:a.b.c.d` (any spelling) → the IPv4 number, else null. */
export function mappedIPv4(text: string): number | null {
  const g = parseIPv6Text(text);
  if (!g || !g.slice(0, 5).every((x) => x === 0) || g[5] !== 0xffff) return null;
  return g[6] * 65536 + g[7];
}

/** 32-bit IPv4 number → dotted quad. */
export function formatIPv4Number(v: number): string {
  return `${Math.floor(v / 0x1000000) & 0xff}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}
