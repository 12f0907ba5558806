import { describe, expect, it } from 'vitest';
import { PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W } from '../../model/rows';
import { SourceError } from '../types';
import { diagMessage, doneMessage, errorMessage, type FakeSocket } from './fake-sock-diag';
import { createProcNetTable, parseProcNetText, type ProcNetTable } from './procfs';
import {
  NLM_F_DUMP_INTR,
  REQUEST_LEN,
  SockDiagError,
  decodeSockDiag,
  encodeInetDiagRequest,
  errnoText,
  type DecodeOptions,
} from './sock-diag-decode';

const LOOP4 = [127, 0, 0, 1];
const ANY4 = [0, 0, 0, 0];
const v6 = (...groups: number[]) => groups.flatMap((g) => [g >> 8, g & 0xff]);
const LOOP6 = v6(0, 0, 0, 0, 0, 0, 0, 1);
const LINK6 = v6(0xfe80, 0, 0, 0, 0x1234, 0x56ff, 0xfe78, 0x9abc);
const PEER6 = v6(0xfe80, 0, 0, 0, 0, 0, 0, 2);
const MAPPED = v6(0, 0, 0, 0, 0, 0xffff, 0x7f00, 1);

const row = (t: ProcNetTable, i: number) => Array.from(t.rows.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS));
const field = (t: ProcNetTable, i: number, f: number) => t.rows.words[i * ROW_WORDS + f];

function decode(bufs: Buffer[], opts: Partial<DecodeOptions> = {}, into = createProcNetTable(2)) {
  const b = Buffer.concat(bufs);
  const r = decodeSockDiag(b, b.length, { protocol: 'tcp', family: 4, seq: 7, ...opts }, into);
  return { t: into, r };
}

describe('encodeInetDiagRequest', () => {
  it('asks for a dump of every state of one family and protocol', () => {
    const out = Buffer.alloc(100, 0x55);
    expect(encodeInetDiagRequest(out, { protocol: 'udp', family: 6 }, 0x01020304, true)).toBe(REQUEST_LEN);
    expect(REQUEST_LEN).toBe(72);
    expect(out.readUInt32LE(0)).toBe(72); // nlmsg_len
    expect(out.readUInt16LE(4)).toBe(20); // SOCK_DIAG_BY_FAMILY
    expect(out.readUInt16LE(6)).toBe(0x301); // NLM_F_REQUEST | NLM_F_DUMP
    expect(out.readUInt32LE(8)).toBe(0x01020304);
    expect(out.readUInt32LE(12)).toBe(0);
    expect([out[16], out[17], out[18], out[19]]).toEqual([10, 17, 0, 0]); // AF_INET6, IPPROTO_UDP
    expect(out.readUInt32LE(20)).toBe(0xffffffff);
    expect(out.subarray(24, 72).every((b) => b === 0)).toBe(true);
    expect(out[72]).toBe(0x55); // nothing written past the request
    encodeInetDiagRequest(out, { protocol: 'tcp', family: 4 }, 1, false);
    expect(out.readUInt32BE(0)).toBe(72);
    expect([out[16], out[17]]).toEqual([2, 6]);
  });
});

