// EStats on Windows: every field of the documented structures at its offset (checked against
// koffi's layout of the same declarations), the MIB rows that name a connection, and the
// enable / read protocol against a scripted fake: never a value from a connection whose collection
// is off, "needs administrator" when unelevated, a named error where the calls are not implemented,
// and the per-poll call cap.
import { describe, expect, it } from 'vitest';
import { structLayout } from '../../native/koffi';
import { tableFromSpecs, type RowSpec } from '../../model/build';
import { C, COUNTER_SLOTS, type RowTable } from '../../model/rows';
import { ERROR_CALL_NOT_IMPLEMENTED } from './errors';
import { EStatsUnavailableError, createEStatsCollector } from './estats';
import {
  DATA_ROD,
  ESTATS_KINDS,
  PATH_ROD,
  PATH_ROD_FIELDS,
  SND_CONG_ROD,
  TcpConnectionEstatsData,
  TcpConnectionEstatsPath,
  TcpConnectionEstatsSndCong,
  decodeEStats,
  writeEStatsRow,
} from './estats-decode';
import { fakeEStats, rowHex, type FakeEStats } from './fake-estats';

const u64 = (b: Buffer, at: number, v: number) => b.writeBigUInt64LE(BigInt(v), at);

function dataRod(bytesOut: number, bytesIn: number, segsOut = 11, segsIn = 13): Buffer {
  const b = Buffer.alloc(96, 0xee);
  u64(b, DATA_ROD.DataBytesOut, bytesOut);
  u64(b, DATA_ROD.DataBytesIn, bytesIn + 5); // includes duplicates: not what netmon shows
  u64(b, DATA_ROD.ThruBytesReceived, bytesIn);
  u64(b, DATA_ROD.SegsOut, segsOut);
  u64(b, DATA_ROD.SegsIn, segsIn);
  return b;
}
function pathRod(rttMs: number, rttVarMs: number, retrans: number): Buffer {
  const b = Buffer.alloc(160, 0);
  b.writeUInt32LE(retrans, PATH_ROD.PktsRetrans);
  b.writeUInt32LE(rttMs, PATH_ROD.SmoothedRtt);
  b.writeUInt32LE(rttVarMs, PATH_ROD.RttVar);
  return b;
}
function sndCongRod(rwinMs: number, cwndMs: number, sndMs: number): Buffer {
  const b = Buffer.alloc(88, 0);
  b.writeUInt32LE(rwinMs, SND_CONG_ROD.SndLimTimeRwin);
  b.writeUInt32LE(cwndMs, SND_CONG_ROD.SndLimTimeCwnd);
  b.writeUInt32LE(sndMs, SND_CONG_ROD.SndLimTimeSnd);
  return b;
}

