// `netmon watch`: streams the engine's events, filtered, to stdout and optionally a rotating recording.
import type { ConnectionEvent } from '../../shared/connection';
import { eventMatches } from '../../shared/filter';
import { formatEventJsonLine } from '../../shared/format';
import type { EventBatch } from '../../shared/ipc';
import { createEngine } from '../engine/engine';
import { createHistory } from '../engine/history';
import { reportedEvents } from '../export/reported-events';
import { createRecorder, type Recorder } from '../record/recorder';
import { RecordingWriteError } from '../record/rotating-writer';
import type { WatchOptions } from './args';
import type { CliIo } from './io';
import { departureTracker, loadBaseline } from './baseline';
import { checkOutputFile } from './file-args';
import { missingCountersLine } from './read-table';
import { eventTextLine } from './traffic-table';

/**
 * The line `watch` starts with: how many connections there are now and, with --filter or
 * --baseline, how many of them those let through (`5 of 120 connections (those matching --filter)`).
 */
export function watchHeader(o: { shown: number; total: number; source: string; intervalMs: number; filter: boolean; baseline: boolean }): string {
  const which = [o.filter && 'matching --filter', o.baseline && 'departing from the baseline'].filter(Boolean).join(' and ');
  const counted = which ? `${o.shown} of ${o.total} connections (those ${which})` : `${o.total} connections`;
  return `netmon: watching ${counted} from ${o.source} every ${o.intervalMs} ms; Ctrl-C stops\n`;
}

export async function runWatch(opts: WatchOptions, io: CliIo): Promise<number> {
  let departures: ReturnType<typeof departureTracker> | null = null;
  try {
    departures = opts.baseline ? departureTracker(loadBaseline(opts.baseline)) : null;
  } catch (e) {
    io.stderr(`netmon: ${(e as Error).message}\n`);
    return 2;
  }
  let recorder: Recorder | null = null;
  if (opts.record) {
    // A FILE that cannot be written is a usage error (exit 2), said before anything is watched.
    checkOutputFile(opts.record.path, 'recording');
    try {
      recorder = createRecorder(opts.record);
    } catch (e) {
      // The writer's errors name the file already.
      const why = e instanceof RecordingWriteError ? e.message : `cannot open recording ${opts.record.path}: ${(e as Error).message}`;
      io.stderr(`netmon: ${why}\n`);
      return 1;
    }
  }
  const source = io.createSource(opts.source, { tables: opts.tables ?? null });
  const engine = createEngine({ source, intervalMs: opts.intervalMs, now: io.now });
  // Every batch is stamped by the run's history before anything reads it, as the engine worker
  // stamps the app's (the same code): firstSeenAt / lastChangeAt / preexisting in every output.
  const history = createHistory({ keepEvents: false });
  const line = opts.json ? formatEventJsonLine : eventTextLine(opts);
  let failing = false;
  let started = false;
  const told = new Set<string>();
  let fatal: Error | null = null;

  /** The events the user asked for (departing from the baseline, matching the filter). */
  const select = (events: readonly ConnectionEvent[]): readonly ConnectionEvent[] => {
    const departing = departures ? departures.filter(events) : events;
    const filter = opts.filter;
    return filter ? departing.filter((e) => eventMatches(filter, e)) : departing;
  };
  // With a filter, later batches go through the filtered stream's rule (shared/filter-stream.ts).
  const reported = opts.filter ? reportedEvents(opts.filter) : null;
  const deliver = (shown: readonly ConnectionEvent[]): void => {
    if (shown.length === 0) return;
    if (!opts.quiet) io.stdout(shown.map(line).join(''));
    recorder?.record(shown);
  };

  const onBatch = (b: EventBatch): void => {
    if (b.status.lastError !== null) {
      io.stderr(`netmon: poll failed: ${b.status.lastError} (trying again in ${opts.intervalMs} ms)\n`);
      failing = true;
      return;
    }
    if (failing) io.stderr('netmon: polling works again\n');
    // Standing notices (e.g. owners hidden without root): each said once per run. A filter that
    // reads traffic from a source without counters can never match: said once as well, as top says it.
    const counters = opts.traffic ? missingCountersLine(b.status) : null;
    for (const line of [...(b.status.notices ?? []).map((n) => `netmon: ${n}\n`), ...(counters ? [counters] : [])]) {
      if (told.has(line)) continue;
      told.add(line);
      io.stderr(line);
    }
    failing = false;
    if (b.full) {
      const all = b.connections ?? [];
      departures?.reset(all);
      // The table now, as the events --initial reports; what of it the filter and baseline let through.
      const shown = select(all.map((connection): ConnectionEvent => ({ type: 'opened', time: b.time, connection })));
      if (!started) io.stderr(watchHeader({ shown: shown.length, total: all.length, source: b.status.source, intervalMs: opts.intervalMs, filter: opts.filter !== null, baseline: departures !== null }));
      started = true;
      reported?.start(all);
      // The first table is the baseline, reported only on request.
      if (opts.initial) deliver(shown);
      return;
    }
    if (!reported) return deliver(select(b.events));
    const shown = reported.events(departures ? departures.filter(b.events) : b.events);
    // Rows that came to match or stopped matching through counters alone: judged by the baseline too.
    const moved = reported.moved(b);
    deliver([...shown, ...(departures ? departures.filter(moved) : moved)]);
  };

  const finished = new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    else io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  const stopController = new AbortController();
  const unsubscribe = engine.onBatch((b) => {
    if (fatal) return;
    try {
      onBatch(history.apply(b));
    } catch (e) {
      // A recording that can no longer be written (disk full, removed directory) ends the watch.
      fatal = e as Error;
      stopController.abort();
    }
  });
  const stopped = new Promise<void>((resolve) => stopController.signal.addEventListener('abort', () => resolve(), { once: true }));
  engine.start();
  await Promise.race([finished, stopped]);
  engine.stop();
  unsubscribe();
  source.close?.();
  try {
    recorder?.close();
  } catch (e) {
    fatal ??= e as Error;
  }
  if (fatal) {
    io.stderr(`netmon: ${(fatal as Error).message}\n`);
    return 1;
  }
  return 0;
}
