// Attacks on the sock_diag decoder's fast path and its module-level caches (the last buffer's
// word view, the INET_DIAG_INFO offset hint): one recv buffer reused with other contents and
// lengths, two readers interleaving, views off the word boundary (a pooled Buffer), `len` shorter
// or longer than the buffer and cutting a message, odd nlmsg_len at the end, zero / huge / odd
// nla_len, more attributes before tcp_info than the hint records, IPv6 scope ids, and tables of
// one poll with and without counters. Every case asserts the values the crafted bytes hold.
import { describe, expect, it } from 'vitest';
import { C, COUNTER_SLOTS, PROTO_TCP, PROTO_UDP, ROW_WORDS, W } from '../../model/rows';
import { SourceError } from '../types';
import { diagMessage, doneMessage, nlattr, tcpInfo, type FakeSocket, type InfoFields } from './fake-sock-diag';
import { prng } from '../../model/random';
import { createProcNetTable, type ProcNetTable } from './procfs';
import { INET_DIAG_INFO, decodeSockDiag, infoHintForTest, type DecodeOptions } from './sock-diag-decode';

const LOOP4 = [127, 0, 0, 1];
const TCP4: DecodeOptions = { protocol: 'tcp', family: 4, seq: 7 };
const sock = (over: Partial<FakeSocket>): FakeSocket => ({ family: 4, state: 1, src: LOOP4, dst: LOOP4, sport: 40000, dport: 8080, inode: 9, ...over });

/** Fields of the tcp_info numbered `n`: every counter different from every other message's. */
const fields = (n: number): InfoFields => ({
  rtt: 1000 + n,
  rttvar: 100 + n,
  totalRetrans: n,
  bytesAcked: 2 ** 33 + n,
  bytesSent: 2 ** 34 + n,
  bytesReceived: 5000 + n,
  segsOut: 60 + n,
  segsIn: 50 + n,
  busyTime: 900_000 + n,
  rwndLimited: 100_000 + n,
  sndbufLimited: 50_000 + n,
});
/** The counter slots (C order) a full tcp_info of `fields(n)` gives. */
const slots = (n: number) => [2 ** 34 + n, 5000 + n, 60 + n, 50 + n, 1000 + n, 100 + n, n, 900_000 + n, 100_000 + n, 50_000 + n];
const UNKNOWN = Array<number>(COUNTER_SLOTS).fill(NaN);
const info = (n: number, len = 232) => nlattr(INET_DIAG_INFO, tcpInfo(fields(n), len));
const shutdown = nlattr(8, Buffer.from([0]));
const cong = nlattr(4, Buffer.from('cubic\0'));
const cgroup = nlattr(21, Buffer.alloc(8, 0x11));

/** What a decode left: per row its port, inode and counters, and the result or the error. */
function decoded(buf: Uint8Array, len: number, opts: DecodeOptions = TCP4, into: ProcNetTable = createProcNetTable(1)) {
  let result: unknown;
  try {
    result = decodeSockDiag(buf, len, opts, into);
  } catch (e) {
    result = e instanceof SourceError ? { error: e.message } : { notSourceError: String(e) };
  }
  const rows = Array.from({ length: into.rows.count }, (_, i) => ({
    port: into.rows.words[i * ROW_WORDS + W.LPORT],
    inode: into.inodes[i],
    counters: into.rows.counters ? Array.from(into.rows.counters.subarray(i * COUNTER_SLOTS, (i + 1) * COUNTER_SLOTS)) : null,
  }));
  return { result, rows };
}

/** A dump of sockets on ports 40000… with inodes 100…, each with the attributes `attrs(i)`. */
function dump(n: number, attrs: (i: number) => Buffer[], seq = 7): Buffer {
  return Buffer.concat([...Array.from({ length: n }, (_, i) => diagMessage(sock({ sport: 40000 + i, inode: 100 + i, attrs: attrs(i) }), seq)), doneMessage(seq)]);
}
const expectRows = (n: number, counters: (i: number) => number[]) => Array.from({ length: n }, (_, i) => ({ port: 40000 + i, inode: 100 + i, counters: counters(i) }));
const DONE = { done: true, interrupted: false, stale: 0 };

