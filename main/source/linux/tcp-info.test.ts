// tcp_info (INET_DIAG_INFO) decoding from crafted sock_diag answers: every counter from its
// documented offset in struct tcp_info (linux/tcp.h), short attributes of older kernels, and the
// rows that must carry no counters.
import { describe, expect, it } from 'vitest';
import { C, COUNTER_SLOTS } from '../../model/rows';
import { diagMessage, doneMessage, nlattr, tcpInfo, type FakeSocket, type InfoFields } from './fake-sock-diag';
import { createProcNetTable } from './procfs';
import { INET_DIAG_INFO, TCP_INFO, decodeSockDiag, encodeInetDiagRequest, type DecodeOptions } from './sock-diag-decode';

const LOOP4 = [127, 0, 0, 1];


const sock = (over: Partial<FakeSocket>): FakeSocket => ({ family: 4, state: 1, src: LOOP4, dst: LOOP4, sport: 40000, dport: 8080, inode: 9, ...over });

function decode(socks: FakeSocket[], opts: Partial<DecodeOptions> = {}) {
  const b = Buffer.concat([...socks.map((s) => diagMessage(s, 7)), doneMessage(7)]);
  const into = createProcNetTable(1);
  const r = decodeSockDiag(b, b.length, { protocol: 'tcp', family: 4, seq: 7, ...opts }, into);
  const counters = (i: number) => Array.from(into.rows.counters!.subarray(i * COUNTER_SLOTS, (i + 1) * COUNTER_SLOTS));
  return { into, r, counters };
}

const FULL: InfoFields = {
  rtt: 12_345,
  rttvar: 678,
  totalRetrans: 3,
  bytesAcked: 2 ** 40 + 18,
  bytesSent: 2 ** 40 + 17, // beyond 32 bits: the u64 halves must combine
  bytesReceived: 1_000_001,
  segsOut: 4000,
  segsIn: 3000,
  busyTime: 900_000,
  rwndLimited: 100_000,
  sndbufLimited: 50_000,
};

