// The port threshold setting and the port usage behind both the Ports view (report, trend) and the
// notices written into the Events view. The engine counts usage (shared/port-usage.ts) and sends it
// with every batch; this window only judges it against its threshold — O(addresses), never a walk
// of the table on the window's main thread.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { EventBatch, NetmonBridge } from '../../../shared/ipc';
import { DEFAULT_PORT_WARNING_PERCENT, type PortTrendPoint, type PortUsageReport } from '../../../shared/ports';
import { isPortUsageSample, validatePortUsageHistory, type PortUsageSample } from '../../../shared/port-usage';
import type { NoticeEntry } from './portNotices';
import { EMPTY_FEED, addSample, loadHistory, rejudge, reportOf, type PortFeed } from './portFeed';
import { parseThreshold } from './portsModel';

const THRESHOLD_KEY = 'netmon.ports.thresholdPercent';

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

/** What the Ports view and the Events view get from the engine's port usage. */
export interface PortUsage {
  /** The newest sample judged against the threshold. */
  report: PortUsageReport;
  /** Ports in use per address over the last minutes (shared/port-usage.ts TREND_WINDOW_MS), oldest first. */
  trend: PortTrendPoint[];
  /** Notices of addresses crossing the threshold and falling back below it, oldest first (bounded). */
  notices: NoticeEntry[];
}

export interface PortUsageFeed extends PortUsage {
  /** Call with every decoded live batch: its `ports` sample is checked, then judged. */
  onBatch(b: EventBatch): void;
  /** Loads the engine's port usage afresh (after batches were missed: a reconnect, a long freeze). */
  reload(): void;
}

/**
 * Loads the engine's port usage once (getPortUsage), then follows each batch's sample; a threshold
 * change judges the latest sample again at once. A malformed sample or history is dropped with a
 * warning in the console (the rest of the batch still applies).
 */
export function usePortUsage(bridge: NetmonBridge, threshold: number): PortUsageFeed {
  const [feed, setFeed] = useState<PortFeed>(EMPTY_FEED);
  const pending = useRef<PortUsageSample[] | null>([]);
  const thresholdRef = useRef(threshold);
  const disposed = useRef(false);
  // Samples arriving while the history is on its way wait in `pending`, then continue it.
  const fetchHistory = useCallback(() => {
    pending.current ??= [];
    const done = (f: ((p: PortFeed) => PortFeed) | null) => {
      if (disposed.current) return;
      const held = pending.current ?? [];
      pending.current = null;
      setFeed((p) => (f ? f(p) : held.reduce((acc, s) => addSample(acc, s, thresholdRef.current), p)));
    };
    bridge.getPortUsage().then(
      (raw) => {
        try {
          const h = validatePortUsageHistory(raw);
          const held = pending.current ?? [];
          done(() => loadHistory(h, thresholdRef.current, held));
        } catch (err) {
          console.warn('netmon: dropped a malformed port usage history', err);
          done(null);
        }
      },
      () => done(null), // an engine without port usage: keep what batches bring
    );
  }, [bridge]);
  useEffect(() => {
    disposed.current = false;
    fetchHistory();
    return () => {
      disposed.current = true;
    };
  }, [fetchHistory]);
  useEffect(() => {
    if (thresholdRef.current === threshold) return;
    thresholdRef.current = threshold;
    setFeed((f) => rejudge(f, threshold, Date.now()));
  }, [threshold]);
  const onBatch = useCallback((b: EventBatch) => {
    if (b.ports === undefined) return;
    if (!isPortUsageSample(b.ports)) {
      console.warn('netmon: dropped a malformed port usage sample');
      return;
    }
    const sample = b.ports;
    if (pending.current) pending.current.push(sample);
    else setFeed((f) => addSample(f, sample, thresholdRef.current));
  }, []);
  const report = useMemo(() => reportOf(feed.latest, threshold), [feed.latest, threshold]);
  return { report, trend: feed.trend, notices: feed.notices, onBatch, reload: fetchHistory };
}