describe('decodeSockDiag', () => {
  it('decodes several messages of one datagram, skipping attributes and alignment padding, up to NLMSG_DONE', () => {
    const listen: FakeSocket = { family: 4, state: 10, src: ANY4, dst: ANY4, sport: 8080, dport: 0, inode: 501 };
    const est: FakeSocket = { family: 4, state: 1, src: LOOP4, dst: [10, 1, 2, 254], sport: 8080, dport: 51234, inode: 502, extra: 5, ifindex: 3 };
    const tw: FakeSocket = { family: 4, state: 6, src: LOOP4, dst: LOOP4, sport: 40000, dport: 8080, inode: 0, extra: 2 };
    const msgs = [diagMessage(listen, 7), diagMessage(est, 7), diagMessage(tw, 7)];
    expect(msgs[1].length).toBe(16 + 72 + 8); // 5 attribute bytes padded to 8
    const { t, r } = decode([...msgs, doneMessage(7)]);
    expect(r).toEqual({ done: true, interrupted: false, rows: 3, stale: 0 });
    expect(t.rows.count).toBe(3);
    expect(row(t, 1)).toEqual([PROTO_TCP, 4, 0x7f000001, 0, 0, 0, 8080, 0, 0x0a0102fe, 0, 0, 0, 51234, 0, 5, PID_UNKNOWN]);
    expect([0, 1, 2].map((i) => field(t, i, W.STATE))).toEqual([2, 5, 11]); // LISTEN, ESTABLISHED, TIME-WAIT
    expect([0, 1, 2].map((i) => field(t, i, W.LPORT))).toEqual([8080, 8080, 40000]);
    expect(Array.from(t.inodes.subarray(0, 3))).toEqual([501, 502, 0]);
  });

  it('maps every Linux TCP state to the MIB number procfs uses', () => {
    const states = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12];
    const msgs = states.map((st, i) => diagMessage({ family: 4, state: st, src: LOOP4, dst: LOOP4, sport: 1000 + i, dport: 80, inode: i }, 7));
    const { t } = decode([...msgs, doneMessage(7)]);
    expect(states.map((_, i) => field(t, i, W.STATE))).toEqual([5, 3, 4, 6, 7, 11, 1, 8, 10, 2, 9, 4]);
  });

  it('gives the same words as the procfs parser for the same sockets (IPv4 and IPv6)', () => {
    const nl4 = decode([diagMessage({ family: 4, state: 1, src: [192, 168, 1, 20], dst: [93, 184, 216, 34], sport: 0xc350, dport: 443, inode: 77 }, 7)]).t;
    const pf4 = parseProcNetText(
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
        '   0: 1401A8C0:C350 22D8B85D:01BB 01 00000000:00000000 00:00000000 00000000  1000        0 77 1 0 20 4 30 10 -1\n',
      { protocol: 'tcp', family: 4, littleEndian: true },
    );
    expect(row(nl4, 0)).toEqual(row(pf4, 0));
    expect(nl4.inodes[0]).toBe(pf4.inodes[0]);

    const nl6 = decode([diagMessage({ family: 6, state: 10, src: MAPPED, dst: LOOP6, sport: 22, dport: 0x1234, inode: 88 }, 7)], { family: 6 }).t;
    const pf6 = parseProcNetText(
      '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n' +
        '   0: 0000000000000000FFFF00000100007F:0016 00000000000000000000000001000000:1234 0A 00000000:00000000 00:00000000 00000000     0        0 88 1 0 100 0 0 10 0\n',
      { protocol: 'tcp', family: 6, littleEndian: true },
    );
    expect(row(nl6, 0)).toEqual(row(pf6, 0));
  });

  it('takes the IPv6 scope id from the bound interface for link-local ends only', () => {
    const { t } = decode(
      [
        diagMessage({ family: 6, state: 1, src: LINK6, dst: PEER6, sport: 22, dport: 50000, ifindex: 3, inode: 1 }, 7),
        diagMessage({ family: 6, state: 10, src: LINK6, dst: v6(0, 0, 0, 0, 0, 0, 0, 0), sport: 23, dport: 0, ifindex: 4, inode: 2 }, 7),
        diagMessage({ family: 6, state: 1, src: LOOP6, dst: LOOP6, sport: 24, dport: 50001, ifindex: 1, inode: 3 }, 7),
      ],
      { family: 6 },
    );
    expect(row(t, 0).slice(W.LADDR, W.RSCOPE + 1)).toEqual([0xfe800000, 0, 0x123456ff, 0xfe789abc, 22, 3, 0xfe800000, 0, 0, 2, 50000, 3]);
    expect([field(t, 1, W.LSCOPE), field(t, 1, W.RSCOPE)]).toEqual([4, 0]);
    expect([field(t, 2, W.LSCOPE), field(t, 2, W.RSCOPE)]).toEqual([0, 0]);
    expect(field(t, 2, W.FAMILY)).toBe(6);
  });

  it('gives a scope id to exactly the addresses that need a zone (fe80::/10, ffX1::, ffX2::), in both decode paths', () => {
    // Every first two bytes as the local address, and swapped as the remote one.
    const zoned = (b0: number, b1: number) => (b0 === 0xfe && b1 >> 6 === 2) || (b0 === 0xff && ((b1 & 15) === 1 || (b1 & 15) === 2));
    const msgs: Buffer[] = [];
    for (let b0 = 0; b0 < 256; b0++) {
      for (let b1 = 0; b1 < 256; b1++) {
        const src = [b0, b1, ...new Array<number>(13).fill(0), 1];
        const dst = [b1, b0, ...new Array<number>(13).fill(0), 2];
        msgs.push(diagMessage({ family: 6, state: 1, src, dst, sport: 5353, dport: 9, ifindex: 7, inode: 1 }, 7));
      }
    }
    const bytes = Buffer.concat(msgs);
    // A buffer at an odd offset takes the DataView path, an aligned one the word path.
    const odd = new Uint8Array(new ArrayBuffer(bytes.length + 1), 1, bytes.length);
    odd.set(bytes);
    for (const buf of [bytes, odd]) {
      const t = createProcNetTable(2);
      decodeSockDiag(buf, buf.length, { protocol: 'udp', family: 6, seq: 7 }, t);
      expect(t.rows.count).toBe(65536);
      const wrong: string[] = [];
      for (let i = 0; i < t.rows.count; i++) {
        const [b0, b1] = [i >> 8, i & 0xff];
        const want = [zoned(b0, b1) ? 7 : 0, zoned(b1, b0) ? 7 : 0];
        const got = [field(t, i, W.LSCOPE), field(t, i, W.RSCOPE)];
        const hex = (x: number, y: number) => ((x << 8) | y).toString(16);
        if (got[0] !== want[0] || got[1] !== want[1]) wrong.push(`${hex(b0, b1)}:: → ${hex(b1, b0)}:: scopes ${got.join('/')}, not ${want.join('/')}`);
      }
      expect(wrong.slice(0, 8), `${buf === odd ? 'DataView' : 'word'} path`).toEqual([]);
      expect(wrong.length).toBe(0);
    }
  });

  it('writes UDP rows with state 0, whatever the kernel state', () => {
    const { t } = decode(
      [
        diagMessage({ family: 4, state: 7, src: LOOP4, dst: ANY4, sport: 53, dport: 0, inode: 9 }, 7),
        diagMessage({ family: 4, state: 1, src: LOOP4, dst: LOOP4, sport: 5000, dport: 53, inode: 10 }, 7),
        doneMessage(7),
      ],
      { protocol: 'udp' },
    );
    expect([0, 1].map((i) => [field(t, i, W.PROTO), field(t, i, W.STATE), field(t, i, W.RPORT)])).toEqual([
      [PROTO_UDP, 0, 0],
      [PROTO_UDP, 0, 53],
    ]);
  });

  it('appends across datagrams and reports done only at NLMSG_DONE', () => {
    const into = createProcNetTable(1);
    const a = decode([diagMessage({ family: 4, state: 10, src: ANY4, dst: ANY4, sport: 1, dport: 0, inode: 1 }, 7)], {}, into);
    expect(a.r.done).toBe(false);
    const b = decode([diagMessage({ family: 4, state: 10, src: ANY4, dst: ANY4, sport: 2, dport: 0, inode: 2 }, 7), doneMessage(7)], {}, into);
    expect(b.r).toMatchObject({ done: true, rows: 1 });
    expect(into.rows.count).toBe(2);
    expect([field(into, 0, W.LPORT), field(into, 1, W.LPORT)]).toEqual([1, 2]);
    expect(Array.from(into.inodes.subarray(0, 2))).toEqual([1, 2]);
  });

  it('skips messages of another sequence number, other families and unknown TCP states; flags interrupted dumps', () => {
    const s: FakeSocket = { family: 4, state: 1, src: LOOP4, dst: LOOP4, sport: 1, dport: 2, inode: 3 };
    const { t, r } = decode([
      diagMessage(s, 6), // left over from an abandoned dump
      doneMessage(6),
      diagMessage({ ...s, family: 6, src: LOOP6, dst: LOOP6 }, 7),
      diagMessage({ ...s, state: 13 }, 7),
      diagMessage({ ...s, sport: 99 }, 7, 2 | NLM_F_DUMP_INTR),
      doneMessage(7),
    ]);
    expect(r).toEqual({ done: true, interrupted: true, rows: 1, stale: 2 });
    expect(field(t, 0, W.LPORT)).toBe(99);
  });

  it('turns NLMSG_ERROR into a SockDiagError naming the errno', () => {
    const call = () => decode([errorMessage(7, 1)], { family: 6 });
    expect(call).toThrow(SockDiagError);
    expect(call).toThrow('sock_diag dump of tcp6 refused: EPERM (operation not permitted)');
    try {
      call();
    } catch (e) {
      expect(e).toBeInstanceOf(SourceError);
      expect((e as SockDiagError).errno).toBe(1);
      expect((e as SockDiagError).code).toBe(1);
    }
    // An error for another request's sequence number is not this dump's.
    expect(decode([errorMessage(6, 1), doneMessage(7)]).r.done).toBe(true);
  });

  it('fails on a NLMSG_DONE that carries an error and on malformed lengths', () => {
    expect(() => decode([doneMessage(7, -105)], { protocol: 'udp' })).toThrow('sock_diag dump of udp ended with ENOBUFS (no buffer space available)');
    const bad = diagMessage({ family: 4, state: 1, src: LOOP4, dst: LOOP4, sport: 1, dport: 2, inode: 3 }, 7);
    bad.writeUInt32LE(500, 0);
    expect(() => decode([bad])).toThrow(/malformed netlink message at byte 0 \(length 500, 88 bytes left\)/);
    const short = diagMessage({ family: 4, state: 1, src: LOOP4, dst: LOOP4, sport: 1, dport: 2, inode: 3 }, 7);
    short.writeUInt32LE(40, 0);
    expect(() => decode([short])).toThrow(/shorter than an inet_diag_msg/);
  });

  it('errnoText names errnos Node knows and numbers the rest', () => {
    expect(errnoText(13)).toBe('EACCES (permission denied)');
    expect(errnoText(200)).toBe('errno 200');
  });
});
