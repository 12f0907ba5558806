// Reads recordings from disk through the one recording reader (shared/recording-reader.ts), as a
// stream: memory stays bounded by one chunk plus one line whatever the file's size.
import { createReadStream, existsSync } from 'node:fs';
import type { ConnectionEvent } from '../../shared/connection';
import { describeRecording, notARecording, RecordingParser, type RecordingSummary } from '../../shared/recording-reader';
import { DEFAULT_MAX_FILES, fsErrorText, rotatedPath } from './rotating-writer';

/** A recording that cannot be read at all: the message names the file and says why. */
export class RecordingError extends Error {
  override name = 'RecordingError';
}

export interface RecordingRead {
  events: ConnectionEvent[];
  summary: RecordingSummary;
  /** What was skipped (bad records, a torn last record), naming file and line; null when read clean. */
  notice: string | null;
}

const CHUNK_BYTES = 256 * 1024;

/**
 * Streams one recording file (NDJSON or CSV) to onEvent in file order. Bad records are skipped and
 * summarised; rejects with RecordingError (file named) when the file cannot be opened or read, or
 * when nothing in it is an event.
 */
export async function streamRecording(path: string, onEvent: (e: ConnectionEvent) => void): Promise<RecordingSummary> {
  const parser = new RecordingParser(onEvent);
  try {
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK_BYTES });
    for await (const chunk of stream) {
      parser.push(chunk as string);
      if (parser.hopeless) {
        stream.destroy();
        break;
      }
    }
  } catch (e) {
    const s = parser.summary();
    throw new RecordingError(
      `cannot read recording ${path}: ${fsErrorText(e)}` +
        (s.chars > 0 ? ` (after ${s.events} events, ${s.lines} lines)` : ''),
      { cause: e },
    );
  }
  const summary = parser.end();
  const bad = notARecording(path, summary);
  if (bad) throw new RecordingError(bad);
  return summary;
}

/** All events of one recording file, in file order, with what was skipped. */
export async function readRecording(path: string): Promise<RecordingRead> {
  const events: ConnectionEvent[] = [];
  const summary = await streamRecording(path, (e) => events.push(e));
  return { events, summary, notice: describeRecording(path, summary) };
}

/** The files of a rotated recording that exist, oldest first (FILE.n … FILE.1, FILE). */
export function recordingFiles(path: string, maxFiles = DEFAULT_MAX_FILES + 100): string[] {
  const out: string[] = [];
  for (let g = maxFiles - 1; g >= 1; g--) if (existsSync(rotatedPath(path, g))) out.push(rotatedPath(path, g));
  if (existsSync(path)) out.push(path);
  return out;
}

/** Every event of a rotated recording, oldest first, with each file's notice (null ones left out). */
export async function readRecordingSet(path: string): Promise<{ events: ConnectionEvent[]; notices: string[] }> {
  const files = recordingFiles(path);
  if (files.length === 0) throw new RecordingError(`no recording at ${path}`);
  const events: ConnectionEvent[] = [];
  const notices: string[] = [];
  // One file at a time: reading them all at once would hold every file's events twice.
  for (const f of files) {
    const summary = await streamRecording(f, (e) => events.push(e));
    const n = describeRecording(f, summary);
    if (n) notices.push(n);
  }
  return { events, notices };
}
