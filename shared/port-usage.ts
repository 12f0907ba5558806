// Port usage kept where the engine runs (issue 12 §2): the per-address usage of the live table,
// counted from the engine's batches as rows come and go (no walk of the table per poll), carried to
// viewers in every batch (`EventBatch.ports`), and a bounded history a late viewer loads
// (`getPortUsage`) so it shows the same trend and the same notices as a viewer that was there.
//
// The threshold stays each viewer's own: the engine sends usage, a viewer judges it against its
// threshold (judgePortUsage, O(addresses)). A viewer's notices for threshold T are a function of the
// usage samples where some address's level — its whole percent, max(percent, busiest destination) —
// changed: `percent ≥ T` for an integer T changes only when that level does. Those samples ("marks")
// are what the engine keeps.
import { isTcpState, type Connection } from './connection';
import type { EngineStatus, EventBatch } from './ipc';
import {
  DEFAULT_DYNAMIC_RANGE,
  PortUsageCounter,
  listenerKey,
  trendKey,
  type AddressPortUsage,
  type PortRange,
  type PortTrendPoint,
  type PortUsageRow,
  type ProcessPortShare,
  type RemotePortShare,
} from './ports';

/** The dynamic ranges usage is counted against, and where they come from. */
export interface RangesInUse {
  ranges: { tcp: PortRange; udp: PortRange };
  /** Where they come from (e.g. `net.ipv4.ip_local_port_range`), or why the default is used. */
  origin: string;
  /** False when the OS's range is not known and IANA's default stands in. */
  known: boolean;
}

/** The OS's dynamic ranges from an engine status, else the IANA default, said to be a default. */
export function rangesFrom(status: EngineStatus | null | undefined): RangesInUse {
  const r = status?.portRanges;
  if (r) return { ranges: { tcp: r.tcp, udp: r.udp }, origin: r.origin, known: true };
  return {
    ranges: { tcp: DEFAULT_DYNAMIC_RANGE, udp: DEFAULT_DYNAMIC_RANGE },
    origin: `range unknown for this source: default ${DEFAULT_DYNAMIC_RANGE.low}–${DEFAULT_DYNAMIC_RANGE.high}`,
    known: false,
  };
}

/** One poll's port usage, as the engine sends it. */
export interface PortUsageSample {
  /** Epoch ms of the poll. */
  time: number;
  ranges: RangesInUse;
  /** Usage per local address, busiest first, at most MAX_SAMPLE_ADDRESSES; `warning` is false (the viewer judges). */
  addresses: AddressPortUsage[];
  /** Addresses left out beyond MAX_SAMPLE_ADDRESSES (the least busy). */
  omitted: number;
  /** Present (true) when an address's level changed: the engine keeps the sample among its marks. */
  mark?: true;
}

/** What getPortUsage serves: the newest sample, the recent trend and the marks, oldest first. */
export interface PortUsageHistory {
  latest: PortUsageSample | null;
  /** Ports in use per address, one point a poll for the last TREND_WINDOW_MS. */
  trend: PortTrendPoint[];
  /** Samples where a level changed (top lists cut to the busiest remote), at most MAX_PORT_MARKS. */
  marks: PortUsageSample[];
  /** Marks dropped off the old end. */
  droppedMarks: number;
}

/** How long the trend looks back, ms. */
export const TREND_WINDOW_MS = 10 * 60_000;
/** Trend points kept at most (10 minutes at the fastest interval, 100 ms). */
export const MAX_TREND_POINTS = 6_000;
/**
 * Marks kept at most. A mark holds every address (~200 bytes each without top lists): 2,000 marks of
 * 5 addresses are ~2 MB. Steady usage adds none; a ramp from 0 to 100% adds one per whole percent.
 */
export const MAX_PORT_MARKS = 2_000;
/** Addresses one sample carries at most (a machine may bind many loopback addresses). */
export const MAX_SAMPLE_ADDRESSES = 256;
/** Processes / remote endpoints listed per address. */
export const PORT_USAGE_TOP = 5;

