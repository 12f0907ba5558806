// Messages between the engine host (caller's thread) and the engine worker. Batches and snapshots
// travel as JSON strings: one string is far cheaper to pass between threads than 10k objects.
import type { EngineStatus } from '../../shared/ipc';
import type { SourceKind } from '../source';

export interface WorkerConfig {
  source: SourceKind;
  intervalMs?: number;
  paused?: boolean;
  /** Sequence number of the worker's first batch, so a restarted worker continues the numbering. */
  firstSeq?: number;
  /** Size of the run's event ring (main/engine/history.ts), events; default DEFAULT_HISTORY_CAPACITY. */
  historyCapacity?: number;
  /** Demo source options. */
  seed?: number;
  connections?: number;
  churn?: number;
  traffic?: number;
  /** Enables the `crash` request (tests of the host's crash handling). */
  testHooks?: boolean;
}

/**
 * Requests any engine host answers (worker thread or utility process): `getSnapshot` and
 * `getHistory` answer JSON text; `getHistory`'s arg is an optional limit (newest N events). Any
 * other string is forwarded and answered (or refused) by the engine side.
 */
export type RequestOp = 'getSnapshot' | 'getHistory' | 'getTimeline' | 'getPortUsage' | 'setPaused' | 'setInterval' | 'getStatus' | 'crash' | (string & {});

export interface WorkerRequest {
  id: number;
  op: RequestOp;
  arg?: unknown;
}

export type WorkerMessage =
  /** `seq` and `status` ride along so the host can follow the stream without parsing `json`. */
  | { type: 'batch'; json: string; seq: number; status: EngineStatus }
  | { type: 'response'; id: number; ok: true; value: unknown }
  | { type: 'response'; id: number; ok: false; error: string }
  /** The worker cannot run at all (e.g. no source for this platform): restarting will not help. */
  | { type: 'fatal'; error: string };