describe('tcp_info in sock_diag', () => {
  it('asks TCP dumps for INET_DIAG_INFO (idiag_ext bit 1) and UDP dumps for nothing', () => {
    const out = Buffer.alloc(72);
    encodeInetDiagRequest(out, { protocol: 'tcp', family: 4 }, 1, true);
    expect(out[18]).toBe(1 << (INET_DIAG_INFO - 1));
    expect(out[18]).toBe(2);
    encodeInetDiagRequest(out, { protocol: 'tcp', family: 6, info: false }, 1, true);
    expect(out[18]).toBe(0);
    encodeInetDiagRequest(out, { protocol: 'udp', family: 4 }, 1, true);
    expect(out[18]).toBe(0);
  });

  it('decodes every counter from its offset, after other attributes', () => {
    const other = nlattr(8 /* INET_DIAG_SHUTDOWN */, Buffer.from([0]));
    const { counters, r } = decode([sock({ attrs: [other, nlattr(INET_DIAG_INFO, tcpInfo(FULL))] })]);
    expect(r.rows).toBe(1);
    const c = counters(0);
    expect(c[C.BYTES_SENT]).toBe(2 ** 40 + 17);
    expect(c[C.BYTES_RECEIVED]).toBe(1_000_001);
    expect(c[C.SEGS_OUT]).toBe(4000);
    expect(c[C.SEGS_IN]).toBe(3000);
    expect(c[C.RTT_US]).toBe(12_345);
    expect(c[C.RTTVAR_US]).toBe(678);
    expect(c[C.RETRANS]).toBe(3);
    expect(c[C.BUSY_US]).toBe(900_000);
    expect(c[C.RWND_LIMITED_US]).toBe(100_000);
    expect(c[C.SNDBUF_LIMITED_US]).toBe(50_000);
  });

  it("takes the peer's FIN off Received where it was received (CLOSE-WAIT, LAST-ACK, CLOSING), in both decode paths", () => {
    // Linux states: 1 ESTABLISHED, 4 FIN-WAIT-1, 5 FIN-WAIT-2, 8 CLOSE-WAIT, 9 LAST-ACK, 11 CLOSING.
    // tcpi_bytes_received counts the FIN's sequence number: 1,000,001 there is 1,000,000 bytes of payload.
    const states = [1, 4, 5, 8, 9, 11];
    const socks = [
      ...states.map((state, i) => sock({ state, sport: 41000 + i, attrs: [nlattr(INET_DIAG_INFO, tcpInfo(FULL))] })),
      sock({ state: 8, sport: 41100, attrs: [nlattr(INET_DIAG_INFO, tcpInfo({ ...FULL, bytesReceived: 0 }))] }),
    ];
    const want = [1_000_001, 1_000_001, 1_000_001, 1_000_000, 1_000_000, 1_000_000, 0];
    const b = Buffer.concat([...socks.map((s) => diagMessage(s, 7)), doneMessage(7)]);
    // Offset 0: the aligned word path; 1-3: the DataView path.
    for (const offset of [0, 1, 2, 3]) {
      const buf = new Uint8Array(new ArrayBuffer(b.length + 8), offset, b.length);
      buf.set(b);
      const into = createProcNetTable(1);
      decodeSockDiag(buf, buf.length, { protocol: 'tcp', family: 4, seq: 7 }, into);
      const received = socks.map((_, i) => into.rows.counters![i * COUNTER_SLOTS + C.BYTES_RECEIVED]);
      expect(received, `offset ${offset}`).toEqual(want);
      // Sent is untouched: the FIN is taken off what was received only.
      expect(socks.map((_, i) => into.rows.counters![i * COUNTER_SLOTS + C.BYTES_SENT]), `offset ${offset}`).toEqual(socks.map(() => 2 ** 40 + 17));
    }
  });

  it('reads only what a shorter (older kernel) tcp_info covers', () => {
    // 104 bytes: up to tcpi_total_retrans (Linux 3.x); 144: up to segs_in (4.2), so Sent is
    // tcpi_bytes_acked; 168: before busy_time.
    const { counters } = decode([
      sock({ attrs: [nlattr(INET_DIAG_INFO, tcpInfo(FULL, 104))] }),
      sock({ sport: 40001, attrs: [nlattr(INET_DIAG_INFO, tcpInfo(FULL, 144))] }),
      sock({ sport: 40002, attrs: [nlattr(INET_DIAG_INFO, tcpInfo(FULL, 168))] }),
    ]);
    const [a, b, c] = [counters(0), counters(1), counters(2)];
    expect([a[C.RTT_US], a[C.RETRANS]]).toEqual([12_345, 3]);
    expect([a[C.BYTES_SENT], a[C.SEGS_OUT], a[C.BUSY_US]]).toEqual([NaN, NaN, NaN]);
    expect([b[C.BYTES_SENT], b[C.BYTES_RECEIVED], b[C.SEGS_OUT], b[C.SEGS_IN]]).toEqual([2 ** 40 + 18, 1_000_001, 4000, 3000]);
    expect(b[C.BUSY_US]).toBeNaN();
    expect([c[C.BUSY_US], c[C.RWND_LIMITED_US], c[C.SNDBUF_LIMITED_US]]).toEqual([NaN, NaN, NaN]);
  });

  it('leaves listeners, sockets without the attribute, a zero RTT and malformed attributes unknown', () => {
    const { counters, r } = decode([
      sock({ state: 10, attrs: [nlattr(INET_DIAG_INFO, tcpInfo(FULL))] }), // LISTEN
      sock({ state: 6, sport: 40001 }), // TIME-WAIT: the kernel sends no tcp_info
      sock({ sport: 40002, attrs: [nlattr(INET_DIAG_INFO, tcpInfo({ ...FULL, rtt: 0 }))] }),
      sock({ sport: 40003, extra: 7 }), // filler bytes: an attribute whose length runs past the message
      sock({ sport: 40004, attrs: [Buffer.from([2, 0, 2, 0])] }), // nla_len 2 < 4
    ]);
    expect(r.rows).toBe(5);
    for (const i of [0, 1, 3, 4]) expect(counters(i).every(Number.isNaN)).toBe(true);
    expect([counters(2)[C.RTT_US], counters(2)[C.RTTVAR_US]]).toEqual([NaN, NaN]);
    expect(counters(2)[C.BYTES_SENT]).toBe(2 ** 40 + 17);
  });

  it('gives UDP rows of a poll that carries counters NaN slots, row-aligned', () => {
    const b = Buffer.concat([diagMessage(sock({ attrs: [nlattr(INET_DIAG_INFO, tcpInfo(FULL))] }), 7), doneMessage(7)]);
    const into = createProcNetTable(1);
    decodeSockDiag(b, b.length, { protocol: 'tcp', family: 4, seq: 7 }, into);
    const u = Buffer.concat([diagMessage(sock({ state: 7, dport: 0 }), 8), doneMessage(8)]);
    decodeSockDiag(u, u.length, { protocol: 'udp', family: 4, seq: 8 }, into);
    expect(into.rows.count).toBe(2);
    expect(into.rows.counters![C.BYTES_SENT]).toBe(2 ** 40 + 17);
    expect(Array.from(into.rows.counters!.subarray(COUNTER_SLOTS, 2 * COUNTER_SLOTS)).every(Number.isNaN)).toBe(true);
  });

  it('reads the same counters from a buffer at any alignment (host-order words by index, else a DataView)', () => {
    const socks = [
      sock({ attrs: [nlattr(8, Buffer.from([0])), nlattr(INET_DIAG_INFO, tcpInfo(FULL))] }),
      sock({ sport: 40001, attrs: [nlattr(INET_DIAG_INFO, tcpInfo(FULL, 104))] }),
      sock({ sport: 40002, attrs: [nlattr(INET_DIAG_INFO, tcpInfo(FULL, 144))] }),
      sock({ sport: 40003, attrs: [nlattr(INET_DIAG_INFO, tcpInfo({ ...FULL, rtt: 0 }))] }),
      sock({ sport: 40004, attrs: [Buffer.from([2, 0, 2, 0])] }),
      sock({ sport: 40005, extra: 7 }),
    ];
    const bytes = Buffer.concat([...socks.map((x) => diagMessage(x, 7)), doneMessage(7)]);
    // Every row of the table first holds a full tcp_info from an earlier dump: slots the new one
    // does not cover must come out NaN, not keep the earlier values.
    const earlier = Buffer.concat([...socks.map((x, i) => diagMessage(sock({ sport: 50000 + i, attrs: [nlattr(INET_DIAG_INFO, tcpInfo({ ...FULL, rtt: 1, segsOut: 5 }))] }), 6)), doneMessage(6)]);
    const read = (offset: number) => {
      const into = createProcNetTable(1);
      decodeSockDiag(earlier, earlier.length, { protocol: 'tcp', family: 4, seq: 6 }, into);
      into.rows.count = 0;
      const buf = new Uint8Array(new ArrayBuffer(bytes.length + 8), offset, bytes.length);
      buf.set(bytes);
      decodeSockDiag(buf, buf.length, { protocol: 'tcp', family: 4, seq: 7 }, into);
      return Array.from(into.rows.counters!.subarray(0, socks.length * COUNTER_SLOTS));
    };
    const aligned = read(0);
    expect(aligned[C.BYTES_SENT]).toBe(2 ** 40 + 17);
    expect(aligned[COUNTER_SLOTS + C.RETRANS]).toBe(3);
    // 104 bytes (Linux 3.x): RTT and retransmits only; 144: no chrono times; RTT 0: no sample.
    expect(aligned.slice(COUNTER_SLOTS, 2 * COUNTER_SLOTS).filter((x) => !Number.isNaN(x))).toEqual([12_345, 678, 3]);
    expect([aligned[2 * COUNTER_SLOTS + C.BUSY_US], aligned[3 * COUNTER_SLOTS + C.RTT_US], aligned[3 * COUNTER_SLOTS + C.RTTVAR_US]]).toEqual([NaN, NaN, NaN]);
    expect(aligned.slice(4 * COUNTER_SLOTS).every(Number.isNaN)).toBe(true);
    for (const offset of [1, 2, 3]) expect(read(offset)).toEqual(aligned);
  });

  it('finds tcp_info where a walk of the attributes does when their layout changes from one message to the next', () => {
    // A: shutdown, then INFO at byte 96 of the message. B: a 12-byte attribute where A had the
    // shutdown, then a malformed one (nla_len 2). C: B's first attribute, whose payload holds what
    // looks like an INFO head at byte 96, then the real INFO at byte 100. Every message must be
    // read as a walk reads it, whatever the one before looked like.
    const fakeHead = Buffer.alloc(8);
    fakeHead.writeUInt16LE(4 + 236, 4);
    fakeHead.writeUInt16LE(INET_DIAG_INFO, 6);
    const twelve = nlattr(21 /* INET_DIAG_CGROUP_ID */, fakeHead);
    const { counters, r } = decode([
      sock({ attrs: [nlattr(8, Buffer.from([0])), nlattr(INET_DIAG_INFO, tcpInfo({ ...FULL, segsOut: 1 }))] }),
      sock({ sport: 40001, attrs: [twelve, Buffer.from([2, 0, 2, 0])] }),
      sock({ sport: 40002, attrs: [twelve, nlattr(INET_DIAG_INFO, tcpInfo(FULL))] }),
      sock({ sport: 40003, attrs: [nlattr(INET_DIAG_INFO, tcpInfo({ ...FULL, segsOut: 3 }))] }),
    ]);
    expect(r.rows).toBe(4);
    expect(counters(0)[C.SEGS_OUT]).toBe(1);
    expect(counters(1).every(Number.isNaN)).toBe(true);
    expect(counters(2)).toEqual([2 ** 40 + 17, 1_000_001, 4000, 3000, 12_345, 678, 3, 900_000, 100_000, 50_000]);
    expect(counters(3)[C.SEGS_OUT]).toBe(3);
  });

  it('reads big-endian kernels', () => {
    const info = tcpInfo(FULL);
    const be = Buffer.alloc(info.length);
    // Swap each field to big-endian as a BE kernel writes it.
    be.writeUInt32BE(FULL.rtt!, TCP_INFO.rtt);
    be.writeBigUInt64BE(BigInt(FULL.bytesSent!), TCP_INFO.bytesSent);
    const attr = Buffer.alloc(4);
    attr.writeUInt16BE(4 + be.length, 0);
    attr.writeUInt16BE(INET_DIAG_INFO, 2);
    const msg = diagMessage(sock({}), 7);
    // Rebuild the message header big-endian around the same body plus the attribute.
    const body = Buffer.concat([msg.subarray(16, 16 + 72), attr, be]);
    const h = Buffer.alloc(16);
    h.writeUInt32BE(16 + body.length, 0);
    h.writeUInt16BE(20, 4);
    h.writeUInt16BE(2, 6);
    h.writeUInt32BE(7, 8);
    body.writeUInt32BE(9, 68); // inode
    const done = Buffer.alloc(20);
    done.writeUInt32BE(20, 0);
    done.writeUInt16BE(3, 4);
    done.writeUInt32BE(7, 8);
    const all = Buffer.concat([h, body, done]);
    const into = createProcNetTable(1);
    decodeSockDiag(all, all.length, { protocol: 'tcp', family: 4, seq: 7, littleEndian: false }, into);
    expect(into.rows.counters![C.RTT_US]).toBe(FULL.rtt);
    expect(into.rows.counters![C.BYTES_SENT]).toBe(FULL.bytesSent);
  });
});
