// The table read shared by the commands that print a table and exit (snapshot, top, ports,
// baseline save): create the source, poll it through an engine, report a failed read in one
// wording, close the source — whatever happens in between.
import type { Connection } from '../../shared/connection';
import { countersScopeOf, type EngineStatus } from '../../shared/ipc';
import { createEngine } from '../engine/engine';
import { createHistory } from '../engine/history';
import { sourceDynamicRanges, type LinuxTables, type SourceKind } from '../source/index';
import type { DynamicRanges } from '../source/port-range';
import type { CliIo } from './io';

/** One good poll of the connection table; `R` is DynamicRanges when they were asked for, else null. */
export interface TableRead<R extends DynamicRanges | null = DynamicRanges | null> {
  /** When the poll ran (epoch ms, io.now's clock). */
  time: number;
  /**
   * The whole table after this poll, each row stamped by the run's history (main/engine/history.ts):
   * firstSeenAt / lastChangeAt, and preexisting for rows already there at the first poll.
   */
  connections: Connection[];
  status: EngineStatus;
  /** The source's dynamic port ranges (ReadTableOptions.ranges), else null. */
  ranges: R;
}

export interface ReadTableOptions<R extends DynamicRanges | null = DynamicRanges | null> {
  /**
   * Called with each good read; returns how long to wait (ms) before polling again, or null when
   * done. Default: one read. Polls of one call share an engine, so the later ones carry rates.
   */
  again?(read: TableRead<R>): number | null;
  /** Also ask the source for its dynamic port ranges (the machine it reads, not necessarily this host). */
  ranges?: boolean;
  /**
   * Poll once first and wait this long (ms) before the reads `again` sees, so that even the first
   * of them carries rates and limitedBy (they need two polls: shared/filter `needsTwoPolls`).
   * null or absent: no warm-up.
   */
  warmUpMs?: number | null;
  /** How the source reads its tables (`--tables`); null or absent: its default. */
  tables?: LinuxTables | null;
  /**
   * The command reads traffic fields (its filter or sort does, or it prints them): when the last
   * read carries no counters, say why on stderr (sayMissingCounters).
   */
  readsTraffic?: boolean;
}

export interface TableReadResult<R extends DynamicRanges | null = DynamicRanges | null> {
  /** The last good read. */
  last: TableRead<R>;
  /**
   * io.stop was aborted while waiting for the next poll: `last` is all there is (after a stop
   * during the warm-up, `last` is the warm-up read, without rates, which `again` never saw).
   */
  stopped: boolean;
}

/**
 * Reads the table of the `kind` source once (or as often as `opts.again` asks). A failed poll is
 * reported on stderr as `netmon: cannot read the connection table: REASON` and gives null: the
 * command exits 1. The source is closed before this returns, also when it throws.
 */
export function readTableOnce(kind: SourceKind, io: CliIo, opts: ReadTableOptions<DynamicRanges> & { ranges: true }): Promise<TableReadResult<DynamicRanges> | null>;
export function readTableOnce(kind: SourceKind, io: CliIo, opts?: ReadTableOptions<null> & { ranges?: false }): Promise<TableReadResult<null> | null>;
export async function readTableOnce(kind: SourceKind, io: CliIo, opts: ReadTableOptions = {}): Promise<TableReadResult | null> {
  const source = io.createSource(kind, { tables: opts.tables ?? null });
  try {
    const engine = createEngine({ source, now: io.now });
    // The run's history stamps firstSeenAt / lastChangeAt / preexisting as the app's engine worker
    // does (the same code): rows present at the first poll are preexisting, first seen then.
    const history = createHistory({ keepEvents: false });
    const ranges = opts.ranges ? await sourceDynamicRanges(source) : null;
    let warmUp = opts.warmUpMs ?? null;
    for (;;) {
      const b = history.apply(await engine.pollNow());
      if (b.status.lastError !== null) {
        io.stderr(`netmon: cannot read the connection table: ${b.status.lastError}\n`);
        return null;
      }
      // The first poll's batch carries the table; later ones carry only what changed.
      const read: TableRead = { time: b.time, connections: b.connections ?? history.annotate(engine.snapshot()).connections, status: b.status, ranges };
      const wait = warmUp ?? opts.again?.(read) ?? null;
      warmUp = null;
      if (wait === null) {
        if (opts.readsTraffic) sayMissingCounters(read.status, io);
        return { last: read, stopped: false };
      }
      if (!(await pause(wait, io.stop))) return { last: read, stopped: true };
    }
  } finally {
    source.close?.();
  }
}

/**
 * Says on stderr why the rows carry no traffic counters (`netmon: per-connection counters:
 * not available with the procfs backend`), when the poll's status has a countersNote, or why some
 * rows carry none (the backend's cap was reached, EngineStatus.countersScope); nothing when every
 * row that can have counters has them. Every command whose filter, sort or output reads traffic
 * says it: a filter such as `rate>1` cannot match then, and the command would otherwise print an
 * empty table in silence. The exit code stays 0 (the table was read; it has no counters to show).
 */
export function sayMissingCounters(status: Pick<EngineStatus, 'countersNote' | 'countersScope'>, io: Pick<CliIo, 'stderr'>): void {
  const line = missingCountersLine(status);
  if (line) io.stderr(line);
}

/**
 * The line sayMissingCounters prints, or null when the rows carry counters. The cap line names no
 * count, so a command that says each line once (watch) says it once however the count moves.
 */
export function missingCountersLine(status: Pick<EngineStatus, 'countersNote' | 'countersScope'>): string | null {
  if (status.countersNote) return `netmon: per-connection counters: ${status.countersNote}\n`;
  const scope = countersScopeOf(status.countersScope);
  if (scope && scope.beyondCap > 0) {
    return `netmon: per-connection counters: read for at most ${scope.cap.toLocaleString('en-US')} connections a poll; the connections beyond that show — until a read one closes\n`;
  }
  return null;
}

/** Waits `ms`; false when `stop` was aborted first (or already). */
function pause(ms: number, stop: AbortSignal): Promise<boolean> {
  if (stop.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(t);
      stop.removeEventListener('abort', onAbort);
      resolve(ok);
    };
    const onAbort = () => done(false);
    const t = setTimeout(() => done(true), ms);
    stop.addEventListener('abort', onAbort, { once: true });
  });
}
