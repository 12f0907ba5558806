import { describe, expect, it } from 'vitest';
import { PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W } from '../../model/rows';
import { SourceError } from '../types';
import { LINUX_TO_MIB_STATE, MAX_ISSUES, createProcNetTable, parseProcNet, parseProcNetText } from './procfs';

const TCP_HEADER =
  '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     \n';
const TCP6_HEADER =
  '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const UDP_HEADER =
  '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops            \n';

/** A data line as the kernel prints it (little-endian machine). */
function line(sl: number, local: string, remote: string, st: string, inode: number): string {
  return `${String(sl).padStart(4)}: ${local} ${remote} ${st} 00000000:00000000 00:00000000 00000000  1000        0 ${inode} 1 0000000000000000 100 0 0 10 0\n`;
}

function row(t: { rows: { words: Uint32Array } }, i: number): number[] {
  return Array.from(t.rows.words.subarray(i * ROW_WORDS, (i + 1) * ROW_WORDS));
}

describe('parseProcNet: IPv4', () => {
  it('decodes 127.0.0.1 printed as 0100007F, ports, state and inode', () => {
    const text = TCP_HEADER + line(0, '0100007F:1F90', '0100007F:C350', '01', 4242);
    const t = parseProcNetText(text, { protocol: 'tcp', family: 4, littleEndian: true });
    expect(t.rows.count).toBe(1);
    expect(t.skipped).toBe(0);
    const r = row(t, 0);
    expect(r[W.PROTO]).toBe(PROTO_TCP);
    expect(r[W.FAMILY]).toBe(4);
    expect(r[W.LADDR]).toBe(0x7f000001);
    expect(r.slice(W.LADDR + 1, W.LADDR + 4)).toEqual([0, 0, 0]);
    expect(r[W.LPORT]).toBe(8080);
    expect(r[W.RADDR]).toBe(0x7f000001);
    expect(r[W.RPORT]).toBe(50000);
    expect(r[W.STATE]).toBe(5); // ESTABLISHED
    expect(r[W.PID]).toBe(PID_UNKNOWN);
    expect(t.inodes[0]).toBe(4242);
  });

  it('decodes a non-symmetric address (10.1.2.3 → 0302010A) and honours big-endian printing', () => {
    const le = parseProcNetText(TCP_HEADER + line(0, '0302010A:0050', '00000000:0000', '0A', 1), {
      protocol: 'tcp',
      family: 4,
      littleEndian: true,
    });
    expect(le.rows.words[W.LADDR]).toBe(0x0a010203);
    const be = parseProcNetText(TCP_HEADER + line(0, '0A010203:0050', '00000000:0000', '0A', 1), {
      protocol: 'tcp',
      family: 4,
      littleEndian: false,
    });
    expect(be.rows.words[W.LADDR]).toBe(0x0a010203);
    expect(be.rows.words[W.STATE]).toBe(2); // LISTEN
  });

  it('normalizes every Linux TCP state to its MIB_TCP_STATE number', () => {
    const expected: Record<number, number> = { 1: 5, 2: 3, 3: 4, 4: 6, 5: 7, 6: 11, 7: 1, 8: 8, 9: 10, 10: 2, 11: 9, 12: 4 };
    expect(LINUX_TO_MIB_STATE).toEqual(expected);
    let text = TCP_HEADER;
    for (let s = 1; s <= 12; s++) text += line(s, '0100007F:0001', '0100007F:0002', s.toString(16).padStart(2, '0').toUpperCase(), s);
    const t = parseProcNetText(text, { protocol: 'tcp', family: 4, littleEndian: true });
    expect(t.rows.count).toBe(12);
    for (let s = 1; s <= 12; s++) expect(t.rows.words[(s - 1) * ROW_WORDS + W.STATE]).toBe(expected[s]);
  });
});

