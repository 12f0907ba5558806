import { describe, expect, it } from 'vitest';
import { PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W, createRowTable, type RowTable } from '../../model/rows';
import { SourceError } from '../types';
import {
  STRIDE,
  decodeTcp6Table,
  decodeTcp6Table2,
  decodeTcp6TableOwnerModule,
  decodeTcpTable,
  decodeTcpTable2,
  decodeTcpTableOwnerModule,
  decodeUdp6TableOwnerPid,
  decodeUdpTableOwnerPid,
  filetimeToEpochMs,
} from './decode';
import { ownerModuleLayout } from '../../native/koffi';

// Builders write fields the way Windows lays them out (little-endian DWORDs, network-order
// addresses and ports), independently of the decoder's code.
function table(firstRow: number, stride: number, rows: number, extra = 0, claimed = rows): Buffer {
  const b = Buffer.alloc(firstRow + stride * rows + extra, 0xee); // 0xee: visible garbage in padding
  b.writeUInt32LE(claimed, 0);
  return b;
}
const ip4 = (b: Buffer, o: number, s: string) => s.split('.').forEach((p, i) => b.writeUInt8(Number(p), o + i));
/** Port in network order in the low 16 bits; `garbage` fills the upper two bytes. */
const port = (b: Buffer, o: number, p: number, garbage = 0) => {
  b.writeUInt16BE(p, o);
  b.writeUInt16LE(garbage, o + 2);
};
const ip6 = (b: Buffer, o: number, groups: number[]) => groups.forEach((g, i) => b.writeUInt16BE(g, o + i * 2));

function row(t: RowTable, i: number): number[] {
  return Array.from(t.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS));
}
const v4word = (s: string) => s.split('.').reduce((a, p) => a * 256 + Number(p), 0);

describe('decodeTcpTable2 (MIB_TCPROW2, 28 bytes)', () => {
  function build(padding = 0): Buffer {
    const b = table(4, 28, 2, padding);
    let o = 4;
    b.writeUInt32LE(5, o); // ESTABLISHED
    ip4(b, o + 4, '127.0.0.1');
    port(b, o + 8, 50000, 0xbeef);
    ip4(b, o + 12, '10.1.2.254');
    port(b, o + 16, 443, 0xffff);
    b.writeUInt32LE(4242, o + 20);
    b.writeUInt32LE(3, o + 24); // offload state, ignored
    o += 28;
    b.writeUInt32LE(2, o); // LISTEN
    ip4(b, o + 4, '0.0.0.0');
    port(b, o + 8, 8080);
    ip4(b, o + 12, '0.0.0.0');
    port(b, o + 16, 0);
    b.writeUInt32LE(4, o + 20);
    return b;
  }

  it('decodes fields with network-order addresses and ports, ignoring the port garbage bits', () => {
    const t = decodeTcpTable2(build());
    expect(t.count).toBe(2);
    const r = row(t, 0);
    expect(r[W.PROTO]).toBe(PROTO_TCP);
    expect(r[W.FAMILY]).toBe(4);
    expect(r[W.LADDR]).toBe(v4word('127.0.0.1'));
    expect(r[W.LADDR]).toBe(0x7f000001);
    expect(r[W.LPORT]).toBe(50000);
    expect(r[W.RADDR]).toBe(v4word('10.1.2.254'));
    expect(r[W.RPORT]).toBe(443);
    expect(r[W.STATE]).toBe(5);
    expect(r[W.PID]).toBe(4242);
    expect(row(t, 1)[W.STATE]).toBe(2);
    expect(row(t, 1)[W.LPORT]).toBe(8080);
    expect(row(t, 1)[W.PID]).toBe(4);
  });

  it('ignores padding after the last row', () => {
    const plain = decodeTcpTable2(build());
    const padded = decodeTcpTable2(build(37));
    expect(padded.count).toBe(2);
    expect(row(padded, 0)).toEqual(row(plain, 0));
    expect(row(padded, 1)).toEqual(row(plain, 1));
  });

  it('works on a Uint8Array view that starts mid-buffer', () => {
    const inner = build();
    const outer = Buffer.alloc(inner.length + 13);
    inner.copy(outer, 13);
    const t = decodeTcpTable2(new Uint8Array(outer.buffer, outer.byteOffset + 13, inner.length));
    expect(row(t, 0)).toEqual(row(decodeTcpTable2(inner), 0));
  });

  it('rejects a count that claims more rows than the buffer holds', () => {
    const b = table(4, 28, 2, 0, 3);
    expect(() => decodeTcpTable2(b)).toThrow(SourceError);
    expect(() => decodeTcpTable2(b)).toThrow(/claims 3 rows .*88 bytes.* holds only 60 bytes/);
    expect(() => decodeTcpTable2(Buffer.alloc(2))).toThrow(/cannot hold dwNumEntries/);
  });

  it('decodes an empty table', () => {
    expect(decodeTcpTable2(table(4, 28, 0)).count).toBe(0);
  });

  it('reuses and appends to an output table', () => {
    const out = createRowTable(1);
    decodeTcpTable2(build(), out);
    expect(out.count).toBe(2);
    decodeTcpTable2(build(), out, true);
    expect(out.count).toBe(4);
    expect(row(out, 2)).toEqual(row(out, 0));
    decodeTcpTable2(build(), out);
    expect(out.count).toBe(2);
  });
});

