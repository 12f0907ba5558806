// Baselines: "what is normal on this machine", saved as JSON, reopened, shared between machines,
// and matched against live rows. Pure functions, used by the CLI verbs and the renderer alike.
//
// What a baseline holds (ephemeral local ports never take part — they change every connection):
//   - listeners: process + protocol + family + local address + port (a TCP LISTEN socket, or a UDP
//     socket bound outside the dynamic range);
//   - outbound: process + protocol + remote address + remote port (a TCP connection whose local
//     port is not a listener's);
//   - ephemeral UDP: process + protocol (a UDP socket bound inside the dynamic range, e.g. a DNS client).
// A connection accepted by a baselined listener is normal whatever its remote end; a row no process
// owns (TIME-WAIT, an orphan in FIN-WAIT-2…: ownerlessState) matches an outbound entry of any process
// with the same destination.
import { briefJson } from './brief-json';
import type { Connection, Protocol } from './connection';
import { ownerlessState } from './format';
import { ipFamily } from './ip';
import { listenerPorts as listenerPortsOf, type PortRange } from './ports';
import { findFractionalWhole, WHOLE, wholeFaultText, wholeItems, wholeObject } from './whole-literals';

export const BASELINE_FORMAT = 'netmon-baseline';
export const BASELINE_VERSION = 1;

export interface BaselineListener {
  process: string | null;
  protocol: Protocol;
  family: 4 | 6;
  localAddress: string;
  port: number;
}

export interface BaselineOutbound {
  process: string | null;
  protocol: Protocol;
  remoteAddress: string;
  remotePort: number;
}

export interface BaselineEphemeral {
  process: string | null;
  protocol: Protocol;
}

export interface Baseline {
  format: typeof BASELINE_FORMAT;
  version: typeof BASELINE_VERSION;
  /** ISO 8601, when it was marked. */
  createdAt: string;
  /** Where it was marked (a host name); informational. */
  host: string | null;
  /** The dynamic port range of the machine it was marked on. */
  dynamicRange: PortRange;
  listeners: BaselineListener[];
  outbound: BaselineOutbound[];
  ephemeral: BaselineEphemeral[];
}

/** Why a connection departs from the baseline, or null when it is in it. */
export type Departure = 'new listener' | 'new destination' | 'new process' | null;

const inRange = (port: number, r: PortRange): boolean => port >= r.low && port <= r.high;
const lower = (s: string | null): string | null => (s === null ? null : s.toLowerCase());

type Kind = { kind: 'listener'; entry: BaselineListener } | { kind: 'outbound'; entry: BaselineOutbound } | { kind: 'ephemeral'; entry: BaselineEphemeral } | { kind: 'accepted' };


/** How a row is seen by a baseline; `listening` are the table's TCP listener ports (`family|port`). */
function classify(c: Connection, range: PortRange, listening: Set<string>): Kind {
  const process = lower(c.process);
  if (c.protocol === 'udp') {
    return inRange(c.localPort, range)
      ? { kind: 'ephemeral', entry: { process, protocol: 'udp' } }
      : { kind: 'listener', entry: { process, protocol: 'udp', family: c.family, localAddress: c.localAddress, port: c.localPort } };
  }
  if (c.state === 'LISTEN') {
    return { kind: 'listener', entry: { process, protocol: 'tcp', family: c.family, localAddress: c.localAddress, port: c.localPort } };
  }
  if (listening.has(`${c.family}|${c.localPort}`)) return { kind: 'accepted' };
  return { kind: 'outbound', entry: { process, protocol: 'tcp', remoteAddress: c.remoteAddress ?? '', remotePort: c.remotePort ?? 0 } };
}

const listenerKey = (l: BaselineListener): string => `${l.process}|${l.protocol}|${l.family}|${l.localAddress}|${l.port}`;
const outboundKey = (o: BaselineOutbound): string => `${o.process}|${o.protocol}|${o.remoteAddress}|${o.remotePort}`;
const ephemeralKey = (e: BaselineEphemeral): string => `${e.process}|${e.protocol}`;