describe('parseProcNet: IPv6', () => {
  const v6 = (text: string) => parseProcNetText(TCP6_HEADER + text, { protocol: 'tcp', family: 6, littleEndian: true });

  it('decodes ::1', () => {
    const t = v6(line(0, '00000000000000000000000001000000:0016', '00000000000000000000000000000000:0000', '0A', 7));
    expect(Array.from(t.rows.words.subarray(W.LADDR, W.LADDR + 4))).toEqual([0, 0, 0, 1]);
    expect(t.rows.words[W.FAMILY]).toBe(6);
    expect(t.rows.words[W.LPORT]).toBe(22);
  });

  it('decodes ::ffff:127.0.0.1 (IPv4-mapped)', () => {
    const t = v6(line(0, '0000000000000000FFFF00000100007F:0016', '0000000000000000FFFF00000100007F:D431', '01', 7));
    expect(Array.from(t.rows.words.subarray(W.LADDR, W.LADDR + 4))).toEqual([0, 0, 0xffff, 0x7f000001]);
    expect(Array.from(t.rows.words.subarray(W.RADDR, W.RADDR + 4))).toEqual([0, 0, 0xffff, 0x7f000001]);
    expect(t.rows.words[W.RPORT]).toBe(0xd431);
  });

  it('decodes fe80::1:2 (link-local; procfs carries no scope id, so it is 0)', () => {
    // fe80:0000:0000:0000:0000:0000:0001:0002 → words fe800000 00000000 00000000 00010002
    const t = v6(line(0, '000080FE000000000000000002000100:1F90', '00000000000000000000000000000000:0000', '0A', 9));
    expect(Array.from(t.rows.words.subarray(W.LADDR, W.LADDR + 4))).toEqual([0xfe800000, 0, 0, 0x00010002]);
    expect(t.rows.words[W.LSCOPE]).toBe(0);
  });

  it('decodes a full address with lowercase hex too (2001:db8::abcd)', () => {
    const t = v6(line(0, 'b80d01200000000000000000cdab0000:0050', '00000000000000000000000000000000:0000', '0a', 9));
    expect(Array.from(t.rows.words.subarray(W.LADDR, W.LADDR + 4))).toEqual([0x20010db8, 0, 0, 0x0000abcd]);
  });
});

describe('parseProcNet: UDP', () => {
  it('gives state 0, keeps a connected socket’s remote and an unconnected one’s zeros', () => {
    const text =
      UDP_HEADER +
      line(0, '00000000:0044', '00000000:0000', '07', 11) +
      line(1, '0100007F:A000', '0100007F:0035', '01', 12);
    const t = parseProcNetText(text, { protocol: 'udp', family: 4, littleEndian: true });
    expect(t.rows.count).toBe(2);
    expect(row(t, 0)[W.PROTO]).toBe(PROTO_UDP);
    expect(row(t, 0)[W.STATE]).toBe(0);
    expect(row(t, 0)[W.RADDR]).toBe(0);
    expect(row(t, 0)[W.RPORT]).toBe(0);
    expect(row(t, 1)[W.STATE]).toBe(0);
    expect(row(t, 1)[W.RADDR]).toBe(0x7f000001);
    expect(row(t, 1)[W.RPORT]).toBe(53);
    expect(Array.from(t.inodes.subarray(0, 2))).toEqual([11, 12]);
  });
});