describe('decodeTcpTable (MIB_TCPROW, 20 bytes, no PID)', () => {
  it('decodes rows at stride 20 with PID_UNKNOWN', () => {
    const b = table(4, 20, 2, 3);
    ip4(b, 4 + 4, '192.168.0.1');
    b.writeUInt32LE(11, 4); // TIME_WAIT
    port(b, 4 + 8, 1, 0x1234);
    ip4(b, 4 + 12, '8.8.4.4');
    port(b, 4 + 16, 65535, 0xabcd);
    b.writeUInt32LE(2, 24);
    ip4(b, 24 + 4, '127.0.0.1');
    port(b, 24 + 8, 3000);
    ip4(b, 24 + 12, '0.0.0.0');
    port(b, 24 + 16, 0);
    const t = decodeTcpTable(b);
    expect(t.count).toBe(2);
    expect(row(t, 0)[W.STATE]).toBe(11);
    expect(row(t, 0)[W.LADDR]).toBe(0xc0a80001);
    expect(row(t, 0)[W.LPORT]).toBe(1);
    expect(row(t, 0)[W.RADDR]).toBe(0x08080404);
    expect(row(t, 0)[W.RPORT]).toBe(65535);
    expect(row(t, 0)[W.PID]).toBe(PID_UNKNOWN);
    expect(row(t, 1)[W.LPORT]).toBe(3000);
    expect(row(t, 1)[W.PID]).toBe(PID_UNKNOWN);
    expect(() => decodeTcpTable(table(4, 20, 1, 0, 2))).toThrow(/claims 2 rows/);
  });
});

