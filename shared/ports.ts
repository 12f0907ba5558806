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
import type { Connection, Protocol } from './connection';

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
  /** Sockets in the dynamic range this process holds at the address. */
  sockets: number;
}

export interface RemotePortShare {
  remoteAddress: string;
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

function addressKey(c: Connection): string {
  return `${c.protocol}|${c.family}|${c.localAddress}|${c.localScopeId ?? 0}`;
}

/** TCP listener ports of a table as `family|port`: the connections they accepted hold the same port. */
export function listenerPorts(rows: readonly Connection[]): Set<string> {
  const out = new Set<string>();
  for (const c of rows) if (c.protocol === 'tcp' && c.state === 'LISTEN') out.add(`${c.family}|${c.localPort}`);
  return out;
}

function topN<T>(m: Map<string, T & { sockets: number }>, n: number, tie: (a: T, b: T) => number): (T & { sockets: number })[] {
  return [...m.values()].sort((a, b) => b.sockets - a.sockets || tie(a, b)).slice(0, n);
}

/**
 * Ephemeral port usage per local address.
 * @param rows the connection table (any order); listeners and accepted connections are left out.
 * @returns addresses with at least one socket in the dynamic range, busiest first.
 */
export function portUsageReport(rows: readonly Connection[], opts: PortUsageOptions): PortUsageReport {
  const threshold = opts.thresholdPercent ?? DEFAULT_PORT_WARNING_PERCENT;
  const top = opts.top ?? 5;
  const listening = listenerPorts(rows);
  interface Acc {
    first: Connection;
    ports: Set<number>;
    sockets: number;
    timeWait: number;
    closeWait: number;
    procs: Map<string, ProcessPortShare>;
    remotes: Map<string, RemotePortShare>;
  }
  const byAddress = new Map<string, Acc>();
  for (const c of rows) {
    const range = opts.ranges[c.protocol];
    if (c.localPort < range.low || c.localPort > range.high) continue;
    if (c.protocol === 'tcp' && (c.state === 'LISTEN' || listening.has(`${c.family}|${c.localPort}`))) continue;
    const k = addressKey(c);
    let a = byAddress.get(k);
    if (!a) {
      a = { first: c, ports: new Set(), sockets: 0, timeWait: 0, closeWait: 0, procs: new Map(), remotes: new Map() };
      byAddress.set(k, a);
    }
    a.ports.add(c.localPort);
    a.sockets++;
    if (c.state === 'TIME-WAIT') a.timeWait++;
    if (c.state === 'CLOSE-WAIT') a.closeWait++;
    const pk = `${c.pid ?? ''}|${c.process ?? ''}`;
    const p = a.procs.get(pk) ?? { process: c.process, pid: c.pid, sockets: 0 };
    p.sockets++;
    a.procs.set(pk, p);
    if (c.remoteAddress !== null && c.remotePort !== null && c.remotePort !== 0) {
      const rk = `${c.remoteAddress}|${c.remotePort}`;
      const r = a.remotes.get(rk) ?? { remoteAddress: c.remoteAddress, remotePort: c.remotePort, sockets: 0 };
      r.sockets++;
      a.remotes.set(rk, r);
    }
  }
  const addresses: AddressPortUsage[] = [];
  for (const a of byAddress.values()) {
    const size = rangeSize(opts.ranges[a.first.protocol]);
    const topRemotes = topN(a.remotes, top, (x, y) => (x.remoteAddress < y.remoteAddress ? -1 : x.remoteAddress > y.remoteAddress ? 1 : x.remotePort - y.remotePort));
    const percent = round1((a.ports.size / size) * 100);
    const busiest = round1(((topRemotes[0]?.sockets ?? 0) / size) * 100);
    addresses.push({
      protocol: a.first.protocol,
      family: a.first.family,
      localAddress: a.first.localAddress,
      localScopeId: a.first.localScopeId ?? null,
      portsInUse: a.ports.size,
      sockets: a.sockets,
      rangeSize: size,
      percent,
      busiestDestinationPercent: busiest,
      timeWait: a.timeWait,
      closeWait: a.closeWait,
      topProcesses: topN(a.procs, top, (x, y) => (x.pid ?? -1) - (y.pid ?? -1)),
      topRemotes,
      warning: percent >= threshold || busiest >= threshold,
    });
  }
  addresses.sort((x, y) => Math.max(y.percent, y.busiestDestinationPercent) - Math.max(x.percent, x.busiestDestinationPercent) || y.sockets - x.sockets);
  const warnings = addresses.filter((a) => a.warning).map((a) => describeWarning(a, threshold));
  return { ranges: opts.ranges, thresholdPercent: threshold, addresses, warnings };
}

function describeWarning(a: AddressPortUsage, threshold: number): string {
  const where = `${a.protocol.toUpperCase()} ${a.localAddress}${a.localScopeId ? `%${a.localScopeId}` : ''}`;
  if (a.percent >= threshold) {
    return `${where}: ${a.portsInUse} of ${a.rangeSize} ephemeral ports in use (${a.percent}% ≥ ${threshold}%; ${a.timeWait} TIME-WAIT, ${a.closeWait} CLOSE-WAIT)`;
  }
  const r = a.topRemotes[0];
  return `${where}: ${r.sockets} sockets to ${r.remoteAddress}:${r.remotePort} (${a.busiestDestinationPercent}% of the ${a.rangeSize}-port range ≥ ${threshold}%)`;
}

/** One point of a trend: when, and the ports in use per address key (`protocol address`). */
export interface PortTrendPoint {
  time: number;
  inUse: Record<string, number>;
}

/** The key a trend uses for an address row: `tcp 10.0.0.5`, `udp fe80::1%3`. */
export function trendKey(a: Pick<AddressPortUsage, 'protocol' | 'localAddress' | 'localScopeId'>): string {
  return `${a.protocol} ${a.localAddress}${a.localScopeId ? `%${a.localScopeId}` : ''}`;
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
