// What the engine worker does with every batch the engine emits, before any viewer sees it: the
// run's history stamps first-seen times, the timeline and port-usage trackers add their samples,
// and the batch is encoded once for every transport. One module, so the worker and the poll
// benchmark (bench/traffic.ts) run the very same steps.
import { encodeBatch, type EventBatch } from '../../shared/ipc';
import { PortUsageTracker } from '../../shared/port-usage';
import { TimelineTracker, type RateTotals } from '../../shared/timeline';
import { createHistory, type HistoryOptions, type RunHistory } from './history';

export interface BatchPipeline {
  readonly history: RunHistory;
  readonly timeline: TimelineTracker;
  readonly portUsage: PortUsageTracker;
  /**
   * Stamps, samples and encodes one engine batch (in the engine's order). `totals`: the engine's
   * rate sums after it (Engine.rateTotals), for the timeline. Returns the stamped batch and its JSON.
   */
  process(raw: EventBatch, totals?: RateTotals): { batch: EventBatch; json: string };
}

/** What the pipeline keeps besides stamping and sampling (createBatchPipeline). */
export interface PipelineOptions extends Omit<HistoryOptions, 'capacity'> {
  /**
   * Keep the timeline and port-usage series (default true). The engine worker keeps neither, nor
   * the events (`keepEvents`): its host keeps the run's copies from what each batch carries.
   */
  keepSeries?: boolean;
}

/**
 * `historyCapacity`: events the run's history keeps (see createHistory; RangeError when invalid).
 * `opts`: the rest of the history's options (a seed, a record listener, whether to keep events) and
 * whether to keep the series.
 */
export function createBatchPipeline(historyCapacity?: number, opts: PipelineOptions = {}): BatchPipeline {
  const { keepSeries = true, ...history } = opts;
  const run = createHistory({ ...history, capacity: historyCapacity });
  const timeline = new TimelineTracker({}, keepSeries);
  const portUsage = new PortUsageTracker(keepSeries);
  return {
    history: run,
    timeline,
    portUsage,
    process(raw, totals) {
      const batch = run.apply(raw);
      // Only a poll is a sample. A pause or interval change is pushed as a batch of its own, and the
      // poll a resume starts follows within milliseconds: sampled, that poll's events over a span of
      // a few ms read as thousands opened a second.
      if (isPoll(batch)) {
        const sample = timeline.apply(batch, totals);
        if (sample) batch.timeline = sample;
        // Port usage is counted here, off every viewer's main thread, and judged by each viewer.
        const ports = portUsage.apply(batch);
        if (ports) batch.ports = ports;
      }
      return { batch, json: encodeBatch(batch) };
    },
  };
}

/** Whether `batch` is a poll's (it carries that poll's time as the status's last poll), not a status push. */
export function isPoll(batch: Pick<EventBatch, 'time' | 'status'>): boolean {
  return batch.status.lastPollAt === batch.time;
}
