// The timeline's cost per poll (the engine feeds it every batch) and its memory bound (the series
// a week-long run at 1 Hz keeps), beside the budgets.
import v8 from 'node:v8';
import vm from 'node:vm';
import type { ConnectionEvent } from '../shared/connection';
import type { EventBatch } from '../shared/ipc';
import { counterColumns } from '../shared/testing/counters';
import { DEFAULT_TIMELINE_OPTIONS, TimelineStore, TimelineTracker, TIMELINE_SERIES, type TimelineSample } from '../shared/timeline';
import { ms, table, time } from './decode-diff';
import { synthConnections } from './renderer-store';

/** Budget for the timeline's share of a poll: a small part of the poll's "few ms of JS" (design.md). */
const POLL_BUDGET_MS = 0.5;
/** Budget for the whole series, MB (it lives beside the run's ~100 MB event ring, main/engine/history.ts). */
const MEMORY_BUDGET_MB = 10;

const STATUS = { paused: false, intervalMs: 1000, source: 'bench', lastPollAt: 0, lastPollMs: 1, lastError: null };

function gcFn(): () => void {
  v8.setFlagsFromString('--expose-gc');
  return vm.runInNewContext('gc') as () => void;
}

function perPoll(rows: number, withCounters: boolean): string[] {
  const conns = synthConnections(rows);
  const t = new TimelineTracker();
  t.apply({ time: 0, full: true, connections: conns, events: [], status: STATUS });
  // 1% churn a poll: the same rows close and reopen, so the table stays the same size.
  const churn = conns.slice(0, Math.max(1, rows / 100));
  const counters = withCounters ? counterColumns(conns.map((c) => [c.id, 1, 1, 1, 1, 1000, 2000, 1, 1, 0, null])) : undefined;
  let now = 0;
  let open = true;
  const batch = (): EventBatch => {
    open = !open;
    const events: ConnectionEvent[] = churn.map((c) => ({ type: open ? 'opened' : 'closed', time: now, connection: c }));
    return { seq: 0, time: (now += 1000), full: false, events, counters, status: STATUS };
  };
  const r = time(() => t.apply(batch()), 400);
  return [rows.toLocaleString('en-US'), withCounters ? 'yes' : 'no', `${ms(r.median)} / ${ms(r.p95)}`, ms(POLL_BUDGET_MS)];
}

function memory(): string[][] {
  const gc = gcFn();
  const sample = (i: number): TimelineSample => ({
    time: i * 1000,
    spanMs: 1000,
    counts: TIMELINE_SERIES.map((_, k) => 1000 + k + (i % 7)),
    opened: i % 13,
    closed: i % 11,
    sendRate: 123_456 + i,
    receiveRate: 654_321 + i,
  });
  const out: string[][] = [];
  for (const hours of [1, 24, 24 * 8]) {
    gc();
    const before = process.memoryUsage().heapUsed;
    const st = new TimelineStore();
    for (let i = 1; i <= hours * 3600; i++) st.push(sample(i));
    gc();
    const bytes = process.memoryUsage().heapUsed - before;
    const json = JSON.stringify(st.data()).length;
    out.push([`${hours} h at 1 Hz`, st.size.toLocaleString('en-US'), (bytes / 1e6).toFixed(2), (json / 1e6).toFixed(2), String(MEMORY_BUDGET_MB)]);
  }
  return out;
}

/** Both tables, as `npm run bench` prints them. */
export function benchTimeline(): string {
  const o = DEFAULT_TIMELINE_OPTIONS;
  const poll = table(['timeline rows', 'counters', 'apply ms (med/p95)', 'budget ms'], [perPoll(20_000, false), perPoll(20_000, true), perPoll(50_000, true)]);
  const mem = table(['run', 'samples kept', 'heap MB', 'getTimeline JSON MB', 'budget MB'], memory());
  return `${poll}\n\nBound: one sample a poll for ${o.fineWindowMs / 60_000} min (at most ${o.maxFine.toLocaleString('en-US')}), then ${o.coarseStepMs / 1000} s buckets, at most ${o.maxCoarse.toLocaleString('en-US')}\n${mem}`;
}
