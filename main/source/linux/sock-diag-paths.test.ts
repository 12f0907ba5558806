// The sock_diag decoder's two paths held to each other: the word path (little-endian host, buffer
// at a 4-byte boundary: every recv buffer) and the DataView path (a buffer off that boundary, or
// the other byte order), on seeded random netlink answers: random field values, attribute layouts
// that change from one message to the next, older kernels' shorter tcp_info, malformed attributes,
// stale sequence numbers, NLM_F_DUMP_INTR, other families, unknown states and the kernel's errors.
import { describe, expect, it } from 'vitest';
import { COUNTER_SLOTS, ROW_WORDS } from '../../model/rows';
import { prng } from '../../model/random';
import { createProcNetTable, type ProcNetTable } from './procfs';
import { decodeSockDiag, INET_DIAG_INFO, NLM_F_DUMP_INTR, type DecodeOptions } from './sock-diag-decode';

/** A netlink message as fields; `bytes` writes it in either byte order. */
interface Msg {
  type: number;
  flags: number;
  seq: number;
  /** Bytes after the 16-byte header, fields already in `le` order (see build). */
  body: (le: boolean) => Uint8Array;
  /** nlmsg_len to claim instead of the true one (a malformed message). */
  claimLen?: number;
}

function bytes(msgs: Msg[], le: boolean): Uint8Array {
  const parts = msgs.map((m) => {
    const body = m.body(le);
    const len = 16 + body.length;
    const out = new Uint8Array((len + 3) & ~3).fill(0xee);
    const dv = new DataView(out.buffer);
    dv.setUint32(0, m.claimLen ?? len, le);
    dv.setUint16(4, m.type, le);
    dv.setUint16(6, m.flags, le);
    dv.setUint32(8, m.seq, le);
    dv.setUint32(12, 4242, le);
    out.set(body, 16);
    return out;
  });
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  return all;
}

/** One nlattr: u16 len | u16 type in `le` order, payload, padded to 4 bytes (unless `claim` lies about the length). */
interface Attr {
  type: number;
  payload: (le: boolean) => Uint8Array;
  claim?: number;
}

function attrBytes(a: Attr, le: boolean): Uint8Array {
  const payload = a.payload(le);
  const out = new Uint8Array((4 + payload.length + 3) & ~3).fill(0xcd);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, a.claim ?? 4 + payload.length, le);
  dv.setUint16(2, a.type, le);
  out.set(payload, 4);
  return out;
}

const u32 = (rnd: () => number) => Math.floor(rnd() * 2 ** 32);
const pick = <T>(rnd: () => number, xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];

/** Offsets of struct tcp_info's u64 fields (linux/tcp.h): a big-endian kernel writes their high word first. */
const U64_AT = new Set([104, 112, 120, 128, 160, 168, 176, 184, 200, 208]);

/** A struct tcp_info of `len` bytes with random fields (an RTT of 0 now and then), in `le` order. */
function randomTcpInfo(rnd: () => number, len: number): Attr {
  const words = Array.from({ length: Math.ceil(len / 4) }, () => u32(rnd));
  if (rnd() < 0.2) words[68 / 4] = 0; // tcpi_rtt: no sample yet
  const bytesTail = Array.from({ length: len % 4 }, () => Math.floor(rnd() * 256));
  return {
    type: INET_DIAG_INFO | (rnd() < 0.05 ? 0x8000 : 0), // NLA_F_NESTED is a flag, not the type
    payload: (le) => {
      const out = new Uint8Array(len);
      const dv = new DataView(out.buffer);
      for (let i = 0; i + 4 <= len; i += 4) {
        const start = U64_AT.has(i) ? i : i - 4;
        const u64 = !le && U64_AT.has(start) && start + 8 <= len;
        // words[i/4] is the low half of a u64 at i, the high half of one at i - 4.
        const word = u64 ? words[U64_AT.has(i) ? i / 4 + 1 : i / 4 - 1] : words[i / 4];
        dv.setUint32(i, word, le);
      }
      out.set(bytesTail, len - bytesTail.length);
      return out;
    },
  };
}

/**
 * An attribute of `len` random bytes; now and then with what looks like an INET_DIAG_INFO head in
 * its payload, where a guess at INFO's offset taken from another message's layout might land.
 */
const filler = (type: number, len: number, rnd: () => number): Attr => {
  const b = Uint8Array.from({ length: len }, () => Math.floor(rnd() * 256));
  const fakeAt = len >= 8 && rnd() < 0.5 ? 4 * Math.floor((rnd() * (len - 4)) / 4) : -1;
  const fakeLen = 4 + Math.floor(rnd() * 300);
  return {
    type,
    payload: (le) => {
      const out = b.slice();
      if (fakeAt >= 0) {
        const dv = new DataView(out.buffer);
        dv.setUint16(fakeAt, fakeLen, le);
        dv.setUint16(fakeAt + 2, INET_DIAG_INFO, le);
      }
      return out;
    },
  };
};

