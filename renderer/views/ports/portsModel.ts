// Pure: the Ports view's inputs — the ranges to judge against (the OS's, or the default labelled as
// such) and a bounded trend of recent reports.
import type { EngineStatus } from '../../../shared/ipc';
import { DEFAULT_DYNAMIC_RANGE, trendPoint, type PortRange, type PortTrendPoint, type PortUsageReport } from '../../../shared/ports';

export interface RangesInUse {
  ranges: { tcp: PortRange; udp: PortRange };
  /** Where they come from (e.g. `net.ipv4.ip_local_port_range`), or why the default is used. */
  origin: string;
  known: boolean;
}

/** The OS's dynamic ranges from the engine status, else the IANA default, said to be a default. */
export function rangesFrom(status: EngineStatus | null | undefined): RangesInUse {
  const r = status?.portRanges;
  if (r) return { ranges: { tcp: r.tcp, udp: r.udp }, origin: r.origin, known: true };
  return {
    ranges: { tcp: DEFAULT_DYNAMIC_RANGE, udp: DEFAULT_DYNAMIC_RANGE },
    origin: `range unknown for this source: default ${DEFAULT_DYNAMIC_RANGE.low}–${DEFAULT_DYNAMIC_RANGE.high}`,
    known: false,
  };
}

/** How long the trend looks back, ms. */
export const TREND_WINDOW_MS = 10 * 60_000;

/** Appends a report's point and drops points older than the window (a new array). */
export function pushTrend(points: readonly PortTrendPoint[], time: number, report: PortUsageReport, windowMs = TREND_WINDOW_MS): PortTrendPoint[] {
  const kept = points.filter((p) => p.time > time - windowMs && p.time < time);
  kept.push(trendPoint(time, report));
  return kept;
}

/** A threshold setting from text: an integer percent 1–100, else null (the input shows it is wrong). */
export function parseThreshold(text: string): number | null {
  if (!/^\d{1,3}$/.test(text.trim())) return null;
  const n = Number(text);
  return n >= 1 && n <= 100 ? n : null;
}
