// The port threshold setting and the one port usage report a second behind both the Ports view
// (report, trend) and the notices written into the Events view, computed from the live table
// whatever tab is open — one walk of the table a second, not one per consumer.
import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_PORT_WARNING_PERCENT, portUsageReport, type PortTrendPoint, type PortUsageReport } from '../../../shared/ports';
import type { ConnectionStore } from '../../store/store';
import { portNotices, type NoticeEntry } from './portNotices';
import { parseThreshold, pushTrend, rangesFrom } from './portsModel';

const THRESHOLD_KEY = 'netmon.ports.thresholdPercent';
/** Reports at most this often, ms: a 50k-row table is walked once per report. */
export const REPORT_EVERY_MS = 1000;
/** Notices kept for the Events view (oldest dropped first). */
export const NOTICE_CAPACITY = 500;

function loadThreshold(): number {
  try {
    return parseThreshold(localStorage.getItem(THRESHOLD_KEY) ?? '') ?? DEFAULT_PORT_WARNING_PERCENT;
  } catch {
    return DEFAULT_PORT_WARNING_PERCENT;
  }
}

/** The warning threshold, percent, kept in localStorage where it is available. */
export function usePortThreshold(): [number, (n: number) => void] {
  const [threshold, set] = useState(loadThreshold);
  const setThreshold = useCallback((n: number) => {
    set(n);
    try {
      localStorage.setItem(THRESHOLD_KEY, String(n));
    } catch {
      // storage unavailable: the setting lasts for this window
    }
  }, []);
  return [threshold, setThreshold];
}

/** Every live row of the store (closed rows still lingering are left out), reported with the threshold. */
export function liveReport(store: ConnectionStore, threshold: number): PortUsageReport {
  const live = [];
  for (const r of store.rows.values()) if (r.status !== 'closed') live.push(r.c);
  return portUsageReport(live, { ranges: rangesFrom(store.status).ranges, thresholdPercent: threshold });
}

/** What the Ports view and the Events view get from the live table. */
export interface PortUsage {
  report: PortUsageReport;
  /** Reports of the last minutes (portsModel TREND_WINDOW_MS), oldest first. */
  trend: PortTrendPoint[];
  /** Notices of addresses crossing the threshold and falling back below it, oldest first (bounded). */
  notices: NoticeEntry[];
}

/** One report at most every REPORT_EVERY_MS (and at once when the threshold changes). */
export function usePortUsage(store: ConnectionStore, threshold: number): PortUsage {
  const [usage, setUsage] = useState<PortUsage>(() => ({ report: liveReport(store, threshold), trend: [], notices: [] }));
  const warned = useRef<Set<string>>(new Set());
  const seq = useRef(-1);
  const last = useRef(0);
  useEffect(() => {
    const update = () => {
      const now = Date.now();
      last.current = now;
      const report = liveReport(store, threshold);
      const r = portNotices(warned.current, report, now, seq.current);
      warned.current = r.warned;
      seq.current -= r.notices.length;
      setUsage((u) => ({
        report,
        trend: pushTrend(u.trend, now, report),
        notices: r.notices.length === 0 ? u.notices : u.notices.concat(r.notices).slice(-NOTICE_CAPACITY),
      }));
    };
    update();
    return store.subscribe(() => {
      if (Date.now() - last.current >= REPORT_EVERY_MS) update();
    });
  }, [store, threshold]);
  return usage;
}