describe('IPv6 decoders', () => {
  const LOOP = [0, 0, 0, 0, 0, 0, 0, 1];
  const LINK = [0xfe80, 0, 0, 0, 0x1234, 0x56ff, 0xfe78, 0x9abc];
  const MAPPED = [0, 0, 0, 0, 0, 0xffff, 0x7f00, 0x0001]; // ::ffff:127.0.0.1

  it('decodes MIB_TCP6ROW2 (60 bytes): addresses as big-endian words, scope ids, state, pid', () => {
    const b = table(4, 60, 2, 8);
    let o = 4;
    ip6(b, o, LINK);
    b.writeUInt32LE(17, o + 16);
    port(b, o + 20, 5353, 0xdead);
    ip6(b, o + 24, LINK);
    b.writeUInt32LE(17, o + 40);
    port(b, o + 44, 22, 0xffff);
    b.writeUInt32LE(5, o + 48);
    b.writeUInt32LE(999, o + 52);
    b.writeUInt32LE(0, o + 56);
    o += 60;
    ip6(b, o, MAPPED);
    b.writeUInt32LE(0, o + 16);
    port(b, o + 20, 8080);
    ip6(b, o + 24, LOOP);
    b.writeUInt32LE(0, o + 40);
    port(b, o + 44, 40000);
    b.writeUInt32LE(8, o + 48);
    b.writeUInt32LE(1, o + 52);
    const t = decodeTcp6Table2(b);
    expect(t.count).toBe(2);
    const r = row(t, 0);
    expect(r[W.FAMILY]).toBe(6);
    expect(r.slice(W.LADDR, W.LADDR + 4)).toEqual([0xfe800000, 0, 0x123456ff, 0xfe789abc]);
    expect(r[W.LSCOPE]).toBe(17);
    expect(r[W.LPORT]).toBe(5353);
    expect(r[W.RSCOPE]).toBe(17);
    expect(r[W.RPORT]).toBe(22);
    expect(r[W.STATE]).toBe(5);
    expect(r[W.PID]).toBe(999);
    const m = row(t, 1);
    expect(m.slice(W.LADDR, W.LADDR + 4)).toEqual([0, 0, 0xffff, 0x7f000001]);
    expect(m.slice(W.RADDR, W.RADDR + 4)).toEqual([0, 0, 0, 1]);
    expect(m[W.STATE]).toBe(8);
    expect(m[W.PID]).toBe(1);
    expect(() => decodeTcp6Table2(table(4, 60, 1, 59, 2))).toThrow(/claims 2 rows/);
  });

  it('decodes MIB_TCP6ROW (52 bytes): State first, everything else shifted by 4, no PID', () => {
    const b = table(4, 52, 1, 5);
    const o = 4;
    b.writeUInt32LE(2, o);
    ip6(b, o + 4, LOOP);
    b.writeUInt32LE(3, o + 20);
    port(b, o + 24, 9229, 0x7777);
    ip6(b, o + 28, MAPPED);
    b.writeUInt32LE(4, o + 44);
    port(b, o + 48, 80, 0x1);
    const r = row(decodeTcp6Table(b), 0);
    expect(r[W.STATE]).toBe(2);
    expect(r.slice(W.LADDR, W.LADDR + 4)).toEqual([0, 0, 0, 1]);
    expect(r[W.LSCOPE]).toBe(3);
    expect(r[W.LPORT]).toBe(9229);
    expect(r.slice(W.RADDR, W.RADDR + 4)).toEqual([0, 0, 0xffff, 0x7f000001]);
    expect(r[W.RSCOPE]).toBe(4);
    expect(r[W.RPORT]).toBe(80);
    expect(r[W.PID]).toBe(PID_UNKNOWN);
  });
});