describe('parseProcNet: robustness', () => {
  it('throws a SourceError naming the file when the header is missing', () => {
    expect(() => parseProcNetText(line(0, '0100007F:1F90', '0100007F:C350', '01', 1), { protocol: 'tcp', family: 4 })).toThrow(
      SourceError,
    );
    expect(() => parseProcNetText('', { protocol: 'tcp', family: 6 })).toThrow(/\/proc\/net\/tcp6: unrecognized format/);
  });

  it('accepts a header-only table and blank trailing lines', () => {
    const t = parseProcNetText(TCP_HEADER + '\n\n', { protocol: 'tcp', family: 4 });
    expect(t.rows.count).toBe(0);
    expect(t.skipped).toBe(0);
  });

  it('skips malformed lines with a reason and keeps the good ones', () => {
    const text =
      TCP_HEADER +
      line(0, '0100007F:1F90', '0100007F:C350', '01', 1) +
      'garbage that is not a row\n' +
      line(2, '0100007Z:1F90', '0100007F:C350', '01', 2) + // bad hex in the address
      line(3, '0100007F:1F9', '0100007F:C350', '01', 3).replace(':1F9 ', ':1F9  ') + // short port
      line(4, '0100007F:1F90', '0100007F:C350', 'FF', 4) + // unknown state
      '   5: 0100007F:1F90 0100007F:C350 01 00000000:00000000\n' + // truncated before the inode
      line(6, '0100007F:0016', '0100007F:C351', '0A', 6) +
      '   7: 0100007F:1F90 0100'; // partial last line (no newline)
    const t = parseProcNetText(text, { protocol: 'tcp', family: 4, littleEndian: true });
    expect(t.rows.count).toBe(2);
    expect(Array.from(t.inodes.subarray(0, 2))).toEqual([1, 6]);
    expect(t.skipped).toBe(6);
    expect(t.issues.map((i) => i.line)).toEqual([3, 4, 5, 6, 7, 9]);
    expect(t.issues[0].reason).toMatch(/slot number/);
    expect(t.issues[1].reason).toMatch(/local address is not 8 hex digits/);
    expect(t.issues[2].reason).toMatch(/local port/);
    expect(t.issues[3].reason).toMatch(/unknown TCP state 0xff/);
    expect(t.issues[4].reason).toMatch(/inode/);
    expect(t.issues[5].reason).toMatch(/before the remote address/);
  });

  it('caps the recorded reasons but counts every skipped line', () => {
    let text = TCP_HEADER;
    for (let i = 0; i < MAX_ISSUES + 5; i++) text += 'x\n';
    const t = parseProcNetText(text, { protocol: 'tcp', family: 4 });
    expect(t.skipped).toBe(MAX_ISSUES + 5);
    expect(t.issues).toHaveLength(MAX_ISSUES);
  });

  it('handles CRLF line ends', () => {
    const text = (TCP_HEADER + line(0, '0100007F:1F90', '0100007F:C350', '01', 77)).replace(/\n/g, '\r\n');
    const t = parseProcNetText(text, { protocol: 'tcp', family: 4, littleEndian: true });
    expect(t.rows.count).toBe(1);
    expect(t.inodes[0]).toBe(77);
  });

  it('appends several files into one table and grows past its initial capacity', () => {
    const into = createProcNetTable(2);
    let tcp = TCP_HEADER;
    for (let i = 0; i < 300; i++) tcp += line(i, '0100007F:' + (1000 + i).toString(16).toUpperCase().padStart(4, '0'), '00000000:0000', '0A', 100 + i);
    parseProcNet(tcp, { protocol: 'tcp', family: 4, littleEndian: true }, into);
    parseProcNet(
      UDP_HEADER + line(0, '00000000000000000000000001000000:0035', '00000000000000000000000000000000:0000', '07', 9999),
      { protocol: 'udp', family: 6, littleEndian: true },
      into,
    );
    expect(into.rows.count).toBe(301);
    for (let i = 0; i < 300; i++) {
      expect(into.rows.words[i * ROW_WORDS + W.LPORT]).toBe(1000 + i);
      expect(into.inodes[i]).toBe(100 + i);
    }
    const last = 300 * ROW_WORDS;
    expect(into.rows.words[last + W.PROTO]).toBe(PROTO_UDP);
    expect(into.rows.words[last + W.FAMILY]).toBe(6);
    expect(into.rows.words[last + W.LADDR + 3]).toBe(1);
    expect(into.inodes[300]).toBe(9999);
  });

  it('survives many minimal-length lines beyond the size estimate', () => {
    // Shortest well-formed line: single spaces everywhere; far more rows than bytes/80.
    let text = TCP_HEADER;
    for (let i = 0; i < 500; i++) text += `${i}: 0100007F:0001 0100007F:0002 01 0:0 0:0 0 0 0 ${i + 1}\n`;
    const t = parseProcNetText(text, { protocol: 'tcp', family: 4, littleEndian: true });
    expect(t.skipped).toBe(0);
    expect(t.rows.count).toBe(500);
    expect(t.inodes[499]).toBe(500);
  });
});
