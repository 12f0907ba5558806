// Deterministic sources: `scripted` replays a fixed list of tables (unit tests: each read returns
// the next step, a step may fail or be slow), `demo` simulates a lively machine from a seed (demos,
// UI tests, benchmarks) without touching the OS.
import { tcpStateNumber } from '../../shared/connection';
import { tableFromSpecs, copyTable, type RowSpec } from '../model/build';
import { C, COUNTER_SLOTS, createRowTable, PID_UNKNOWN, PROTO_TCP, PROTO_UDP, ROW_WORDS, W, type RowTable } from '../model/rows';
import { prng } from '../model/random';
import { SourceError, type ConnectionSource, type ProcessInfo } from './types';

/** One scripted read: rows (as specs or a ready table), or a failure. */
export type ScriptStep =
  | RowSpec[]
  | RowTable
  | { error: string; code?: number }
  | { rows: RowSpec[] | RowTable; delayMs: number };

export interface ScriptedOptions {
  name?: string;
  /** PID → process info, or a lookup function. */
  processes?: Record<number, string | ProcessInfo> | ((pid: number) => ProcessInfo | null);
  /** Every read resolves after this many ms (setTimeout, so fake timers drive it). */
  delayMs?: number;
  /** After the last step: repeat it (default), start over, or fail every read. */
  atEnd?: 'repeat' | 'loop' | 'error';
}

export interface ScriptedSource extends ConnectionSource {
  /** Number of read() calls so far. */
  readonly reads: number;
}

function isTable(x: unknown): x is RowTable {
  return typeof x === 'object' && x !== null && 'words' in x && (x as RowTable).words instanceof Uint32Array;
}

/**
 * `script` is either a list of steps or a function from the read number (0-based) to a step.
 * Every read hands out a fresh table, so a consumer may keep it.
 */
export function createScriptedSource(
  script: readonly ScriptStep[] | ((read: number) => ScriptStep),
  opts: ScriptedOptions = {},
): ScriptedSource {
  let reads = 0;
  const stepAt = (i: number): ScriptStep => {
    if (typeof script === 'function') return script(i);
    if (script.length === 0) return [];
    if (i < script.length) return script[i];
    const atEnd = opts.atEnd ?? 'repeat';
    if (atEnd === 'loop') return script[i % script.length];
    if (atEnd === 'error') return { error: 'scripted source: script exhausted' };
    return script[script.length - 1];
  };
  const toTable = (rows: RowSpec[] | RowTable): RowTable =>
    isTable(rows) ? copyTable(rows, createRowTable(rows.count)) : tableFromSpecs(rows);
  const lookup = (pid: number): ProcessInfo | null => {
    const p = opts.processes;
    if (!p) return null;
    if (typeof p === 'function') return p(pid);
    const v = p[pid];
    if (v === undefined) return null;
    return typeof v === 'string' ? { pid, name: v, path: null } : v;
  };
  return {
    name: opts.name ?? 'scripted',
    get reads() {
      return reads;
    },
    read(): RowTable | Promise<RowTable> {
      const step = stepAt(reads++);
      let delay = opts.delayMs ?? 0;
      let rows: RowSpec[] | RowTable;
      if (!Array.isArray(step) && !isTable(step) && 'error' in step) {
        const err = new SourceError(step.error, step.code);
        if (delay <= 0) throw err;
        return new Promise((_, reject) => setTimeout(() => reject(err), delay));
      }
      if (!Array.isArray(step) && !isTable(step) && 'rows' in step) {
        rows = step.rows;
        delay = step.delayMs;
      } else {
        rows = step as RowSpec[] | RowTable;
      }
      const table = toTable(rows);
      if (delay <= 0) return table;
      return new Promise((resolve) => setTimeout(() => resolve(table), delay));
    },
    processInfo: lookup,
  };
}

// ---- demo ------------------------------------------------------------------------------------

export interface DemoOptions {
  /** Connections to aim for (the simulation hovers around it), 1..DEMO_MAX_CONNECTIONS. Default 120. */
  connections?: number;
  /**
   * Fraction of established connections that start closing each read, 0..1. Default 0.03. Each
   * close and the open that replaces it make ~5.6 events (ESTABLISHED → FIN-WAIT-1 → FIN-WAIT-2 →
   * TIME-WAIT → closed, or CLOSE-WAIT → LAST-ACK → closed; opened as SYN-SENT → ESTABLISHED), so
   * events per read ≈ 5.6 × churn × connections.
   */
  churn?: number;
  /**
   * Share of established connections that move data each read, 0..1. Default 0: the demo reports
   * no traffic counters at all. Above 0 every TCP row carries counters (bytes, segments, RTT,
   * retransmits, limited times), so the engine sends counter updates for the rows that moved.
   */
  traffic?: number;
}

