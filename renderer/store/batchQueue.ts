// Applies the engine's batches to the store in order, a poll's counter updates in slices of
// SLICE_ROWS per task: 9,400 counter rows at 50,000 rows applied in the WebSocket message task
// made it run ~29 ms (issue 9 §4 / 11). Events and a full table go in at once; a later batch waits
// until the one before it has landed, and a full table or a reload cancels the slices still pending.
import type { EventBatch } from '../../shared/ipc';
import type { BatchInProgress, ConnectionStore } from './store';
import { nextTask } from './nextTask';

/** Rows of a counters section applied per task: ~1-2 ms of the renderer's main thread at 50,000 rows. */
export const SLICE_ROWS = 1500;

export interface BatchQueueOptions {
  /** Counter rows per task (default SLICE_ROWS). */
  sliceRows?: number;
  /** Runs a function in a later task (default: a MessageChannel message); injectable for tests. */
  schedule?: (fn: () => void) => void;
  /**
   * Start every batch in a task of its own, never in the pushing one (default false). For a caller
   * whose task already did heavy work on the batch: decoding a poll's ~1 MB of JSON.
   */
  startLater?: boolean;
}

export class BatchQueue {
  private readonly waiting: EventBatch[] = [];
  private current: BatchInProgress | null = null;
  private scheduled = false;
  private readonly slice: number;
  private readonly schedule: (fn: () => void) => void;
  private readonly startLater: boolean;

  constructor(
    private readonly store: ConnectionStore,
    opts: BatchQueueOptions = {},
  ) {
    this.slice = Math.max(1, opts.sliceRows ?? SLICE_ROWS);
    this.schedule = opts.schedule ?? nextTask;
    this.startLater = opts.startLater ?? false;
  }

  /** Batches not yet fully applied (the one in slices included). */
  get pending(): number {
    return this.waiting.length + (this.current ? 1 : 0);
  }

  /**
   * Applies `batch` after every batch pushed before it: now (or, with `startLater`, in the next
   * task), and its first slice of counters, when nothing is pending; otherwise in a later task. A full batch supersedes what is pending:
   * their counters are dropped (its table holds the present), their events still reach the log.
   */
  push(batch: EventBatch): void {
    if (batch.full) {
      this.cancel();
      this.store.applyBatch(batch);
      return;
    }
    this.waiting.push(batch);
    if (this.current || this.waiting.length > 1 || this.scheduled) return;
    if (this.startLater) this.runLater();
    else this.run();
  }

  /**
   * Stops the slices pending (a reload is coming): the batch in slices lands as far as it got,
   * batches waiting keep their events and status, without their counters.
   */
  cancel(): void {
    this.current?.cancel();
    this.current = null;
    for (const b of this.waiting.splice(0)) this.store.applyBatch(b.counters ? { ...b, counters: undefined } : b);
  }

  /**
   * Drops everything pending without applying it (the store's owner is going away); the batch in
   * slices ends where it got (its subscribers hear that much), so the store is left whole.
   */
  dispose(): void {
    this.current?.cancel();
    this.current = null;
    this.waiting.length = 0;
  }

  /**
   * One task's work: a slice of the batch in progress, or the next batch's events and first slice.
   * A batch that throws (malformed input the store could not skip) ends where it got and is
   * dropped with an error on the console; the batches after it still apply.
   */
  private run(): void {
    try {
      if (!this.current) {
        const next = this.waiting.shift();
        if (!next) return;
        this.current = this.store.beginBatch(next);
      }
      if (this.current.step(this.slice)) this.current = null;
    } catch (err) {
      console.error('netmon: dropped a batch that could not be applied', err);
      try {
        this.current?.cancel();
      } catch {
        // it has told what it could
      }
      this.current = null;
    } finally {
      if (this.pending > 0) this.runLater();
    }
  }

  private runLater(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => {
      this.scheduled = false;
      this.run();
    });
  }
}