describe('EStats structures', () => {
  it('have the documented layout (koffi.offsetof of the tcpestats.h declarations)', () => {
    const U64 = 'uint64';
    const U32 = 'uint32';
    const data = structLayout({
      DataBytesOut: U64, DataSegsOut: U64, DataBytesIn: U64, DataSegsIn: U64, SegsOut: U64, SegsIn: U64,
      SoftErrors: U32, SoftErrorReason: U32, SndUna: U32, SndNxt: U32, SndMax: U32, ThruBytesAcked: U64,
      RcvNxt: U32, ThruBytesReceived: U64,
    }); // prettier-ignore
    expect(data.offsets).toEqual(DATA_ROD);
    expect(data.size).toBe(ESTATS_KINDS.find((k) => k.type === TcpConnectionEstatsData)!.rodSize);
    const path = structLayout(Object.fromEntries(PATH_ROD_FIELDS.map((f) => [f, U32])));
    expect(PATH_ROD_FIELDS).toHaveLength(40);
    for (const [f, at] of Object.entries(PATH_ROD)) expect(path.offsets[f]).toBe(at);
    expect(path.size).toBe(ESTATS_KINDS.find((k) => k.type === TcpConnectionEstatsPath)!.rodSize);
    // SIZE_T is 8 bytes on x64 Windows, as size_t is here.
    const cong = structLayout({
      SndLimTransRwin: U32, SndLimTimeRwin: U32, SndLimBytesRwin: 'size_t', SndLimTransCwnd: U32, SndLimTimeCwnd: U32,
      SndLimBytesCwnd: 'size_t', SndLimTransSnd: U32, SndLimTimeSnd: U32, SndLimBytesSnd: 'size_t', SlowStart: U32,
      CongAvoid: U32, OtherReductions: U32, CurCwnd: U32, MaxSsCwnd: U32, MaxCaCwnd: U32, CurSsthresh: U32,
      MaxSsthresh: U32, MinSsthresh: U32,
    }); // prettier-ignore
    for (const [f, at] of Object.entries(SND_CONG_ROD)) expect(cong.offsets[f]).toBe(at);
    expect(cong.size).toBe(ESTATS_KINDS.find((k) => k.type === TcpConnectionEstatsSndCong)!.rodSize);
    const row6 = structLayout({
      State: U32, L0: U32, L1: U32, L2: U32, L3: U32, dwLocalScopeId: U32, dwLocalPort: U32,
      R0: U32, R1: U32, R2: U32, R3: U32, dwRemoteScopeId: U32, dwRemotePort: U32,
    }); // prettier-ignore
    expect([row6.offsets.dwLocalScopeId, row6.offsets.dwLocalPort, row6.offsets.R0, row6.offsets.dwRemoteScopeId, row6.offsets.dwRemotePort, row6.size]).toEqual([
      20, 24, 28, 44, 48, 52,
    ]);
  });

  it('decode every field netmon uses from its offset, ms → µs', () => {
    const out = new Float64Array(COUNTER_SLOTS).fill(NaN);
    decodeEStats(dataRod(2 ** 35 + 3, 4096, 70, 80), pathRod(25, 4, 6), sndCongRod(100, 700, 200), out, 0);
    expect(out[C.BYTES_SENT]).toBe(2 ** 35 + 3);
    expect(out[C.BYTES_RECEIVED]).toBe(4096);
    expect([out[C.SEGS_OUT], out[C.SEGS_IN]]).toEqual([70, 80]);
    expect([out[C.RTT_US], out[C.RTTVAR_US], out[C.RETRANS]]).toEqual([25_000, 4_000, 6]);
    expect([out[C.BUSY_US], out[C.RWND_LIMITED_US], out[C.SNDBUF_LIMITED_US]]).toEqual([1_000_000, 100_000, 200_000]);
  });

  it('leave a missing ROD and an RTT without samples unknown', () => {
    const out = new Float64Array(COUNTER_SLOTS).fill(NaN);
    decodeEStats(null, pathRod(0, 0, 1), null, out, 0);
    expect([out[C.BYTES_SENT], out[C.RTT_US], out[C.RTTVAR_US], out[C.BUSY_US]]).toEqual([NaN, NaN, NaN, NaN]);
    expect(out[C.RETRANS]).toBe(1);
  });

  it('name a connection by MIB_TCPROW / MIB_TCP6ROW in network order', () => {
    const t = tableFromSpecs([
      { local: '10.1.2.3', localPort: 0x1234, remote: '192.168.0.9', remotePort: 443 },
      { local: 'fe80::1', localPort: 8080, localScopeId: 7, remote: '2001:db8::2', remotePort: 22, state: 'CLOSE-WAIT' },
    ]);
    const b = new Uint8Array(52);
    expect(writeEStatsRow(t.words, 0, b)).toBe(4);
    expect(Buffer.from(b.subarray(0, 20)).toString('hex')).toBe('05000000' + '0a010203' + '12340000' + 'c0a80009' + '01bb0000');
    expect(writeEStatsRow(t.words, 1, b)).toBe(6);
    const h = Buffer.from(b).toString('hex');
    expect(h.slice(0, 8)).toBe('08000000'); // CLOSE-WAIT
    expect(h.slice(8, 40)).toBe('fe800000000000000000000000000001');
    expect(h.slice(40, 48)).toBe('07000000');
    expect(h.slice(48, 56)).toBe('1f900000');
    expect(h.slice(56, 88)).toBe('20010db8000000000000000000000002');
    expect(h.slice(88, 96)).toBe('00000000');
    expect(h.slice(96, 104)).toBe('00160000');
  });
});

