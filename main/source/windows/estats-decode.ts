// Extended TCP statistics (EStats, RFC 4898 as Windows implements it in iphlpapi.dll): the
// documented structures, the row a call names its connection by, and a decoder from the read-only
// dynamic structures (ROD) to RowTable counters. Pure; the calls are in estats.ts.
//
// Structures (tcpestats.h, x64; every offset checked against koffi.offsetof of the same
// declarations in estats-decode.test.ts). ULONG is 32-bit, ULONG64 64-bit, SIZE_T pointer-sized.
//   TCP_ESTATS_DATA_ROD_v0 (96): DataBytesOut 0, DataSegsOut 8, DataBytesIn 16, DataSegsIn 24,
//     SegsOut 32, SegsIn 40, SoftErrors 48, SoftErrorReason 52, SndUna 56, SndNxt 60, SndMax 64,
//     ThruBytesAcked 72, RcvNxt 80, ThruBytesReceived 88.
//   TCP_ESTATS_PATH_ROD_v0 (160): 40 ULONGs; PktsRetrans 20, SmoothedRtt 108, RttVar 112 (ms).
//   TCP_ESTATS_SND_CONG_ROD_v0 (88 on x64): SndLimTransRwin 0, SndLimTimeRwin 4, SndLimBytesRwin 8,
//     SndLimTransCwnd 16, SndLimTimeCwnd 20, SndLimBytesCwnd 24, SndLimTransSnd 32, SndLimTimeSnd 36,
//     SndLimBytesSnd 40, then 9 ULONGs from SlowStart 48 (times in ms).
//   The *_RW_v0 structures are one BOOLEAN: EnableCollection.
//   MIB_TCPROW (20): dwState 0, dwLocalAddr 4, dwLocalPort 8, dwRemoteAddr 12, dwRemotePort 16.
//   MIB_TCP6ROW (52): State 0, LocalAddr 4, dwLocalScopeId 20, dwLocalPort 24, RemoteAddr 28,
//     dwRemoteScopeId 44, dwRemotePort 48. Addresses and ports in network order, as the tables give them.
import { C, ROW_WORDS, W } from '../../model/rows';

/** TCP_ESTATS_TYPE values (tcpestats.h). */
export const TcpConnectionEstatsData = 1;
export const TcpConnectionEstatsSndCong = 2;
export const TcpConnectionEstatsPath = 3;

/** The EStats kinds netmon reads, each with its ROD size (version 0 of every structure). */
export const ESTATS_KINDS = [
  { type: TcpConnectionEstatsData, name: 'TcpConnectionEstatsData', rodSize: 96 },
  { type: TcpConnectionEstatsPath, name: 'TcpConnectionEstatsPath', rodSize: 160 },
  { type: TcpConnectionEstatsSndCong, name: 'TcpConnectionEstatsSndCong', rodSize: 88 },
] as const;

export const ESTATS_RW_SIZE = 1;

export const DATA_ROD = {
  DataBytesOut: 0,
  DataSegsOut: 8,
  DataBytesIn: 16,
  DataSegsIn: 24,
  SegsOut: 32,
  SegsIn: 40,
  SoftErrors: 48,
  SoftErrorReason: 52,
  SndUna: 56,
  SndNxt: 60,
  SndMax: 64,
  ThruBytesAcked: 72,
  RcvNxt: 80,
  ThruBytesReceived: 88,
} as const;

/** Every field of TCP_ESTATS_PATH_ROD_v0, in declaration order (all ULONG, 4 bytes apart). */
export const PATH_ROD_FIELDS = [
  'FastRetran', 'Timeouts', 'SubsequentTimeouts', 'CurTimeoutCount', 'AbruptTimeouts', 'PktsRetrans',
  'BytesRetrans', 'DupAcksIn', 'SacksRcvd', 'SackBlocksRcvd', 'CongSignals', 'PreCongSumCwnd',
  'PreCongSumRtt', 'PostCongSumRtt', 'PostCongCountRtt', 'EcnSignals', 'EceRcvd', 'SendStall',
  'QuenchRcvd', 'RetranThresh', 'SndDupAckEpisodes', 'SumBytesReordered', 'NonRecovDa',
  'NonRecovDaEpisodes', 'AckAfterFr', 'DsackDups', 'SampleRtt', 'SmoothedRtt', 'RttVar', 'MaxRtt',
  'MinRtt', 'SumRtt', 'CountRtt', 'CurRto', 'MaxRto', 'MinRto', 'CurMss', 'MaxMss', 'MinMss',
  'SpuriousRtoDetections',
] as const; // prettier-ignore

export const PATH_ROD = { PktsRetrans: 20, SmoothedRtt: 108, RttVar: 112 } as const;

