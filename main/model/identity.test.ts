// The identity rule on the Windows decoder's output: one row per socket the OS lists.
import { describe, expect, it } from 'vitest';
import { decodeUdpTableOwnerPid } from '../source/windows/decode';
import { diffTables, freshSlots } from './diff';
import { materializeTable } from './materialize';

/** MIB_UDPTABLE_OWNER_PID: DWORD count, then 12-byte rows (dwLocalAddr network order, dwLocalPort network order in the low 16 bits, dwOwningPid). */
function udpTable(rows: { addr: [number, number, number, number]; port: number; pid: number }[]): Buffer {
  const b = Buffer.alloc(4 + rows.length * 12);
  b.writeUInt32LE(rows.length, 0);
  rows.forEach((r, i) => {
    const o = 4 + i * 12;
    r.addr.forEach((x, k) => b.writeUInt8(x, o + k));
    b.writeUInt16BE(r.port, o + 4);
    b.writeUInt32LE(r.pid, o + 8);
  });
  return b;
}

const mdns = (pid: number) => ({ addr: [0, 0, 0, 0] as [number, number, number, number], port: 5353, pid });

describe('identity of Windows rows', () => {
  it('three 0.0.0.0:5353 UDP sockets owned by 1111, 2222, 3333 are three rows with unique ids', () => {
    const t = decodeUdpTableOwnerPid(udpTable([mdns(1111), mdns(2222), mdns(3333)]));
    const rows = materializeTable(t);
    expect(rows.map((c) => [c.id, c.pid])).toEqual([
      ['udp4 0.0.0.0:5353 *', 1111],
      ['udp4 0.0.0.0:5353 * #2', 2222],
      ['udp4 0.0.0.0:5353 * #3', 3333],
    ]);
  });

  it('when 2222 exits, only its row closes and the others keep their ids', () => {
    const prev = decodeUdpTableOwnerPid(udpTable([mdns(1111), mdns(2222), mdns(3333)]));
    const next = decodeUdpTableOwnerPid(udpTable([mdns(3333), mdns(1111)]));
    const slots = { prev: freshSlots(prev), next: new Uint32Array(2) };
    expect(diffTables(prev, next, undefined, slots)).toEqual({ opened: [], closed: [1], changed: [] });
    expect(materializeTable(next, undefined, undefined, slots.next).map((c) => [c.id, c.pid])).toEqual([
      ['udp4 0.0.0.0:5353 * #3', 3333],
      ['udp4 0.0.0.0:5353 *', 1111],
    ]);
  });
});