/** The whole percent an address's notices follow: max(percent, busiest destination), floored, 0–100. */
export function usageLevel(a: Pick<AddressPortUsage, 'percent' | 'busiestDestinationPercent'>): number {
  return Math.min(100, Math.floor(Math.max(a.percent, a.busiestDestinationPercent)));
}

/** A trend point from usage: ports in use per address key (`tcp 10.0.0.5`). */
export function usagePoint(time: number, addresses: readonly AddressPortUsage[]): PortTrendPoint {
  const inUse: Record<string, number> = {};
  for (const a of addresses) inUse[trendKey(a)] = a.portsInUse;
  return { time, inUse };
}

/**
 * Appends a point and drops points older than the window or not older than the new one (a new array).
 * @param windowMs look-back, ms (default TREND_WINDOW_MS).
 */
export function pushTrendPoint(points: readonly PortTrendPoint[], point: PortTrendPoint, windowMs = TREND_WINDOW_MS): PortTrendPoint[] {
  const kept = points.filter((p) => p.time > point.time - windowMs && p.time < point.time);
  kept.push(point);
  return kept.length > MAX_TREND_POINTS ? kept.slice(kept.length - MAX_TREND_POINTS) : kept;
}

/** A row as the tracker keeps it (the rest of a Connection is not kept). */
type UsageRow = PortUsageRow & {
  /** Whether the row is in the counter now. */
  counted: boolean;
};

const usageRow = ({ protocol, family, localAddress, localScopeId, localPort, remoteAddress, remoteScopeId, remotePort, state, pid, process }: Connection): UsageRow => ({
  protocol, family, localAddress, localScopeId, localPort, remoteAddress, remoteScopeId, remotePort, state, pid, process, counted: false,
});

const isListener = (c: Pick<Connection, 'protocol' | 'state'>) => c.protocol === 'tcp' && c.state === 'LISTEN';
const sameRanges = (a: RangesInUse, b: RangesInUse) =>
  a.ranges.tcp.low === b.ranges.tcp.low && a.ranges.tcp.high === b.ranges.tcp.high && a.ranges.udp.low === b.ranges.udp.low && a.ranges.udp.high === b.ranges.udp.high;

/** A mark as kept: every address, top lists cut to what a notice names (the busiest remote). */
const asMark = (s: PortUsageSample): PortUsageSample => ({ ...s, mark: true, addresses: s.addresses.map((a) => ({ ...a, topProcesses: [], topRemotes: a.topRemotes.slice(0, 1) })) });

/**
 * Follows the engine's batches (in order) and answers each with the poll's port usage. Per poll it
 * costs O(events) to update the counts plus the report over the addresses' counts; a whole table is
 * counted only on a full batch or a change of range. A listener appearing on / leaving a port costs
 * one pass over the kept rows for the connections it accepted (they stop / start holding an
 * ephemeral port), without counting anything else again.
 */
export class PortUsageTracker {
  private readonly rows = new Map<string, UsageRow>();
  /** TCP listeners per `family|port` (several sockets may listen on one port). */
  private readonly listeners = new Map<string, number>();
  private ranges: RangesInUse | null = null;
  private counter: PortUsageCounter | null = null;
  private usage: AddressPortUsage[] = [];
  private levels = new Map<string, number>();
  private readonly history: PortUsageHistoryStore | null;

  /** Listener ports (family × 65536 + port) that gained their first or lost their last listener this batch. */
  private readonly listenerMoved = new Set<number>();

  /**
   * `keepHistory`: keep the history getPortUsage serves (default). The engine worker does not: its
   * host keeps it from the samples each batch carries (PortUsageHistoryStore).
   */
  constructor(keepHistory = true) {
    this.history = keepHistory ? new PortUsageHistoryStore() : null;
  }

  private listen(row: UsageRow, sign: 1 | -1): void {
    const k = listenerKey(row);
    const n = (this.listeners.get(k) ?? 0) + sign;
    if (n > 0) this.listeners.set(k, n);
    else this.listeners.delete(k);
    if ((sign > 0 && n === 1) || (sign < 0 && n <= 0)) this.listenerMoved.add(row.family * 65536 + row.localPort);
  }

