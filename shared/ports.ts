// Ephemeral port usage: the report behind `netmon ports` and the app's Ports panel. Pure functions
// over connection rows, so the CLI, the renderer and the tests compute the same numbers.
//
// What counts as "in use": a socket whose local port lies in the OS's dynamic (ephemeral) range and
// that is not a listener or a connection accepted by one (those hold the listener's port, which an
// outbound connect never takes). TIME-WAIT sockets count: they hold their port until they expire,
// which is exactly how port exhaustion happens (Windows event IDs 4227 / 4231).
//
// Two limits matter and both are reported:
//   - distinct ports per local address against the range size (Windows picks a port unique to the
//     local address for each outbound connect);
//   - sockets per destination (local address → remote address:port) against the range size (Linux
//     may reuse a local port towards different destinations, so its limit is per destination).
import type { Connection, Protocol, TcpState } from './connection';
import { formatEndpoint, ownerlessState, scopedAddress } from './format';

/** An inclusive port range, e.g. Windows' default dynamic range 49152–65535. */
export interface PortRange {
  low: number;
  high: number;
}

/** IANA's dynamic range, Windows' default since Vista (`netsh int ipv4 show dynamicport tcp`). */
export const DEFAULT_DYNAMIC_RANGE: PortRange = { low: 49152, high: 65535 };
export const DEFAULT_PORT_WARNING_PERCENT = 80;

export interface PortUsageOptions {
  /** The dynamic range per protocol (Windows keeps one for TCP and one for UDP; Linux one for both). */
  ranges: Record<Protocol, PortRange>;
  /** Warn at this share of the range, percent (default 80). */
  thresholdPercent?: number;
  /** How many processes / remote endpoints to list per address (default 5). */
  top?: number;
}

export interface ProcessPortShare {
  process: string | null;
  pid: number | null;
  /**
   * Set for the sockets no process owns by nature (ownerlessState: e.g. TIME-WAIT), grouped by that
   * state whatever PID the OS lists them under; process and pid are then null.
   */
  ownerless?: TcpState;
  /** Sockets in the dynamic range this process holds at the address. */
  sockets: number;
}

export interface RemotePortShare {
  remoteAddress: string;
  /**
   * The remote address's IPv6 scope (zone: interface index) where the row has one, else null:
   * fe80::1 on interface 2 and on interface 3 are two destinations (as Connection.remoteScopeId;
   * printed `[fe80::1%2]:443`).
   */
  remoteScopeId: number | null;
  remotePort: number;
  /** Sockets from this local address to this destination. */
  sockets: number;
}

export interface AddressPortUsage {
  protocol: Protocol;
  family: 4 | 6;
  localAddress: string;
  localScopeId: number | null;
  /** Distinct local ports of the dynamic range held at this address. */
  portsInUse: number;
  /** Sockets holding them (several may share a port on Linux). */
  sockets: number;
  rangeSize: number;
  /** portsInUse / rangeSize, percent. */
  percent: number;
  /** The busiest destination's sockets / rangeSize, percent (the per-destination limit). */
  busiestDestinationPercent: number;
  timeWait: number;
  closeWait: number;
  topProcesses: ProcessPortShare[];
  topRemotes: RemotePortShare[];
  /** True when percent or busiestDestinationPercent reached the threshold. */
  warning: boolean;
}

export interface PortUsageReport {
  ranges: Record<Protocol, PortRange>;
  thresholdPercent: number;
  /** Busiest first. */
  addresses: AddressPortUsage[];
  /** One sentence per address over the threshold, e.g. for an event or stderr. */
  warnings: string[];
}

export function rangeSize(r: PortRange): number {
  return Math.max(0, r.high - r.low + 1);
}

