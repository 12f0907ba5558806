// Per-connection counters on Windows: the EStats enable / read protocol over an injected native
// layer (koffi-backed in production, a scripted fake in tests).
//
// The protocol, and why it is shaped so:
//  - Collection is off by default and is switched on per connection and per kind with
//    SetPerTcp(6)ConnectionEStats (EnableCollection = TRUE), which needs an administrator. Reads of
//    a connection whose collection was never enabled return meaningless data (the documentation
//    says so), so every read also asks for the RW structure and a ROD is used only when its RW says
//    collection is on. Windows counts from the moment collection was switched on.
//  - Rows in the synchronized states are read, ESTABLISHED through LAST-ACK (MIB_TCP_STATE 5..10,
//    ESTATS_STATES): the connection is still in the TCP table there, so EStats answers, and a
//    CLOSE-WAIT (peer closed, the application has not) is what an admin hunts. A connection is
//    named by its 4-tuple, not its state, so one enabled in ESTABLISHED keeps its collection (and
//    its counts) through CLOSE-WAIT and LAST-ACK with no new Set. SYN-SENT and SYN-RECEIVED are
//    left out: no payload moves before ESTABLISHED (the documented counters are of data
//    transfer, path and sender congestion), and a SYN flood or a scan of dead hosts would spend
//    the enable bound on connections that never carry data; one that completes is enabled then,
//    losing nothing.
//  - Each new connection is enabled once (three Set calls), then read every poll (three Get
//    calls). At most `maxConnections` connections are tracked (default MAX_ESTATS_CONNECTIONS):
//    at most 3 × that Get calls and 3 × `maxEnablePerPoll` Set calls a poll. Connections beyond
//    the cap keep unknown counters until a tracked one closes; the table's countersScope says
//    which states are read, the cap and how many were left beyond it, so viewers can say so.
//  - ERROR_ACCESS_DENIED on enabling: not elevated. No further calls are made; the table's
//    countersNote says "needs administrator".
//  - An iphlpapi.dll without these exports, or that answers ERROR_CALL_NOT_IMPLEMENTED /
//    ERROR_NOT_SUPPORTED (older Wine), makes EStats unavailable for the session, with the reason.
import { COUNTER_SLOTS, ensureCounters, KEY_WORDS, PROTO_TCP, ROW_WORDS, W, type RowTable } from '../../model/rows';
import { ESTATS_KINDS, ESTATS_RW_SIZE, MIB_TCP6ROW_SIZE, decodeEStats, writeEStatsRow } from './estats-decode';
import { ERROR_CALL_NOT_IMPLEMENTED, ERROR_NOT_SUPPORTED } from './errors';
import { TCP_STATES, type TcpState } from '../../../shared/connection';

export const ERROR_ACCESS_DENIED = 5;
export const ERROR_NOT_FOUND = 1168;
/** Connections whose counters are read each poll, at most. */
export const MAX_ESTATS_CONNECTIONS = 2000;
/** New connections switched on per poll, at most (each costs three Set calls). */
export const MAX_ESTATS_ENABLE_PER_POLL = 500;
/** MIB_TCP_STATE numbers read: ESTABLISHED (5) through LAST-ACK (10); see the header for why not SYN-*. */
const FIRST_READ_STATE = 5;
const LAST_READ_STATE = 10;
/** The read states by name (MIB_TCP_STATE 5..10: ESTABLISHED … LAST-ACK), as RowTable.countersScope gives them. */
export const ESTATS_STATES: readonly TcpState[] = TCP_STATES.slice(FIRST_READ_STATE - 1, LAST_READ_STATE);
const NEEDS_ADMIN = 'needs administrator';

/** The two EStats calls for one family; the row buffer is a MIB_TCPROW (4) or MIB_TCP6ROW (6). */
export interface EStatsNative {
  /** SetPerTcp(6)ConnectionEStats(row, type, rw, 0, rw.length, 0) → Win32 code. */
  set(family: 4 | 6, row: Uint8Array, type: number, rw: Uint8Array): number;
  /** GetPerTcp(6)ConnectionEStats(row, type, rw, 0, rw.length, null, 0, 0, rod, 0, rod.length) → Win32 code. */
  get(family: 4 | 6, row: Uint8Array, type: number, rw: Uint8Array, rod: Uint8Array): number;
}

/** Why EStats gives nothing (named so callers and tests can tell the cases apart). */
export class EStatsUnavailableError extends Error {
  override name = 'EStatsUnavailableError';
  constructor(
    message: string,
    /** The Win32 code the call returned, where there was one. */
    readonly code?: number,
  ) {
    super(message);
  }
}

export interface EStatsOptions {
  maxConnections?: number;
  maxEnablePerPoll?: number;
}

export interface EStatsStats {
  /** Calls made in the last collect(). */
  getCalls: number;
  setCalls: number;
  /** Connections currently tracked (enabled by netmon and still open). */
  tracked: number;
}

export interface EStatsCollector {
  /**
   * Adds counters to `t` and its countersScope (or, when EStats gives nothing, a countersNote
   * saying why). Never throws.
   */
  collect(t: RowTable): void;
  /** Null while EStats works; the reason once it is known not to (needs administrator, not implemented). */
  unavailable(): EStatsUnavailableError | null;
  stats(): EStatsStats;
}

/** The native layer, or null with the reason it is missing (no such export). */
export type EStatsNativeFactory = () => EStatsNative | EStatsUnavailableError;