/** Largest demo population (a 16-word row table and the simulation's own rows stay ~100 MB). */
export const DEMO_MAX_CONNECTIONS = 500_000;
/** Events per read that one unit of churn × connections makes, on average (see DemoOptions.churn). */
export const DEMO_EVENTS_PER_CHURN = 5.3;

/**
 * Checks demo options that may come from outside (a command line, worker data); throws SourceError
 * naming the option and the accepted range.
 */
export function validateDemoOptions(opts: DemoOptions): void {
  const n = opts.connections;
  if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= DEMO_MAX_CONNECTIONS)) {
    throw new SourceError(`demo connections must be a whole number from 1 to ${DEMO_MAX_CONNECTIONS}, got ${String(n)}`);
  }
  for (const [name, v] of [['churn', opts.churn], ['traffic', opts.traffic]] as const) {
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) throw new SourceError(`demo ${name} must be a fraction from 0 to 1, got ${String(v)}`);
  }
}

const DEMO_PROCESSES: ProcessInfo[] = [
  { pid: 4, name: 'System', path: null },
  { pid: 812, name: 'svchost.exe', path: 'C:\\Windows\\System32\\svchost.exe' },
  { pid: 1024, name: 'lsass.exe', path: 'C:\\Windows\\System32\\lsass.exe' },
  { pid: 2216, name: 'chrome.exe', path: 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe' },
  { pid: 3120, name: 'Teams.exe', path: 'C:\\Users\\admin\\AppData\\Local\\Microsoft\\Teams\\Teams.exe' },
  { pid: 4410, name: 'OneDrive.exe', path: 'C:\\Program Files\\Microsoft OneDrive\\OneDrive.exe' },
  { pid: 5004, name: 'sqlservr.exe', path: 'C:\\Program Files\\Microsoft SQL Server\\sqlservr.exe' },
  { pid: 6120, name: 'node.exe', path: 'C:\\Program Files\\nodejs\\node.exe' },
];
/** Well-known listeners: [pid, port, family]. */
const DEMO_LISTENERS: [number, number, 4 | 6][] = [
  [4, 445, 4], [4, 445, 6], [812, 135, 4], [812, 135, 6], [1024, 49664, 4], [5004, 1433, 4], [6120, 3000, 4], [4, 139, 4],
];
const REMOTE_PORTS = [443, 443, 443, 80, 22, 3389, 5223, 1433];
/** The demo's ephemeral ports: 49700..65535 on each local address. */
const EPHEMERAL_FIRST = 49700;
const EPHEMERAL_PORTS = 65535 - EPHEMERAL_FIRST + 1;

interface DemoRow {
  udp: boolean;
  family: 4 | 6;
  l: [number, number, number, number];
  lport: number;
  /** Key in the source's set of ports in use (slot × 65536 + port); -1 for listeners and UDP. */
  portKey: number;
  r: [number, number, number, number];
  rport: number;
  state: number;
  pid: number;
  /** Reads left in the current state (closing rows advance through FIN-WAIT / TIME-WAIT). */
  ttl: number;
  /** Traffic counters (COUNTER_SLOTS, see C) of a TCP connection when the demo has traffic; null otherwise. */
  ctr: Float64Array | null;
}

const S = {
  LISTEN: tcpStateNumber('LISTEN'),
  SYN_SENT: tcpStateNumber('SYN-SENT'),
  ESTAB: tcpStateNumber('ESTABLISHED'),
  FIN1: tcpStateNumber('FIN-WAIT-1'),
  FIN2: tcpStateNumber('FIN-WAIT-2'),
  CLOSE_WAIT: tcpStateNumber('CLOSE-WAIT'),
  LAST_ACK: tcpStateNumber('LAST-ACK'),
  TIME_WAIT: tcpStateNumber('TIME-WAIT'),
};

/**
 * A new demo connection's counters: nothing moved yet (0), and no RTT measured yet (NaN: unknown,
 * shown as such, never as "0 ms") until its first data sets one.
 */
function idleCounters(): Float64Array {
  const k = new Float64Array(COUNTER_SLOTS);
  k[C.RTT_US] = NaN;
  k[C.RTTVAR_US] = NaN;
  return k;
}

/** A simulated, lively Windows-like machine; deterministic for a given seed. Name `demo`. */
export function createDemoSource(seed = 1, opts: DemoOptions = {}): ConnectionSource {
  validateDemoOptions(opts);
  const rnd = prng(seed);
  const target = Math.max(DEMO_LISTENERS.length + 4, opts.connections ?? 120);
  const churn = opts.churn ?? 0.03;
  const traffic = opts.traffic ?? 0;
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)];
  // A big population spreads over several local addresses (192.168.1.10, .11, …; 2001:db8:1::a,
  // ::b, …), each with its own ephemeral range, as a busy server has: one address holds only
  // ~15,800 ports. Twice the target leaves room for the rows still closing.
  let slots = Math.max(1, Math.ceil((2 * target) / EPHEMERAL_PORTS));
  const localV4 = (slot: number): [number, number, number, number] => [0xc0a8010a + slot, 0, 0, 0];
  const localV6 = (slot: number): [number, number, number, number] => [0x20010db8, 0x00000001, 0, 0x0000000a + slot];
  /** (slot, port) pairs in use, as slot × 65536 + port. */
  const usedPorts = new Set<number>();
  let nextEphemeral = EPHEMERAL_FIRST;
  let slot = 0;
  const ephemeral = (): number => {
    for (let tries = 0; ; tries++) {
      // Every pair taken (a churn near 1 keeps many rows closing): one more address.
      if (tries === slots * EPHEMERAL_PORTS) slots++;
      if (nextEphemeral >= 65535) {
        nextEphemeral = EPHEMERAL_FIRST;
        slot = (slot + 1) % slots;
      } else nextEphemeral++;
      if (!usedPorts.has(slot * 65536 + nextEphemeral)) return slot * 65536 + nextEphemeral;
    }
  };
  const rows: DemoRow[] = [];
  for (const [pid, port, family] of DEMO_LISTENERS) {
    rows.push({ udp: false, family, l: [0, 0, 0, 0], lport: port, portKey: -1, r: [0, 0, 0, 0], rport: 0, state: S.LISTEN, pid, ttl: Infinity, ctr: null });
  }
  rows.push({ udp: true, family: 4, l: [0, 0, 0, 0], lport: 53, portKey: -1, r: [0, 0, 0, 0], rport: 0, state: 0, pid: 812, ttl: Infinity, ctr: null });
  rows.push({ udp: true, family: 4, l: [0, 0, 0, 0], lport: 5353, portKey: -1, r: [0, 0, 0, 0], rport: 0, state: 0, pid: 2216, ttl: Infinity, ctr: null });
  rows.push({ udp: true, family: 6, l: [0, 0, 0, 0], lport: 5353, portKey: -1, r: [0, 0, 0, 0], rport: 0, state: 0, pid: 2216, ttl: Infinity, ctr: null });

  const openOne = (fresh: boolean): void => {
    const family: 4 | 6 = rnd() < 0.25 ? 6 : 4;
    const portKey = ephemeral();
    usedPorts.add(portKey);
    const at = portKey >>> 16;
    const remote: [number, number, number, number] =
      family === 4
        ? [(((13 + Math.floor(rnd() * 200)) << 24) | Math.floor(rnd() * 0xffffff)) >>> 0, 0, 0, 0]
        : [0x2a001450, Math.floor(rnd() * 0xffff), 0, (Math.floor(rnd() * 0xffffffff) >>> 0) | 1];
    rows.push({
      udp: false,
      family,
      l: family === 4 ? localV4(at) : localV6(at),
      lport: portKey & 0xffff,
      portKey,
      r: remote,
      rport: pick(REMOTE_PORTS),
      state: fresh ? S.SYN_SENT : S.ESTAB,
      pid: pick(DEMO_PROCESSES.slice(3)).pid,
      ttl: fresh ? 1 : Infinity,
      ctr: traffic > 0 ? idleCounters() : null,
    });
  };
  while (rows.length < target) openOne(false);

  /** One read's worth of data on a connection: bytes, segments, a fresh RTT, now and then a retransmit. */
  const moveData = (k: Float64Array): void => {
    const sent = Math.floor(rnd() * 200_000);
    const received = Math.floor(rnd() * 2_000_000);
    k[C.BYTES_SENT] += sent;
    k[C.BYTES_RECEIVED] += received;
    k[C.SEGS_OUT] += Math.ceil(sent / 1448) + 1;
    k[C.SEGS_IN] += Math.ceil(received / 1448) + 1;
    k[C.RTT_US] = 2000 + Math.floor(rnd() * 80_000);
    k[C.RTTVAR_US] = Math.floor(k[C.RTT_US] / 4);
    if (rnd() < 0.02) k[C.RETRANS] += 1;
    const busy = Math.floor(rnd() * 1_000_000);
    k[C.BUSY_US] += busy;
    k[C.RWND_LIMITED_US] += rnd() < 0.1 ? busy : 0;
    k[C.SNDBUF_LIMITED_US] += rnd() < 0.1 ? busy : 0;
  };

  const step = (): void => {
    let gone = 0;
    for (let i = rows.length - 1; i >= 0; i--) {
      const r = rows[i];
      if (r.udp || r.state === S.LISTEN) continue;
      if (r.ttl !== Infinity && --r.ttl > 0) continue;
      switch (r.state) {
        case S.SYN_SENT:
          r.state = S.ESTAB;
          r.ttl = Infinity;
          break;
        case S.ESTAB:
          if (traffic > 0 && r.ctr && rnd() < traffic) moveData(r.ctr);
          if (rnd() < churn) {
            const active = rnd() < 0.6;
            r.state = active ? S.FIN1 : S.CLOSE_WAIT;
            r.ttl = 1 + Math.floor(rnd() * 2);
          }
          break;
        case S.FIN1:
          r.state = S.FIN2;
          r.ttl = 1;
          break;
        case S.FIN2:
          // Windows hands TIME-WAIT rows to PID 0.
          r.state = S.TIME_WAIT;
          r.pid = 0;
          r.ttl = 2 + Math.floor(rnd() * 3);
          break;
        case S.CLOSE_WAIT:
          r.state = S.LAST_ACK;
          r.ttl = 1;
          break;
        default:
          usedPorts.delete(r.portKey);
          r.ttl = -1; // gone: dropped below in one pass (a splice per row is O(n) each at 50k rows)
          gone++;
      }
    }
    if (gone > 0) {
      let k = 0;
      for (const r of rows) if (r.ttl !== -1) rows[k++] = r;
      rows.length = k;
    }
    // Keep the population near the target: open a few new connections a tick.
    const deficit = target - rows.length;
    const opens = Math.max(0, Math.round(deficit * 0.5 + rnd() * Math.max(1, target * churn * 0.5)));
    for (let k = 0; k < opens; k++) openOne(true);
  };

  let first = true;
  const byPid = new Map(DEMO_PROCESSES.map((p) => [p.pid, p]));
  return {
    name: 'demo',
    read(): RowTable {
      if (!first) step();
      first = false;
      const t = createRowTable(rows.length);
      const w = t.words;
      rows.forEach((r, i) => {
        const o = i * ROW_WORDS;
        w[o + W.PROTO] = r.udp ? PROTO_UDP : PROTO_TCP;
        w[o + W.FAMILY] = r.family;
        w.set(r.l, o + W.LADDR);
        w[o + W.LPORT] = r.lport;
        w.set(r.r, o + W.RADDR);
        w[o + W.RPORT] = r.rport;
        w[o + W.STATE] = r.state;
        w[o + W.PID] = r.pid ?? PID_UNKNOWN;
      });
      t.count = rows.length;
      if (traffic > 0) {
        // Counters where the OS keeps them: TCP connections past the handshake, not LISTEN or TIME-WAIT.
        const k = (t.counters = new Float64Array(Math.max(1, rows.length) * COUNTER_SLOTS).fill(NaN));
        rows.forEach((r, i) => {
          if (r.ctr && r.state !== S.SYN_SENT && r.state !== S.TIME_WAIT) k.set(r.ctr, i * COUNTER_SLOTS);
        });
      } else {
        // Said in the Traffic columns' place, as a real source says why it has none. No option named:
        // only `serve` takes --demo-traffic, and the CLI prints this note too.
        t.countersNote = 'none in this demo (simulated traffic is off)';
      }
      return t;
    },
    processInfo: (pid) => byPid.get(pid) ?? null,
  };
}
