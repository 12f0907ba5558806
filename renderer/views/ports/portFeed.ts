// Pure: what a viewer makes of the engine's port usage (shared/port-usage.ts) for its own threshold —
// the latest sample, the trend and the notices — without looking at a single row. Loading the
// engine's history replays its marks (the samples where an address's level changed), so a viewer
// that joins late writes the same notices, at the same times, as one that watched every poll.
import { judgePortUsage, type PortTrendPoint, type PortUsageReport } from '../../../shared/ports';
import { pushTrendPoint, rangesFrom, usagePoint, type PortUsageHistory, type PortUsageSample } from '../../../shared/port-usage';
import { portNotices, type NoticeEntry } from './portNotices';

/** Notices kept for the Events view (oldest dropped first). */
export const NOTICE_CAPACITY = 500;

export interface PortFeed {
  latest: PortUsageSample | null;
  /** Ports in use per address over the last minutes, oldest first. */
  trend: PortTrendPoint[];
  /** Crossings of the threshold and falls back below it, oldest first, at most NOTICE_CAPACITY. */
  notices: NoticeEntry[];
  /** Addresses over the threshold now (trendKey). */
  warned: Set<string>;
  /** The seq of the next notice (negative, counting down). */
  nextSeq: number;
}

export const EMPTY_FEED: PortFeed = { latest: null, trend: [], notices: [], warned: new Set(), nextSeq: -1 };

/** The report of a sample judged against a threshold, percent (O(addresses)); an empty one before any sample. */
export function reportOf(sample: PortUsageSample | null, threshold: number): PortUsageReport {
  const ranges = sample?.ranges ?? rangesFrom(null);
  return judgePortUsage(sample?.addresses ?? [], ranges.ranges, threshold);
}

/** Compares `report` with the addresses warned so far; notices stamped `time`. */
function judge(f: PortFeed, report: PortUsageReport, time: number): Pick<PortFeed, 'notices' | 'warned' | 'nextSeq'> {
  const r = portNotices(f.warned, report, time, f.nextSeq);
  if (r.notices.length === 0) return { notices: f.notices, warned: r.warned, nextSeq: f.nextSeq };
  return { notices: f.notices.concat(r.notices).slice(-NOTICE_CAPACITY), warned: r.warned, nextSeq: f.nextSeq - r.notices.length };
}

/** Adds one poll's sample (ignored when not newer than the latest): trend point, notices. */
export function addSample(f: PortFeed, sample: PortUsageSample, threshold: number): PortFeed {
  if (f.latest && sample.time <= f.latest.time) return f;
  return { ...f, ...judge(f, reportOf(sample, threshold), sample.time), latest: sample, trend: pushTrendPoint(f.trend, usagePoint(sample.time, sample.addresses)) };
}

/**
 * The feed from the engine's history: its marks replayed against `threshold` from no warning, then
 * `pending` (samples that arrived while the history was on its way). O(marks × addresses).
 */
export function loadHistory(h: PortUsageHistory, threshold: number, pending: readonly PortUsageSample[] = []): PortFeed {
  let f: PortFeed = EMPTY_FEED;
  for (const m of h.marks) f = { ...f, ...judge(f, reportOf(m, threshold), m.time) };
  f = { ...f, latest: h.latest, trend: h.trend.slice() };
  for (const s of pending) f = addSample(f, s, threshold);
  return f;
}

/** The viewer changed its threshold: the latest sample judged again, notices stamped `now`. */
export function rejudge(f: PortFeed, threshold: number, now: number): PortFeed {
  return { ...f, ...judge(f, reportOf(f.latest, threshold), now) };
}
