// Messages between the engine host (caller's thread) and the engine worker. Batches and snapshots
// travel as JSON strings: one string is far cheaper to pass between threads than 10k objects.
import type { EngineStatus } from '../../shared/ipc';
import type { LinuxTables, SourceKind } from '../source';
import type { HistoryRecord, HistorySeed } from './history';
import type { TimelineSample } from '../../shared/timeline';
import type { PortUsageSample } from '../../shared/port-usage';

export interface WorkerConfig {
  source: SourceKind;
  intervalMs?: number;
  paused?: boolean;
  /** Sequence number of the worker's first batch, so a restarted worker continues the numbering. */
  firstSeq?: number;
  /** Size of the run's event ring (main/engine/history.ts), events; default DEFAULT_HISTORY_CAPACITY. */
  historyCapacity?: number;
  /** The run so far (the host's HistoryMirror), for a worker that replaces one that stopped. */
  history?: HistorySeed;
  /**
   * The seed comes as the first message instead (SEED_HISTORY_OP): an Electron utility process gets
   * its configuration as one command-line argument, and 50,000 rows' times do not fit in one.
   */
  historyFollows?: boolean;
  /** Demo source options. */
  seed?: number;
  connections?: number;
  churn?: number;
  traffic?: number;
  /** Where the linux source reads its tables (default auto). */
  tables?: LinuxTables;
  /** Enables the `crash` request (tests of the host's crash handling). */
  testHooks?: boolean;
}

/**
 * Requests any engine host answers (worker thread or utility process): `getSnapshot` answers JSON
 * text. Any other string is forwarded and answered (or refused) by the engine side. The run's
 * events (getHistory), timeline (getTimeline) and port usage (getPortUsage) are answered by the
 * host itself, from its copies.
 */
export type RequestOp = 'getSnapshot' | 'setPaused' | 'setInterval' | 'getStatus' | 'crash' | (string & {});

/** The op of the message that carries WorkerConfig.history when `historyFollows` (host → engine, first). */
export const SEED_HISTORY_OP = 'seedHistory';

export interface WorkerRequest {
  id: number;
  op: RequestOp;
  arg?: unknown;
}

export type WorkerMessage =
  /**
   * `seq` and `status` ride along so the host can follow the stream without parsing `json`;
   * `history`, `timeline` and `ports`, what the batch added to the run's history and its timeline
   * and port-usage samples, for the host's copies (they outlive an engine that crashes).
   */
  | { type: 'batch'; json: string; seq: number; status: EngineStatus; history?: HistoryRecord; timeline?: TimelineSample; ports?: PortUsageSample }
  | { type: 'response'; id: number; ok: true; value: unknown }
  | { type: 'response'; id: number; ok: false; error: string }
  /** The worker cannot run at all (e.g. no source for this platform): restarting will not help. */
  | { type: 'fatal'; error: string };