type Layout = Array<(rnd: () => number) => Attr>;

/** The attributes the kernel puts before INET_DIAG_INFO (shutdown, mark, cgroup id, sockopt) and a name of any length. */
const LAYOUT_POOL: Layout = [
  (r) => filler(8, 1, r),
  (r) => filler(15, 4, r),
  (r) => filler(21, 8, r),
  (r) => filler(22, 2, r),
  (r) => filler(4, 3 + Math.floor(r() * 24), r), // INET_DIAG_CONG
];

function randomLayout(rnd: () => number): Layout {
  return Array.from({ length: Math.floor(rnd() * 6) }, () => pick(rnd, LAYOUT_POOL));
}

/** `layout` with one attribute swapped for another: the heads before it stay the same. */
function changeOne(rnd: () => number, layout: Layout): Layout {
  if (layout.length === 0 || rnd() < 0.3) return randomLayout(rnd);
  const out = layout.slice();
  out[Math.floor(rnd() * out.length)] = pick(rnd, LAYOUT_POOL);
  return out;
}

const INFO_LENS = [284, 248, 232, 212, 211, 208, 200, 184, 168, 144, 132, 104, 76, 72, 4];

interface Gen {
  opts: DecodeOptions;
  msgs: Msg[];
}

/** A random answer to a dump of `opts`: runs of messages sharing an attribute layout, then a new layout. */
function randomAnswer(seed: number): Gen {
  const rnd = prng(seed);
  const opts: DecodeOptions = { protocol: rnd() < 0.8 ? 'tcp' : 'udp', family: rnd() < 0.5 ? 4 : 6, seq: u32(rnd), info: rnd() < 0.9 };
  const msgs: Msg[] = [];
  let layout = randomLayout(rnd);
  let infoLen = pick(rnd, INFO_LENS);
  const n = 1 + Math.floor(rnd() * 60);
  for (let i = 0; i < n; i++) {
    if (rnd() < 0.15) layout = changeOne(rnd, layout);
    if (rnd() < 0.05) infoLen = pick(rnd, INFO_LENS);
    const r = rnd();
    const seq = rnd() < 0.05 ? opts.seq ^ 1 : opts.seq;
    const flags = 2 | (rnd() < 0.03 ? NLM_F_DUMP_INTR : 0);
    if (r < 0.03) {
      msgs.push({ type: 1, flags, seq, body: () => new Uint8Array(4) }); // NLMSG_NOOP
      continue;
    }
    if (r < 0.05) {
      msgs.push({ type: 2, flags, seq, body: () => new Uint8Array(20) }); // an ack: error 0 and the request's header
      continue;
    }
    const family = rnd() < 0.95 ? opts.family : opts.family === 6 ? 4 : 6;
    const state = rnd() < 0.9 ? pick(rnd, [1, 1, 1, 6, 10, 2, 3, 7, 8, 9, 11, 12]) : Math.floor(rnd() * 256);
    // Often fe80::/10 or ffX1::, ffX2:: (the zoned addresses the scope id is kept for), and the bytes next to them.
    const addr = () =>
      Array.from({ length: 16 }, (_, k) =>
        k === 0 && rnd() < 0.4
          ? pick(rnd, [0xfe, 0xff])
          : k === 1 && rnd() < 0.5
            ? pick(rnd, [0x80 | Math.floor(rnd() * 64), (Math.floor(rnd() * 16) << 4) | pick(rnd, [0, 1, 2, 3])])
            : Math.floor(rnd() * 256),
      );
    const src = addr();
    const dst = addr();
    const ports = [Math.floor(rnd() * 65536), Math.floor(rnd() * 65536)];
    const ifindex = u32(rnd);
    const inode = u32(rnd);
    const head = [rnd() * 256, rnd() * 256].map(Math.floor); // timer, retrans
    const tail = [u32(rnd), u32(rnd), u32(rnd), u32(rnd), u32(rnd), u32(rnd)]; // cookie ×2, expires, rqueue, wqueue, uid
    const attrs = layout.map((f) => f(rnd));
    const shape = rnd();
    const other = filler(16 /* INET_DIAG_BBRINFO */, rnd() < 0.5 ? 16 : 240, rnd); // as long as a tcp_info, too
    if (shape < 0.75) attrs.push(randomTcpInfo(rnd, infoLen));
    else if (shape < 0.81) attrs.push(other, randomTcpInfo(rnd, infoLen)); // where INFO was, another attribute
    else if (shape < 0.85) attrs.push(other); // and no INFO at all
    else if (shape < 0.9) attrs.push({ ...randomTcpInfo(rnd, 232), claim: 2 }); // nla_len < 4
    else if (shape < 0.95) attrs.splice(0, 0, { ...filler(8, 1, rnd), claim: 999 }, randomTcpInfo(rnd, 232)); // runs past the message
    else attrs.push(randomTcpInfo(rnd, 232), randomTcpInfo(rnd, 284)); // two: the first counts
    msgs.push({
      type: 20,
      flags,
      seq,
      body: (le) => {
        const b = new Uint8Array(72);
        const dv = new DataView(b.buffer);
        b[0] = family === 6 ? 10 : 2;
        b[1] = state;
        b[2] = head[0];
        b[3] = head[1];
        dv.setUint16(4, ports[0], false);
        dv.setUint16(6, ports[1], false);
        b.set(src, 8);
        b.set(dst, 24);
        dv.setUint32(40, ifindex, le);
        dv.setUint32(44, tail[0], le);
        dv.setUint32(48, tail[1], le);
        dv.setUint32(52, tail[2], le);
        dv.setUint32(56, tail[3], le);
        dv.setUint32(60, tail[4], le);
        dv.setUint32(64, tail[5], le);
        dv.setUint32(68, inode, le);
        const a = attrs.map((x) => attrBytes(x, le));
        const out = new Uint8Array(72 + a.reduce((k, x) => k + x.length, 0));
        out.set(b, 0);
        let at = 72;
        for (const x of a) {
          out.set(x, at);
          at += x.length;
        }
        return out;
      },
    });
  }
  const end = rnd();
  const status = (v: number) => (le: boolean) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setInt32(0, v, le);
    return b;
  };
  if (end < 0.6) msgs.push({ type: 3, flags: 2, seq: opts.seq, body: status(0) });
  else if (end < 0.65) msgs.push({ type: 3, flags: 2, seq: opts.seq, body: status(-105) });
  else if (end < 0.7) msgs.push({ type: 2, flags: 0, seq: opts.seq, body: status(-1) });
  else if (end < 0.75) msgs.splice(Math.floor(rnd() * msgs.length), 0, { type: 20, flags: 2, seq: opts.seq, body: () => new Uint8Array(72), claimLen: 40 });
  else if (end < 0.8) msgs.push({ type: 20, flags: 2, seq: opts.seq, body: () => new Uint8Array(72), claimLen: 5000 });
  return { opts, msgs };
}

