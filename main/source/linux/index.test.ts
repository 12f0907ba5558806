import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PID_NONE, PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W, type RowTable } from '../../model/rows';
import { SourceError } from '../types';
import { FakeProc } from './fake-proc';
import { createLinuxSource } from './index';

const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
const line = (sl: number, local: string, remote: string, st: string, inode: number) =>
  `${String(sl).padStart(4)}: ${local} ${remote} ${st} 00000000:00000000 00:00000000 00000000     0        0 ${inode} 1 0 100 0 0 10 0\n`;

let proc: FakeProc;
beforeEach(() => {
  proc = new FakeProc();
});
afterEach(() => proc.cleanup());

const field = (t: RowTable, i: number, f: number) => t.words[i * ROW_WORDS + f];

describe('linux-procfs source over a fake /proc', () => {
  it('reads tcp, tcp6, udp, udp6 with owners and process names', () => {
    // Rows 1 and 4 have no file (inode 0: TIME-WAIT, an orphaned FIN-WAIT-2): no process owns them.
    // Row 5's inode is in no fd table this run may read: its owner is unknown, which is not the same.
    const tcp = line(0, '0100007F:1F90', '00000000:0000', '0A', 501) + line(1, '0100007F:1F90', '0100007F:C000', '06', 0);
    proc.writeNet('tcp', HEADER + tcp + line(2, '0100007F:C001', '0100007F:1F90', '05', 0) + line(3, '0100007F:C002', '0100007F:1F90', '01', 777));
    proc.writeNet('tcp6', HEADER + line(0, '00000000000000000000000001000000:0050', '00000000000000000000000001000000:D000', '01', 502));
    proc.writeNet('udp', HEADER + line(0, '00000000:0035', '00000000:0000', '07', 503));
    proc.writeNet('udp6', HEADER);
    proc.addProcess({ pid: 4321, comm: 'web server', exe: '/usr/bin/web', sockets: [501, 502] });
    proc.addProcess({ pid: 53, comm: 'dnsd', sockets: [503] });
    const s = createLinuxSource({ procRoot: proc.root });
    expect(s.name).toBe('linux-procfs');
    const t = s.read() as RowTable;
    expect(t.count).toBe(6);
    const all = [0, 1, 2, 3, 4, 5];
    expect(all.map((i) => field(t, i, W.PROTO))).toEqual([PROTO_TCP, PROTO_TCP, PROTO_TCP, PROTO_TCP, PROTO_TCP, PROTO_UDP]);
    expect(all.map((i) => field(t, i, W.STATE))).toEqual([2, 11, 7, 5, 5, 0]);
    expect(all.map((i) => field(t, i, W.PID))).toEqual([4321, PID_NONE, PID_NONE, PID_UNKNOWN, 4321, 53]);
    expect(field(t, 4, W.FAMILY)).toBe(6);
    expect(Array.from(s.lastInodes())).toEqual([501, 0, 0, 777, 502, 503]);
    expect(s.processInfo(4321)).toMatchObject({ pid: 4321, name: 'web server', path: '/usr/bin/web' });
    expect(s.processInfo(53)).toMatchObject({ pid: 53, name: 'dnsd', path: null });
  });

  it('leaves UDP out when asked, tolerates missing IPv6/UDP tables, reports skipped lines', () => {
    proc.writeNet('tcp', HEADER + line(0, '0100007F:1F90', '00000000:0000', '0A', 0) + 'junk\n');
    proc.writeNet('udp', HEADER + line(0, '00000000:0035', '00000000:0000', '07', 0));
    const noUdp = createLinuxSource({ procRoot: proc.root, udp: false });
    expect((noUdp.read() as RowTable).count).toBe(1);
    const withUdp = createLinuxSource({ procRoot: proc.root });
    expect((withUdp.read() as RowTable).count).toBe(2);
    const skipped = withUdp.lastSkipped();
    expect(Object.keys(skipped)).toEqual([`${proc.root}/net/tcp`]);
    expect(skipped[`${proc.root}/net/tcp`].issues[0]).toEqual({ line: 3, reason: 'no slot number ("N:") at the start of the line' });
  });

  it('keeps a table intact through the next read, and reuses its buffers after that (no allocation per poll)', () => {
    proc.writeNet('tcp', HEADER + line(0, '0100007F:1F90', '00000000:0000', '0A', 0));
    const s = createLinuxSource({ procRoot: proc.root });
    const a = s.read() as RowTable;
    proc.writeNet('tcp', HEADER + line(0, '0100007F:0050', '00000000:0000', '0A', 0));
    const b = s.read() as RowTable;
    expect(field(a, 0, W.LPORT)).toBe(0x1f90);
    expect(field(b, 0, W.LPORT)).toBe(0x50);
    expect(b.words.buffer).not.toBe(a.words.buffer);
    proc.writeNet('tcp', HEADER + line(0, '0100007F:0051', '00000000:0000', '0A', 0));
    const c = s.read() as RowTable;
    expect(field(c, 0, W.LPORT)).toBe(0x51);
    expect(field(b, 0, W.LPORT)).toBe(0x50);
    expect(c.words.buffer).toBe(a.words.buffer);
    expect(c.words.length).toBe(ROW_WORDS);
  });

  it('fails with a SourceError when /proc/net/tcp is missing or has no header', () => {
    const s = createLinuxSource({ procRoot: proc.root });
    expect(() => s.read()).toThrow(SourceError);
    expect(() => s.read()).toThrow(/net\/tcp does not exist: is procfs mounted\?/);
    proc.writeNet('tcp', 'not a procfs table\n');
    expect(() => s.read()).toThrow(/unrecognized format/);
  });

  it('offers process details', async () => {
    proc.writeNet('tcp', HEADER);
    proc.addProcess({ pid: 77, comm: 'sshd', exe: '/usr/sbin/sshd', cmdline: ['sshd', '-D'], uid: 0 });
    const s = createLinuxSource({ procRoot: proc.root });
    const d = await s.processDetails!(77);
    expect(d?.name).toBe('sshd');
    expect(d?.commandLine).toBe('sshd -D');
    expect(d?.path).toBe('/usr/sbin/sshd');
    expect(d?.services).toEqual([]);
  });
});