describe('sock_diag decoder caches', () => {
  it('reads one recv buffer reused datagram after datagram, with other layouts and shorter lengths', () => {
    const buf = Buffer.alloc(8192, 0x77);
    const first = dump(5, (i) => [shutdown, info(i)]);
    first.copy(buf);
    expect(decoded(buf, first.length)).toEqual({ result: { ...DONE, rows: 5 }, rows: expectRows(5, slots) });
    // Shorter, INFO further in, the first datagram's bytes still behind `len`.
    const second = dump(3, (i) => [cong, cgroup, info(10 + i)]);
    second.copy(buf);
    expect(decoded(buf, second.length)).toEqual({ result: { ...DONE, rows: 3 }, rows: expectRows(3, (i) => slots(10 + i)) });
    // An older kernel's 104-byte tcp_info where the last datagram had a full one: RTT and retransmits only.
    const third = dump(2, (i) => [cong, cgroup, info(20 + i, 104)]);
    third.copy(buf);
    const partial = (i: number) => [NaN, NaN, NaN, NaN, 1020 + i, 120 + i, 20 + i, NaN, NaN, NaN];
    expect(decoded(buf, third.length)).toEqual({ result: { ...DONE, rows: 2 }, rows: expectRows(2, partial) });
    // The same bytes through another view of the same memory, 4 bytes in.
    first.copy(buf, 4);
    expect(decoded(buf.subarray(4), first.length)).toEqual({ result: { ...DONE, rows: 5 }, rows: expectRows(5, slots) });
    // And the whole buffer again, its first word zeroed: a malformed start, however the last call ended.
    buf.writeUInt32LE(0, 0);
    expect(decoded(buf, first.length)).toEqual({ result: { error: `sock_diag tcp: malformed netlink message at byte 0 (length 0, ${first.length} bytes left)` }, rows: [] });
  });

  it('gives each of two interleaving readers its own rows, whatever layout the other one last had', () => {
    // Reader B's first attribute has reader A's INFO offset inside its payload, holding an INFO head.
    const fake = Buffer.alloc(12, 0);
    fake.writeUInt16LE(4 + 232, 4);
    fake.writeUInt16LE(INET_DIAG_INFO, 6);
    const a = Buffer.alloc(4096);
    const b = Buffer.alloc(4096);
    for (let round = 0; round < 4; round++) {
      const da = dump(3, (i) => [shutdown, info(round * 10 + i)]);
      const db = dump(3, (i) => [nlattr(21, fake), info(100 + round * 10 + i)]);
      da.copy(a);
      db.copy(b);
      expect(decoded(a, da.length).rows, `A round ${round}`).toEqual(expectRows(3, (i) => slots(round * 10 + i)));
      expect(decoded(b, db.length).rows, `B round ${round}`).toEqual(expectRows(3, (i) => slots(100 + round * 10 + i)));
    }
  });

  it('records for its INFO-offset guess only words inside the message: the heads before INFO, then INFO\'s own head in every slot left', () => {
    // Four heads before INFO, then fewer and fewer: a slot a longer layout filled must not keep
    // that layout's offset (past INFO, maybe past a shorter message) or word.
    const before = [shutdown, cong, cgroup, nlattr(15, Buffer.alloc(4))];
    const infoHead = info(0).readUInt32LE(0);
    for (const n of [4, 3, 1, 0, 2, 4, 0]) {
      const b = dump(2, (i) => [...before.slice(0, n), info(i)]);
      expect(decoded(b, b.length).rows).toEqual(expectRows(2, slots));
      const at = (k: number) => 88 + before.slice(0, k).reduce((x, a) => x + a.length, 0);
      expect(infoHintForTest(), `${n} heads before INFO`).toEqual({
        infoAt: at(n),
        infoHead,
        heads: [0, 1, 2, 3].map((k) => (k < n ? [at(k) / 4, before[k].readUInt32LE(0)] : [at(n) / 4, infoHead])),
      });
    }
  });

  it('reads views off the word boundary (a pooled Buffer) as those on it', () => {
    const bytes = dump(4, (i) => [cong, info(i)]);
    const want = { result: { ...DONE, rows: 4 }, rows: expectRows(4, slots) };
    for (const offset of [0, 1, 2, 3, 4, 6, 8]) {
      const view = Buffer.from(new ArrayBuffer(bytes.length + 16), offset, bytes.length);
      bytes.copy(view);
      expect(decoded(view, view.length), `byteOffset ${offset}`).toEqual(want);
    }
    // A slice of a Buffer from Node's pool (which aligns its offsets to 8): 2 bytes in.
    const pooled = Buffer.from(Buffer.concat([Buffer.from([0, 0]), bytes])).subarray(2);
    expect(pooled.byteOffset % 4).toBe(2);
    expect(decoded(pooled, pooled.length)).toEqual(want);
  });
});

