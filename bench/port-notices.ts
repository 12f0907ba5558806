// Port usage and its notices. The engine worker counts usage from each poll's batch
// (shared/port-usage.ts: O(events) a poll, a whole-table count only on a full batch or when a
// listener comes or goes); the window only judges the sample against its threshold
// (renderer/views/ports/portFeed.ts: O(addresses)). Printed beside what the window used to do: walk
// the whole live table once a second for a report (a task on its main thread; no task over 16 ms,
// design.md). Also the baseline flag test for the rows on screen.
import type { Connection, ConnectionEvent } from '../shared/connection';
import type { EngineStatus, EventBatch } from '../shared/ipc';
import { portUsageReport, type PortRange } from '../shared/ports';
import { PortUsageTracker, type PortUsageSample } from '../shared/port-usage';
import { compileBaseline, listenerPorts, makeBaseline } from '../shared/baseline';
import { portNotices } from '../renderer/views/ports/portNotices';
import { EMPTY_FEED, addSample, type PortFeed } from '../renderer/views/ports/portFeed';
import { ms, table, time } from './decode-diff';
import { synthConnections } from './renderer-store';

const FRAME_BUDGET_MS = 16;
const RANGE: PortRange = { low: 32768, high: 60999 };
/** Events a poll: a TIME-WAIT flood's churn (half closed, half opened). */
const CHURN = 1_000;

const status: EngineStatus = {
  paused: false,
  intervalMs: 1000,
  source: 'bench',
  lastPollAt: null,
  lastPollMs: null,
  lastError: null,
  portRanges: { tcp: RANGE, udp: RANGE, origin: 'bench' },
};

/** Two batches that undo each other: `out` closed and `inn` opened, then back. */
function churnBatches(table: readonly Connection[], spare: readonly Connection[]): [EventBatch, EventBatch] {
  const out = table.filter((c) => c.state !== 'LISTEN').slice(0, CHURN / 2);
  const ev = (type: ConnectionEvent['type'], connection: Connection): ConnectionEvent => ({ type, time: 0, connection });
  const a = [...out.map((c) => ev('closed', c)), ...spare.map((c) => ev('opened', c))];
  const b = [...spare.map((c) => ev('closed', c)), ...out.map((c) => ev('opened', c))];
  return [
    { seq: 0, time: 0, full: false, events: a, status },
    { seq: 0, time: 0, full: false, events: b, status },
  ];
}

export function benchPortNotices(sizes = [10_000, 50_000]): string {
  const rows: string[][] = [];
  for (const n of sizes) {
    const all = synthConnections(n + CHURN, 11);
    const conns = all.slice(0, n);
    const spare = all.slice(n).filter((c) => c.state !== 'LISTEN').slice(0, CHURN / 2);
    const runs = n <= 10_000 ? 60 : 20;

    // Before: the window walked its whole table for one report a second.
    let warned: Set<string> = new Set();
    let seq = -1;
    const walk = time(() => {
      // threshold 1%: addresses over it alternate with none, so notices are made as well as skipped
      const r = portUsageReport(conns, { ranges: { tcp: RANGE, udp: RANGE }, thresholdPercent: 1 });
      const out = portNotices(warned, r, Date.now(), seq);
      warned = out.warned;
      seq -= out.notices.length;
    }, runs);

    // Now, engine side: a whole-table count (first poll, a listener coming or going) …
    const tracker = new PortUsageTracker();
    let t = 0;
    const full = time(() => tracker.apply({ time: ++t, full: true, connections: conns, events: [], status }), Math.max(5, runs >> 2), 3);
    // … and a poll of CHURN events.
    const [a, b] = churnBatches(conns, spare);
    let flip = false;
    let sample: PortUsageSample | null = null;
    const poll = time(() => {
      flip = !flip;
      sample = tracker.apply({ ...(flip ? a : b), time: ++t });
    }, runs * 2);

    // Now, window side: judge the sample against the threshold, notices, trend point.
    let feed: PortFeed = EMPTY_FEED;
    let threshold = 1;
    const judge = time(() => {
      threshold = threshold === 1 ? 99 : 1; // crossings both ways: notices are written
      feed = addSample(feed, { ...(sample as unknown as PortUsageSample), time: ++t }, threshold);
    }, 1000);

    // Flags: the departure test for the ~40 rows a screen shows (and the events beside them).
    const m = compileBaseline(makeBaseline(conns.slice(0, n >> 1), RANGE, 0, null));
    const listening = listenerPorts(conns);
    const screen = conns.slice(n - 40);
    let departures = 0;
    const flags = time(() => {
      for (const c of screen) if (m.departure(c, listening)) departures++;
    }, 1000);
    rows.push([
      n.toLocaleString('en-US'),
      `${ms(walk.median)} / ${ms(walk.p95)}`,
      `${ms(poll.median)} / ${ms(poll.p95)}`,
      ms(full.median),
      `${ms(judge.median)} / ${ms(judge.p95)}`,
      `${FRAME_BUDGET_MS}`,
      `${(walk.median / judge.median).toFixed(0)}×`,
      ms(flags.median),
      departures > 0 && feed.notices.length > 0 ? 'yes' : 'no',
    ]);
  }
  return table(
    [
      'rows',
      'before: window walk ms (med/p95)',
      `engine poll ${CHURN.toLocaleString('en-US')} ev ms (med/p95)`,
      'engine full count ms',
      'window per batch ms (med/p95)',
      'budget ms',
      'window before/now',
      'flag 40 rows ms',
      'notices+flags made',
    ],
    rows,
  );
}