/** Validates a range read from the OS or a file; throws RangeError naming the problem. */
export function checkPortRange(r: PortRange, what = 'port range'): PortRange {
  const ok = Number.isInteger(r.low) && Number.isInteger(r.high) && r.low >= 1 && r.high <= 65535 && r.low <= r.high;
  if (!ok) throw new RangeError(`${what} ${r.low}-${r.high} is not a range of ports 1-65535`);
  return r;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/** The fields of a row that port usage reads. */
export type PortUsageRow = Pick<
  Connection,
  'protocol' | 'family' | 'localAddress' | 'localScopeId' | 'localPort' | 'remoteAddress' | 'remoteScopeId' | 'remotePort' | 'state' | 'pid' | 'process'
>;

function addressKey(c: PortUsageRow): string {
  return `${c.protocol}|${c.family}|${c.localAddress}|${c.localScopeId ?? 0}`;
}

/** TCP listener ports of a table as `family|port`: the connections they accepted hold the same port. */
export function listenerPorts(rows: Iterable<Connection>): Set<string> {
  const out = new Set<string>();
  for (const c of rows) if (c.protocol === 'tcp' && c.state === 'LISTEN') out.add(listenerKey(c));
  return out;
}

/** The key listenerPorts uses for a row: `family|localPort`. */
export function listenerKey(c: Pick<Connection, 'family' | 'localPort'>): string {
  return `${c.family}|${c.localPort}`;
}

/**
 * The `n` largest shares, by sockets then `tie`: one pass keeping a sorted array of at most n
 * (O(m·n), m the shares; a full sort of thousands of remotes per address per poll is wasted work).
 */
function topN<T extends { sockets: number }>(values: Iterable<T>, n: number, tie: (a: T, b: T) => number): T[] {
  const out: T[] = [];
  const before = (a: T, b: T) => b.sockets - a.sockets || tie(a, b);
  for (const v of values) {
    if (out.length === n && before(v, out[n - 1]) >= 0) continue;
    let i = out.length < n ? out.length : n - 1;
    while (i > 0 && before(v, out[i - 1]) < 0) {
      if (i < n) out[i] = out[i - 1];
      i--;
    }
    out[i] = { ...v };
    if (out.length > n) out.length = n;
  }
  return out;
}

const byText = (a: string | null, b: string | null): number => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);
const byProcess = (x: ProcessPortShare, y: ProcessPortShare) => (x.pid ?? -1) - (y.pid ?? -1) || byText(x.process, y.process) || byText(x.ownerless ?? null, y.ownerless ?? null);
const byRemote = (x: RemotePortShare, y: RemotePortShare) => byText(x.remoteAddress, y.remoteAddress) || (x.remoteScopeId ?? 0) - (y.remoteScopeId ?? 0) || x.remotePort - y.remotePort;

/** What a counter holds for one local address: counts that go up and down as rows come and go. */
interface AddressCounts {
  protocol: Protocol;
  family: 4 | 6;
  localAddress: string;
  localScopeId: number | null;
  /** Sockets per local port. */
  ports: Map<number, number>;
  sockets: number;
  timeWait: number;
  closeWait: number;
  procs: Map<string, ProcessPortShare>;
  remotes: Map<string, RemotePortShare>;
}

/** Adds `sign` to a share, creating it at 0 and dropping it at 0. */
function bump<T extends { sockets: number }>(m: Map<string, T>, key: string, sign: 1 | -1, make: () => T): void {
  const v = m.get(key) ?? make();
  v.sockets += sign;
  if (v.sockets <= 0) m.delete(key);
  else m.set(key, v);
}

/**
 * Port usage counts per local address that rows can be added to and removed from, so a live table's
 * report costs O(changed rows) a poll plus O(addresses) for the report, not a walk of the table.
 * The caller decides which rows count (`counts`: in the dynamic range and not held by a listener).
 */
export class PortUsageCounter {
  private readonly byAddress = new Map<string, AddressCounts>();

  constructor(readonly ranges: Record<Protocol, PortRange>) {}