describe('sock_diag decoder bounds', () => {
  const m = [0, 1, 2].map((i) => diagMessage(sock({ sport: 40000 + i, inode: 100 + i, attrs: [info(i)] }), 7));
  const all = Buffer.concat([...m, doneMessage(7)]);

  it('reads only buf[0, len): a message cut by len is malformed, the rows before it stay', () => {
    expect(decoded(all, m[0].length)).toEqual({ result: { done: false, interrupted: false, stale: 0, rows: 1 }, rows: expectRows(1, slots) });
    const cut = decoded(all, m[0].length + m[1].length - 4);
    expect(cut.result).toEqual({ error: `sock_diag tcp: malformed netlink message at byte ${m[0].length} (length ${m[1].length}, ${m[1].length - 4} bytes left)` });
    expect(cut.rows).toEqual(expectRows(1, slots));
    // A cut inside the next header: fewer than 16 bytes left is the end of the datagram, not an error.
    expect(decoded(all, m[0].length + 8).result).toEqual({ done: false, interrupted: false, stale: 0, rows: 1 });
    // len past the buffer, fractional, negative, NaN: the buffer is the bound, nothing throws.
    expect(decoded(all, all.length + 1000)).toEqual({ result: { ...DONE, rows: 3 }, rows: expectRows(3, slots) });
    expect(decoded(all, all.length + 0.5).result).toEqual({ ...DONE, rows: 3 });
    for (const len of [-1, NaN, 0]) expect(decoded(all, len)).toEqual({ result: { done: false, interrupted: false, stale: 0, rows: 0 }, rows: [] });
  });

  it('reads a last message whose nlmsg_len is not a multiple of 4 and that has no padding after it', () => {
    // 211 bytes of tcp_info (every field read lies within), then 207 (bytes_sent cut: bytes_acked instead).
    for (const [len, sent] of [
      [211, 2 ** 34],
      [207, 2 ** 33],
    ]) {
      const msg = diagMessage(sock({ sport: 40000, inode: 100, attrs: [nlattr(INET_DIAG_INFO, tcpInfo(fields(0), len)).subarray(0, 4 + len)] }), 7);
      const mlen = msg.readUInt32LE(0);
      expect(mlen % 4).not.toBe(0);
      for (const offset of [0, 2]) {
        const buf = Buffer.from(new ArrayBuffer(mlen + 8), offset, mlen);
        msg.copy(buf, 0, 0, mlen);
        expect(decoded(buf, mlen), `${len} bytes, offset ${offset}`).toEqual({
          result: { done: false, interrupted: false, stale: 0, rows: 1 },
          rows: [{ port: 40000, inode: 100, counters: [sent, ...slots(0).slice(1)] }],
        });
      }
    }
  });

  it('gives a row unknown counters, and keeps it, when an attribute length is zero, huge or past the message', () => {
    const zero = Buffer.from([0, 0, 8, 0]);
    const huge = Buffer.from([0xff, 0xff, 8, 0]);
    const hugeInfo = Buffer.concat([Buffer.from([0xff, 0xff, INET_DIAG_INFO, 0]), tcpInfo(fields(9))]);
    const three = Buffer.from([3, 0, 8, 0]);
    const b = dump(6, (i) => [[zero, info(9)], [huge, info(9)], [hugeInfo], [three, info(9)], [info(i)], [Buffer.from([5, 0, 8, 0, 1, 0, 0, 0]), info(5)]][i]);
    // The last: nla_len 5 (odd) pads to 8; INFO follows.
    expect(decoded(b, b.length)).toEqual({ result: { ...DONE, rows: 6 }, rows: expectRows(6, (i) => (i < 4 ? UNKNOWN : slots(i))) });
    // Where the message before had its INFO (the hint's guess), an INFO head whose nla_len runs past the message.
    const c = dump(3, (i) => [[info(0)], [hugeInfo], [info(2)]][i]);
    expect(decoded(c, c.length)).toEqual({ result: { ...DONE, rows: 3 }, rows: expectRows(3, (i) => (i === 1 ? UNKNOWN : slots(i))) });
  });

  it('gives unknown counters, reading nothing of the next message, when the message ends inside an INFO whose head is the last message\'s word for word', () => {
    // Message 1's INFO head says 236 bytes, as message 0's, but the message ends 96 bytes into it;
    // message 2's bytes follow. 0, 1 and 4 heads before INFO: the guess is taken, then refused.
    for (const pre of [[], [shutdown], [shutdown, cong, cgroup, nlattr(15, Buffer.alloc(4))]]) {
      const cut = info(1).subarray(0, 100);
      expect(cut.readUInt16LE(0)).toBe(236);
      const b = dump(3, (i) => [...pre, i === 1 ? cut : info(i)]);
      expect(decoded(b, b.length), `${pre.length} heads before INFO`).toEqual({ result: { ...DONE, rows: 3 }, rows: expectRows(3, (i) => (i === 1 ? UNKNOWN : slots(i))) });
    }
  });

  it('walks past more attributes before tcp_info than its hint records, layout changing in the fifth', () => {
    const five = (x: number) => [shutdown, cong, cgroup, nlattr(15, Buffer.alloc(4)), nlattr(22, Buffer.alloc(x))];
    const b = dump(6, (i) => [...five(i < 3 ? 2 : 14), info(i)]);
    expect(decoded(b, b.length)).toEqual({ result: { ...DONE, rows: 6 }, rows: expectRows(6, slots) });
  });

  it('does not take an INFO head inside another attribute for tcp_info when only the first heads match the last message\'s', () => {
    // Message 1: `same` shutdowns (8 bytes each), cong (12), INFO. Message 2: the same shutdowns, an
    // empty attribute (4), then a BBR attribute whose payload holds, where message 1 had INFO, an INFO
    // head and a whole tcp_info: a walk finds no INFO there, so the row has no counters.
    const inside = Buffer.concat([Buffer.alloc(4), nlattr(INET_DIAG_INFO, tcpInfo(fields(9)))]);
    for (let same = 0; same < 4; same++) {
      const pre = Array<Buffer>(same).fill(shutdown);
      const b = dump(3, (i) => [[...pre, cong, info(0)], [...pre, nlattr(15, Buffer.alloc(0)), nlattr(16, inside)], [...pre, cong, info(2)]][i]);
      expect(decoded(b, b.length), `${same} heads the same`).toEqual({ result: { ...DONE, rows: 3 }, rows: expectRows(3, (i) => (i === 1 ? UNKNOWN : slots(i))) });
    }
  });

  // An attribute whose payload holds, 4 bytes in, an INFO head (the same word as info(n)'s) and a
  // whole tcp_info of fields(9): where a guess at INFO's offset would find a perfect INFO.
  const decoy = nlattr(16, Buffer.concat([Buffer.alloc(4), info(9)]));

  it('takes no guess at INFO\'s offset from a message with five heads before it: the fifth is not recorded, so not checked', () => {
    // Message 0: five heads (the fifth 8 bytes), INFO. Message 1: the same four heads, then the
    // decoy, whose INFO head sits where message 0 had INFO, then the real INFO. Message 2: the
    // decoy and no INFO.
    const four = [shutdown, cong, cgroup, nlattr(15, Buffer.alloc(4))];
    const b = dump(3, (i) => [[...four, nlattr(22, Buffer.alloc(4)), info(0)], [...four, decoy, info(1)], [...four, decoy]][i]);
    expect(decoded(b, b.length)).toEqual({ result: { ...DONE, rows: 3 }, rows: expectRows(3, (i) => (i === 2 ? UNKNOWN : slots(i))) });
  });

  it('keeps no guess at INFO\'s offset from before a walk that recorded none (five heads before INFO, or a malformed attribute)', () => {
    // Message 0 has INFO 8 bytes in. Messages 1 and 2 begin with the decoy, whose INFO head lies 8
    // bytes in, then four more heads before INFO: their walk records no guess, and message 2 must
    // not be read with message 0's.
    const more = [shutdown, cong, cgroup, nlattr(15, Buffer.alloc(4))];
    const b = dump(3, (i) => [[shutdown, info(0)], [decoy, ...more, info(1)], [decoy, ...more, info(2)]][i]);
    expect(decoded(b, b.length)).toEqual({ result: { ...DONE, rows: 3 }, rows: expectRows(3, slots) });
    // The same with a walk ended by an attribute past the message in between.
    const past = Buffer.from([0xf0, 0x0f, 8, 0]);
    const c = dump(3, (i) => [[shutdown, info(0)], [decoy, past], [decoy, shutdown, info(2)]][i]);
    expect(decoded(c, c.length)).toEqual({ result: { ...DONE, rows: 3 }, rows: expectRows(3, (i) => (i === 1 ? UNKNOWN : slots(i))) });
  });

  it('throws a SourceError, and stops, for a message length that is huge or shorter than an inet_diag_msg', () => {
    for (const claim of [0xffffffff, 0x80000000, 88 + 2 ** 16, 16, 40, 0, 15]) {
      const bad = Buffer.from(all);
      bad.writeUInt32LE(claim, m[0].length);
      const r = decoded(bad, bad.length);
      expect(r.result, `nlmsg_len ${claim}`).toEqual({ error: expect.stringMatching(/^sock_diag tcp: (malformed netlink message|message) at byte /) });
      expect(r.rows).toEqual(expectRows(1, slots));
    }
  });
});