  /** Sets whether a row counts, updating the counter when that changes. */
  private recount(row: UsageRow, counter: PortUsageCounter): void {
    const counts = counter.counts(row, this.listeners);
    if (counts !== row.counted) counter.add(row, counts ? 1 : -1);
    row.counted = counts;
  }

  private drop(id: string, counter: PortUsageCounter | null): void {
    const old = this.rows.get(id);
    if (!old) return;
    this.rows.delete(id);
    if (isListener(old)) this.listen(old, -1);
    if (counter && old.counted) counter.add(old, -1);
  }

  private put(c: Connection, counter: PortUsageCounter | null): void {
    this.drop(c.id, counter);
    const row = usageRow(c);
    this.rows.set(c.id, row);
    if (isListener(row)) this.listen(row, 1);
    if (counter) this.recount(row, counter);
  }

  /**
   * Records one batch and returns its sample, or null for a failed poll (`status.lastError` set and
   * nothing in it), which says nothing about the table.
   */
  apply(batch: Pick<EventBatch, 'time' | 'full' | 'connections' | 'events' | 'status'>): PortUsageSample | null {
    if (batch.status.lastError && !batch.full && batch.events.length === 0) return null;
    const ranges = rangesFrom(batch.status);
    const whole = this.ranges === null || !sameRanges(this.ranges, ranges) || batch.full;
    this.ranges = ranges;
    // Counted as they come unless the whole table is counted afresh below.
    const counter = whole ? null : this.counter;
    if (batch.full && batch.connections) {
      this.rows.clear();
      this.listeners.clear();
      for (const c of batch.connections) this.put(c, null);
    }
    for (const e of batch.events) {
      if (e.type === 'closed') this.drop(e.connection.id, counter);
      else this.put(e.connection, counter);
    }
    if (whole) {
      const fresh = (this.counter = new PortUsageCounter(ranges.ranges));
      for (const row of this.rows.values()) {
        row.counted = false;
        this.recount(row, fresh);
      }
    } else if (this.listenerMoved.size > 0) {
      // The connections a listener accepted hold its port: they stop or start counting with it.
      for (const row of this.rows.values()) {
        if (row.protocol === 'tcp' && this.listenerMoved.has(row.family * 65536 + row.localPort)) this.recount(row, counter as PortUsageCounter);
      }
    }
    this.listenerMoved.clear();
    if (whole || batch.events.length > 0) this.usage = (this.counter as PortUsageCounter).usage(PORT_USAGE_TOP);
    const addresses = this.usage.slice(0, MAX_SAMPLE_ADDRESSES);
    const sample: PortUsageSample = { time: batch.time, ranges, addresses, omitted: this.usage.length - addresses.length };
    const levels = new Map<string, number>();
    for (const a of addresses) {
      const l = usageLevel(a);
      if (l > 0) levels.set(trendKey(a), l);
    }
    if (levels.size !== this.levels.size || [...levels].some(([k, l]) => this.levels.get(k) !== l)) sample.mark = true;
    this.levels = levels;
    this.history?.push(sample);
    return sample;
  }

  /** What a viewer joining now loads (shares the samples: do not change them); throws when the tracker keeps none. */
  data(): PortUsageHistory {
    if (!this.history) throw new Error('this port-usage tracker keeps no history');
    return this.history.data();
  }
}

/**
 * The history getPortUsage serves, from the samples alone (the latest, the trend, the marked ones):
 * what PortUsageTracker keeps, and what a copy fed with its samples in another thread keeps too
 * (the engine host's, which outlives an engine that crashes).
 */
export class PortUsageHistoryStore {
  private latest: PortUsageSample | null = null;
  private trend: PortTrendPoint[] = [];
  private marks: PortUsageSample[] = [];
  private droppedMarks = 0;

