// Pure: the port-exhaustion notices written into the Events view (issue 12 §2). A notice is
// written once when an address crosses the warning threshold and once when it falls back below;
// it is not a ConnectionEvent (it is about a local address, not one connection).
import { trendKey, type PortUsageReport } from '../../../shared/ports';

/** One entry of the Events view that is not a connection's event. */
export interface NoticeEntry {
  type: 'notice';
  /** Negative, unique per window: never collides with a LoggedEvent's seq (those are ≥ 1). */
  seq: number;
  /** Epoch ms of the report that crossed the threshold. */
  time: number;
  /** 'warning' on crossing the threshold, 'cleared' on falling back below it. */
  level: 'warning' | 'cleared';
  /** The address as the Ports view keys it (`tcp 10.0.0.5`, `udp fe80::1%3`). */
  address: string;
  /** The warning sentence of portUsageReport(...).warnings, or the all-clear. */
  text: string;
}

/** Addresses currently over the threshold, by trendKey. */
export type WarnedAddresses = ReadonlySet<string>;

/**
 * The notices one report adds after the previous one.
 * @param warned addresses over the threshold in the previous report (empty at the start).
 * @param report the new report; its `warnings` are in the order of its warning addresses.
 * @param time epoch ms stamped on the notices.
 * @param nextSeq the seq for the first notice (negative; each further notice one lower).
 * @returns the notices (crossings up, then falls back below) and the new set of warned addresses.
 */
export function portNotices(warned: WarnedAddresses, report: PortUsageReport, time: number, nextSeq: number): { notices: NoticeEntry[]; warned: Set<string> } {
  const notices: NoticeEntry[] = [];
  const now = new Set<string>();
  let seq = nextSeq;
  let w = 0;
  for (const a of report.addresses) {
    if (!a.warning) continue;
    const key = trendKey(a);
    now.add(key);
    const text = report.warnings[w++] ?? `${key}: over ${report.thresholdPercent}%`;
    if (!warned.has(key)) notices.push({ type: 'notice', seq: seq--, time, level: 'warning', address: key, text });
  }
  for (const key of warned) {
    if (now.has(key)) continue;
    const a = report.addresses.find((x) => trendKey(x) === key);
    const usage = a ? `${a.portsInUse} of ${a.rangeSize} ephemeral ports in use (${a.percent}%)` : 'no ephemeral port in use';
    notices.push({ type: 'notice', seq: seq--, time, level: 'cleared', address: key, text: `${key.slice(0, 3).toUpperCase()}${key.slice(3)}: back below ${report.thresholdPercent}%, ${usage}` });
  }
  return { notices, warned: now };
}

/**
 * Events and notices in one list, oldest first (both inputs oldest first): by time, a notice after
 * the events of its own millisecond. O(n + m); returns `events` itself when there is no notice.
 */
export function mergeByTime<E extends { time: number }>(events: readonly E[], notices: readonly NoticeEntry[]): (E | NoticeEntry)[] {
  if (notices.length === 0) return events as E[];
  const out: (E | NoticeEntry)[] = [];
  let i = 0;
  for (const n of notices) {
    while (i < events.length && events[i].time <= n.time) out.push(events[i++]);
    out.push(n);
  }
  while (i < events.length) out.push(events[i++]);
  return out;
}