describe('sock_diag decoder rows', () => {
  const v6 = (...g: number[]) => g.flatMap((x) => [x >> 8, x & 0xff]);
  const scopes = (buf: Uint8Array, opts: DecodeOptions) => {
    const into = createProcNetTable(1);
    decodeSockDiag(buf, buf.length, opts, into);
    return Array.from({ length: into.rows.count }, (_, i) => [into.rows.words[i * ROW_WORDS + W.LSCOPE], into.rows.words[i * ROW_WORDS + W.RSCOPE]]);
  };

  it('scopes link-local IPv6 addresses (fe80::/10) by idiag_if, nothing else, on both paths', () => {
    const ends = [
      [v6(0xfe80, 0, 0, 0, 0, 0, 0, 1), v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2)],
      [v6(0x2001, 0xdb8, 0, 0, 0, 0, 0, 2), v6(0xfebf, 0, 0, 0, 0, 0, 0, 9)],
      [v6(0xfec0, 0, 0, 0, 0, 0, 0, 1), v6(0xfe00, 0, 0, 0, 0, 0, 0, 1)],
      [v6(0xfe80, 0, 0, 0, 0, 0, 0, 1), v6(0xfe80, 0, 0, 0, 0, 0, 0, 2)],
    ];
    const msgs = ends.map(([src, dst], i) => diagMessage(sock({ family: 6, src, dst, sport: 40000 + i, ifindex: 0x80000007, attrs: [info(i)] }), 7));
    const bytes = Buffer.concat([...msgs, doneMessage(7)]);
    const want = [
      [0x80000007, 0],
      [0, 0x80000007],
      [0, 0],
      [0x80000007, 0x80000007],
    ];
    for (const offset of [0, 2]) {
      const buf = Buffer.from(new ArrayBuffer(bytes.length + 4), offset, bytes.length);
      bytes.copy(buf);
      expect(scopes(buf, { ...TCP4, family: 6 }), `offset ${offset}`).toEqual(want);
    }
    // 254.128.0.1 is no IPv6 address: an IPv4 row has no scope, whatever idiag_if says.
    const four = Buffer.concat([diagMessage(sock({ src: [254, 128, 0, 1], dst: [254, 191, 0, 2], ifindex: 7, attrs: [info(0)] }), 7), doneMessage(7)]);
    expect(scopes(four, TCP4)).toEqual([[0, 0]]);
  });

  it('gives rows of a table without counters NaN slots once an earlier table of the poll had them, and never an earlier poll\'s values', () => {
    const into = createProcNetTable(1);
    const tcp = dump(2, (i) => [info(i)]);
    decodeSockDiag(tcp, tcp.length, TCP4, into);
    const tcp6 = Buffer.concat([diagMessage(sock({ family: 6, src: v6(0, 0, 0, 0, 0, 0, 0, 1), dst: v6(0, 0, 0, 0, 0, 0, 0, 1), sport: 40002, inode: 102, attrs: [info(2)] }), 7), doneMessage(7)]);
    decodeSockDiag(tcp6, tcp6.length, { ...TCP4, family: 6, info: false }, into);
    const udp = Buffer.concat([diagMessage(sock({ state: 7, sport: 40003, inode: 103, attrs: [info(3)] }), 7), doneMessage(7)]);
    decodeSockDiag(udp, udp.length, { ...TCP4, protocol: 'udp' }, into);
    expect(decoded(new Uint8Array(0), 0, TCP4, into).rows).toEqual(expectRows(4, (i) => (i < 2 ? slots(i) : UNKNOWN)));
    expect([0, 1, 2, 3].map((i) => into.rows.words[i * ROW_WORDS + W.PROTO])).toEqual([PROTO_TCP, PROTO_TCP, PROTO_TCP, PROTO_UDP]);
    // The next poll into the same table: its first table asks for no tcp_info.
    into.rows.count = 0;
    decodeSockDiag(tcp, tcp.length, { ...TCP4, info: false }, into);
    expect(Array.from(into.rows.counters!.subarray(0, 2 * COUNTER_SLOTS))).toEqual([...UNKNOWN, ...UNKNOWN]);
    expect(into.rows.counters![C.BYTES_SENT]).toBeNaN();
  });
});