export function createEStatsCollector(nativeOf: EStatsNativeFactory, opts: EStatsOptions = {}): EStatsCollector {
  const maxConnections = opts.maxConnections ?? MAX_ESTATS_CONNECTIONS;
  const maxEnable = opts.maxEnablePerPoll ?? MAX_ESTATS_ENABLE_PER_POLL;
  let native: EStatsNative | null = null;
  let down: EStatsUnavailableError | null = null;
  /** Key words of the connections netmon enabled and read last poll. */
  let tracked = new Map<string, true>();
  const row = new Uint8Array(MIB_TCP6ROW_SIZE);
  const rw = new Uint8Array(ESTATS_RW_SIZE);
  const on = Uint8Array.of(1);
  const rods = ESTATS_KINDS.map((k) => new Uint8Array(k.rodSize));
  const stats: EStatsStats = { getCalls: 0, setCalls: 0, tracked: 0 };

  /** The row's identity as a Map key; an IPv4 row's other key words are constant (TCP, family 4, zero padding and scopes). */
  const keyOf = (w: Uint32Array, o: number): string => {
    if (w[o + W.FAMILY] === 4) return `${w[o + W.LADDR]}:${w[o + W.LPORT]}>${w[o + W.RADDR]}:${w[o + W.RPORT]}`;
    let s = '6';
    for (let k = W.LADDR; k < KEY_WORDS; k++) s += `,${w[o + k]}`;
    return s;
  };

  const fail = (why: string, code?: number): void => {
    down = new EStatsUnavailableError(why, code);
  };

  /** Switches collection on for every kind; false when the connection is gone or refused. */
  const enable = (family: 4 | 6): boolean => {
    for (const k of ESTATS_KINDS) {
      stats.setCalls++;
      const rc = native!.set(family, row, k.type, on);
      if (rc === 0) continue;
      if (rc === ERROR_ACCESS_DENIED) fail(NEEDS_ADMIN, rc);
      else if (rc === ERROR_CALL_NOT_IMPLEMENTED || rc === ERROR_NOT_SUPPORTED) fail(`SetPerTcpConnectionEStats(${k.name}) is not implemented here (error ${rc})`, rc);
      return false;
    }
    return true;
  };

  /** Reads every kind into the counters at `at`; a kind whose RW says "off" is not trusted. */
  const read = (family: 4 | 6, counters: Float64Array, at: number): boolean => {
    const got: (Uint8Array | null)[] = [];
    let anyOff = false;
    for (let k = 0; k < ESTATS_KINDS.length; k++) {
      stats.getCalls++;
      rw[0] = 0;
      const rc = native!.get(family, row, ESTATS_KINDS[k].type, rw, rods[k]);
      if (rc === ERROR_CALL_NOT_IMPLEMENTED || rc === ERROR_NOT_SUPPORTED) {
        fail(`GetPerTcpConnectionEStats(${ESTATS_KINDS[k].name}) is not implemented here (error ${rc})`, rc);
        return false;
      }
      const ok = rc === 0 && rw[0] !== 0;
      if (rc === 0 && rw[0] === 0) anyOff = true;
      got.push(ok ? rods[k] : null);
    }
    decodeEStats(got[0], got[1], got[2], counters, at);
    return !anyOff;
  };

  /** Marks `t` as having no counters, saying why. */
  const unavailableIn = (t: RowTable, why: EStatsUnavailableError): void => {
    t.counters = undefined;
    t.countersScope = undefined;
    t.countersNote = why.message === NEEDS_ADMIN ? NEEDS_ADMIN : `not available: ${why.message}`;
    tracked = new Map();
    stats.tracked = 0;
  };

  /** Reads row `i` (enabling it first when `fresh`); true when its counters are trustworthy. */
  const visit = (t: RowTable, i: number, fresh: boolean): boolean => {
    const family = writeEStatsRow(t.words, i, row);
    if (fresh && !enable(family)) return false;
    // A connection netmon enabled, closed, and a new one on the same tuple: read() sees collection
    // off and the next poll enables it again.
    return read(family, t.counters!, i * COUNTER_SLOTS);
  };

  return {
    collect(t) {
      stats.getCalls = 0;
      stats.setCalls = 0;
      if (!down && !native) {
        const n = nativeOf();
        if (n instanceof EStatsUnavailableError) down = n;
        else native = n;
      }
      if (down) return unavailableIn(t, down);
      const counters = ensureCounters(t, t.count);
      counters.fill(NaN, 0, t.count * COUNTER_SLOTS);
      const w = t.words;
      const seen = new Map<string, true>();
      const fresh: { i: number; key: string }[] = [];
      let beyondCap = 0;
      try {
        // Tracked connections first, so new ones never push them out of the cap.
        for (let i = 0; i < t.count && !down; i++) {
          const o = i * ROW_WORDS;
          const state = w[o + W.STATE];
          if (w[o + W.PROTO] !== PROTO_TCP || state < FIRST_READ_STATE || state > LAST_READ_STATE) continue;
          const key = keyOf(w, o);
          if (!tracked.has(key)) fresh.push({ i, key });
          else if (seen.size >= maxConnections) beyondCap++;
          else if (visit(t, i, false)) seen.set(key, true);
        }
        let f = 0;
        for (; f < fresh.length && f < maxEnable && seen.size < maxConnections && !down; f++) {
          if (visit(t, fresh[f].i, true)) seen.set(fresh[f].key, true);
        }
        // Those left once the cap is full wait for a tracked one to close; those left by the
        // enable bound alone come with a next poll.
        if (seen.size >= maxConnections) beyondCap += fresh.length - f;
      } catch (e) {
        fail(`EStats call failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (down) return unavailableIn(t, down);
      // Closed connections drop out; their slots go to new ones.
      tracked = seen;
      stats.tracked = tracked.size;
      t.countersScope = { states: [...ESTATS_STATES], cap: maxConnections, beyondCap };
    },
    unavailable: () => down,
    stats: () => ({ ...stats }),
  };
}