/** Everything a decode leaves behind: rows, inodes, counters (NaN as NaN), the result or the error. */
function outcome(b: Uint8Array, offset: number, opts: DecodeOptions, earlier: ProcNetTable | null) {
  const buf = new Uint8Array(new ArrayBuffer(b.length + 8), offset, b.length);
  buf.set(b);
  const into = createProcNetTable(1);
  if (earlier) {
    // Rows reused from an earlier poll: every slot must be written again, not kept.
    into.rows.words = earlier.rows.words.slice();
    into.inodes = earlier.inodes.slice();
    into.rows.counters = earlier.rows.counters?.slice();
  }
  let result: unknown;
  try {
    result = decodeSockDiag(buf, buf.length, opts, into);
  } catch (e) {
    result = { threw: String(e), errno: (e as { errno?: number }).errno };
  }
  const n = into.rows.count;
  return {
    result,
    words: Array.from(into.rows.words.subarray(0, n * ROW_WORDS)),
    inodes: Array.from(into.inodes.subarray(0, n)),
    counters: into.rows.counters ? Array.from(into.rows.counters.subarray(0, n * COUNTER_SLOTS)).map((x) => (Number.isNaN(x) ? 'NaN' : x)) : null,
  };
}

describe('sock_diag word path and DataView path', () => {
  it('agree on random answers: rows, inodes, counters, results and errors', () => {
    const earlier = createProcNetTable(200);
    earlier.rows.words.fill(0x5a5a5a5a);
    earlier.inodes.fill(77);
    earlier.rows.counters = new Float64Array(earlier.rows.words.length / ROW_WORDS * COUNTER_SLOTS).fill(12345);
    let rows = 0;
    let withCounters = 0;
    let threw = 0;
    for (let seed = 1; seed <= 1000; seed++) {
      const { opts, msgs } = randomAnswer(seed);
      const le = bytes(msgs, true);
      const be = bytes(msgs, false);
      const reuse = seed % 2 === 0 ? earlier : null;
      const words = outcome(le, 0, { ...opts, littleEndian: true }, reuse);
      for (const offset of [1, 2, 3]) expect(outcome(le, offset, { ...opts, littleEndian: true }, reuse), `seed ${seed} offset ${offset}`).toEqual(words);
      expect(outcome(be, 0, { ...opts, littleEndian: false }, reuse), `seed ${seed} big-endian`).toEqual(words);
      rows += words.inodes.length;
      withCounters += (words.counters ?? []).filter((x) => x !== 'NaN').length;
      if ((words.result as { threw?: string }).threw) threw++;
    }
    // The cases are there: many rows, counters read, and errors thrown.
    expect(rows).toBeGreaterThan(3000);
    expect(withCounters).toBeGreaterThan(10_000);
    expect(threw).toBeGreaterThan(40);
  });
});
