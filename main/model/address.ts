// Canonical text for the numeric addresses in a RowTable: dotted quad for IPv4, RFC 5952 for IPv6.
// Pure and allocation-light: called only for rows that are being materialized.

/** IPv4 word (a<<24|b<<16|c<<8|d) → `a.b.c.d`. */
export function formatIPv4(word: number): string {
  return `${word >>> 24}.${(word >>> 16) & 0xff}.${(word >>> 8) & 0xff}.${word & 0xff}`;
}

/**
 * IPv6 address held as four big-endian 32-bit words → RFC 5952 text: lowercase hex, no leading
 * zeros, the longest run of two or more zero groups compressed to `::` (the first on ties),
 * and IPv4-mapped addresses (::ffff:0:0/96) written as `::ffff:a.b.c.d` (RFC 5952 §5).
 */
export function formatIPv6(w0: number, w1: number, w2: number, w3: number): string {
  if (w0 === 0 && w1 === 0 && w2 >>> 0 === 0xffff) return `::ffff:${formatIPv4(w3 >>> 0)}`;
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  // Longest run of zero groups; a strictly-greater test keeps the first run on ties.
  let bestStart = -1;
  let bestLen = 1; // runs of length 1 are never compressed
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (bestStart < 0) return g.map((x) => x.toString(16)).join(':');
  const head = g.slice(0, bestStart).map((x) => x.toString(16)).join(':');
  const tail = g.slice(bestStart + bestLen).map((x) => x.toString(16)).join(':');
  return `${head}::${tail}`;
}

/** Address at word offset `at` of `words` for the given family. */
export function formatAddress(words: Uint32Array, at: number, family: number): string {
  return family === 6
    ? formatIPv6(words[at], words[at + 1], words[at + 2], words[at + 3])
    : formatIPv4(words[at]);
}

/** True when the four address words at `at` are all zero (unspecified address). */
export function isZeroAddress(words: Uint32Array, at: number): boolean {
  return (words[at] | words[at + 1] | words[at + 2] | words[at + 3]) === 0;
}

/**
 * Parses canonical or non-canonical address text back into four words (IPv4 in word 0), or
 * null if it is not an address. The inverse of formatAddress, used to build rows from text
 * (scripted sources, tests, close-connection targets).
 */
export function parseAddress(text: string): { family: 4 | 6; words: [number, number, number, number] } | null {
  const v4 = parseIPv4(text);
  if (v4 !== null) return { family: 4, words: [v4, 0, 0, 0] };
  const v6 = parseIPv6(text);
  return v6 ? { family: 6, words: v6 } : null;
}

export function parseIPv4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let word = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    word = word * 256 + n;
  }
  return word >>> 0;
}

export function parseIPv6(text: string): [number, number, number, number] | null {
  const s = text.toLowerCase();
  const halves = s.split('::');
  if (halves.length > 2) return null;
  const toGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const items = part.split(':');
    for (let i = 0; i < items.length; i++) {
      const it = items[i];
      if (i === items.length - 1 && it.includes('.')) {
        const v4 = parseIPv4(it);
        if (v4 === null) return null;
        out.push(v4 >>> 16, v4 & 0xffff);
      } else if (/^[0-9a-f]{1,4}$/.test(it)) {
        out.push(parseInt(it, 16));
      } else {
        return null;
      }
    }
    return out;
  };
  const head = toGroups(halves[0]);
  const tail = halves.length === 2 ? toGroups(halves[1]) : [];
  if (!head || !tail) return null;
  let groups: number[];
  if (halves.length === 2) {
    const fill = 8 - head.length - tail.length;
    if (fill < 1) return null;
    groups = [...head, ...new Array<number>(fill).fill(0), ...tail];
  } else {
    groups = head;
  }
  if (groups.length !== 8) return null;
  const w = (i: number) => ((groups[i] << 16) | groups[i + 1]) >>> 0;
  return [w(0), w(2), w(4), w(6)];
}
