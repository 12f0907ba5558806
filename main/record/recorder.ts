// Writes connection events to a rotating recording as NDJSON (one event a line) or CSV (header per file).
import type { ConnectionEvent } from '../../shared/connection';
import { csvLine, EVENT_CSV_HEADER, formatEventCsvLine, formatEventJsonLine } from '../../shared/format';
import { createRotatingWriter, type RotatingWriter, type WriterFs } from './rotating-writer';

import type { RecordingFormat } from '../../shared/recording-reader';
export type { RecordingFormat };

export interface RecorderOptions {
  path: string;
  format?: RecordingFormat;
  maxBytes?: number;
  maxFiles?: number;
  /** File system calls for the writer (tests); default node:fs. */
  fs?: WriterFs;
}

export interface Recorder {
  readonly path: string;
  readonly format: RecordingFormat;
  record(events: readonly ConnectionEvent[]): void;
  close(): void;
}

export function createRecorder(opts: RecorderOptions): Recorder {
  const format = opts.format ?? 'ndjson';
  const line = format === 'csv' ? formatEventCsvLine : formatEventJsonLine;
  const writer: RotatingWriter = createRotatingWriter({
    path: opts.path,
    maxBytes: opts.maxBytes,
    maxFiles: opts.maxFiles,
    header: format === 'csv' ? csvLine(EVENT_CSV_HEADER) : undefined,
    // A torn CSV record cut inside a quoted cell is closed first, so its open quote cannot swallow the next records.
    endTornLine: format === 'csv' ? (tail) => (tail.split('"').length % 2 === 0 ? '"\r\n' : '\r\n') : () => '\n',
    fs: opts.fs,
  });
  return {
    path: opts.path,
    format,
    record(events) {
      // Line by line, so that rotation happens between events and never splits one.
      for (const e of events) writer.write(line(e));
    },
    close: () => writer.close(),
  };
}