describe('extended tables', () => {
  it('declared OWNER_MODULE strides and timestamp offsets match koffi.sizeof/offsetof', () => {
    const l = ownerModuleLayout();
    expect(l.v4).toEqual({ size: STRIDE.TCPROW_OWNER_MODULE, created: 24 });
    expect(l.v6).toEqual({ size: STRIDE.TCP6ROW_OWNER_MODULE, created: 56 });
  });

  it('FILETIME → epoch ms, 0 → NaN', () => {
    // 2024-01-01T00:00:00Z = 133485408000000000 ticks
    const ticks = 133485408000000000n;
    expect(filetimeToEpochMs(Number(ticks & 0xffffffffn), Number(ticks >> 32n))).toBe(Date.UTC(2024, 0, 1));
    expect(filetimeToEpochMs(0, 0)).toBeNaN();
  });

  it('decodes MIB_TCPTABLE_OWNER_MODULE: first row at 8, stride 160, creation time', () => {
    const b = table(8, 160, 2);
    const ticks = 133485408000000000n + 12_340_000n; // + 1234 ms
    for (let i = 0; i < 2; i++) {
      const o = 8 + i * 160;
      b.writeUInt32LE(5, o);
      ip4(b, o + 4, '127.0.0.1');
      port(b, o + 8, 1000 + i, 0xffff);
      ip4(b, o + 12, '127.0.0.2');
      port(b, o + 16, 2000 + i);
      b.writeUInt32LE(77 + i, o + 20);
      b.writeBigUInt64LE(i === 0 ? ticks : 0n, o + 24);
    }
    const t = decodeTcpTableOwnerModule(b);
    expect(t.count).toBe(2);
    expect(row(t, 1)[W.LPORT]).toBe(1001);
    expect(row(t, 1)[W.RPORT]).toBe(2001);
    expect(row(t, 1)[W.PID]).toBe(78);
    expect(t.createdAt![0]).toBe(Date.UTC(2024, 0, 1) + 1234);
    expect(t.createdAt![1]).toBeNaN();
  });

  it('decodes MIB_TCP6TABLE_OWNER_MODULE (stride 192) and marks appended rows of other tables NaN', () => {
    const b = table(8, 192, 1);
    ip6(b, 8, [0, 0, 0, 0, 0, 0, 0, 1]);
    port(b, 8 + 20, 443);
    b.writeUInt32LE(2, 8 + 48);
    b.writeUInt32LE(5, 8 + 52);
    b.writeBigUInt64LE(133485408000000000n, 8 + 56);
    const out = createRowTable(4);
    decodeTcp6TableOwnerModule(b, out);
    const legacy = table(4, 20, 1);
    decodeTcpTable(legacy, out, true);
    expect(out.count).toBe(2);
    expect(row(out, 0)[W.STATE]).toBe(2);
    expect(row(out, 0)[W.PID]).toBe(5);
    expect(out.createdAt![0]).toBe(Date.UTC(2024, 0, 1));
    expect(out.createdAt![1]).toBeNaN();
  });

  it('decodes UDP OWNER_PID tables (v4 12 bytes, v6 28 bytes): state 0, remote zero', () => {
    const b = table(4, 12, 2, 4);
    ip4(b, 4, '127.0.0.1');
    port(b, 8, 53, 0xffff);
    b.writeUInt32LE(321, 12);
    ip4(b, 16, '0.0.0.0');
    port(b, 20, 5355);
    b.writeUInt32LE(4, 24);
    const t = decodeUdpTableOwnerPid(b);
    expect(t.count).toBe(2);
    const r = row(t, 0);
    expect(r[W.PROTO]).toBe(PROTO_UDP);
    expect(r[W.LADDR]).toBe(0x7f000001);
    expect(r[W.LPORT]).toBe(53);
    expect(r[W.PID]).toBe(321);
    expect(r[W.STATE]).toBe(0);
    expect(r.slice(W.RADDR, W.RPORT + 1)).toEqual([0, 0, 0, 0, 0]);
    expect(row(t, 1)[W.LPORT]).toBe(5355);

    const b6 = table(4, 28, 1);
    ip6(b6, 4, [0xfe80, 0, 0, 0, 0, 0, 0, 9]);
    b6.writeUInt32LE(12, 20);
    port(b6, 24, 546, 0xaaaa);
    b6.writeUInt32LE(1000, 28);
    const r6 = row(decodeUdp6TableOwnerPid(b6), 0);
    expect(r6[W.FAMILY]).toBe(6);
    expect(r6[W.PROTO]).toBe(PROTO_UDP);
    expect(r6.slice(W.LADDR, W.LADDR + 4)).toEqual([0xfe800000, 0, 0, 9]);
    expect(r6[W.LSCOPE]).toBe(12);
    expect(r6[W.LPORT]).toBe(546);
    expect(r6[W.PID]).toBe(1000);
    expect(() => decodeUdp6TableOwnerPid(table(4, 28, 1, 0, 5))).toThrow(/claims 5 rows/);
  });
});
