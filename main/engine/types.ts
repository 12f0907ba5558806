// The engine's public shape, used by the CLI, the local web server and the Electron main process.
import type { EngineStatus, EventBatch, History, Snapshot } from '../../shared/ipc';
import type { ConnectionSource } from '../source/types';
import type { RateTotals, TimelineData } from '../../shared/timeline';
import type { PortUsageHistory } from '../../shared/port-usage';

export interface EngineOptions {
  source: ConnectionSource;
  /** Poll interval, default DEFAULT_INTERVAL_MS (1000). */
  intervalMs?: number;
  /** Clock, injectable for tests (epoch ms). */
  now?: () => number;
  /** Sequence number of the first batch (default 1); a restarted engine continues its predecessor's numbering. */
  firstSeq?: number;
  /** The OS's dynamic port ranges once known (read by the host of the engine), carried in every status. */
  portRanges?: () => EngineStatus['portRanges'] | null;
}

export interface Engine {
  /** Starts polling: the first poll runs at once and is delivered whole (`full: true`). */
  start(): void;
  /** Stops the timer; an in-flight poll finishes but its batch is not delivered. */
  stop(): void;
  setPaused(paused: boolean): EngineStatus;
  setIntervalMs(ms: number): EngineStatus;
  status(): EngineStatus;
  /** The current table, materialized. */
  snapshot(): Snapshot;
  /** The current table's rate sums, as its rows show them (all 0 before a second poll or without counters). */
  rateTotals(): RateTotals;
  /** Runs one poll now (never overlapping a running one) and returns its batch. */
  pollNow(): Promise<EventBatch>;
  /** Every poll's batch, successful or failed; returns an unsubscribe function. */
  onBatch(listener: (batch: EventBatch) => void): () => void;
}

/**
 * The engine running off the caller's thread (a worker), as the Electron main process and the
 * local web server use it. Same operations as NetmonBridge; batches arrive JSON-encoded.
 */
export interface EngineHost {
  onBatch(listener: (batchJson: string) => void): () => void;
  /** The table, every connection carrying the run's firstSeenAt / lastChangeAt / preexisting. */
  getSnapshot(): Promise<Snapshot>;
  /** The run's recent events, the newest `limit` (all the ring holds when omitted). */
  getHistory(limit?: number): Promise<History>;
  /** The run's timeline (shared/timeline.ts), bounded. */
  getTimeline(): Promise<TimelineData>;
  /** The run's port usage (shared/port-usage.ts): newest sample, trend, notice marks; bounded. */
  getPortUsage(): Promise<PortUsageHistory>;
  setPaused(paused: boolean): Promise<EngineStatus>;
  setInterval(ms: number): Promise<EngineStatus>;
  getStatus(): Promise<EngineStatus>;
  close(): Promise<void>;
}