/**
 * Marks a baseline from the table as it stands.
 * @param createdAt epoch ms; @param host the machine's name (or null).
 */
export function makeBaseline(rows: readonly Connection[], dynamicRange: PortRange, createdAt: number, host: string | null): Baseline {
  const listening = listenerPortsOf(rows);
  const listeners = new Map<string, BaselineListener>();
  const outbound = new Map<string, BaselineOutbound>();
  const ephemeral = new Map<string, BaselineEphemeral>();
  for (const c of rows) {
    const k = classify(c, dynamicRange, listening);
    // Sockets no process owns (TIME-WAIT, orphans: ownerlessState) are recorded as a destination of
    // "no process", which later matches only ownerless rows (or any process's, via the destination set).
    if (k.kind === 'outbound' && ownerlessState(c) !== null) k.entry.process = null;
    if (k.kind === 'listener') listeners.set(listenerKey(k.entry), k.entry);
    else if (k.kind === 'outbound') outbound.set(outboundKey(k.entry), k.entry);
    else if (k.kind === 'ephemeral') ephemeral.set(ephemeralKey(k.entry), k.entry);
  }
  const byKey = <T>(m: Map<string, T>): T[] => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    createdAt: new Date(createdAt).toISOString(),
    host,
    dynamicRange: { ...dynamicRange },
    listeners: byKey(listeners),
    outbound: byKey(outbound),
    ephemeral: byKey(ephemeral),
  };
}

/** A baseline compiled for fast matching. */
export interface BaselineMatcher {
  /** Why `c` departs from the baseline, or null when it is in it. `listening` as from listenerPorts(table). */
  departure(c: Connection, listening: Set<string>): Departure;
}

/** The table's TCP listener ports as a BaselineMatcher wants them. */
export const listenerPorts = listenerPortsOf;

export function compileBaseline(b: Baseline): BaselineMatcher {
  const listeners = new Set(b.listeners.map(listenerKey));
  const outbound = new Set(b.outbound.map(outboundKey));
  const destinations = new Set(b.outbound.map((o) => `${o.protocol}|${o.remoteAddress}|${o.remotePort}`));
  const ephemeral = new Set(b.ephemeral.map(ephemeralKey));
  return {
    departure(c, listening) {
      const k = classify(c, b.dynamicRange, listening);
      switch (k.kind) {
        case 'accepted':
          return null;
        case 'listener':
          return listeners.has(listenerKey(k.entry)) ? null : 'new listener';
        case 'ephemeral':
          return ephemeral.has(ephemeralKey(k.entry)) ? null : 'new process';
        case 'outbound':
          // An ownerless row (a closing connection its process let go of) is known by its destination alone.
          if (c.state === 'TIME-WAIT' || ownerlessState(c) !== null || k.entry.process === null) {
            return destinations.has(`${k.entry.protocol}|${k.entry.remoteAddress}|${k.entry.remotePort}`) ? null : 'new destination';
          }
          return outbound.has(outboundKey(k.entry)) ? null : 'new destination';
      }
    },
  };
}

export class BaselineFormatError extends Error {
  override name = 'BaselineFormatError';
}

function fail(where: string, what: string): never {
  throw new BaselineFormatError(`${where}: ${what}`);
}

const isPort = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535;
const isProcess = (v: unknown): v is string | null => v === null || (typeof v === 'string' && v.length <= 4096);
const isProtocol = (v: unknown): v is Protocol => v === 'tcp' || v === 'udp';
/** IPv4 / IPv6 text as the rows carry it: anything else could never match a row. */
const isAddress = (v: unknown): v is string => ipFamily(v) !== null;