const est = (lport: number, extra: Partial<RowSpec> = {}): RowSpec => ({ local: '10.0.0.1', localPort: lport, remote: '10.0.0.2', remotePort: 443, pid: 7, ...extra });

/** Registers each spec's connection in the fake with RODs derived from its port. */
function serveAll(f: FakeEStats, specs: RowSpec[]): RowTable {
  const t = tableFromSpecs(specs);
  const row = new Uint8Array(52);
  specs.forEach((s, i) => {
    const family = writeEStatsRow(t.words, i, row);
    const key = rowHex(family, row);
    if (f.connections.has(key)) return;
    f.connections.set(key, {
      enabled: new Set(),
      rods: {
        [TcpConnectionEstatsData]: dataRod(s.localPort * 100, s.localPort * 10),
        [TcpConnectionEstatsPath]: pathRod(s.localPort, 1, 0),
        [TcpConnectionEstatsSndCong]: sndCongRod(0, 1000, 0),
      },
    });
  });
  return t;
}
const sentOf = (t: RowTable, i: number) => t.counters?.[i * COUNTER_SLOTS + C.BYTES_SENT];

describe('EStats enable / read protocol', () => {
  it('enables each established connection once, then only reads; others are never called', () => {
    const f = fakeEStats();
    const specs = [est(1), est(2), est(3, { state: 'TIME-WAIT' }), est(4, { state: 'LISTEN', remote: '0.0.0.0', remotePort: 0 }), { protocol: 'udp' as const, local: '0.0.0.0', localPort: 53 }];
    const c = createEStatsCollector(() => f);
    const t1 = serveAll(f, specs);
    c.collect(t1);
    expect(c.stats()).toEqual({ getCalls: 6, setCalls: 6, tracked: 2 });
    expect([sentOf(t1, 0), sentOf(t1, 1)]).toEqual([100, 200]);
    expect(t1.counters![1 * COUNTER_SLOTS + C.RTT_US]).toBe(2000);
    for (const i of [2, 3, 4]) expect(sentOf(t1, i)).toBeNaN();
    const t2 = serveAll(f, specs);
    c.collect(t2);
    expect(c.stats()).toEqual({ getCalls: 6, setCalls: 0, tracked: 2 });
    expect(sentOf(t2, 1)).toBe(200);
    expect(t2.countersNote).toBeUndefined();
  });

  it('never shows a ROD whose collection is off (another socket on a tracked tuple), and re-enables it', () => {
    const f = fakeEStats();
    const c = createEStatsCollector(() => f);
    c.collect(serveAll(f, [est(1)]));
    for (const conn of f.connections.values()) conn.enabled.clear(); // the tuple was closed and reopened
    const t = serveAll(f, [est(1)]);
    c.collect(t);
    expect(Array.from(t.counters!.subarray(0, COUNTER_SLOTS)).every(Number.isNaN)).toBe(true);
    expect(c.stats().tracked).toBe(0);
    const t3 = serveAll(f, [est(1)]);
    c.collect(t3);
    expect(c.stats().setCalls).toBe(3);
    expect(sentOf(t3, 0)).toBe(100);
  });

  it('unelevated: no counters, "needs administrator", and no further calls', () => {
    const f = fakeEStats({ admin: false });
    const c = createEStatsCollector(() => f);
    const t = serveAll(f, [est(1), est(2)]);
    c.collect(t);
    expect(t.counters).toBeUndefined();
    expect(t.countersScope).toBeUndefined();
    expect(t.countersNote).toBe('needs administrator');
    expect(c.unavailable()).toBeInstanceOf(EStatsUnavailableError);
    expect(c.unavailable()!.code).toBe(5);
    const calls = f.calls.length;
    expect(calls).toBe(1); // the first refusal settles it
    const t2 = serveAll(f, [est(1)]);
    c.collect(t2);
    expect(f.calls.length).toBe(calls);
    expect(t2.countersNote).toBe('needs administrator');
  });

  it('names what is not implemented (no exports, or ERROR_CALL_NOT_IMPLEMENTED) and stops calling', () => {
    const missing = createEStatsCollector(() => new EStatsUnavailableError('iphlpapi.dll does not export the EStats functions'));
    const t = tableFromSpecs([est(1)]);
    missing.collect(t);
    expect(t.countersNote).toBe('not available: iphlpapi.dll does not export the EStats functions');
    const f = fakeEStats();
    f.getCode = ERROR_CALL_NOT_IMPLEMENTED;
    const c = createEStatsCollector(() => f);
    const t2 = serveAll(f, [est(1)]);
    c.collect(t2);
    expect(t2.counters).toBeUndefined();
    expect(t2.countersNote).toMatch(/^not available: GetPerTcpConnectionEStats\(TcpConnectionEstatsData\) is not implemented here \(error 120\)$/);
    expect(c.unavailable()?.name).toBe('EStatsUnavailableError');
  });

  it('a throwing native layer costs the counters, not the poll', () => {
    const c = createEStatsCollector(() => ({
      get: () => {
        throw new Error('boom');
      },
      set: () => 0,
    }));
    const t = tableFromSpecs([est(1)]);
    expect(() => c.collect(t)).not.toThrow();
    expect(t.countersNote).toBe('not available: EStats call failed: boom');
  });

  it('keeps reading a connection through ESTABLISHED → CLOSE-WAIT → LAST-ACK, enabled once', () => {
    const f = fakeEStats();
    const c = createEStatsCollector(() => f);
    const t1 = serveAll(f, [est(1)]);
    c.collect(t1);
    expect([sentOf(t1, 0), c.stats()]).toEqual([100, { getCalls: 3, setCalls: 3, tracked: 1 }]);
    const conn = [...f.connections.values()][0];
    conn.rods[TcpConnectionEstatsData] = dataRod(150, 10);
    const t2 = serveAll(f, [est(1, { state: 'CLOSE-WAIT' })]);
    c.collect(t2);
    expect([sentOf(t2, 0), c.stats()]).toEqual([150, { getCalls: 3, setCalls: 0, tracked: 1 }]);
    conn.rods[TcpConnectionEstatsData] = dataRod(180, 10);
    const t3 = serveAll(f, [est(1, { state: 'LAST-ACK' })]);
    c.collect(t3);
    expect([sentOf(t3, 0), c.stats()]).toEqual([180, { getCalls: 3, setCalls: 0, tracked: 1 }]);
    expect(f.calls.filter((x) => x.op === 'set')).toHaveLength(3);
    expect(t3.countersScope).toEqual({ states: ['ESTABLISHED', 'FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK'], cap: 2000, beyondCap: 0 });
  });

  it('reads connections first seen in FIN-WAIT-1 to LAST-ACK; never calls for SYN-SENT or SYN-RECEIVED', () => {
    const f = fakeEStats();
    const c = createEStatsCollector(() => f);
    const states = ['FIN-WAIT-1', 'FIN-WAIT-2', 'CLOSE-WAIT', 'CLOSING', 'LAST-ACK', 'SYN-SENT', 'SYN-RECEIVED'] as const;
    const t = serveAll(f, states.map((state, k) => est(10 + k, { state })));
    c.collect(t);
    expect(states.map((_, i) => sentOf(t, i))).toEqual([1000, 1100, 1200, 1300, 1400, NaN, NaN]);
    expect(c.stats()).toEqual({ getCalls: 15, setCalls: 15, tracked: 5 });
  });

  it('caps the connections read and enabled per poll, tracked ones first', () => {
    const f = fakeEStats();
    const c = createEStatsCollector(() => f, { maxConnections: 2, maxEnablePerPoll: 1 });
    const t1 = serveAll(f, [est(5), est(6), est(7)]);
    c.collect(t1);
    expect(c.stats()).toEqual({ getCalls: 3, setCalls: 3, tracked: 1 }); // one enable a poll
    expect([sentOf(t1, 0), sentOf(t1, 1), sentOf(t1, 2)]).toEqual([500, NaN, NaN]);
    // Left by the enable bound, not the cap: they come with a next poll.
    expect(t1.countersScope?.beyondCap).toBe(0);
    const t2 = serveAll(f, [est(5), est(6), est(7)]);
    c.collect(t2);
    expect(c.stats().tracked).toBe(2);
    expect(t2.countersScope).toMatchObject({ cap: 2, beyondCap: 1 });
    // A new connection ahead of the tracked ones in table order does not displace them.
    const t3 = serveAll(f, [est(1), est(5), est(6), est(7)]);
    c.collect(t3);
    expect([sentOf(t3, 0), sentOf(t3, 1), sentOf(t3, 2), sentOf(t3, 3)]).toEqual([NaN, 500, 600, NaN]);
    expect(c.stats()).toEqual({ getCalls: 6, setCalls: 0, tracked: 2 });
    expect(t3.countersScope?.beyondCap).toBe(2);
    // One closes: its slot goes to a waiting one.
    const t4 = serveAll(f, [est(1), est(6), est(7)]);
    c.collect(t4);
    expect(c.stats().tracked).toBe(2);
    expect([sentOf(t4, 0), sentOf(t4, 1)]).toEqual([100, 600]);
    expect(t4.countersScope?.beyondCap).toBe(1);
  });
});

