// Seeded pseudo-random tables (deterministic, no Math.random): property tests, the demo source, benchmarks.
import { createRowTable, PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W, type RowTable } from './rows';

/** mulberry32: small, fast, good enough for test data. Returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes a random plausible row (loopback-ish addresses, both families, mostly TCP) at row i. */
export function randomRow(t: RowTable, i: number, rnd: () => number, keySpace = 1 << 30): void {
  const o = i * ROW_WORDS;
  const w = t.words;
  const v6 = rnd() < 0.3;
  const udp = rnd() < 0.1;
  w.fill(0, o, o + ROW_WORDS);
  w[o + W.PROTO] = udp ? PROTO_UDP : PROTO_TCP;
  w[o + W.FAMILY] = v6 ? 6 : 4;
  const k = Math.floor(rnd() * keySpace);
  if (v6) {
    w[o + W.LADDR] = 0x20010db8;
    w[o + W.LADDR + 3] = 1 + (k & 0xff);
    w[o + W.RADDR] = 0xfe800000;
    w[o + W.RADDR + 3] = (k >>> 8) & 0xffff;
    w[o + W.LSCOPE] = rnd() < 0.2 ? 3 : 0;
  } else {
    w[o + W.LADDR] = 0x7f000001;
    w[o + W.RADDR] = (0x0a000000 | ((k >>> 8) & 0xffff)) >>> 0;
  }
  w[o + W.LPORT] = 1024 + (k & 0x3fff);
  w[o + W.RPORT] = udp ? 0 : 1 + ((k >>> 14) & 0xffff);
  w[o + W.STATE] = udp ? 0 : 1 + Math.floor(rnd() * 12);
  w[o + W.PID] = rnd() < 0.05 ? PID_UNKNOWN : Math.floor(rnd() * 50);
}

export function randomTable(count: number, rnd: () => number, keySpace?: number): RowTable {
  const t = createRowTable(count);
  for (let i = 0; i < count; i++) randomRow(t, i, rnd, keySpace);
  t.count = count;
  return t;
}

/** Sorts a table's rows by key (then state, pid), in place. */
export function sortTable(t: RowTable): void {
  const rows: Uint32Array[] = [];
  for (let i = 0; i < t.count; i++) rows.push(t.words.slice(i * ROW_WORDS, (i + 1) * ROW_WORDS));
  rows.sort((a, b) => {
    for (let k = 0; k < ROW_WORDS; k++) if (a[k] !== b[k]) return a[k] - b[k];
    return 0;
  });
  rows.forEach((r, i) => t.words.set(r, i * ROW_WORDS));
}