export const SND_CONG_ROD = {
  SndLimTransRwin: 0,
  SndLimTimeRwin: 4,
  SndLimBytesRwin: 8,
  SndLimTransCwnd: 16,
  SndLimTimeCwnd: 20,
  SndLimBytesCwnd: 24,
  SndLimTransSnd: 32,
  SndLimTimeSnd: 36,
  SndLimBytesSnd: 40,
  SlowStart: 48,
} as const;

export const MIB_TCPROW_SIZE = 20;
export const MIB_TCP6ROW_SIZE = 52;

/** ULONG64 little-endian as a double (exact to 2^53). */
function u64(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000 + ((b[at + 4] | (b[at + 5] << 8) | (b[at + 6] << 16)) + b[at + 7] * 0x1000000) * 4294967296;
}

function u32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16)) + b[at + 3] * 0x1000000;
}

function be32(b: Uint8Array, at: number, v: number): void {
  b[at] = v >>> 24;
  b[at + 1] = (v >>> 16) & 0xff;
  b[at + 2] = (v >>> 8) & 0xff;
  b[at + 3] = v & 0xff;
}

/** A port as MIB_TCPROW holds it: network order in the low 16 bits of a DWORD. */
function port(b: Uint8Array, at: number, p: number): void {
  b[at] = p >>> 8;
  b[at + 1] = p & 0xff;
  b[at + 2] = 0;
  b[at + 3] = 0;
}

/**
 * Writes row `i` of `words` as the MIB_TCPROW (family 4, 20 bytes) or MIB_TCP6ROW (family 6, 52
 * bytes) that names the connection to Get/SetPerTcp(6)ConnectionEStats. Returns the family.
 */
export function writeEStatsRow(words: Uint32Array, i: number, out: Uint8Array): 4 | 6 {
  const o = i * ROW_WORDS;
  const le = (at: number, v: number) => {
    out[at] = v & 0xff;
    out[at + 1] = (v >>> 8) & 0xff;
    out[at + 2] = (v >>> 16) & 0xff;
    out[at + 3] = v >>> 24;
  };
  if (words[o + W.FAMILY] === 6) {
    le(0, words[o + W.STATE]);
    for (let k = 0; k < 4; k++) be32(out, 4 + 4 * k, words[o + W.LADDR + k]);
    le(20, words[o + W.LSCOPE]);
    port(out, 24, words[o + W.LPORT]);
    for (let k = 0; k < 4; k++) be32(out, 28 + 4 * k, words[o + W.RADDR + k]);
    le(44, words[o + W.RSCOPE]);
    port(out, 48, words[o + W.RPORT]);
    return 6;
  }
  le(0, words[o + W.STATE]);
  be32(out, 4, words[o + W.LADDR]);
  port(out, 8, words[o + W.LPORT]);
  be32(out, 12, words[o + W.RADDR]);
  port(out, 16, words[o + W.RPORT]);
  return 4;
}

/**
 * Fills the counter slots at `out[at + C.*]` from the three RODs of one connection. Windows
 * reports RTTs and send-limit times in milliseconds; slots hold microseconds. A ROD passed as null
 * (its read failed) leaves its slots as they are (NaN).
 */
export function decodeEStats(data: Uint8Array | null, path: Uint8Array | null, sndCong: Uint8Array | null, out: Float64Array, at: number): void {
  if (data) {
    out[at + C.BYTES_SENT] = u64(data, DATA_ROD.DataBytesOut);
    out[at + C.BYTES_RECEIVED] = u64(data, DATA_ROD.ThruBytesReceived);
    out[at + C.SEGS_OUT] = u64(data, DATA_ROD.SegsOut);
    out[at + C.SEGS_IN] = u64(data, DATA_ROD.SegsIn);
  }
  if (path) {
    out[at + C.RETRANS] = u32(path, PATH_ROD.PktsRetrans);
    const rtt = u32(path, PATH_ROD.SmoothedRtt);
    // No RTT sample yet reads 0 (and some builds report ULONG_MAX): unknown, not 0 ms.
    if (rtt !== 0 && rtt !== 0xffffffff) {
      out[at + C.RTT_US] = rtt * 1000;
      out[at + C.RTTVAR_US] = u32(path, PATH_ROD.RttVar) * 1000;
    }
  }
  if (sndCong) {
    const rwin = u32(sndCong, SND_CONG_ROD.SndLimTimeRwin) * 1000;
    const cwnd = u32(sndCong, SND_CONG_ROD.SndLimTimeCwnd) * 1000;
    const snd = u32(sndCong, SND_CONG_ROD.SndLimTimeSnd) * 1000;
    out[at + C.BUSY_US] = rwin + cwnd + snd;
    out[at + C.RWND_LIMITED_US] = rwin;
    out[at + C.SNDBUF_LIMITED_US] = snd;
  }
}