describe('createWindowsSource with EStats', () => {
  it('adds the counters of established rows to the table it reads', async () => {
    const { createWindowsSource } = await import('./index');
    // MIB_TCPTABLE2 with one LISTEN row and one ESTABLISHED row 127.0.0.1:81 → 0.0.0.0:0.
    const table = Buffer.alloc(4 + 2 * 28);
    table.writeUInt32LE(2, 0);
    for (const [i, [state, lport]] of [[2, 80], [5, 81]].entries()) {
      const o = 4 + i * 28;
      table.writeUInt32LE(state, o);
      table.writeUInt32BE(0x7f000001, o + 4);
      table.writeUInt16BE(lport, o + 8);
      table.writeUInt32LE(9, o + 20);
    }
    const f = fakeEStats();
    const s = createWindowsSource({
      tcp: 'table2',
      udp: false,
      native: {
        table: (fn) =>
          fn === 'GetTcpTable2'
            ? (buf, size) => {
                if (size.readUInt32LE(0) < table.length) {
                  size.writeUInt32LE(table.length, 0);
                  return 122;
                }
                table.copy(buf);
                return 0;
              }
            : fn === 'GetTcp6Table2'
              ? (_b, _s) => 232
              : null,
        processes: { open: () => null, creationTime: () => null, imagePath: () => null, close: () => {} },
        estats: () => f,
      },
    });
    serveAll(f, [{ local: '127.0.0.1', localPort: 81, remote: '0.0.0.0', remotePort: 0 }]);
    const t = s.read() as RowTable;
    expect(t.count).toBe(2);
    expect([sentOf(t, 0), sentOf(t, 1)]).toEqual([NaN, 8100]);
  });
});
