// The frame bench's "less garbage-collection pauses" figure, where the trace has thread times: the
// task's CPU time less the collector's pauses. A pause's wall duration includes time its thread
// waited for a core (a shared machine), so taking it from CPU time takes too much, and a task whose
// own work is over budget reads as within it.
import { describe, expect, it } from 'vitest';
import { summarizeTasks, type TraceEvent } from '../../bench/ui-frames';

const meta = (pid: number, tid: number, name: string): TraceEvent => ({ name: 'thread_name', ph: 'M', pid, tid, ts: 0, args: { name } });

describe('summarizeTasks: GC pauses against CPU time', () => {
  it('takes the pauses CPU time from the task CPU time, not their wall time', () => {
    const events: TraceEvent[] = [
      meta(1, 10, 'CrRendererMain'),
      // 40 ms wall, 20 ms on a core; inside it a scavenge of 10 ms wall, 2 ms on a core: 18 ms the page's own.
      { name: 'ThreadControllerImpl::RunTask', ph: 'X', pid: 1, tid: 10, ts: 0, dur: 40_000, tdur: 20_000 },
      { name: 'MinorGC', ph: 'X', pid: 1, tid: 10, ts: 5_000, dur: 10_000, tdur: 2_000 },
    ];
    expect(summarizeTasks(events)).toMatchObject({ longestCpuMs: 20, longestNoGcMs: 18, overBudgetNoGc: 1 });
  });
});