  /** Whether a row holds an ephemeral port: in its protocol's range, not a listener nor accepted by one. */
  counts(c: PortUsageRow, listening: { has(key: string): boolean }): boolean {
    const range = this.ranges[c.protocol];
    if (c.localPort < range.low || c.localPort > range.high) return false;
    return !(c.protocol === 'tcp' && (c.state === 'LISTEN' || listening.has(listenerKey(c))));
  }

  /** Adds (sign 1) or removes (sign -1) a row that `counts`; removing must mirror an earlier add. */
  add(c: PortUsageRow, sign: 1 | -1): void {
    const k = addressKey(c);
    let a = this.byAddress.get(k);
    if (!a) {
      if (sign < 0) return;
      a = {
        protocol: c.protocol,
        family: c.family,
        localAddress: c.localAddress,
        localScopeId: c.localScopeId ?? null,
        ports: new Map(),
        sockets: 0,
        timeWait: 0,
        closeWait: 0,
        procs: new Map(),
        remotes: new Map(),
      };
      this.byAddress.set(k, a);
    }
    const held = (a.ports.get(c.localPort) ?? 0) + sign;
    if (held <= 0) a.ports.delete(c.localPort);
    else a.ports.set(c.localPort, held);
    a.sockets += sign;
    if (c.state === 'TIME-WAIT') a.timeWait += sign;
    if (c.state === 'CLOSE-WAIT') a.closeWait += sign;
    const none = ownerlessState(c);
    if (none !== null) bump(a.procs, `none|${none}`, sign, () => ({ process: null, pid: null, ownerless: none, sockets: 0 }));
    else bump(a.procs, `${c.pid ?? ''}|${c.process ?? ''}`, sign, () => ({ process: c.process, pid: c.pid, sockets: 0 }));
    if (c.remoteAddress !== null && c.remotePort !== null && c.remotePort !== 0) {
      // The scope is part of a link-local destination: the same fe80:: address on two interfaces is two peers.
      const scope = c.remoteScopeId || null;
      bump(a.remotes, `${c.remoteAddress}|${scope ?? 0}|${c.remotePort}`, sign, () => ({
        remoteAddress: c.remoteAddress as string,
        remoteScopeId: scope,
        remotePort: c.remotePort as number,
        sockets: 0,
      }));
    }
    if (a.sockets <= 0) this.byAddress.delete(k);
  }

  /** Forgets every row. */
  clear(): void {
    this.byAddress.clear();
  }

  /**
   * Usage per address, busiest first (then by sockets, then by address), `warning` false: judge
   * it against a threshold with `judgePortUsage`. O(addresses + their processes and remotes).
   * @param top processes / remote endpoints listed per address.
   */
  usage(top = 5): AddressPortUsage[] {
    const addresses: AddressPortUsage[] = [];
    for (const a of this.byAddress.values()) {
      const size = rangeSize(this.ranges[a.protocol]);
      const topRemotes = topN(a.remotes.values(), top, byRemote);
      addresses.push({
        protocol: a.protocol,
        family: a.family,
        localAddress: a.localAddress,
        localScopeId: a.localScopeId,
        portsInUse: a.ports.size,
        sockets: a.sockets,
        rangeSize: size,
        percent: round1((a.ports.size / size) * 100),
        busiestDestinationPercent: round1(((topRemotes[0]?.sockets ?? 0) / size) * 100),
        timeWait: a.timeWait,
        closeWait: a.closeWait,
        topProcesses: topN(a.procs.values(), top, byProcess),
        topRemotes,
        warning: false,
      });
    }
    return addresses.sort(
      (x, y) =>
        Math.max(y.percent, y.busiestDestinationPercent) - Math.max(x.percent, x.busiestDestinationPercent) || y.sockets - x.sockets || byText(trendKey(x), trendKey(y)),
    );
  }
}