describe('sock_diag decoder on mutated answers', () => {
  it('gives the same rows, counters, results and errors through one reused aligned buffer (word path) as through fresh unaligned ones', () => {
    const shared = Buffer.alloc(16384);
    const pool = [shutdown, cong, cgroup, nlattr(15, Buffer.alloc(4)), nlattr(16, Buffer.alloc(16, 0x22))];
    let rows = 0;
    let errors = 0;
    for (let seed = 1; seed <= 1500; seed++) {
      const rnd = prng(seed);
      const family = rnd() < 0.5 ? 4 : 6;
      const opts: DecodeOptions = { protocol: rnd() < 0.85 ? 'tcp' : 'udp', family, seq: 7, info: rnd() < 0.9 };
      let layout = pool.slice(0, Math.floor(rnd() * 4));
      let infoLen = 232;
      const msgs: Buffer[] = [];
      for (let i = 0, n = 1 + Math.floor(rnd() * 12); i < n; i++) {
        if (rnd() < 0.25) layout = pool.filter(() => rnd() < 0.4);
        if (rnd() < 0.1) infoLen = [232, 248, 212, 208, 200, 104, 0][Math.floor(rnd() * 7)];
        const addr = family === 6 ? [0xfe, 0x80, ...Array<number>(14).fill(seed & 0xff)] : [10, 0, 0, seed & 0xff];
        const attrs = infoLen > 0 ? [...layout, info(i, infoLen)] : layout;
        const state = [1, 1, 1, 2, 6, 7, 10, 8, 13][Math.floor(rnd() * 9)];
        msgs.push(diagMessage(sock({ family, state, src: addr, dst: addr, sport: 40000 + i, inode: 100 + i, ifindex: 3, attrs }), rnd() < 0.95 ? 7 : 6));
      }
      if (rnd() < 0.7) msgs.push(doneMessage(7));
      const bytes = Buffer.concat(msgs);
      // Byte flips, small values where lengths and types live, and cuts.
      for (let k = 0, muts = Math.floor(rnd() * 5); k < muts; k++) {
        const at = Math.floor(rnd() * bytes.length);
        bytes[at] = rnd() < 0.5 ? Math.floor(rnd() * 256) : [0, 1, 2, 3, 4, 5, 0x14, 0xff][Math.floor(rnd() * 8)];
      }
      const len = rnd() < 0.2 ? Math.floor(rnd() * bytes.length) : bytes.length;
      // One Buffer object for every answer, as a reader's recv buffer: it keeps the last answer's bytes past this one's.
      bytes.copy(shared);
      const words = decoded(shared, len, opts);
      // Whatever the answer, the INFO-offset guess checks only words at or before INFO's head.
      const h = infoHintForTest();
      if (h.infoAt !== 0) {
        expect((h.infoHead >>> 16) & 0x3fff, `seed ${seed}`).toBe(INET_DIAG_INFO);
        for (const [k, [at, word]] of h.heads.entries()) {
          // After the head before it (past the 88 bytes of headers for the first); INFO's, repeated.
          const after = k === 0 ? 88 : h.heads[k - 1][0] * 4 + (h.heads[k - 1][0] * 4 < h.infoAt ? 4 : 0);
          expect(at * 4, `seed ${seed} head ${k}`).toBeGreaterThanOrEqual(after);
          expect(at * 4, `seed ${seed} head ${k}`).toBeLessThanOrEqual(h.infoAt);
          if (at * 4 === h.infoAt) expect(word, `seed ${seed} head ${k}`).toBe(h.infoHead);
          else expect((word >>> 16) & 0x3fff, `seed ${seed} head ${k}`).not.toBe(INET_DIAG_INFO);
        }
      }
      const fresh = Buffer.from(new ArrayBuffer(bytes.length + 8), 2, bytes.length);
      bytes.copy(fresh);
      expect(decoded(fresh, len, opts), `seed ${seed}`).toEqual(words);
      expect(words.result, `seed ${seed}`).not.toHaveProperty('notSourceError');
      rows += words.rows.length;
      if ('error' in (words.result as object)) errors++;
    }
    expect(rows).toBeGreaterThan(3000);
    expect(errors).toBeGreaterThan(100);
  });
});
