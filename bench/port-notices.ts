// The window's port usage: once a second the renderer walks the live table for one port usage
// report, shared by the Ports view and the notices in the Events view, and compares it with the last
// one (renderer/views/ports/usePortNotices.ts), whatever tab is open. That walk is a task on the window's main thread: it must stay well inside a frame
// (no task over 16 ms, design.md), beside the baseline flag test for the rows on screen.
import { portUsageReport, type PortRange } from '../shared/ports';
import { compileBaseline, listenerPorts, makeBaseline } from '../shared/baseline';
import { portNotices } from '../renderer/views/ports/portNotices';
import { ms, table, time } from './decode-diff';
import { synthConnections } from './renderer-store';

const FRAME_BUDGET_MS = 16;
const RANGE: PortRange = { low: 32768, high: 60999 };

export function benchPortNotices(sizes = [10_000, 50_000]): string {
  const rows: string[][] = [];
  for (const n of sizes) {
    const conns = synthConnections(n, 11);
    let warned: Set<string> = new Set();
    let seq = -1;
    const report = time(() => {
      // threshold 1%: addresses over it alternate with none, so notices are made as well as skipped
      const r = portUsageReport(conns, { ranges: { tcp: RANGE, udp: RANGE }, thresholdPercent: 1 });
      const out = portNotices(warned, r, Date.now(), seq);
      warned = out.warned;
      seq -= out.notices.length;
    }, n <= 10_000 ? 100 : 30);
    // Flags: the departure test for the ~40 rows a screen shows (and the events beside them).
    const half = conns.slice(0, n >> 1);
    const m = compileBaseline(makeBaseline(half, RANGE, 0, null));
    const listening = listenerPorts(conns);
    const screen = conns.slice(n - 40);
    let departures = 0;
    const flags = time(() => {
      for (const c of screen) if (m.departure(c, listening)) departures++;
    }, 1000);
    rows.push([
      n.toLocaleString('en-US'),
      `${ms(report.median)} / ${ms(report.p95)}`,
      `${FRAME_BUDGET_MS}`,
      `${((report.median / 1000) * 100).toFixed(2)}%`,
      ms(flags.median),
      departures > 0 ? 'yes' : 'no',
    ]);
  }
  return table(['rows', 'report+notices ms (med/p95)', 'budget ms', 'core at 1/s', 'flag 40 rows ms', 'any flagged'], rows);
}