/**
 * The report for a threshold from usage already counted: sets each address's `warning` and writes
 * the warning sentences. O(addresses): what a viewer does with the engine's usage for its own threshold.
 * @param addresses usage per address, busiest first (PortUsageCounter.usage); not changed.
 * @param thresholdPercent warn at this share of the range, percent.
 */
export function judgePortUsage(addresses: readonly AddressPortUsage[], ranges: Record<Protocol, PortRange>, thresholdPercent = DEFAULT_PORT_WARNING_PERCENT): PortUsageReport {
  const judged = addresses.map((a) => ({ ...a, warning: a.percent >= thresholdPercent || a.busiestDestinationPercent >= thresholdPercent }));
  const warnings = judged.filter((a) => a.warning).map((a) => describeWarning(a, thresholdPercent));
  return { ranges, thresholdPercent, addresses: judged, warnings };
}

/**
 * Ephemeral port usage per local address.
 * @param rows the connection table (any order); listeners and accepted connections are left out.
 * @returns addresses with at least one socket in the dynamic range, busiest first.
 */
export function portUsageReport(rows: readonly Connection[], opts: PortUsageOptions): PortUsageReport {
  const listening = listenerPorts(rows);
  const counter = new PortUsageCounter(opts.ranges);
  for (const c of rows) if (counter.counts(c, listening)) counter.add(c, 1);
  return judgePortUsage(counter.usage(opts.top ?? 5), opts.ranges, opts.thresholdPercent ?? DEFAULT_PORT_WARNING_PERCENT);
}

function describeWarning(a: AddressPortUsage, threshold: number): string {
  const where = `${a.protocol.toUpperCase()} ${scopedAddress(a.localAddress, a.localScopeId)}`;
  if (a.percent >= threshold) {
    return `${where}: ${a.portsInUse} of ${a.rangeSize} ephemeral ports in use (${a.percent}% ≥ ${threshold}%; ${a.timeWait} TIME-WAIT, ${a.closeWait} CLOSE-WAIT)`;
  }
  const r = a.topRemotes[0];
  return `${where}: ${r.sockets} sockets to ${formatEndpoint(r.remoteAddress, r.remotePort, r.remoteScopeId)} (${a.busiestDestinationPercent}% of the ${a.rangeSize}-port range ≥ ${threshold}%)`;
}

/** One point of a trend: when, and the ports in use per address key (`protocol address`). */
export interface PortTrendPoint {
  time: number;
  inUse: Record<string, number>;
}

/** The key a trend uses for an address row: `tcp 10.0.0.5`, `udp fe80::1%3`. */
export function trendKey(a: Pick<AddressPortUsage, 'protocol' | 'localAddress' | 'localScopeId'>): string {
  return `${a.protocol} ${scopedAddress(a.localAddress, a.localScopeId)}`;
}

/** A trend point from a report (for keeping the last minutes of samples). */
export function trendPoint(time: number, r: PortUsageReport): PortTrendPoint {
  const inUse: Record<string, number> = {};
  for (const a of r.addresses) inUse[trendKey(a)] = a.portsInUse;
  return { time, inUse };
}

/**
 * Change per minute of ports in use for each address over the samples (oldest first): the slope
 * between the first and last sample that have the address (0 where only one does).
 */
export function portTrendPerMinute(points: readonly PortTrendPoint[]): Record<string, number> {
  const out: Record<string, number> = {};
  const first = new Map<string, { time: number; n: number }>();
  const last = new Map<string, { time: number; n: number }>();
  for (const p of points) {
    for (const [k, n] of Object.entries(p.inUse)) {
      if (!first.has(k)) first.set(k, { time: p.time, n });
      last.set(k, { time: p.time, n });
    }
  }
  for (const [k, f] of first) {
    const l = last.get(k)!;
    const minutes = (l.time - f.time) / 60_000;
    out[k] = minutes > 0 ? round1((l.n - f.n) / minutes) : 0;
  }
  return out;
}