  /** Records one poll's sample (in order). */
  push(sample: PortUsageSample): void {
    if (sample.mark) {
      this.marks.push(asMark(sample));
      if (this.marks.length > MAX_PORT_MARKS) {
        this.marks.shift();
        this.droppedMarks++;
      }
    }
    this.trend = pushTrendPoint(this.trend, usagePoint(sample.time, sample.addresses));
    this.latest = sample;
  }

  /** What a viewer joining now loads (shares the samples: do not change them). */
  data(): PortUsageHistory {
    return { latest: this.latest, trend: this.trend.slice(), marks: this.marks.slice(), droppedMarks: this.droppedMarks };
  }
}

// Validation: samples and histories cross a process or a socket; a viewer checks before using them.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length <= 200;
const isRange = (v: unknown): v is PortRange => isObject(v) && Number.isInteger(v.low) && Number.isInteger(v.high) && (v.low as number) >= 1 && (v.high as number) <= 65535 && (v.low as number) <= (v.high as number);

const isProcessShare = (v: unknown): v is ProcessPortShare =>
  isObject(v) && (v.process === null || isText(v.process)) && (v.pid === null || isCount(v.pid)) && isCount(v.sockets) && (v.ownerless === undefined || isTcpState(v.ownerless));
const isRemoteShare = (v: unknown): v is RemotePortShare =>
  isObject(v) && isText(v.remoteAddress) && (v.remoteScopeId === null || isCount(v.remoteScopeId)) && isCount(v.remotePort) && isCount(v.sockets);

function isAddressUsage(v: unknown): v is AddressPortUsage {
  if (!isObject(v)) return false;
  const { protocol, family, localAddress, localScopeId, topProcesses, topRemotes } = v;
  if ((protocol !== 'tcp' && protocol !== 'udp') || (family !== 4 && family !== 6) || !isText(localAddress)) return false;
  if (localScopeId !== null && !isCount(localScopeId)) return false;
  const counts = ['portsInUse', 'sockets', 'rangeSize', 'percent', 'busiestDestinationPercent', 'timeWait', 'closeWait'] as const;
  if (!counts.every((k) => isCount(v[k])) || typeof v.warning !== 'boolean') return false;
  return Array.isArray(topProcesses) && topProcesses.length <= 100 && topProcesses.every(isProcessShare) && Array.isArray(topRemotes) && topRemotes.length <= 100 && topRemotes.every(isRemoteShare);
}

/** Whether `v` is a well-formed PortUsageSample (what a viewer checks before using a batch's `ports`). */
export function isPortUsageSample(v: unknown): v is PortUsageSample {
  if (!isObject(v) || !isCount(v.time) || !isCount(v.omitted) || (v.mark !== undefined && v.mark !== true)) return false;
  const r = v.ranges;
  if (!isObject(r) || !isObject(r.ranges) || !isRange(r.ranges.tcp) || !isRange(r.ranges.udp) || !isText(r.origin) || typeof r.known !== 'boolean') return false;
  return Array.isArray(v.addresses) && v.addresses.length <= MAX_SAMPLE_ADDRESSES && v.addresses.every(isAddressUsage);
}

const isTrendPoint = (v: unknown): v is PortTrendPoint => isObject(v) && isCount(v.time) && isObject(v.inUse) && Object.values(v.inUse).every(isCount);

/**
 * Checks a getPortUsage reply.
 * @throws Error naming the first thing that is wrong.
 */
export function validatePortUsageHistory(v: unknown): PortUsageHistory {
  if (!isObject(v)) throw new Error('port usage history: not an object');
  if (v.latest !== null && !isPortUsageSample(v.latest)) throw new Error('port usage history: malformed latest sample');
  if (!Array.isArray(v.trend) || v.trend.length > MAX_TREND_POINTS || !v.trend.every(isTrendPoint)) throw new Error('port usage history: malformed trend');
  if (!Array.isArray(v.marks) || v.marks.length > MAX_PORT_MARKS || !v.marks.every(isPortUsageSample)) throw new Error('port usage history: malformed marks');
  if (!isCount(v.droppedMarks)) throw new Error('port usage history: malformed droppedMarks');
  return v as unknown as PortUsageHistory;
}
