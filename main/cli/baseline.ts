// `netmon baseline save FILE`: marks what is normal on this machine (listeners by process and
// port, outbound destinations by process) as a JSON file that `snapshot --baseline FILE` and
// `watch --baseline FILE` — here or on another machine — compare against.
import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { checkOutputFile, readInputFile } from './file-args';
import { hostname } from 'node:os';
import { compileBaseline, listenerPorts, makeBaseline, parseBaseline, type BaselineMatcher } from '../../shared/baseline';
import type { Connection, ConnectionEvent } from '../../shared/connection';
import type { CompiledFilter } from '../../shared/filter';
import type { CliIo, TableSourceOptions } from './io';
import { readTableOnce } from './read-table';
import { tablesHelp, TWO_POLL_INTERVAL_HELP, twoPollsNote } from './help';

export interface BaselineSaveOptions extends TableSourceOptions {
  file: string;
  filter: CompiledFilter | null;
  /** Poll once this long (ms) before the read that is saved, so rate and limited: terms can match; null: one poll. */
  warmUpMs?: number | null;
}

export const BASELINE_HELP = `Usage: netmon baseline save FILE [--filter EXPR] [--interval MS] [--source KIND] [--tables MODE]

Marks what is normal now and writes it to FILE (JSON): listeners by process, protocol, address
and port; outbound connections by process and remote address:port (ephemeral local ports are
ignored); UDP sockets on ephemeral ports by process. Copy the file to other machines to share it.

Afterwards:
  netmon snapshot --baseline FILE   only the connections that depart from it
  netmon watch --baseline FILE      only events whose connection departs from it
A connection departs when it is a new listener, a new destination for its process, or an
ephemeral UDP socket of a new process. Connections accepted by a baselined listener are normal.
A --filter on traffic with a source that has no counters (the procfs backend) is said on stderr.

${twoPollsNote()}
Options:
  -f, --filter EXPR  mark only connections matching EXPR (netmon snapshot --help)
  -i, --interval MS  ${TWO_POLL_INTERVAL_HELP}
  --source KIND      auto (default), linux, windows, demo
${tablesHelp(21)}
  -h, --help         this help
`;

/** Reads and compiles a baseline file; throws FileArgError (cannot read) or an Error naming the file (not a baseline). */
export function loadBaseline(path: string): BaselineMatcher {
  // 64 MiB holds well over the 100,000 entries per list a baseline may have.
  return compileBaseline(parseBaseline(readInputFile(path, 64 * 1024 * 1024, 'baseline'), path));
}

/** Keeps only rows departing from the baseline (judged against the whole table's listeners). */
export function departingRows(m: BaselineMatcher, table: readonly Connection[], rows: readonly Connection[] = table): Connection[] {
  const listening = listenerPorts(table);
  return rows.filter((c) => m.departure(c, listening) !== null);
}

/**
 * For `watch`: an event filter that follows the table's listeners through the stream (an accepted
 * connection is normal only while its listener exists). Feed it the first full table, then each batch's events.
 */
export function departureTracker(m: BaselineMatcher) {
  // Listener ids per `family|port`: adding a listener seen twice (the --initial replay) changes nothing.
  const listeners = new Map<string, Set<string>>();
  const key = (c: Connection) => `${c.family}|${c.localPort}`;
  const isListener = (c: Connection | null | undefined) => !!c && c.protocol === 'tcp' && c.state === 'LISTEN';
  const add = (c: Connection) => {
    const ids = listeners.get(key(c)) ?? new Set<string>();
    ids.add(c.id);
    listeners.set(key(c), ids);
  };
  const remove = (c: Connection) => {
    const ids = listeners.get(key(c));
    ids?.delete(c.id);
    if (ids && ids.size === 0) listeners.delete(key(c));
  };
  const listening = { has: (k: string) => listeners.has(k) } as Set<string>;
  return {
    reset(table: readonly Connection[]): void {
      listeners.clear();
      for (const c of table) if (isListener(c)) add(c);
    },
    /** Updates the listener set with the events and returns those whose connection departs. */
    filter(events: readonly ConnectionEvent[]): ConnectionEvent[] {
      for (const e of events) {
        const wasListener = e.type === 'changed' ? e.previousState === 'LISTEN' : e.type === 'closed' && isListener(e.connection);
        if (e.type === 'opened' && isListener(e.connection)) add(e.connection);
        if (e.type === 'changed' && isListener(e.connection) && !wasListener) add(e.connection);
        if (wasListener && (e.type === 'closed' || !isListener(e.connection))) remove(e.connection);
      }
      return events.filter((e) => m.departure(e.connection, listening) !== null);
    },
  };
}

/** Writes `text` to `path` atomically (temp file + rename), so a crash never leaves half a baseline. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, 'w', 0o644);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export async function runBaselineSave(opts: BaselineSaveOptions, io: CliIo): Promise<number> {
  const now = io.now ?? Date.now;
  // Before the table is read: a FILE that cannot be written is a usage error, not a lost read.
  checkOutputFile(opts.file, 'baseline');
  const read = await readTableOnce(opts.source, io, { ranges: true, warmUpMs: opts.warmUpMs, tables: opts.tables, readsTraffic: opts.filter?.readsTraffic });
  if (!read) return 1;
  if (read.stopped) {
    io.stderr(`netmon: stopped before the second poll: ${opts.file} not written\n`);
    return 0;
  }
  const ranges = read.last.ranges.ranges;
  const all = read.last.connections;
  const rows = opts.filter ? all.filter((c) => opts.filter!.match(c)) : all;
  const baseline = makeBaseline(rows, ranges.tcp, now(), hostname());
  try {
    writeAtomic(opts.file, `${JSON.stringify(baseline, null, 2)}\n`);
  } catch (e) {
    io.stderr(`netmon: cannot write baseline ${opts.file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`);
    return 1;
  }
  io.stderr(
    `netmon: baseline ${opts.file}: ${baseline.listeners.length} listeners, ${baseline.outbound.length} destinations, ${baseline.ephemeral.length} ephemeral UDP owners\n`,
  );
  return 0;
}