/** Where parseBaseline reads whole numbers: netmon writes them as digits only (shared/whole-literals.ts). */
const BASELINE_WHOLE = wholeObject({
  version: WHOLE,
  dynamicRange: wholeObject({ low: WHOLE, high: WHOLE }),
  listeners: wholeItems(wholeObject({ family: WHOLE, port: WHOLE })),
  outbound: wholeItems(wholeObject({ remotePort: WHOLE })),
});

/**
 * Parses a baseline file's text. Throws BaselineFormatError naming the file (`name`) and the
 * entry that is wrong; never returns a half-valid baseline.
 */
export function parseBaseline(text: string, name = 'baseline'): Baseline {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    fail(name, `not JSON (${(e as Error).message})`);
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(name, 'expected a JSON object');
  const o = v as Record<string, unknown>;
  if (o.format !== BASELINE_FORMAT) fail(name, `not a netmon baseline (format is ${briefJson(o.format)}, expected "${BASELINE_FORMAT}")`);
  if (o.version !== BASELINE_VERSION) fail(name, `unsupported version ${briefJson(o.version)} (this netmon reads version ${BASELINE_VERSION})`);
  const r = o.dynamicRange as Record<string, unknown> | undefined;
  if (!r || !isPort(r.low) || !isPort(r.high) || (r.low as number) < 1 || (r.low as number) > (r.high as number)) fail(name, 'dynamicRange must be {"low": port, "high": port} with low ≤ high');
  const list = (key: string): Record<string, unknown>[] => {
    const a = o[key];
    if (!Array.isArray(a)) fail(name, `"${key}" must be an array`);
    if (a.length > 100_000) fail(name, `"${key}" has ${a.length} entries (at most 100000)`);
    return a.map((e, i) => (typeof e === 'object' && e !== null && !Array.isArray(e) ? (e as Record<string, unknown>) : fail(name, `${key}[${i}] must be an object`)));
  };
  const listeners = list('listeners').map((e, i): BaselineListener => {
    if (!isProcess(e.process) || !isProtocol(e.protocol) || (e.family !== 4 && e.family !== 6) || !isAddress(e.localAddress) || !isPort(e.port)) {
      fail(name, `listeners[${i}] needs process (string or null), protocol (tcp|udp), family (4|6), localAddress (an IP address) and port (0-65535)`);
    }
    if (ipFamily(e.localAddress) !== e.family) fail(name, `listeners[${i}]: localAddress ${JSON.stringify(e.localAddress)} is not an IPv${e.family} address`);
    return { process: lower(e.process), protocol: e.protocol, family: e.family, localAddress: e.localAddress, port: e.port };
  });
  const outbound = list('outbound').map((e, i): BaselineOutbound => {
    if (!isProcess(e.process) || !isProtocol(e.protocol) || !isAddress(e.remoteAddress) || !isPort(e.remotePort)) {
      fail(name, `outbound[${i}] needs process (string or null), protocol (tcp|udp), remoteAddress (an IP address) and remotePort (0-65535)`);
    }
    return { process: lower(e.process), protocol: e.protocol, remoteAddress: e.remoteAddress, remotePort: e.remotePort };
  });
  const ephemeral = list('ephemeral').map((e, i): BaselineEphemeral => {
    if (!isProcess(e.process) || !isProtocol(e.protocol)) fail(name, `ephemeral[${i}] needs process (string or null) and protocol (tcp|udp)`);
    return { process: lower(e.process), protocol: e.protocol };
  });
  // Last: a file that is no baseline at all is named so first. JSON.parse read 443.0 as 443.
  const fraction = findFractionalWhole(text, BASELINE_WHOLE);
  if (fraction !== null) fail(name, `${fraction.path}: ${wholeFaultText(fraction)}`);
  return {
    format: BASELINE_FORMAT,
    version: BASELINE_VERSION,
    createdAt: typeof o.createdAt === 'string' ? o.createdAt : new Date(0).toISOString(),
    host: typeof o.host === 'string' ? o.host : null,
    dynamicRange: { low: r.low as number, high: r.high as number },
    listeners,
    outbound,
    ephemeral,
  };
}
