// Builds RowTables from readable specs: for the scripted/demo sources, tests and benchmarks.
// Sources that read the OS decode straight into words and never come through here.
import { tcpStateNumber, type TcpState } from '../../shared/connection';
import { parseAddress } from './address';
import { C, COUNTER_SLOTS, createRowTable, ensureCounters, PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W, type RowTable } from './rows';

export interface RowSpec {
  protocol?: 'tcp' | 'udp';
  local: string;
  localPort: number;
  localScopeId?: number;
  /** Omitted for UDP endpoints (and TCP listeners, which have remote 0.0.0.0:0 / [::]:0). */
  remote?: string;
  remotePort?: number;
  remoteScopeId?: number;
  /** Default ESTABLISHED for TCP; ignored for UDP. */
  state?: TcpState;
  /** null = unknown. */
  pid?: number | null;
  /** Epoch ms. */
  createdAt?: number;
  /** Traffic counters by slot name (see C in rows.ts); slots not given are unknown (NaN). */
  counters?: Partial<Record<keyof typeof C, number>>;
}

/** Writes `spec` into row `i` of `t` (which must have room). Throws on malformed addresses. */
export function writeRow(t: RowTable, i: number, spec: RowSpec): void {
  const local = parseAddress(spec.local);
  if (!local) throw new Error(`not an address: ${spec.local}`);
  const family = local.family;
  const remote = spec.remote !== undefined ? parseAddress(spec.remote) : { family, words: [0, 0, 0, 0] };
  if (!remote) throw new Error(`not an address: ${spec.remote}`);
  if (remote.family !== family) throw new Error(`mixed address families: ${spec.local} / ${spec.remote}`);
  const udp = spec.protocol === 'udp';
  const o = i * ROW_WORDS;
  const w = t.words;
  w[o + W.PROTO] = udp ? PROTO_UDP : PROTO_TCP;
  w[o + W.FAMILY] = family;
  w.set(local.words, o + W.LADDR);
  w[o + W.LPORT] = spec.localPort & 0xffff;
  w[o + W.LSCOPE] = spec.localScopeId ?? 0;
  w.set(remote.words, o + W.RADDR);
  w[o + W.RPORT] = (spec.remotePort ?? 0) & 0xffff;
  w[o + W.RSCOPE] = spec.remoteScopeId ?? 0;
  w[o + W.STATE] = udp ? 0 : tcpStateNumber(spec.state ?? 'ESTABLISHED');
  w[o + W.PID] = spec.pid === null || spec.pid === undefined ? PID_UNKNOWN : spec.pid;
  if (spec.createdAt !== undefined) {
    if (!t.createdAt || t.createdAt.length < t.words.length / ROW_WORDS) {
      const c = new Float64Array(t.words.length / ROW_WORDS).fill(NaN);
      if (t.createdAt) c.set(t.createdAt.subarray(0, Math.min(t.createdAt.length, c.length)));
      t.createdAt = c;
    }
    t.createdAt[i] = spec.createdAt;
  } else if (t.createdAt) {
    t.createdAt[i] = NaN;
  }
  if (spec.counters || t.counters) {
    const c = ensureCounters(t, t.words.length / ROW_WORDS);
    c.fill(NaN, i * COUNTER_SLOTS, (i + 1) * COUNTER_SLOTS);
    // No OS keeps per-socket counters for UDP (RowTable.counters): a spec's are not written, as no source would.
    if (!udp) for (const [slot, v] of Object.entries(spec.counters ?? {})) c[i * COUNTER_SLOTS + C[slot as keyof typeof C]] = v;
  }
}

/** A fresh table holding exactly `specs`. */
export function tableFromSpecs(specs: readonly RowSpec[]): RowTable {
  const t = createRowTable(specs.length);
  specs.forEach((s, i) => writeRow(t, i, s));
  t.count = specs.length;
  return t;
}

/** A copy of `src` into `dst` (reallocating `dst` only when it is too small); returns `dst`. */
export function copyTable(src: RowTable, dst: RowTable): RowTable {
  const n = src.count * ROW_WORDS;
  if (dst.words.length < n) dst.words = new Uint32Array(Math.ceil(src.count * 1.25 + 1) * ROW_WORDS);
  dst.words.set(src.words.subarray(0, n));
  dst.count = src.count;
  if (src.createdAt) {
    if (!dst.createdAt || dst.createdAt.length < src.count) dst.createdAt = new Float64Array(dst.words.length / ROW_WORDS);
    dst.createdAt.set(src.createdAt.subarray(0, src.count));
  } else {
    dst.createdAt = undefined;
  }
  if (src.counters) {
    const n = src.count * COUNTER_SLOTS;
    if (!dst.counters || dst.counters.length < n) dst.counters = new Float64Array((dst.words.length / ROW_WORDS) * COUNTER_SLOTS);
    dst.counters.set(src.counters.subarray(0, n));
  } else {
    dst.counters = undefined;
  }
  dst.countersNote = src.countersNote;
  dst.countersScope = src.countersScope;
  return dst;
}
