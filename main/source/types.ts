// The one interface every OS-specific connection source implements.
import type { ProcessDetails } from '../../shared/ipc';
import type { RowTable } from '../model/rows';
import type { DynamicRanges } from './port-range';

export type { ProcessDetails };

export interface ProcessInfo {
  pid: number;
  /** Image name, e.g. `svchost.exe`. */
  name: string | null;
  /** Full image path where the OS gives it. */
  path: string | null;
  /** When the process started (epoch ms), where known: with the PID, what identifies it (PIDs are reused). */
  startTime?: number | null;
}

export interface ConnectionSource {
  /** Short identifier shown in status, e.g. `windows-iphlpapi`, `linux-procfs`, `scripted`. */
  readonly name: string;
  /**
   * Reads the OS's current TCP (and, where supported, UDP) tables. Throws SourceError on failure.
   * The table is the caller's until the read after next (a failed read counts): a source may fill
   * two buffers in turn rather than allocate each poll, so a caller that keeps a table longer
   * copies it. The engine diffs each table against the one before in place, without a copy.
   */
  read(): Promise<RowTable> | RowTable;
  /**
   * Process name/path for a PID as it is *now* (the source caches; a reused PID must not be
   * shown under an old name, so caches are keyed by PID + process start time or equivalent).
   */
  processInfo(pid: number): ProcessInfo | null;
  /** Everything known of an owning process, for the details pane; null when it has exited. Never blocks a poll. */
  processDetails?(pid: number): Promise<ProcessDetails | null>;
  /**
   * The dynamic (ephemeral) port ranges of the machine this source reads, and where they came
   * from: the OS's own setting for an OS source, the simulated machine's for demo / scripted —
   * never the host's for a source that is not the host. Never rejects (a default with the reason).
   */
  dynamicRanges?(): Promise<DynamicRanges>;
  /** Standing limits of what the source can see (EngineStatus.notices), e.g. owners hidden without rights. */
  notices?(): string[];
  /** Releases native handles, timers, etc. */
  close?(): void;
}

/** A source failure with an explanation fit to show an admin. */
export class SourceError extends Error {
  override name = 'SourceError';
  constructor(
    message: string,
    /** OS error code where there is one (Win32 error / NTSTATUS / errno). */
    readonly code?: number,
  ) {
    super(message);
  }
}
