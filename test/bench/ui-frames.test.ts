// The frame bench's trace reading (bench/ui-frames.ts): which thread is the page's, which tasks are
// top-level, and what counts against the 16 ms budget.
import { describe, expect, it } from 'vitest';
import { median, summarizeTasks, type TraceEvent } from '../../bench/ui-frames';

const meta = (pid: number, tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', pid, tid, ts: 0, args: { name } });
const task = (pid: number, tid: number, ts: number, durMs: number, name = 'ThreadControllerImpl::RunTask'): TraceEvent => ({ name, ph: 'X', pid, tid, ts, dur: durMs * 1000 });

describe('summarizeTasks', () => {
  it('reads the busiest renderer main thread, top-level tasks only, against the budget', () => {
    const events: TraceEvent[] = [
      meta(1, 10, 'CrRendererMain'),
      meta(2, 20, 'CrRendererMain'),
      meta(1, 11, 'Compositor'),
      // The page: three top-level tasks, one with a nested task inside it.
      task(1, 10, 0, 5),
      task(1, 10, 10_000, 40),
      task(1, 10, 12_000, 30, 'ThreadControllerImpl::RunTask'),
      task(1, 10, 60_000, 17),
      // DevTools' wrapper of a 3 ms task, longer by the memory counters tracing adds: the task counts.
      task(1, 10, 80_000, 25, 'RunTask'),
      task(1, 10, 80_000, 3),
      // A spare renderer (less task time) and another thread of the page's process: not counted.
      task(2, 20, 0, 30),
      task(1, 11, 0, 500),
      // Not complete events.
      { name: 'ThreadControllerImpl::RunTask', ph: 'B', pid: 1, tid: 10, ts: 90_000 },
    ];
    expect(summarizeTasks(events)).toEqual({ tasks: 4, longestMs: 40, overBudget: 2, longestCpuMs: NaN, overBudgetCpu: 0, longestNoGcMs: 40, overBudgetNoGc: 2 });
    expect(summarizeTasks(events, 50)).toMatchObject({ tasks: 4, longestMs: 40, overBudget: 0 });
    // With thread times: a task that waited for a core is long in wall time, short in CPU time.
    const timed = events.map((e) => (e.ph === 'X' && e.pid === 1 && e.tid === 10 ? { ...e, tdur: (e.dur ?? 0) / 4 } : e));
    expect(summarizeTasks(timed)).toEqual({ tasks: 4, longestMs: 40, overBudget: 2, longestCpuMs: 10, overBudgetCpu: 0, longestNoGcMs: 10, overBudgetNoGc: 0 });
  });
  it("takes the collector's pauses (nested phases counted once) out of the page's own time", () => {
    const gc = (ts: number, durMs: number, name: string, pid = 1, tid = 10): TraceEvent => ({ name, ph: 'X', pid, tid, ts, dur: durMs * 1000 });
    const events: TraceEvent[] = [
      meta(1, 10, 'CrRendererMain'),
      // 30 ms, of which a 20 ms scavenge (its V8 phase nested inside): 10 ms of the page's own.
      task(1, 10, 0, 30),
      gc(5_000, 20, 'MinorGC'),
      gc(6_000, 18, 'V8.GCScavenger'),
      // 25 ms with a 4 ms mark-compact step: 21 ms of the page's own, over budget.
      task(1, 10, 100_000, 25),
      gc(110_000, 4, 'MajorGC'),
      // A pause on another thread does not count.
      task(1, 10, 200_000, 18),
      gc(200_000, 18, 'MinorGC', 1, 11),
      // Blink's collector (the DOM's heap) counts too.
      task(1, 10, 300_000, 20),
      gc(301_000, 9, 'BlinkGC.AtomicPhase'),
    ];
    expect(summarizeTasks(events)).toMatchObject({ tasks: 4, longestMs: 30, overBudget: 4, longestNoGcMs: 21, overBudgetNoGc: 2 });
  });
  it('finds nothing in a trace without renderer main threads', () => {
    expect(summarizeTasks([task(1, 10, 0, 30)])).toMatchObject({ tasks: 0, longestMs: 0, overBudget: 0 });
  });
});

describe('median', () => {
  it('takes the middle of the finite values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 7])).toBe(7);
    expect(median([])).toBeNaN();
  });
});
