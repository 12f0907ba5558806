// `netmon replay FILE…`: prints the events of recordings (NDJSON or CSV, as `watch --output` and
// the app's Record button write them) as `watch` prints live ones, filtered. Streams each file
// through the one recording reader, so a recording of any size is read in bounded memory.
import type { CompiledFilter } from '../../shared/filter';
import { FILTER_HELP } from '../../shared/filter-help';
import { filterStream } from '../../shared/filter-stream';
import { csvLine, EVENT_CSV_HEADER, formatEventCsvLine, formatEventJsonLine } from '../../shared/format';
import { describeRecording } from '../../shared/recording-reader';
import { RecordingError, streamRecording } from '../record/read-recording';
import { checkInputFile } from './file-args';
import type { CliIo } from './io';
import { eventTextLine } from './traffic-table';

export interface ReplayOptions {
  /** Recording files, read in this order (for a rotated set: FILE.2 FILE.1 FILE). */
  files: string[];
  output: 'text' | 'json' | 'csv';
  filter: CompiledFilter | null;
  utc: boolean;
  date: boolean;
  /** Text lines end with the connection's traffic (--traffic, or the filter reads a traffic field). */
  traffic: boolean;
}

export const REPLAY_HELP = `Usage: netmon replay FILE... [--json | --csv] [--filter EXPR] [--traffic] [--utc] [--date]

Prints the events of recordings made by \`netmon watch --output\` or the app's Record button
(NDJSON or CSV, told apart by their content) the way \`netmon watch\` prints live events:
text lines by default, one JSON event a line with --json, CSV with a header row with --csv.
Files are read in the order given (a rotated set oldest first: FILE.2 FILE.1 FILE), streamed,
so their size does not matter. Records that are not events are skipped and reported on
stderr with file, line and field; a last record cut off mid-write is skipped and said so.

Exit codes: 0 every file was read (skipped records are reported, not fatal), 1 a file holds
no events at all or could not be read to its end, 2 bad usage (also a FILE that is missing,
not a regular file or not readable: checked before anything is printed).

Options:
  --json              NDJSON output
  --csv               CSV output (RFC 4180; formula-like cells prefixed with ')
  -f, --filter EXPR   only events matching EXPR, by watch's rule (netmon watch --help)
  --traffic           text lines end with the connection's traffic, as watch prints it
                      (implied when --filter reads a traffic field)
  --utc               print text times in UTC (suffixed Z) instead of local time
  --date              print the date and zone in text lines
  -h, --help          this help

${FILTER_HELP}
`;

/** Output is gathered and written in pieces of about this many characters, not a write per event. */
const FLUSH_CHARS = 64 * 1024;

export async function runReplay(opts: ReplayOptions, io: CliIo): Promise<number> {
  const line =
    opts.output === 'json'
      ? formatEventJsonLine
      : opts.output === 'csv'
        ? formatEventCsvLine
        : eventTextLine(opts);
  let pending = opts.output === 'csv' ? csvLine(EVENT_CSV_HEADER) : '';
  const flush = (): void => {
    if (pending !== '') io.stdout(pending);
    pending = '';
  };
  // Every FILE is checked before anything is printed: a missing one is a usage error (exit 2).
  for (const file of opts.files) checkInputFile(file, 'recording');
  // One stream over the files in order (a rotated set is one recording): watch's rule, so a
  // connection shown and then leaving the filter is said to, and its close is shown.
  const stream = opts.filter ? filterStream(opts.filter) : null;
  let failed = false;
  for (const file of opts.files) {
    if (io.stop.aborted) break;
    try {
      const summary = await streamRecording(file, (e) => {
        for (const shown of stream ? stream.events([e]) : [e]) pending += line(shown);
        if (pending.length >= FLUSH_CHARS) flush();
      });
      flush();
      const notice = describeRecording(file, summary);
      if (notice) io.stderr(`netmon: ${notice}\n`);
      if (summary.events === 0) {
        // As the help says: a file with no events at all (an empty one included) is a failure.
        io.stderr(`netmon: ${file} holds no events (${summary.lines} line${summary.lines === 1 ? '' : 's'} read)\n`);
        failed = true;
      }
    } catch (e) {
      flush();
      if (!(e instanceof RecordingError)) throw e;
      io.stderr(`netmon: ${e.message}\n`);
      failed = true;
    }
  }
  flush();
  return failed ? 1 : 0;
}
